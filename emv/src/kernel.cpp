// Kernel entry points, transport, data store, recording, application selection, GET PROCESSING
// OPTIONS and READ RECORD (EMV Book 1 §12, Book 3 §10.1-10.2).
#include "posim/emv/kernel.h"

#include <algorithm>
#include <set>
#include <utility>

#include "posim/base/pan.h"
#include "posim/emv/apdu_trace.h"
#include "posim/emv/describe.h"
#include "posim/emv/dol.h"
#include "posim/emv/status_words.h"
#include "posim/emv/tag_dictionary.h"

#include "kernel_internal.h"

namespace posim::emv {

std::string_view entryModeName(EntryMode mode) {
  switch (mode) {
    case EntryMode::kContact: return "chip";
    case EntryMode::kContactless: return "contactless";
    case EntryMode::kMagstripe: return "swipe";
  }
  return "?";
}

std::string_view pinKindName(PinKind kind) {
  switch (kind) {
    case PinKind::kOfflinePlaintext: return "offline plaintext PIN";
    case PinKind::kOfflineEnciphered: return "offline enciphered PIN";
    case PinKind::kOnline: return "online PIN";
  }
  return "?";
}

std::string_view outcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kApprovedOffline: return "approved offline";
    case Outcome::kApprovedOnline: return "approved online";
    case Outcome::kDeclinedOffline: return "declined offline";
    case Outcome::kDeclinedOnline: return "declined online";
    case Outcome::kTerminated: return "terminated";
    case Outcome::kNotAccepted: return "not accepted";
    case Outcome::kTryAnotherInterface: return "try another interface";
    case Outcome::kFallbackToMagstripe: return "fallback to magstripe";
    case Outcome::kUseChipReader: return "use chip reader";
    case Outcome::kCardError: return "card error";
  }
  return "?";
}

bool isApproved(Outcome outcome) {
  return outcome == Outcome::kApprovedOffline || outcome == Outcome::kApprovedOnline;
}

std::string_view cryptogramTypeName(CryptogramType type) {
  switch (type) {
    case CryptogramType::kAac: return "AAC";
    case CryptogramType::kTc: return "TC";
    case CryptogramType::kArqc: return "ARQC";
    case CryptogramType::kAar: return "AAR";
  }
  return "?";
}

int CandidateApplication::priorityOrder() const {
  const int p = priority.has_value() ? (*priority & 0x0F) : 0;
  return p == 0 ? 16 : p;
}

std::string formatExchange(const ApduExchange& exchange) {
  return formatApduExchange(exchange.command, exchange.response, 0);
}

Bytes KernelResult::find(Tag tag) const {
  auto it = data.find(tag);
  return it == data.end() ? Bytes{} : it->second;
}

Kernel::Kernel(const TerminalProfile& profile, KernelEnvironment environment)
    : profile_(profile), env_(environment) {}

KernelResult Kernel::run(Icc& icc, const TransactionInputs& inputs) {
  internal::KernelRun run(profile_, env_, icc, inputs);
  return run.run();
}

namespace internal {

Bytes numericBcd(std::uint64_t value, std::size_t bytes) {
  Bytes out(bytes, 0);
  for (std::size_t i = bytes; i-- > 0;) {
    const auto lo = static_cast<std::uint8_t>(value % 10);
    value /= 10;
    const auto hi = static_cast<std::uint8_t>(value % 10);
    value /= 10;
    out[i] = static_cast<std::uint8_t>((hi << 4) | lo);
  }
  return out;
}

Bytes amountBcd(std::int64_t minor_units) {
  return numericBcd(static_cast<std::uint64_t>(std::max<std::int64_t>(minor_units, 0)), 6);
}

std::optional<Date> decodeYymmdd(ByteView bcd) {
  if (bcd.size() != 3) return std::nullopt;
  auto digit = [&](std::size_t i) { return (bcd[i / 2] >> ((i % 2) ? 0 : 4)) & 0x0F; };
  for (std::size_t i = 0; i < 6; ++i) {
    if (digit(i) > 9) return std::nullopt;
  }
  const int yy = digit(0) * 10 + digit(1);
  const int mm = digit(2) * 10 + digit(3);
  const int dd = digit(4) * 10 + digit(5);
  // Book 3 §10.4.3: YY 00-49 is 20YY, 50-99 is 19YY.
  const Date date{std::chrono::year(yy < 50 ? 2000 + yy : 1900 + yy),
                  std::chrono::month(static_cast<unsigned>(mm)),
                  std::chrono::day(static_cast<unsigned>(dd))};
  if (!date.ok()) return std::nullopt;
  return date;
}

CryptogramType cryptogramTypeOf(std::uint8_t cid) {
  switch (cid & 0xC0) {
    case 0x40: return CryptogramType::kTc;
    case 0x80: return CryptogramType::kArqc;
    case 0xC0: return CryptogramType::kAar;
    default: return CryptogramType::kAac;
  }
}

namespace {

constexpr std::size_t kMaxRecordsPerSfi = 255;

bool isPinCommand(const CommandApdu& command) {
  return command.ins == kInsVerify || command.ins == kInsPinChangeUnblock;
}

Bytes bytesOf(ByteView view) {
  return Bytes(view.begin(), view.end());
}

Bytes asciiBytes(std::string_view text) {
  return Bytes(text.begin(), text.end());
}

}  // namespace

KernelRun::KernelRun(const TerminalProfile& profile, const KernelEnvironment& env, Icc& icc,
                     const TransactionInputs& inputs)
    : profile_(profile), env_(env), icc_(icc), inputs_(inputs) {}

// ---- Recording ----

void KernelRun::emit(TraceKind kind, std::string_view summary, ByteView data) {
  // Copies only for a listener: without one (load runs, benchmarks) tracing costs nothing.
  if (env_.events == nullptr) return;
  TraceEvent event;
  event.kind = kind;
  event.at = inputs_.at.instant;
  event.source = "kernel";
  event.summary = std::string(summary);
  event.data.assign(data.begin(), data.end());
  if (kind == TraceKind::kApduCommand || kind == TraceKind::kApduResponse) event.format = "apdu";
  env_.events->onEvent(event);
}

void KernelRun::beginStep(std::string name) {
  if (step_.has_value()) endStep();
  step_ = KernelStep{};
  step_->name = std::move(name);
  emit(TraceKind::kStateChange, step_->name, {});
}

void KernelRun::note(std::string decision) {
  if (!step_.has_value()) beginStep("kernel");
  if (!step_->decision.empty()) step_->decision += "; ";
  step_->decision += decision;
  emit(TraceKind::kNote, decision, {});
}

void KernelRun::endStep() {
  if (!step_.has_value()) return;
  step_->tvr = tvr_;
  step_->tsi = tsi_;
  result_.steps.push_back(std::move(*step_));
  step_.reset();
}

State KernelRun::finish(Outcome outcome, std::string reason) {
  if (!finished_) {
    finished_ = true;
    result_.outcome = outcome;
    result_.reason = reason;
    note(std::string(outcomeName(outcome)) + ": " + reason);
  }
  return State::kDone;
}

// ---- Data ----

const Bytes* KernelRun::get(Tag tag) const {
  auto it = data_.find(tag);
  return it == data_.end() ? nullptr : &it->second;
}

Bytes KernelRun::value(Tag tag) const {
  const Bytes* v = get(tag);
  return v == nullptr ? Bytes{} : *v;
}

void KernelRun::syncTvrTsi() {
  set(kTag95TerminalVerificationResults, tvr_.toBytes());
  set(kTag9BTransactionStatusInformation, tsi_.toBytes());
}

Bytes KernelRun::buildDol(ByteView dol) {
  syncTvrTsi();
  const DolParseResult parsed = parseDol(dol);
  if (!parsed.ok()) note("malformed DOL: " + parsed.diagnostics.front().message);
  return buildDolData(
      parsed.entries,
      [this](Tag tag) -> std::optional<ByteView> {
        const Bytes* v = get(tag);
        if (v == nullptr) return std::nullopt;
        return ByteView(*v);
      },
      [](Tag tag) {
        const TagInfo* info = findTag(tag);
        return info == nullptr ? TagFormat::kB : info->format;
      });
}

std::string KernelRun::panDigits() const {
  const Bytes* pan = get(kTag5AApplicationPan);
  if (pan != nullptr) {
    Result<std::string> digits = bcdToDigits(*pan);
    if (digits.isOk()) return *digits;
  }
  const Bytes* track2 = get(kTag57Track2EquivalentData);
  if (track2 != nullptr) {
    std::string hex = toHex(*track2);
    return hex.substr(0, hex.find('D'));
  }
  return {};
}

void KernelRun::setTerminalData() {
  const Bytes un =
      inputs_.unpredictable_number.has_value() && inputs_.unpredictable_number->size() == 4
          ? *inputs_.unpredictable_number
          : env_.random->bytes(4);
  set(kTag9F37UnpredictableNumber, un);
  set(kTag9F02AmountAuthorised, amountBcd(amountMinor()));
  set(kTag81AmountAuthorisedBinary,
      writeBigEndian(static_cast<std::uint64_t>(std::max<std::int64_t>(amountMinor(), 0)), 4));
  set(kTag9F03AmountOther,
      amountBcd(inputs_.other_amount.has_value() ? inputs_.other_amount->minorUnits() : 0));
  set(kTag5F2ATransactionCurrencyCode, numericBcd(inputs_.amount.currency().numeric, 2));
  set(kTag5F36TransactionCurrencyExponent,
      numericBcd(static_cast<std::uint64_t>(inputs_.amount.currency().exponent), 1));
  set(kTag9F1ATerminalCountryCode, numericBcd(profile_.country_code, 2));
  const Date date = inputs_.at.date();
  const auto yy = static_cast<std::uint64_t>(static_cast<int>(date.year()) % 100);
  set(kTag9ATransactionDate, numericBcd(yy * 10000 + static_cast<unsigned>(date.month()) * 100 +
                                            static_cast<unsigned>(date.day()),
                                        3));
  const auto seconds = static_cast<std::uint64_t>(inputs_.at.secondOfDay());
  set(kTag9F21TransactionTime,
      numericBcd((seconds / 3600) * 10000 + (seconds / 60 % 60) * 100 + seconds % 60, 3));
  set(kTag9CTransactionType, {inputs_.transaction_type});
  set(kTag9F35TerminalType, {profile_.terminal_type});  // n2, already BCD
  set(kTag9F33TerminalCapabilities, profile_.capabilities);
  set(kTag9F40AdditionalTerminalCapabilities, profile_.additional_capabilities);
  set(kTag9F1EIfdSerialNumber, asciiBytes(profile_.ifd_serial_number));
  set(kTag9F16MerchantIdentifier, asciiBytes(profile_.merchant_id));
  set(kTag9F1CTerminalIdentification, asciiBytes(profile_.terminal_id));
  set(kTag9F4EMerchantNameAndLocation, asciiBytes(profile_.merchant_name_location));
  if (Result<Bytes> mcc = digitsToBcd(profile_.merchant_category_code); mcc.isOk()) {
    set(kTag9F15MerchantCategoryCode, *mcc);
  }
  set(kTag9F41TransactionSequenceCounter, numericBcd(inputs_.sequence_counter, 4));
  std::uint8_t pos_entry = 0x05;
  if (inputs_.entry_mode == EntryMode::kContactless) pos_entry = 0x07;
  if (inputs_.entry_mode == EntryMode::kMagstripe) pos_entry = inputs_.fallback ? 0x80 : 0x90;
  set(kTag9F39PosEntryMode, {pos_entry});
  set(kTag9F34CvmResults, CvmResults::noCvmPerformed().toBytes());
  syncTvrTsi();
}

// ---- Transport ----

std::optional<ResponseApdu> KernelRun::transmit(const CommandApdu& command) {
  Result<Bytes> serialized = command.serialize();
  if (!serialized.isOk()) {
    finish(Outcome::kTerminated,
           "could not build " + command.describe() + ": " + serialized.status().message());
    return std::nullopt;
  }
  const bool pin = isPinCommand(command);
  // PIN blocks never leave the kernel: the trace and step log carry the header only.
  ApduExchange record{pin ? Bytes(serialized->begin(), serialized->begin() + 4) : *serialized,
                      {},
                      command.describe(),
                      {}};
  const std::string& name = record.command_name;
  emit(TraceKind::kApduCommand, name, record.command);
  Result<Bytes> raw = icc_.transceive(*serialized);
  if (!raw.isOk()) {
    record.status = raw.status().toString();
    if (env_.events != nullptr) emit(TraceKind::kNote, "card failed: " + record.status, {});
    const std::string reason = name + ": " + raw.status().message();
    if (step_.has_value()) step_->exchanges.push_back(std::move(record));
    finish(Outcome::kCardError, reason);
    return std::nullopt;
  }
  Result<ResponseApdu> response = ResponseApdu::parse(*raw);
  if (!response.isOk()) {
    record.status = "malformed response " + toHex(*raw);
    emit(TraceKind::kApduResponse, record.status, *raw);
    const std::string reason =
        "card error: " + name + " answered " + toHex(*raw) + " (no status word)";
    record.response = std::move(raw).value();
    if (step_.has_value()) step_->exchanges.push_back(std::move(record));
    finish(Outcome::kTerminated, reason);
    return std::nullopt;
  }
  record.status = response->describe();
  emit(TraceKind::kApduResponse, record.status, *raw);
  record.response = std::move(raw).value();
  if (step_.has_value()) step_->exchanges.push_back(std::move(record));
  return std::move(response).value();
}

std::optional<ResponseApdu> KernelRun::exchange(const CommandApdu& command) {
  // T=0 procedure of Book 1 §9.3.1: 61xx -> GET RESPONSE xx; 6Cxx -> repeat with Le = xx. A
  // case 4 command answered by a warning (62xx/63xx) without data is followed by GET RESPONSE
  // and keeps the warning.
  auto resolve = [this](CommandApdu cmd) -> std::optional<ResponseApdu> {
    Bytes collected;
    for (int guard = 0; guard < 16; ++guard) {
      std::optional<ResponseApdu> r = transmit(cmd);
      if (!r.has_value()) return std::nullopt;
      if (r->sw1() == 0x6C) {
        cmd.le = r->sw2();
        continue;
      }
      append(collected, r->data);
      if (r->sw1() == 0x61) {
        cmd = CommandApdu::getResponse(r->sw2());
        continue;
      }
      r->data = collected;
      return r;
    }
    finish(Outcome::kTerminated, "card error: endless 61xx/6Cxx chain on " + cmd.describe());
    return std::nullopt;
  };
  std::optional<ResponseApdu> response = resolve(command);
  if (!response.has_value()) return std::nullopt;
  if (command.isoCase() == 4 && response->data.empty() &&
      (response->sw1() == 0x62 || response->sw1() == 0x63)) {
    std::optional<ResponseApdu> more = resolve(CommandApdu::getResponse(0x00));
    if (!more.has_value()) return std::nullopt;
    if (more->isSuccess()) response->data = more->data;
  }
  return response;
}

// ---- The run ----

KernelResult KernelRun::run() {
  result_.entry_mode = inputs_.entry_mode;
  result_.fallback = inputs_.fallback;
  if (env_.random == nullptr) std::abort();  // REQUIRES of KernelEnvironment
  setTerminalData();
  switch (inputs_.entry_mode) {
    case EntryMode::kMagstripe: runMagstripe(); break;
    case EntryMode::kContactless: runContactless(); break;
    case EntryMode::kContact: {
      using Step = State (KernelRun::*)();
      struct Row {
        State state;
        Step step;
      };
      static constexpr Row kSteps[] = {
          {State::kPowerOn, &KernelRun::powerOn},
          {State::kBuildCandidates, &KernelRun::buildCandidates},
          {State::kFinalSelect, &KernelRun::finalSelect},
          {State::kInitiate, &KernelRun::initiateApplicationProcessing},
          {State::kReadRecords, &KernelRun::readApplicationData},
          {State::kOfflineDataAuthentication, &KernelRun::offlineDataAuthentication},
          {State::kProcessingRestrictions, &KernelRun::processingRestrictions},
          {State::kCardholderVerification, &KernelRun::cardholderVerification},
          {State::kTerminalRiskManagement, &KernelRun::terminalRiskManagement},
          {State::kActionAnalysis, &KernelRun::terminalActionAnalysis},
          {State::kOnlineProcessing, &KernelRun::onlineProcessing},
          {State::kCompletion, &KernelRun::completion},
      };
      State state = State::kPowerOn;
      for (int guard = 0; state != State::kDone && !finished_ && guard < 64; ++guard) {
        const Row* row = std::find_if(std::begin(kSteps), std::end(kSteps),
                                      [state](const Row& r) { return r.state == state; });
        state = (this->*(row->step))();
      }
      if (!finished_) finish(Outcome::kTerminated, "kernel state machine did not complete");
      break;
    }
  }
  endStep();
  icc_.powerOff();
  syncTvrTsi();
  result_.tvr = tvr_;
  result_.tsi = tsi_;
  if (const Bytes* cvm = get(kTag9F34CvmResults); cvm != nullptr) {
    if (Result<CvmResults> parsed = CvmResults::parse(*cvm); parsed.isOk()) {
      result_.cvm_results = *parsed;
    }
  }
  if (result_.cvm.empty()) result_.cvm = "no CVM";
  const std::string pan = panDigits();
  if (!pan.empty()) result_.masked_pan = maskPan(pan);
  result_.data = std::move(data_);  // run() is the last use of this KernelRun
  return std::move(result_);
}

// ---- Power on ----

State KernelRun::powerOn() {
  beginStep("power on");
  Result<Bytes> atr = icc_.powerOn(CardInterface::kContact);
  if (!atr.isOk()) {
    // A chip that cannot be read allows a magstripe fallback (DOMAIN.md §4.3 DE 22 = 80).
    return finish(Outcome::kFallbackToMagstripe,
                  "the chip did not answer to reset (" + atr.status().message() + ")");
  }
  note("ATR " + toHex(*atr));
  return State::kBuildCandidates;
}

// ---- Application selection (Book 1 §12) ----

bool KernelRun::readPseDirectory(bool& terminate) {
  std::optional<ResponseApdu> fci = exchange(CommandApdu::selectPse());
  if (!fci.has_value()) {
    terminate = true;
    return false;
  }
  if (fci->sw1sw2 == kSwFunctionNotSupported) {
    terminate = true;
    finish(Outcome::kTerminated, "card blocked or SELECT not supported (6A81)");
    return false;
  }
  if (!fci->isSuccess()) {
    note("PSE not usable (" + fci->describe() + "): list of AIDs");
    return false;
  }
  const TlvDecodeResult tree = decodeTlv(fci->data);
  const TlvNode* sfi = findTlv(tree.nodes, kTag88ShortFileIdentifier);
  if (sfi == nullptr || sfi->value.size() != 1 || sfi->value[0] < 1 || sfi->value[0] > 10) {
    note("PSE FCI without a valid SFI (88): list of AIDs");
    return false;
  }
  const std::uint8_t dir_sfi = sfi->value[0];
  for (std::uint8_t record = 1; record < kMaxRecordsPerSfi; ++record) {
    Result<CommandApdu> read = CommandApdu::readRecord(dir_sfi, record);
    if (!read.isOk()) break;
    std::optional<ResponseApdu> r = exchange(*read);
    if (!r.has_value()) {
      terminate = true;
      return false;
    }
    if (r->sw1sw2 == kSwRecordNotFound) break;
    if (!r->isSuccess()) {
      note("PSE directory read failed (" + r->describe() + "): list of AIDs");
      candidates_.clear();
      return false;
    }
    const TlvDecodeResult rec = decodeTlv(r->data, {.single_object = true});
    if (rec.nodes.empty() || rec.nodes.front().tag != kTag70RecordTemplate) {
      note("PSE record " + std::to_string(record) + " is not a 70 template: list of AIDs");
      candidates_.clear();
      return false;
    }
    for (const TlvNode& entry : rec.nodes.front().children) {
      if (entry.tag != kTag61ApplicationTemplate) continue;
      const TlvNode* aid = entry.findChild(kTag4FApplicationIdentifier);
      if (aid == nullptr) continue;
      CandidateApplication candidate;
      candidate.aid = bytesOf(aid->value);
      if (const TlvNode* n = entry.findChild(kTag50ApplicationLabel))
        candidate.label = asString(n->value);
      if (const TlvNode* n = entry.findChild(kTag9F12ApplicationPreferredName)) {
        candidate.preferred_name = asString(n->value);
      }
      if (const TlvNode* n = entry.findChild(kTag87ApplicationPriorityIndicator);
          n != nullptr && n->value.size() == 1) {
        candidate.priority = n->value[0];
      }
      if (profile_.findApplication(candidate.aid) == nullptr) {
        note("PSE lists " + toHex(candidate.aid) + ": not supported by the terminal");
        continue;
      }
      note("PSE lists " + toHex(candidate.aid) + " (" + candidate.label + "): candidate");
      candidates_.push_back(std::move(candidate));
    }
  }
  return !candidates_.empty();
}

bool KernelRun::selectByAidList(bool& terminate) {
  for (const TerminalApplication& app : profile_.applications) {
    if (inputs_.entry_mode == EntryMode::kContactless && !app.contactless_enabled) continue;
    SelectOccurrence occurrence = SelectOccurrence::kFirst;
    for (int guard = 0; guard < 32; ++guard) {
      std::optional<ResponseApdu> r = exchange(CommandApdu::selectByName(app.aid, occurrence));
      if (!r.has_value()) {
        terminate = true;
        return false;
      }
      if (r->sw1sw2 == kSwFunctionNotSupported) {
        terminate = true;
        finish(Outcome::kTerminated, "card blocked or SELECT not supported (6A81)");
        return false;
      }
      if (!r->isSuccess() && r->sw1sw2 != kSwSelectedFileInvalidated) break;
      const TlvDecodeResult fci = decodeTlv(r->data);
      const TlvNode* df = findTlv(fci.nodes, kTag84DfName);
      if (df == nullptr) break;
      const Bytes df_name = bytesOf(df->value);
      const bool exact = df_name == app.aid;
      const bool partial = !exact && df_name.size() > app.aid.size() &&
                           std::equal(app.aid.begin(), app.aid.end(), df_name.begin());
      if (r->sw1sw2 == kSwSelectedFileInvalidated) {
        note(toHex(df_name) + " is blocked (6283): not a candidate");
      } else if (exact || (partial && app.partial_selection)) {
        CandidateApplication candidate;
        candidate.aid = df_name;
        if (const TlvNode* n = findTlv(fci.nodes, kTag50ApplicationLabel)) {
          candidate.label = asString(n->value);
        }
        if (const TlvNode* n = findTlv(fci.nodes, kTag9F12ApplicationPreferredName)) {
          candidate.preferred_name = asString(n->value);
        }
        if (const TlvNode* n = findTlv(fci.nodes, kTag87ApplicationPriorityIndicator);
            n != nullptr && n->value.size() == 1) {
          candidate.priority = n->value[0];
        }
        note("SELECT " + toHex(app.aid) + " found " + toHex(df_name) + ": candidate");
        candidates_.push_back(std::move(candidate));
      }
      // Book 1 §12.3.3 step 5: a longer DF name means more applications may share the prefix.
      if (!partial || !app.partial_selection) break;
      occurrence = SelectOccurrence::kNext;
    }
  }
  return !candidates_.empty();
}

void KernelRun::orderCandidates() {
  const bool can_confirm = env_.chooser != nullptr && profile_.cardholder_selection_supported;
  if (!can_confirm) {
    // Book 1 §12.4: without a way to confirm, applications that require it are excluded.
    std::erase_if(candidates_, [this](const CandidateApplication& c) {
      if (!c.confirmationRequired()) return false;
      note(toHex(c.aid) + " requires cardholder confirmation, which this terminal cannot ask");
      return true;
    });
  }
  std::stable_sort(candidates_.begin(), candidates_.end(),
                   [](const CandidateApplication& a, const CandidateApplication& b) {
                     return a.priorityOrder() < b.priorityOrder();
                   });
}

std::optional<std::size_t> KernelRun::pickCandidate() {
  if (candidates_.empty()) return std::nullopt;
  const bool needs_choice = candidates_.size() > 1 || candidates_.front().confirmationRequired();
  if (needs_choice && env_.chooser != nullptr && profile_.cardholder_selection_supported &&
      inputs_.entry_mode == EntryMode::kContact) {
    std::optional<std::size_t> chosen = env_.chooser->choose(candidates_);
    if (!chosen.has_value() || *chosen >= candidates_.size()) return std::nullopt;
    return chosen;
  }
  return 0;
}

State KernelRun::buildCandidates() {
  beginStep("application selection");
  bool terminate = false;
  if (!readPseDirectory(terminate)) {
    if (terminate) return State::kDone;
    candidates_.clear();
    if (!selectByAidList(terminate) && terminate) return State::kDone;
  }
  candidates_built_ = true;
  orderCandidates();
  if (candidates_.empty()) {
    return finish(Outcome::kNotAccepted, "no application supported by both card and terminal");
  }
  std::string list;
  for (const CandidateApplication& c : candidates_) {
    list += (list.empty() ? "" : ", ") + toHex(c.aid);
  }
  note("candidate list: " + list);
  return State::kFinalSelect;
}

bool KernelRun::parseFci(ByteView fci, const Bytes& expected_aid) {
  const TlvDecodeResult tree = decodeTlv(fci, {.single_object = true});
  if (tree.nodes.empty() || tree.nodes.front().tag != kTag6FFciTemplate) return false;
  const TlvNode& root = tree.nodes.front();
  const TlvNode* df = root.findChild(kTag84DfName);
  const TlvNode* a5 = root.findChild(kTagA5FciProprietaryTemplate);
  if (df == nullptr || a5 == nullptr || bytesOf(df->value) != expected_aid) return false;
  set(kTag84DfName, bytesOf(df->value));
  set(kTag4FApplicationIdentifier, bytesOf(df->value));
  for (const TlvField& field : collectPrimitives(a5->children)) {
    set(field.tag, bytesOf(field.value));
  }
  return true;
}

State KernelRun::finalSelect() {
  beginStep("final selection");
  std::optional<std::size_t> index = pickCandidate();
  if (!index.has_value()) {
    if (candidates_.empty()) {
      return finish(Outcome::kNotAccepted, "no application left on the candidate list");
    }
    return finish(Outcome::kTerminated, "application selection cancelled by the cardholder");
  }
  const CandidateApplication candidate = candidates_[*index];
  candidates_.erase(candidates_.begin() + static_cast<std::ptrdiff_t>(*index));
  std::optional<ResponseApdu> r = exchange(CommandApdu::selectByName(candidate.aid));
  if (!r.has_value()) return State::kDone;
  if (r->sw1sw2 == kSwFunctionNotSupported) {
    return finish(Outcome::kTerminated, "card blocked or SELECT not supported (6A81)");
  }
  std::string problem;
  if (!r->isSuccess()) {
    problem = r->describe();
  } else if (!parseFci(r->data, candidate.aid)) {
    problem = "invalid FCI or DF name mismatch";
  }
  if (!problem.empty()) {
    note(toHex(candidate.aid) + " removed from the candidate list: " + problem);
    if (candidates_.empty()) {
      return finish(Outcome::kNotAccepted, "no application left on the candidate list");
    }
    return State::kFinalSelect;  // Book 1 §12.4: select the next one
  }
  app_ = profile_.findApplication(candidate.aid);
  if (app_ == nullptr) {
    note(toHex(candidate.aid) + " not supported by the terminal");
    if (candidates_.empty()) return finish(Outcome::kNotAccepted, "no supported application");
    return State::kFinalSelect;
  }
  set(kTag9F06AidTerminal, app_->aid);
  set(kTag9F09ApplicationVersionNumberTerminal, app_->app_version);
  set(kTag9F1BTerminalFloorLimit,
      writeBigEndian(static_cast<std::uint64_t>(std::max<std::int64_t>(app_->floor_limit, 0)), 4));
  result_.aid = candidate.aid;
  result_.application_label = candidate.label.empty()
                                  ? value(kTag50ApplicationLabel).empty()
                                        ? app_->name
                                        : asString(value(kTag50ApplicationLabel))
                                  : candidate.label;
  note("selected " + toHex(candidate.aid) + " (" + result_.application_label + ")");
  return State::kInitiate;
}

// ---- Initiate application processing (Book 3 §10.1) ----

State KernelRun::initiateApplicationProcessing() {
  beginStep("initiate application processing");
  pdol_data_.clear();
  if (const Bytes* pdol = get(kTag9F38Pdol)) pdol_data_ = buildDol(*pdol);
  std::optional<ResponseApdu> r = exchange(CommandApdu::getProcessingOptions(pdol_data_));
  if (!r.has_value()) return State::kDone;
  if (r->sw1sw2 == kSwConditionsNotSatisfied) {
    if (inputs_.entry_mode == EntryMode::kContactless) {
      return finish(Outcome::kTryAnotherInterface, "GPO 6985: the card asks for another interface");
    }
    note("GPO 6985: application removed, back to selection");
    if (candidates_.empty()) {
      return finish(Outcome::kNotAccepted, "no application left on the candidate list");
    }
    return State::kFinalSelect;
  }
  if (!r->isSuccess()) {
    return finish(Outcome::kTerminated, "GET PROCESSING OPTIONS failed: " + r->describe());
  }
  const TlvDecodeResult tree = decodeTlv(r->data, {.single_object = true});
  if (!tree.ok() || tree.nodes.empty()) {
    return finish(Outcome::kTerminated, "GPO response is not valid TLV");
  }
  const TlvNode& root = tree.nodes.front();
  if (root.tag == kTag80ResponseMessageTemplateFormat1) {
    if (root.value.size() < 2) return finish(Outcome::kTerminated, "GPO format 1 without AIP");
    aip_ = Bytes(root.value.begin(), root.value.begin() + 2);
    afl_ = Bytes(root.value.begin() + 2, root.value.end());
  } else if (root.tag == kTag77ResponseMessageTemplateFormat2) {
    std::vector<TlvField> duplicates;
    for (const auto& [tag, v] : collectPrimitiveMap(root.children, &duplicates)) {
      set(tag, bytesOf(v));
    }
    if (!has(kTag82ApplicationInterchangeProfile)) {
      return finish(Outcome::kTerminated, "GPO format 2 without AIP (82)");
    }
    aip_ = value(kTag82ApplicationInterchangeProfile);
    afl_ = value(kTag94ApplicationFileLocator);
  } else {
    return finish(Outcome::kTerminated,
                  "GPO response template " + tagToHex(root.tag) + " is neither 80 nor 77");
  }
  if (aip_.size() != 2) return finish(Outcome::kTerminated, "AIP is not 2 bytes");
  if (afl_.size() % 4 != 0 || (afl_.empty() && inputs_.entry_mode == EntryMode::kContact)) {
    return finish(Outcome::kTerminated,
                  "AFL length " + std::to_string(afl_.size()) + " is not a non-zero multiple of 4");
  }
  for (std::size_t i = 0; i < afl_.size(); i += 4) {
    const int sfi = afl_[i] >> 3;
    const int first = afl_[i + 1];
    const int last = afl_[i + 2];
    const int oda = afl_[i + 3];
    if (sfi < 1 || sfi > 30 || first < 1 || last < first || oda > last - first + 1) {
      return finish(Outcome::kTerminated,
                    "invalid AFL entry " + toHex(ByteView(afl_).subspan(i, 4)));
    }
  }
  set(kTag82ApplicationInterchangeProfile, aip_);
  set(kTag94ApplicationFileLocator, afl_);
  note("AIP " + toHex(aip_) + ", AFL " + toHex(afl_));
  return State::kReadRecords;
}

// ---- Read application data (Book 3 §10.2) ----

State KernelRun::readApplicationData() {
  beginStep("read application data");
  std::set<Tag> read_tags;
  for (std::size_t i = 0; i < afl_.size(); i += 4) {
    const auto sfi = static_cast<std::uint8_t>(afl_[i] >> 3);
    const std::uint8_t first = afl_[i + 1];
    const std::uint8_t last = afl_[i + 2];
    const std::uint8_t oda_count = afl_[i + 3];
    for (unsigned rec = first; rec <= last; ++rec) {
      const auto record = static_cast<std::uint8_t>(rec);
      Result<CommandApdu> read = CommandApdu::readRecord(sfi, record);
      if (!read.isOk()) return finish(Outcome::kTerminated, read.status().message());
      std::optional<ResponseApdu> r = exchange(*read);
      if (!r.has_value()) return State::kDone;
      const std::string where = "SFI " + std::to_string(sfi) + " record " + std::to_string(rec);
      if (!r->isSuccess()) {
        return finish(Outcome::kTerminated, "READ RECORD " + where + ": " + r->describe());
      }
      const bool for_oda = rec - first < oda_count;
      const TlvDecodeResult tree = decodeTlv(r->data, {.single_object = true});
      const bool is_70 = !tree.nodes.empty() && tree.nodes.front().tag == kTag70RecordTemplate;
      if (sfi <= 10) {
        if (!is_70 || !tree.ok()) {
          return finish(Outcome::kTerminated,
                        where + " is not a well-formed record template 70 (Book 3 §10.2)");
        }
        if (for_oda) append(static_data_, tree.nodes.front().value);
      } else if (for_oda) {
        // Book 3 §10.3: SFI 11-30 records take part whole, and must be 70 templates too.
        if (is_70) {
          append(static_data_, r->data);
        } else {
          oda_record_invalid_ = true;
          note(where + " is not a 70 template: offline data authentication will fail");
        }
      }
      if (!is_70 || !tree.ok()) continue;
      std::vector<TlvField> duplicates;
      const auto fields = collectPrimitiveMap(tree.nodes.front().children, &duplicates);
      for (const auto& [tag, v] : fields) {
        if (!read_tags.insert(tag).second) {
          return finish(Outcome::kTerminated,
                        "data object " + tagToHex(tag) + " appears twice in the records read");
        }
        set(tag, bytesOf(v));
      }
      if (!duplicates.empty()) {
        return finish(Outcome::kTerminated, "data object " + tagToHex(duplicates.front().tag) +
                                                " appears twice in " + where);
      }
    }
  }
  // Book 3 §10.2: mandatory data objects.
  std::vector<Tag> mandatory;
  if (inputs_.entry_mode == EntryMode::kContact) {
    mandatory = {kTag5F24ApplicationExpirationDate, kTag5AApplicationPan, kTag8CCdol1, kTag8DCdol2};
  }
  for (Tag tag : mandatory) {
    if (!has(tag)) {
      return finish(Outcome::kTerminated,
                    "mandatory data object " + tagDisplayName(tag) + " missing from the card");
    }
  }
  if (inputs_.entry_mode == EntryMode::kContactless && panDigits().empty()) {
    return finish(Outcome::kTerminated, "the card gave neither a PAN (5A) nor track 2 (57)");
  }
  if (const Bytes* list = get(kTag9F4AStaticDataAuthenticationTagList)) {
    if (*list == Bytes{0x82}) {
      append(static_data_, aip_);
    } else {
      oda_record_invalid_ = true;
      note("9F4A lists tags other than 82: offline data authentication will fail");
    }
  }
  note(std::to_string(read_tags.size()) + " data objects read, " +
       std::to_string(static_data_.size()) + " bytes of static data for ODA");
  return State::kOfflineDataAuthentication;
}

}  // namespace internal
}  // namespace posim::emv
