// The virtual card's command processing (EMV Book 3 §6.5, Book 2 §6-§9).
#include "posim/emv/virtual_card.h"

#include <algorithm>
#include <string>

#include "posim/emv/crypto/cryptogram.h"
#include "posim/emv/crypto/oda.h"
#include "posim/emv/crypto/pin_block.h"
#include "posim/emv/crypto/pki.h"
#include "posim/emv/crypto/rsa_pin.h"
#include "posim/emv/dol.h"
#include "posim/emv/status_words.h"
#include "posim/emv/tag_dictionary.h"
#include "posim/emv/tlv.h"

#include "virtual_card_image.h"

namespace posim::emv {
namespace {

constexpr std::uint16_t kSwSecureMessagingIncorrect = 0x6988;
constexpr std::uint16_t kSwIncorrectP1P2 = 0x6A86;

// CID b8-b7 (Book 3 §6.5.5.4).
constexpr std::uint8_t kAcAac = 0x00;
constexpr std::uint8_t kAcTc = 0x40;
constexpr std::uint8_t kAcArqc = 0x80;

constexpr std::string_view kPseName = "1PAY.SYS.DDF01";
constexpr std::string_view kPpseName = "2PAY.SYS.DDF01";
constexpr std::size_t kScriptMacLength = 8;
constexpr std::uint8_t kLogSfi = 11;
constexpr std::size_t kLogEntries = 10;

ResponseApdu sw(std::uint16_t word) {
  return ResponseApdu{{}, word};
}
ResponseApdu ok(Bytes data) {
  return ResponseApdu{std::move(data), kSwOk};
}

bool isVisa(crypto::Cvn cvn) {
  return cvn == crypto::Cvn::kVisa10 || cvn == crypto::Cvn::kVisa18 || cvn == crypto::Cvn::kVisa22;
}

Bytes atcBytes(std::uint16_t atc) {
  return writeBigEndian(atc, 2);
}

std::uint64_t bcdAmount(ByteView value) {
  std::uint64_t out = 0;
  for (std::uint8_t b : value) {
    const unsigned hi = b >> 4;
    const unsigned lo = b & 0x0F;
    if (hi > 9 || lo > 9) return 0;
    out = out * 100 + hi * 10 + lo;
  }
  return out;
}

bool equalsText(ByteView bytes, std::string_view text) {
  return bytes.size() == text.size() &&
         std::equal(bytes.begin(), bytes.end(), text.begin(),
                    [](std::uint8_t b, char c) { return b == static_cast<std::uint8_t>(c); });
}

// CVR AC-type codes (VIS 1.5 / M/Chip): 00 AAC, 01 TC, 10 ARQC (1st) or "not requested" (2nd).
std::uint8_t acTypeCode(std::uint8_t ac_type) {
  switch (ac_type) {
    case kAcTc: return 0x01;
    case kAcArqc: return 0x02;
    default: return 0x00;
  }
}

}  // namespace

std::string commandName(std::uint8_t cla, std::uint8_t ins) {
  (void)cla;  // the EMV instruction bytes are unambiguous across CLA 00/80/84/04
  switch (ins) {
    case kInsSelect: return "SELECT";
    case kInsReadRecord: return "READ RECORD";
    case kInsGetProcessingOptions: return "GET PROCESSING OPTIONS";
    case kInsGenerateAc: return "GENERATE AC";
    case kInsGetData: return "GET DATA";
    case kInsVerify: return "VERIFY";
    case kInsInternalAuthenticate: return "INTERNAL AUTHENTICATE";
    case kInsExternalAuthenticate: return "EXTERNAL AUTHENTICATE";
    case kInsGetChallenge: return "GET CHALLENGE";
    case kInsGetResponse: return "GET RESPONSE";
    case kInsApplicationBlock: return "APPLICATION BLOCK";
    case kInsApplicationUnblock: return "APPLICATION UNBLOCK";
    case kInsCardBlock: return "CARD BLOCK";
    case kInsPinChangeUnblock: return "PIN CHANGE/UNBLOCK";
    case kInsPutData: return "PUT DATA";
    default: return "UNKNOWN";
  }
}

Bytes VirtualCard::answerToReset() {
  // T=0, direct convention, 2 historical bytes.
  return hexBytes("3B6500002063CB6600");
}

VirtualCard::VirtualCard(std::shared_ptr<const CardImage> image, std::optional<CardState> state,
                         std::uint64_t seed)
    : image_(std::move(image)),
      state_(state ? std::move(*state) : initialCardState(image_->profile)),
      random_(seed) {
  if (state_.applications.size() != image_->applications.size()) {
    state_.applications.resize(image_->applications.size());
  }
}

Result<VirtualCard> VirtualCard::create(const CardProfile& profile, std::optional<CardState> state,
                                        std::uint64_t seed) {
  if (state && state->applications.size() != profile.applications.size()) {
    return invalidArgument(
        "card " + profile.id + ": saved state has " + std::to_string(state->applications.size()) +
        " applications, the profile " + std::to_string(profile.applications.size()));
  }
  POSIM_ASSIGN_OR_RETURN(std::shared_ptr<const CardImage> image, personalise(profile));
  return VirtualCard(std::move(image), std::move(state), seed);
}

const CardProfile& VirtualCard::profile() const {
  return image_->profile;
}

void VirtualCard::setFault(CardFault fault) {
  fault_ = std::move(fault);
  removed_ = false;
  if (fault_.pin_try_limit_exceeded) state_.pin_tries_remaining = 0;
}

Result<Bytes> VirtualCard::powerOn(CardInterface interface) {
  if (fault_.mute) return unavailable("card is mute: no answer to reset");
  if (removed_) return unavailable("card removed");
  if (!image_->profile.has_chip) return unavailable("card has no chip (magnetic stripe only)");
  powered_ = true;
  apdus_since_power_on_ = 0;
  command_counts_.clear();
  session_ = Session{};
  session_.interface = interface;
  pending_response_.clear();
  return answerToReset();
}

void VirtualCard::powerOff() {
  if (powered_ && session_.generate_ac_count == 1 && session_.first_ac_type == kAcArqc &&
      session_.application >= 0 && session_.interface == CardInterface::kContact) {
    // An online transaction that never saw its second GENERATE AC.
    state_.applications[static_cast<std::size_t>(session_.application)].last_online_not_completed =
        true;
  }
  powered_ = false;
  session_ = Session{};
}

Result<Bytes> VirtualCard::transceive(ByteView command) {
  if (fault_.mute) return unavailable("card is mute: no response");
  if (removed_) return unavailable("card removed");
  if (!powered_) return failedPrecondition("card is not powered: call powerOn first");
  if (fault_.remove_after_apdus && apdus_since_power_on_ >= *fault_.remove_after_apdus) {
    removed_ = true;
    powered_ = false;
    return unavailable("card removed after " + std::to_string(apdus_since_power_on_) + " APDUs");
  }
  auto parsed = CommandApdu::parse(command);
  if (!parsed.isOk()) {
    ++apdus_since_power_on_;
    return sw(kSwWrongLength).serialize();
  }
  const std::string name = commandName(parsed->cla, parsed->ins);
  int count = 1;
  auto it = std::find_if(command_counts_.begin(), command_counts_.end(),
                         [&](const auto& entry) { return entry.first == name; });
  if (it == command_counts_.end()) {
    command_counts_.emplace_back(name, 1);
  } else {
    count = ++it->second;
  }
  if (!fault_.remove_at_command.empty() && fault_.remove_at_command == name &&
      count == fault_.remove_at_occurrence) {
    removed_ = true;
    powered_ = false;
    return unavailable("card removed during " + name);
  }
  ++apdus_since_power_on_;
  if (!fault_.unexpected_status_command.empty() && fault_.unexpected_status_command == name) {
    return sw(fault_.unexpected_status_word).serialize();
  }
  if (image_->profile.t0_get_response && parsed->ins == kInsGetResponse && parsed->cla == 0x00) {
    if (pending_response_.empty()) return sw(kSwConditionsNotSatisfied).serialize();
    const std::size_t wanted = parsed->le.value_or(0) == 0 ? 256 : *parsed->le;
    const std::size_t n = std::min(wanted, pending_response_.size());
    ResponseApdu out = ok(Bytes(pending_response_.begin(),
                                pending_response_.begin() + static_cast<std::ptrdiff_t>(n)));
    pending_response_.erase(pending_response_.begin(),
                            pending_response_.begin() + static_cast<std::ptrdiff_t>(n));
    if (!pending_response_.empty()) {
      out.sw1sw2 = static_cast<std::uint16_t>(
          0x6100 | std::min<std::size_t>(pending_response_.size(), 0xFF) % 0x100);
    }
    return out.serialize();
  }
  pending_response_.clear();
  ResponseApdu response = process(*parsed, command);
  if (image_->profile.t0_get_response && response.sw1sw2 == kSwOk && !response.data.empty() &&
      parsed->isoCase() == 4) {
    // T=0 case 4: the card answers 61xx and keeps the data for GET RESPONSE.
    pending_response_ = std::move(response.data);
    return sw(static_cast<std::uint16_t>(0x6100 | (pending_response_.size() & 0xFF))).serialize();
  }
  return response.serialize();
}

bool VirtualCard::applicationBlocked() const {
  if (session_.application < 0) return false;
  return fault_.blocked_application ||
         state_.applications[static_cast<std::size_t>(session_.application)].blocked;
}

ResponseApdu VirtualCard::process(const CommandApdu& command, ByteView raw) {
  const std::uint8_t cla = command.cla;
  if (cla != 0x00 && cla != 0x80 && cla != 0x84 && cla != 0x04 && cla != 0x8C && cla != 0x0C) {
    return sw(kSwClaNotSupported);
  }
  const bool secure_messaging = (cla & 0x0C) != 0;
  if (secure_messaging) return issuerScriptCommand(command, raw);
  switch (command.ins) {
    case kInsSelect: return select(command);
    case kInsGetProcessingOptions: return getProcessingOptions(command);
    case kInsReadRecord: return readRecord(command);
    case kInsGetData: return getData(command);
    case kInsVerify: return verify(command);
    case kInsGetChallenge: return getChallenge();
    case kInsInternalAuthenticate: return internalAuthenticate(command);
    case kInsGenerateAc: return generateAc(command);
    case kInsExternalAuthenticate: return externalAuthenticate(command);
    case kInsApplicationBlock:
    case kInsApplicationUnblock:
    case kInsCardBlock:
    case kInsPinChangeUnblock:
    case kInsPutData:
      // Issuer script commands need secure messaging (Book 3 §6.5: CLA 84 / 04).
      return sw(kSwSecurityStatusNotSatisfied);
    default: return sw(kSwInsNotSupported);
  }
}

// ---- SELECT (Book 1 §11.3, §12) ----

ResponseApdu VirtualCard::select(const CommandApdu& command) {
  if (command.p1 != 0x04) return sw(kSwIncorrectP1P2);
  if (state_.card_blocked) return sw(kSwFunctionNotSupported);
  const CardProfile& profile = image_->profile;
  const bool contactless = session_.interface == CardInterface::kContactless;
  const CardInterface interface = session_.interface;
  const ByteView name = command.data;

  if (equalsText(name, kPseName) || equalsText(name, kPpseName)) {
    const bool ppse = equalsText(name, kPpseName);
    session_ = Session{};
    session_.interface = interface;
    if (ppse != contactless || (!ppse && !profile.pse)) return sw(kSwFileNotFound);
    TlvBuilder fci;
    fci.open(kTag6FFciTemplate).add(kTag84DfName, name).open(kTagA5FciProprietaryTemplate);
    if (!ppse) {
      if (image_->pse_records.empty()) return sw(kSwFileNotFound);
      fci.add(kTag88ShortFileIdentifier, {0x01});
      fci.add(kTag5F2DLanguagePreference, asBytes(profile.applications[0].language_preference));
      session_.pse_selected = true;
    } else {
      fci.open(kTagBF0CFciIssuerDiscretionaryData);
      bool any = false;
      for (const CardApplication& app : profile.applications) {
        if (!app.contactless.enabled) continue;
        any = true;
        fci.open(kTag61ApplicationTemplate).add(kTag4FApplicationIdentifier, app.aid);
        fci.add(kTag50ApplicationLabel, asBytes(app.label));
        if (app.priority) fci.add(kTag87ApplicationPriorityIndicator, {*app.priority});
        fci.add(kTag9F2AKernelIdentifier, {static_cast<std::uint8_t>(app.contactless.kernel)});
        fci.close();
      }
      fci.close();
      if (!any) return sw(kSwFileNotFound);
      session_.ppse_selected = true;
    }
    fci.close().close();
    return ok(fci.take());
  }

  // SELECT by AID, exact or partial (the name is a prefix of the AID), first or next occurrence.
  const bool next = (command.p2 & 0x03) == 0x02;
  std::size_t start = 0;
  if (next && session_.application >= 0 &&
      std::equal(name.begin(), name.end(), session_.last_select_name.begin(),
                 session_.last_select_name.end())) {
    start = static_cast<std::size_t>(session_.application) + 1;
  }
  session_ = Session{};
  session_.interface = interface;
  for (std::size_t i = start; i < profile.applications.size(); ++i) {
    const CardApplication& app = profile.applications[i];
    if (contactless ? !app.contactless.enabled : !app.contact) continue;
    if (name.empty() || name.size() > app.aid.size() ||
        !std::equal(name.begin(), name.end(), app.aid.begin())) {
      continue;
    }
    session_.application = static_cast<int>(i);
    session_.last_select_name.assign(name.begin(), name.end());
    const InterfaceImage& iface =
        contactless ? image_->applications[i].contactless : image_->applications[i].contact;
    TlvBuilder fci;
    fci.open(kTag6FFciTemplate).add(kTag84DfName, app.aid).open(kTagA5FciProprietaryTemplate);
    fci.add(kTag50ApplicationLabel, asBytes(app.label));
    if (app.priority) fci.add(kTag87ApplicationPriorityIndicator, {*app.priority});
    if (!iface.pdol.empty()) fci.add(kTag9F38Pdol, iface.pdol);
    fci.add(kTag5F2DLanguagePreference, asBytes(app.language_preference));
    if (!app.preferred_name.empty()) {
      fci.add(kTag9F12ApplicationPreferredName, asBytes(app.preferred_name));
    }
    if (!app.log_format.empty()) {
      fci.open(kTagBF0CFciIssuerDiscretionaryData)
          .add(kTag9F4DLogEntry, {kLogSfi, static_cast<std::uint8_t>(kLogEntries)})
          .close();
    }
    fci.close().close();
    ResponseApdu response = ok(fci.take());
    if (applicationBlocked()) response.sw1sw2 = kSwSelectedFileInvalidated;
    return response;
  }
  return sw(kSwFileNotFound);
}

// ---- GET PROCESSING OPTIONS (Book 3 §6.5.8, §10.1) ----

void VirtualCard::storeTransactionData(ByteView dol, ByteView data) {
  const DolParseResult parsed = parseDol(dol);
  auto values = splitDolData(parsed.entries, data);
  if (!values.isOk()) return;
  for (const DolValue& v : *values) {
    auto it = std::find_if(session_.transaction_data.begin(), session_.transaction_data.end(),
                           [&](const auto& e) { return e.first == v.entry.tag; });
    if (it == session_.transaction_data.end()) {
      session_.transaction_data.emplace_back(v.entry.tag, Bytes(v.value.begin(), v.value.end()));
    } else {
      it->second.assign(v.value.begin(), v.value.end());
    }
  }
}

void VirtualCard::logTransaction(std::uint8_t cid) {
  const std::size_t index = static_cast<std::size_t>(session_.application);
  const CardApplication& app = image_->profile.applications[index];
  if (app.log_format.empty()) return;
  ApplicationState& st = state_.applications[index];
  const Bytes atc = atcBytes(st.atc);
  const Bytes cid_byte{cid};
  const DolParseResult format = parseDol(app.log_format);
  Bytes entry = buildDolData(
      format.entries,
      [&](Tag tag) -> std::optional<ByteView> {
        if (tag == kTag9F36ApplicationTransactionCounter) return ByteView(atc);
        if (tag == kTag9F27CryptogramInformationData) return ByteView(cid_byte);
        const ByteView v = transactionValue(tag);
        if (v.empty()) return std::nullopt;
        return v;
      },
      [](Tag tag) {
        const TagInfo* info = findTag(tag);
        return info != nullptr ? info->format : TagFormat::kB;
      });
  st.log.insert(st.log.begin(), std::move(entry));
  if (st.log.size() > kLogEntries) st.log.resize(kLogEntries);
}

ByteView VirtualCard::transactionValue(Tag tag) const {
  for (const auto& [t, value] : session_.transaction_data) {
    if (t == tag) return value;
  }
  return {};
}

ResponseApdu VirtualCard::getProcessingOptions(const CommandApdu& command) {
  if (session_.application < 0 || session_.gpo_done) return sw(kSwConditionsNotSatisfied);
  if (command.p1 != 0 || command.p2 != 0) return sw(kSwIncorrectP1P2);
  const std::size_t index = static_cast<std::size_t>(session_.application);
  const bool contactless = session_.interface == CardInterface::kContactless;
  const InterfaceImage& iface =
      contactless ? image_->applications[index].contactless : image_->applications[index].contact;
  // 83 L pdol-data, with L the PDOL's total length (6700 otherwise).
  TlvReader reader(command.data);
  TlvItem item;
  if (!reader.next(item) || item.tag != kTag83CommandTemplate || item.truncated() ||
      item.offset != 0 || item.valueOffset() + item.value.size() != command.data.size()) {
    return sw(kSwWrongLength);
  }
  const ByteView pdol_data = item.value;
  const DolParseResult pdol = parseDol(iface.pdol);
  if (pdol_data.size() != dolDataLength(pdol.entries)) return sw(kSwWrongLength);
  ApplicationState& app_state = state_.applications[index];
  if (app_state.atc == 0xFFFF) return sw(kSwConditionsNotSatisfied);
  ++app_state.atc;
  session_.gpo_done = true;
  session_.pdol_data.assign(pdol_data.begin(), pdol_data.end());
  storeTransactionData(iface.pdol, pdol_data);
  const CardApplication& app = image_->profile.applications[index];
  if (contactless && (app.contactless.kernel == ContactlessKernel::kQvsdc ||
                      app.contactless.kernel == ContactlessKernel::kQuickPass)) {
    return qvsdcGpo();
  }
  if (app.response_format == ResponseFormat::kFormat1) {
    Bytes value = iface.aip;
    append(value, iface.afl);
    return ok(encodeTlv(kTag80ResponseMessageTemplateFormat1, value));
  }
  return ok(TlvBuilder()
                .open(kTag77ResponseMessageTemplateFormat2)
                .add(kTag82ApplicationInterchangeProfile, iface.aip)
                .add(kTag94ApplicationFileLocator, iface.afl)
                .close()
                .take());
}

// ---- READ RECORD (Book 3 §6.5.11) ----

ResponseApdu VirtualCard::readRecord(const CommandApdu& command) {
  if ((command.p2 & 0x07) != 0x04 || command.p1 == 0) return sw(kSwIncorrectP1P2);
  const std::uint8_t sfi = static_cast<std::uint8_t>(command.p2 >> 3);
  if (session_.pse_selected) {
    if (sfi != 1) return sw(kSwFileNotFound);
    for (const ImageRecord& r : image_->pse_records) {
      if (r.number == command.p1) return ok(r.bytes);
    }
    return sw(kSwRecordNotFound);
  }
  if (session_.application < 0) return sw(kSwConditionsNotSatisfied);
  const std::size_t index = static_cast<std::size_t>(session_.application);
  if (sfi == kLogSfi && !image_->profile.applications[index].log_format.empty()) {
    const std::vector<Bytes>& log = state_.applications[index].log;
    if (command.p1 > log.size()) return sw(kSwRecordNotFound);
    return ok(log[command.p1 - 1u]);
  }
  const InterfaceImage& iface = session_.interface == CardInterface::kContactless
                                    ? image_->applications[index].contactless
                                    : image_->applications[index].contact;
  for (const ImageRecord& r : iface.records) {
    if (r.sfi != sfi || r.number != command.p1) continue;
    if (!fault_.corrupted_certificate || iface.certificate_tag == 0) return ok(r.bytes);
    Bytes bytes = r.bytes;
    const TlvDecodeResult decoded = decodeTlv(bytes);
    if (const TlvNode* node = findTlv(decoded.nodes, iface.certificate_tag)) {
      bytes[node->valueOffset() + node->value.size() / 2] ^= 0x5A;
    }
    return ok(std::move(bytes));
  }
  return sw(kSwRecordNotFound);
}

// ---- GET DATA (Book 3 §6.5.7) ----

ResponseApdu VirtualCard::getData(const CommandApdu& command) {
  const Tag tag = static_cast<Tag>(command.p1) << 8 | command.p2;
  if (session_.application < 0) return sw(kSwReferencedDataNotFound);
  const std::size_t index = static_cast<std::size_t>(session_.application);
  const ApplicationState& app_state = state_.applications[index];
  const CardApplication& app = image_->profile.applications[index];
  for (const auto& [t, value] : app_state.put_data) {
    if (t == tag) return ok(encodeTlv(tag, value));
  }
  switch (tag) {
    case kTag9F36ApplicationTransactionCounter: return ok(encodeTlv(tag, atcBytes(app_state.atc)));
    case kTag9F13LastOnlineAtcRegister:
      return ok(encodeTlv(tag, atcBytes(app_state.last_online_atc)));
    case kTag9F17PinTryCounter:
      if (state_.offline_pin.empty()) break;
      return ok(encodeTlv(tag, Bytes{state_.pin_tries_remaining}));
    case kTag9F4FLogFormat:
      if (app.log_format.empty()) break;
      return ok(encodeTlv(tag, app.log_format));
    case kTag9F14LowerConsecutiveOfflineLimit:
      if (!app.lower_consecutive_offline_limit) break;
      return ok(encodeTlv(tag, Bytes{*app.lower_consecutive_offline_limit}));
    case kTag9F23UpperConsecutiveOfflineLimit:
      if (!app.upper_consecutive_offline_limit) break;
      return ok(encodeTlv(tag, Bytes{*app.upper_consecutive_offline_limit}));
    default: break;
  }
  return sw(kSwReferencedDataNotFound);
}

// ---- VERIFY and GET CHALLENGE (Book 3 §6.5.12, §6.5.6; Book 2 §7.2) ----

ResponseApdu VirtualCard::getChallenge() {
  session_.challenge = random_.bytes(8);
  return ok(session_.challenge);
}

ResponseApdu VirtualCard::verify(const CommandApdu& command) {
  if (command.p1 != 0x00) return sw(kSwIncorrectP1P2);
  if (state_.offline_pin.empty()) return sw(kSwFunctionNotSupported);
  if (command.p2 != static_cast<std::uint8_t>(PinQualifier::kPlaintext) &&
      command.p2 != static_cast<std::uint8_t>(PinQualifier::kEnciphered)) {
    return sw(kSwIncorrectP1P2);
  }
  const bool enciphered = command.p2 == static_cast<std::uint8_t>(PinQualifier::kEnciphered);
  Bytes block;
  if (enciphered) {
    const Bytes challenge = std::move(session_.challenge);
    session_.challenge.clear();
    if (image_->profile.pki.icc_key.empty() || challenge.empty()) {
      return sw(kSwConditionsNotSatisfied);
    }
    auto deciphered =
        crypto::decipherPinBlock(image_->profile.pki.icc_key, command.data, challenge);
    if (!deciphered) return sw(kSwIncorrectData);
    block = std::move(*deciphered);
  } else {
    if (command.data.size() != 8) return sw(kSwWrongLength);
    block = command.data;
  }
  if (state_.pin_tries_remaining == 0) return sw(kSwAuthenticationMethodBlocked);
  session_.pin_verify_performed = true;
  session_.pin_enciphered = enciphered;
  auto pin = crypto::extractPin(crypto::PinBlockFormat::kIso2, block);
  if (pin.isOk() && *pin == state_.offline_pin) {
    state_.pin_tries_remaining = image_->profile.pin_try_limit;
    session_.pin_verified = true;
    session_.pin_failed = false;
    return sw(kSwOk);
  }
  --state_.pin_tries_remaining;
  session_.pin_failed = true;
  session_.pin_verified = false;
  return sw(static_cast<std::uint16_t>(0x63C0 | (state_.pin_tries_remaining & 0x0F)));
}

// ---- INTERNAL AUTHENTICATE (Book 3 §6.5.9, Book 2 §6.5.1) ----

ResponseApdu VirtualCard::internalAuthenticate(const CommandApdu& command) {
  if (session_.application < 0) return sw(kSwConditionsNotSatisfied);
  const std::size_t index = static_cast<std::size_t>(session_.application);
  const CardApplication& app = image_->profile.applications[index];
  if (app.oda != OdaMethod::kDda && app.oda != OdaMethod::kCda) return sw(kSwInsNotSupported);
  if (command.p1 != 0 || command.p2 != 0) return sw(kSwIncorrectP1P2);
  const Bytes number = random_.bytes(8);
  auto dynamic = crypto::ddaIccDynamicData(number);
  if (!dynamic.isOk()) return sw(kSwConditionsNotSatisfied);
  auto sdad =
      crypto::signDynamicApplicationData(image_->profile.pki.icc_key, *dynamic, command.data);
  if (!sdad.isOk()) return sw(kSwWrongLength);
  session_.dda_performed = true;
  if (app.response_format == ResponseFormat::kFormat1) {
    return ok(encodeTlv(kTag80ResponseMessageTemplateFormat1, *sdad));
  }
  return ok(TlvBuilder()
                .open(kTag77ResponseMessageTemplateFormat2)
                .add(kTag9F4BSignedDynamicApplicationData, *sdad)
                .close()
                .take());
}

// ---- Card verification results and IAD (VIS 1.5 Annex A, M/Chip 4 CVR) ----

Bytes VirtualCard::cardVerificationResults(std::uint8_t ac_type, bool second) const {
  const std::size_t index = static_cast<std::size_t>(session_.application);
  const ApplicationState& st = state_.applications[index];
  const CardApplication& app = image_->profile.applications[index];
  const std::uint8_t first_code =
      acTypeCode(session_.generate_ac_count == 0 ? ac_type : session_.first_ac_type);
  const std::uint8_t second_code = second ? acTypeCode(ac_type) : 0x02;
  const bool pin_limit = !state_.offline_pin.empty() && state_.pin_tries_remaining == 0;
  const std::uint8_t scripts = static_cast<std::uint8_t>(std::min<int>(st.script_commands, 15));
  if (isVisa(app.keys.cvn)) {
    Bytes cvr(4, 0);
    cvr[0] = 0x03;
    cvr[1] = static_cast<std::uint8_t>(second_code << 6 | first_code << 4);
    if (session_.issuer_authentication_performed && !session_.issuer_authentication_ok) {
      cvr[1] |= 0x08;
    }
    if (session_.pin_verify_performed) cvr[1] |= 0x04;
    if (session_.pin_failed) cvr[1] |= 0x02;
    if (session_.unable_to_go_online) cvr[1] |= 0x01;
    if (st.last_online_not_completed) cvr[2] |= 0x80;
    if (pin_limit) cvr[2] |= 0x40;
    if (session_.velocity_exceeded) cvr[2] |= 0x20;
    if (st.last_online_atc == 0) cvr[2] |= 0x10;
    if (st.issuer_authentication_failed) cvr[2] |= 0x08;
    if (second && !session_.unable_to_go_online && !session_.issuer_authentication_performed) {
      cvr[2] |= 0x04;
    }
    cvr[3] = static_cast<std::uint8_t>(scripts << 4);
    if (st.script_failed) cvr[3] |= 0x08;
    if (session_.dda_performed) cvr[3] |= 0x02;
    return cvr;
  }
  Bytes cvr(6, 0);
  cvr[0] = static_cast<std::uint8_t>(second_code << 6 | first_code << 4);
  if (session_.pin_verify_performed) cvr[0] |= 0x04;
  if (session_.pin_verify_performed && session_.pin_enciphered) cvr[0] |= 0x02;
  if (session_.pin_verified) cvr[0] |= 0x01;
  if (session_.dda_performed) cvr[1] |= 0x80;
  if (session_.cda_first) cvr[1] |= 0x40;
  if (session_.cda_second) cvr[1] |= 0x20;
  if (session_.issuer_authentication_performed) cvr[1] |= 0x10;
  if (session_.velocity_exceeded) cvr[2] |= 0x80;
  if (st.issuer_authentication_failed) cvr[2] |= 0x04;
  if (scripts > 0) cvr[2] |= 0x02;
  if (st.script_failed) cvr[2] |= 0x01;
  cvr[3] = static_cast<std::uint8_t>((scripts & 0x0F) << 4 | (state_.pin_tries_remaining & 0x0F));
  if (pin_limit) cvr[4] |= 0x02;
  if (st.last_online_not_completed) cvr[4] |= 0x01;
  return cvr;
}

Bytes VirtualCard::issuerApplicationData(std::uint8_t ac_type, bool second) const {
  const std::size_t index = static_cast<std::size_t>(session_.application);
  const CardApplication& app = image_->profile.applications[index];
  const Bytes cvr = cardVerificationResults(ac_type, second);
  Bytes iad;
  if (isVisa(app.keys.cvn)) {
    iad = {0x06, app.keys.derivation_key_index, crypto::cvnNumber(app.keys.cvn)};
    append(iad, cvr);
    return iad;
  }
  const ApplicationState& st = state_.applications[index];
  iad = {app.keys.derivation_key_index, crypto::cvnNumber(app.keys.cvn)};
  append(iad, cvr);
  append(iad, Bytes{0x00, 0x00});  // ICC dynamic number / DAC
  // Counters (M/Chip CVN 17/21): consecutive offline count, cumulative offline amount.
  iad.push_back(st.consecutive_offline);
  iad.push_back(0x00);
  append(iad, writeBigEndian(st.cumulative_offline_amount, 6));
  return iad;
}

Result<Bytes> VirtualCard::computeCryptogram(ByteView iad) {
  const std::size_t index = static_cast<std::size_t>(session_.application);
  const CardApplication& app = image_->profile.applications[index];
  const InterfaceImage& iface = session_.interface == CardInterface::kContactless
                                    ? image_->applications[index].contactless
                                    : image_->applications[index].contact;
  const crypto::Cvn cvn = app.keys.cvn;
  // Values absent from the CDOL/PDOL data count as zeros (Book 3 §5.4 padding).
  auto field = [&](Tag tag, std::size_t length) {
    Bytes out;
    appendDolValue(out, transactionValue(tag), length, TagFormat::kB);
    return out;
  };
  crypto::AcInputData data;
  data.amount_authorised = field(kTag9F02AmountAuthorised, 6);
  data.amount_other = field(kTag9F03AmountOther, 6);
  data.terminal_country = field(kTag9F1ATerminalCountryCode, 2);
  data.tvr = field(kTag95TerminalVerificationResults, 5);
  data.currency = field(kTag5F2ATransactionCurrencyCode, 2);
  data.date = field(kTag9ATransactionDate, 3);
  data.type = field(kTag9CTransactionType, 1);
  data.un = field(kTag9F37UnpredictableNumber, 4);
  data.aip = iface.aip;
  data.atc = atcBytes(state_.applications[index].atc);
  data.iad.assign(iad.begin(), iad.end());
  POSIM_ASSIGN_OR_RETURN(crypto::IadParts parts, crypto::splitIssuerApplicationData(cvn, iad));
  data.cvr = parts.cvr;
  data.counters = parts.counters;
  POSIM_ASSIGN_OR_RETURN(Bytes input, crypto::buildAcInput(cvn, data));
  POSIM_ASSIGN_OR_RETURN(crypto::ApplicationCryptogram ac,
                         crypto::generateApplicationCryptogram(
                             cvn, image_->applications[index].icc_mk_ac, data.atc, data.un, input));
  if (fault_.wrong_cryptogram) {
    for (std::uint8_t& b : ac.ac) b = static_cast<std::uint8_t>(~b);
  }
  return ac.ac;
}

// ---- EXTERNAL AUTHENTICATE (Book 3 §6.5.4, Book 2 §8.2) ----

bool VirtualCard::issuerAuthentication(ByteView issuer_authentication_data) {
  const std::size_t index = static_cast<std::size_t>(session_.application);
  const CardApplication& app = image_->profile.applications[index];
  session_.issuer_authentication_performed = true;
  const Bytes atc = atcBytes(state_.applications[index].atc);
  auto key = crypto::deriveArpcKey(app.keys.cvn, image_->applications[index].icc_mk_ac, atc,
                                   transactionValue(kTag9F37UnpredictableNumber));
  bool good = false;
  if (key.isOk()) {
    auto verified =
        crypto::verifyIssuerAuthenticationData(crypto::cvnProfile(app.keys.cvn).arpc_method, *key,
                                               session_.arqc, issuer_authentication_data);
    good = verified.isOk() && *verified;
  }
  session_.issuer_authentication_ok = good;
  // Persisted at once: the card may be pulled out before the second GENERATE AC.
  state_.applications[index].issuer_authentication_failed = !good;
  return good;
}

ResponseApdu VirtualCard::externalAuthenticate(const CommandApdu& command) {
  if (session_.application < 0 || session_.generate_ac_count != 1 ||
      session_.first_ac_type != kAcArqc || session_.issuer_authentication_performed) {
    return sw(kSwConditionsNotSatisfied);
  }
  if (command.data.size() < 8 || command.data.size() > 16) return sw(kSwWrongLength);
  return issuerAuthentication(command.data) ? sw(kSwOk) : sw(kSwAuthenticationFailed);
}

// ---- GENERATE AC (Book 3 §6.5.5, §9; Book 2 §6.6 CDA, §8.1) ----

ResponseApdu VirtualCard::generateAc(const CommandApdu& command) {
  if (session_.application < 0 || !session_.gpo_done || session_.generate_ac_count >= 2 ||
      (session_.generate_ac_count == 1 && session_.first_ac_type != kAcArqc)) {
    return sw(kSwConditionsNotSatisfied);
  }
  const std::uint8_t requested = command.p1 & 0xC0;
  if (requested == 0xC0 || command.p2 != 0) return sw(kSwIncorrectP1P2);
  const bool cda_requested = (command.p1 & kGenerateAcCdaRequested) != 0;
  const bool second = session_.generate_ac_count == 1;
  const std::size_t index = static_cast<std::size_t>(session_.application);
  const CardApplication& app = image_->profile.applications[index];
  ApplicationState& st = state_.applications[index];
  const Bytes& dol = second ? app.cdol2 : app.cdol1;
  const DolParseResult parsed = parseDol(dol);
  if (command.data.size() != dolDataLength(parsed.entries)) return sw(kSwWrongLength);
  storeTransactionData(dol, command.data);
  const std::uint64_t amount = bcdAmount(transactionValue(kTag9F02AmountAuthorised));
  const bool contact = session_.interface == CardInterface::kContact;

  auto offlineLimitsAllow = [&](bool upper) {
    const auto& limit =
        upper ? app.upper_consecutive_offline_limit : app.lower_consecutive_offline_limit;
    Tag tag = upper ? kTag9F23UpperConsecutiveOfflineLimit : kTag9F14LowerConsecutiveOfflineLimit;
    std::optional<std::uint8_t> value = limit;
    for (const auto& [t, v] : st.put_data) {
      if (t == tag && v.size() == 1) value = v[0];
    }
    bool allowed = !value || st.consecutive_offline < *value;
    if (app.cumulative_offline_limit &&
        st.cumulative_offline_amount + amount > *app.cumulative_offline_limit) {
      allowed = false;
    }
    if (!allowed) session_.velocity_exceeded = true;
    return allowed;
  };

  std::uint8_t decision = kAcAac;
  if (!second) {
    if (applicationBlocked() || requested == kAcAac) {
      decision = kAcAac;
    } else if (requested == kAcArqc) {
      decision = kAcArqc;
    } else {
      // Card risk management (Book 3 §10.8, VIS/M-Chip CRM): reasons to go online instead.
      const bool pin_limit = !state_.offline_pin.empty() && state_.pin_tries_remaining == 0;
      const bool velocity_ok = offlineLimitsAllow(false);
      const bool online = st.issuer_authentication_failed || st.last_online_not_completed ||
                          pin_limit || session_.pin_failed || st.last_online_atc == 0 ||
                          !velocity_ok;
      decision = online ? kAcArqc : kAcTc;
    }
  } else {
    const ByteView arc = transactionValue(kTag8AAuthorisationResponseCode);
    session_.unable_to_go_online = equalsText(arc, "Y3") || equalsText(arc, "Z3");
    // Issuer Authentication Data carried in CDOL2 (when the terminal did not send EXTERNAL
    // AUTHENTICATE).
    const ByteView iad91 = transactionValue(kTag91IssuerAuthenticationData);
    if (!session_.unable_to_go_online && !session_.issuer_authentication_performed &&
        !iad91.empty() && std::any_of(iad91.begin(), iad91.end(), [](auto b) { return b != 0; })) {
      const std::size_t len =
          crypto::cvnProfile(app.keys.cvn).arpc_method == crypto::ArpcMethod::kMethod1
              ? std::min<std::size_t>(10, iad91.size())
              : iad91.size();
      issuerAuthentication(iad91.first(len));
    }
    if (applicationBlocked() || requested != kAcTc) {
      decision = kAcAac;
    } else if (session_.unable_to_go_online) {
      decision = offlineLimitsAllow(true) ? kAcTc : kAcAac;
    } else if (app.issuer_authentication_mandatory &&
               (!session_.issuer_authentication_performed || !session_.issuer_authentication_ok)) {
      decision = kAcAac;
    } else {
      decision = kAcTc;
    }
  }

  // Counters (the CVR shows the state before this command's update).
  const Bytes iad = issuerApplicationData(decision, second);
  auto ac = computeCryptogram(iad);
  if (!ac.isOk()) return sw(kSwConditionsNotSatisfied);
  if (!second) {
    session_.first_ac_type = decision;
    if (decision == kAcArqc) session_.arqc = *ac;
    if (decision == kAcTc) {
      ++st.consecutive_offline;
      st.cumulative_offline_amount += amount;
    }
    if (decision == kAcArqc && contact) st.last_online_not_completed = true;
    st.script_commands = 0;
    st.script_failed = false;
  } else {
    st.last_online_not_completed = false;
    if (session_.unable_to_go_online) {
      if (decision == kAcTc) {
        ++st.consecutive_offline;
        st.cumulative_offline_amount += amount;
      }
    } else if (decision == kAcTc) {
      st.last_online_atc = st.atc;
      st.consecutive_offline = 0;
      st.cumulative_offline_amount = 0;
      if (!session_.issuer_authentication_performed) st.issuer_authentication_failed = false;
    }
  }
  ++session_.generate_ac_count;
  if (second || decision != kAcArqc) logTransaction(decision);

  std::uint8_t cid = decision;
  if (decision == kAcAac && !state_.offline_pin.empty() && state_.pin_tries_remaining == 0) {
    cid |= 0x02;  // reason: PIN try limit exceeded
  } else if (decision == kAcAac && second && session_.issuer_authentication_performed &&
             !session_.issuer_authentication_ok) {
    cid |= 0x03;  // reason: issuer authentication failed
  }
  const Bytes atc = atcBytes(st.atc);
  const bool cda = cda_requested && app.oda == OdaMethod::kCda && decision != kAcAac;
  if (cda) {
    (second ? session_.cda_second : session_.cda_first) = true;
    if (!second) session_.cdol1_data = command.data;
    Bytes tlvs = TlvBuilder()
                     .add(kTag9F27CryptogramInformationData, {cid})
                     .add(kTag9F36ApplicationTransactionCounter, atc)
                     .take();
    const Bytes iad_tlv = encodeTlv(kTag9F10IssuerApplicationData, iad);
    Bytes hashed = tlvs;
    append(hashed, iad_tlv);
    const Bytes cdol2_data = second ? command.data : Bytes{};
    const Bytes hash = crypto::transactionDataHashCode(session_.pdol_data, session_.cdol1_data,
                                                       cdol2_data, hashed);
    const Bytes number = random_.bytes(8);
    auto dynamic = crypto::cdaIccDynamicData(number, cid, *ac, hash);
    if (!dynamic.isOk()) return sw(kSwConditionsNotSatisfied);
    auto sdad = crypto::signDynamicApplicationData(image_->profile.pki.icc_key, *dynamic,
                                                   transactionValue(kTag9F37UnpredictableNumber));
    if (!sdad.isOk()) return sw(kSwConditionsNotSatisfied);
    TlvBuilder out;
    out.open(kTag77ResponseMessageTemplateFormat2).addRaw(tlvs);
    out.add(kTag9F4BSignedDynamicApplicationData, *sdad).addRaw(iad_tlv).close();
    return ok(out.take());
  }
  if (!second) session_.cdol1_data = command.data;
  if (app.response_format == ResponseFormat::kFormat1) {
    Bytes value{cid};
    append(value, atc);
    append(value, *ac);
    append(value, iad);
    return ok(encodeTlv(kTag80ResponseMessageTemplateFormat1, value));
  }
  return ok(TlvBuilder()
                .open(kTag77ResponseMessageTemplateFormat2)
                .add(kTag9F27CryptogramInformationData, {cid})
                .add(kTag9F36ApplicationTransactionCounter, atc)
                .add(kTag9F26ApplicationCryptogram, *ac)
                .add(kTag9F10IssuerApplicationData, iad)
                .close()
                .take());
}

// ---- qVSDC-style GPO (DOMAIN.md §2, Book C-3): the card decides in GET PROCESSING OPTIONS ----

ResponseApdu VirtualCard::qvsdcGpo() {
  const std::size_t index = static_cast<std::size_t>(session_.application);
  const CardApplication& app = image_->profile.applications[index];
  const InterfaceImage& iface = image_->applications[index].contactless;
  ApplicationState& st = state_.applications[index];
  const ByteView ttq = transactionValue(kTag9F66TerminalTransactionQualifiers);
  const bool online_required = ttq.size() >= 2 && (ttq[1] & 0x80) != 0;
  const bool offline_only_reader = !ttq.empty() && (ttq[0] & 0x08) != 0;
  const bool cvm_required = ttq.size() >= 2 && (ttq[1] & 0x40) != 0;
  const bool reader_cdcvm = ttq.size() >= 3 && (ttq[2] & 0x40) != 0;
  const std::uint64_t amount = bcdAmount(transactionValue(kTag9F02AmountAuthorised));

  std::uint8_t decision = kAcArqc;
  if (applicationBlocked()) {
    decision = kAcAac;
  } else if (!online_required && app.contactless.offline_allowed && st.last_online_atc != 0) {
    bool allowed = !app.lower_consecutive_offline_limit ||
                   st.consecutive_offline < *app.lower_consecutive_offline_limit;
    if (app.cumulative_offline_limit &&
        st.cumulative_offline_amount + amount > *app.cumulative_offline_limit) {
      allowed = false;
    }
    if (allowed) decision = kAcTc;
  } else if (offline_only_reader && !app.contactless.offline_allowed) {
    decision = kAcAac;
  }
  const Bytes iad = issuerApplicationData(decision, false);
  auto ac = computeCryptogram(iad);
  if (!ac.isOk()) return sw(kSwConditionsNotSatisfied);
  session_.first_ac_type = decision;
  session_.generate_ac_count = 2;  // no GENERATE AC on this interface
  if (decision == kAcArqc) session_.arqc = *ac;
  if (decision == kAcTc) {
    ++st.consecutive_offline;
    st.cumulative_offline_amount += amount;
  }
  Bytes ctq = app.contactless.ctq.empty() ? Bytes{0x00, 0x00} : app.contactless.ctq;
  if (cvm_required && reader_cdcvm && app.contactless.cdcvm && ctq.size() >= 2) {
    ctq[1] |= 0x80;  // consumer device CVM performed
  }
  TlvBuilder out;
  out.open(kTag77ResponseMessageTemplateFormat2)
      .add(kTag82ApplicationInterchangeProfile, iface.aip)
      .add(kTag94ApplicationFileLocator, iface.afl)
      .add(kTag57Track2EquivalentData, image_->track2)
      .add(kTag5F34PanSequenceNumber, digitsToBcd(image_->profile.psn).valueOr(Bytes{0x00}))
      .add(kTag9F10IssuerApplicationData, iad)
      .add(kTag9F26ApplicationCryptogram, *ac)
      .add(kTag9F27CryptogramInformationData, {decision})
      .add(kTag9F36ApplicationTransactionCounter, atcBytes(st.atc))
      .add(kTag9F6CCardTransactionQualifiers, ctq);
  if (decision == kAcTc && (app.oda == OdaMethod::kDda || app.oda == OdaMethod::kCda)) {
    // fDDA: Card Authentication Related Data 9F69 = version 01 || card UN (4) || CTQ, and the
    // SDAD over UN || amount || currency || 9F69 (VCPS fDDA version 01 layout).
    Bytes card_data{0x01};
    append(card_data, random_.bytes(4));
    append(card_data, ctq);
    Bytes terminal_data(transactionValue(kTag9F37UnpredictableNumber).begin(),
                        transactionValue(kTag9F37UnpredictableNumber).end());
    append(terminal_data, transactionValue(kTag9F02AmountAuthorised));
    append(terminal_data, transactionValue(kTag5F2ATransactionCurrencyCode));
    append(terminal_data, card_data);
    auto dynamic = crypto::ddaIccDynamicData(atcBytes(st.atc));
    if (dynamic.isOk()) {
      auto sdad =
          crypto::signDynamicApplicationData(image_->profile.pki.icc_key, *dynamic, terminal_data);
      if (sdad.isOk()) {
        out.add(kTag9F69CardAuthenticationRelatedData, card_data);
        out.add(kTag9F4BSignedDynamicApplicationData, *sdad);
      }
    }
  }
  out.close();
  return ok(out.take());
}

// ---- Issuer script commands with secure messaging (Book 2 §9, Book 3 §10.10) ----

ResponseApdu VirtualCard::issuerScriptCommand(const CommandApdu& command, ByteView raw) {
  if (session_.application < 0 || session_.arqc.empty()) return sw(kSwConditionsNotSatisfied);
  const std::size_t index = static_cast<std::size_t>(session_.application);
  const CardApplication& app = image_->profile.applications[index];
  ApplicationState& st = state_.applications[index];
  const ApplicationImage& ai = image_->applications[index];
  auto fail = [&](std::uint16_t word) {
    st.script_failed = true;
    return sw(word);
  };
  if (command.data.size() < kScriptMacLength || ai.icc_mk_smi.empty()) {
    return fail(kSwSecureMessagingIncorrect);
  }
  const Bytes atc = atcBytes(st.atc);
  auto sk_smi = crypto::deriveScriptSessionKey(app.keys.cvn, ai.icc_mk_smi, atc, session_.arqc);
  if (!sk_smi.isOk()) return fail(kSwSecureMessagingIncorrect);
  const ByteView case3 = raw.first(5 + command.data.size());
  auto verified =
      crypto::verifyIssuerScriptCommand(*sk_smi, case3, atc, session_.arqc, kScriptMacLength);
  if (!verified.isOk() || !*verified) return fail(kSwSecureMessagingIncorrect);
  if (st.script_commands < 15) ++st.script_commands;
  const ByteView data = ByteView(command.data).first(command.data.size() - kScriptMacLength);
  switch (command.ins) {
    case kInsApplicationBlock: st.blocked = true; return sw(kSwOk);
    case kInsApplicationUnblock: st.blocked = false; return sw(kSwOk);
    case kInsCardBlock: state_.card_blocked = true; return sw(kSwOk);
    case kInsPinChangeUnblock: {
      if (command.p2 == 0x00) {
        state_.pin_tries_remaining = image_->profile.pin_try_limit;
        return sw(kSwOk);
      }
      if (command.p2 != 0x01 && command.p2 != 0x02) return fail(kSwIncorrectP1P2);
      if (ai.icc_mk_smc.empty()) return fail(kSwConditionsNotSatisfied);
      auto sk_smc = crypto::deriveScriptSessionKey(app.keys.cvn, ai.icc_mk_smc, atc, session_.arqc);
      if (!sk_smc.isOk()) return fail(kSwSecureMessagingIncorrect);
      const auto method = isVisa(app.keys.cvn) ? crypto::ScriptEncryption::kVisa
                                               : crypto::ScriptEncryption::kMastercard;
      auto clear = crypto::decryptScriptData(method, *sk_smc, data);
      if (!clear.isOk() || clear->size() < 8) return fail(kSwIncorrectData);
      auto pin = crypto::extractPin(crypto::PinBlockFormat::kIso2, ByteView(*clear).first(8));
      if (!pin.isOk()) return fail(kSwIncorrectData);
      state_.offline_pin = *pin;
      state_.pin_tries_remaining = image_->profile.pin_try_limit;
      return sw(kSwOk);
    }
    case kInsPutData: {
      const Tag tag = static_cast<Tag>(command.p1) << 8 | command.p2;
      auto it = std::find_if(st.put_data.begin(), st.put_data.end(),
                             [&](const auto& e) { return e.first == tag; });
      if (it == st.put_data.end()) {
        st.put_data.emplace_back(tag, Bytes(data.begin(), data.end()));
      } else {
        it->second.assign(data.begin(), data.end());
      }
      return sw(kSwOk);
    }
    default: return fail(kSwInsNotSupported);
  }
}

}  // namespace posim::emv
