#include "posim/scenarios/profiles.h"

#include <array>
#include <chrono>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "posim/base/pan.h"
#include "posim/emv/crypto/capk.h"
#include "posim/emv/crypto/cryptogram.h"
#include "posim/emv/crypto/rsa.h"
#include "posim/emv/cvm.h"
#include "posim/scenarios/schema.h"

namespace posim::scenarios {
namespace {

using emv::CardApplication;
using emv::CardPki;
using emv::CardProfile;
using emv::TerminalApplication;
using emv::TerminalProfile;

// Assigns the read value to `target` when present.
template <typename T, typename U>
void assign(std::optional<U> value, T& target) {
  if (value.has_value()) target = static_cast<T>(std::move(*value));
}

std::optional<std::uint8_t> readByte(const Node* node, Diagnostics& diagnostics) {
  auto value = readInteger(node, diagnostics, 0, 255);
  if (!value.has_value()) return std::nullopt;
  return static_cast<std::uint8_t>(*value);
}

// One byte written as two hex digits: "22", "E1".
std::optional<std::uint8_t> readHexByte(const Node* node, Diagnostics& diagnostics) {
  auto bytes = readHexExact(node, diagnostics, 1);
  if (!bytes.has_value()) return std::nullopt;
  return (*bytes)[0];
}

// "2030-12": a certificate expiry month.
std::optional<std::chrono::year_month> readYearMonth(const Node* node, Diagnostics& diagnostics) {
  if (node == nullptr) return std::nullopt;
  constexpr std::string_view kWhat = "a year and month (like \"2030-12\")";
  auto text = readString(node, diagnostics);
  if (!text.has_value()) return std::nullopt;
  if (text->size() == 7 && (*text)[4] == '-' && isDigits(text->substr(0, 4)) &&
      isDigits(text->substr(5, 2))) {
    const int year = std::stoi(text->substr(0, 4));
    const unsigned month = static_cast<unsigned>(std::stoi(text->substr(5, 2)));
    if (month >= 1 && month <= 12) return std::chrono::year(year) / std::chrono::month(month);
  }
  reportExpected(*node, diagnostics, kWhat);
  return std::nullopt;
}

// Text of at most max_length characters (an EMV "an"/"ans" field). Longer text is an error, or
// with `warn_only` a warning (the value is kept: a card may carry a non-conforming label).
std::optional<std::string> readText(const Node* node, Diagnostics& diagnostics,
                                    std::size_t max_length, bool warn_only = false) {
  auto text = readString(node, diagnostics);
  if (text.has_value() && text->size() > max_length) {
    const std::string message = "expected at most " + std::to_string(max_length) +
                                " characters, got " + std::to_string(text->size()) + " in " +
                                node->describe();
    if (!warn_only) {
      diagnostics.error(node->position(), message);
      return std::nullopt;
    }
    diagnostics.warning(node->position(), message + "; terminals may cut it short");
  }
  return text;
}

// A numeric ISO code (country 156, currency 840): 1..999.
std::optional<std::uint16_t> readIsoNumeric(const Node* node, Diagnostics& diagnostics) {
  auto value = readInteger(node, diagnostics, 1, 999);
  if (!value.has_value()) return std::nullopt;
  return static_cast<std::uint16_t>(*value);
}

// An amount in `currency` as minor units.
std::optional<std::int64_t> readMinorUnits(const Node* node, Diagnostics& diagnostics,
                                           const Currency& currency) {
  auto money = readMoney(node, diagnostics, currency);
  if (!money.has_value()) return std::nullopt;
  if (money->isNegative()) {
    reportExpected(*node, diagnostics, "an amount that is not negative");
    return std::nullopt;
  }
  return money->minorUnits();
}

// ---- RSA keys and key sets ----

std::optional<emv::crypto::RsaPrivateKey> readRsaPrivateKey(const Node& node,
                                                            Diagnostics& diagnostics,
                                                            const std::string& context) {
  MappingReader m(node, diagnostics, context);
  if (!m.isMapping()) return std::nullopt;
  const std::size_t errors = diagnostics.errorCount();
  auto modulus = readHex(m.optional("modulus"), diagnostics, 2, 512);
  auto exponent = readHex(m.required("public_exponent"), diagnostics, 1, 8);
  auto private_exponent = readHex(m.optional("private_exponent"), diagnostics, 1, 512);
  auto p = readHex(m.optional("p"), diagnostics, 1, 256);
  auto q = readHex(m.optional("q"), diagnostics, 1, 256);
  m.finish();
  if (diagnostics.errorCount() > errors || !exponent.has_value()) return std::nullopt;
  if (p.has_value() != q.has_value()) {
    diagnostics.error(node.position(), context + ": give both primes p and q, or neither");
    return std::nullopt;
  }
  Result<emv::crypto::RsaPrivateKey> key = invalidArgument("no key");
  if (private_exponent.has_value()) {
    if (!modulus.has_value()) {
      diagnostics.error(node.position(), context + ": private_exponent needs the modulus");
      return std::nullopt;
    }
    key = emv::crypto::RsaPrivateKey::create(*modulus, *exponent, *private_exponent,
                                             p.value_or(Bytes{}), q.value_or(Bytes{}));
  } else if (p.has_value()) {
    key = emv::crypto::RsaPrivateKey::fromPrimes(*p, *q, *exponent);
    if (key.isOk() && modulus.has_value() &&
        emv::crypto::RsaPublicKey::create(*modulus, *exponent).valueOr({}) != key->publicKey()) {
      diagnostics.error(node.position(), context + ": the modulus is not p * q");
      return std::nullopt;
    }
  } else {
    diagnostics.error(node.position(),
                      context + ": expected private_exponent (with modulus) or the primes p and q");
    return std::nullopt;
  }
  if (!key.isOk()) {
    diagnostics.error(node.position(), context + ": " + key.status().message());
    return std::nullopt;
  }
  return std::move(key).value();
}

// The key set of a `pki:` or `from:` reference.
std::optional<CardPki> resolvePki(const Node* reference, Resolver& resolver,
                                  Diagnostics& diagnostics) {
  if (reference == nullptr) return std::nullopt;
  auto resolved = resolver.resolve(*reference, kPkiReference, diagnostics);
  if (!resolved.has_value()) return std::nullopt;
  return readCardPki(resolved->node(), diagnostics);
}

// ---- Card applications ----

constexpr std::array<EnumName<emv::OdaMethod>, 4> kOdaNames = {{
    {"none", emv::OdaMethod::kNone},
    {"sda", emv::OdaMethod::kSda},
    {"dda", emv::OdaMethod::kDda},
    {"cda", emv::OdaMethod::kCda},
}};

constexpr std::array<EnumName<emv::ResponseFormat>, 2> kResponseFormatNames = {{
    {"format1", emv::ResponseFormat::kFormat1},
    {"format2", emv::ResponseFormat::kFormat2},
}};

constexpr std::array<EnumName<emv::ContactlessKernel>, 3> kKernelNames = {{
    {"mchip", emv::ContactlessKernel::kMchip},
    {"qvsdc", emv::ContactlessKernel::kQvsdc},
    {"quickpass", emv::ContactlessKernel::kQuickPass},
}};

constexpr std::array<EnumName<emv::crypto::Cvn>, 7> kCvnNames = {{
    {"visa-10", emv::crypto::Cvn::kVisa10},
    {"visa-18", emv::crypto::Cvn::kVisa18},
    {"visa-22", emv::crypto::Cvn::kVisa22},
    {"mc-16", emv::crypto::Cvn::kMastercard16},
    {"mc-17", emv::crypto::Cvn::kMastercard17},
    {"mc-20", emv::crypto::Cvn::kMastercard20},
    {"mc-21", emv::crypto::Cvn::kMastercard21},
}};

// CVM codes (EMV Book 3 Annex C3), by the names card files use.
constexpr std::array<EnumName<std::uint8_t>, 8> kCvmNames = {{
    {"fail", 0x00},
    {"plaintext_pin", 0x01},
    {"online_pin", 0x02},
    {"plaintext_pin_and_signature", 0x03},
    {"enciphered_pin", 0x04},
    {"enciphered_pin_and_signature", 0x05},
    {"signature", 0x1E},
    {"no_cvm", 0x1F},
}};

constexpr std::array<EnumName<std::uint8_t>, 10> kCvmConditionNames = {{
    {"always", 0x00},
    {"unattended_cash", 0x01},
    {"not_cash_or_cashback", 0x02},
    {"terminal_supports", 0x03},
    {"manual_cash", 0x04},
    {"cashback", 0x05},
    {"under_x", 0x06},
    {"over_x", 0x07},
    {"under_y", 0x08},
    {"over_y", 0x09},
}};

constexpr std::array<EnumName<bool>, 2> kOnFailureNames = {{
    {"next", true},
    {"fail", false},
}};

std::optional<emv::CvRule> readCvRule(const Node& node, Diagnostics& diagnostics) {
  MappingReader m(node, diagnostics, "CV rule");
  if (!m.isMapping()) return std::nullopt;
  auto code = readEnum<std::uint8_t>(m.required("cvm"), diagnostics, kCvmNames, "CVM");
  auto condition =
      readEnum<std::uint8_t>(m.required("if"), diagnostics, kCvmConditionNames, "CVM condition");
  auto next =
      readEnum<bool>(m.optional("on_failure"), diagnostics, kOnFailureNames, "on_failure action");
  m.finish();
  if (!code.has_value() || !condition.has_value()) return std::nullopt;
  emv::CvRule rule;
  rule.method = static_cast<std::uint8_t>(*code | (next.value_or(false) ? 0x40 : 0x00));
  rule.condition = *condition;
  return rule;
}

// The value of 8E: hex, or {x, y, rules}.
std::optional<Bytes> readCvmList(const Node* node, Diagnostics& diagnostics) {
  if (node == nullptr) return std::nullopt;
  if (node->isScalar()) return readHex(node, diagnostics, 0, 252);
  MappingReader m(*node, diagnostics, "CVM list");
  if (!m.isMapping()) return std::nullopt;
  emv::CvmList list;
  const std::size_t errors = diagnostics.errorCount();
  assign(readInteger(m.optional("x"), diagnostics, 0, 0xFFFFFFFF), list.amount_x);
  assign(readInteger(m.optional("y"), diagnostics, 0, 0xFFFFFFFF), list.amount_y);
  assign(readList<emv::CvRule>(m.required("rules"), diagnostics, readCvRule), list.rules);
  m.finish();
  if (diagnostics.errorCount() > errors) return std::nullopt;
  return emv::encodeCvmList(list);
}

void readApplicationKeys(const Node* node, Diagnostics& diagnostics, emv::ApplicationKeys& keys) {
  if (node == nullptr) return;
  MappingReader m(*node, diagnostics, "application keys");
  assign(
      readEnum<emv::crypto::Cvn>(m.required("cvn"), diagnostics, kCvnNames, "cryptogram version"),
      keys.cvn);
  assign(readByte(m.optional("derivation_key_index"), diagnostics), keys.derivation_key_index);
  assign(readHexExact(m.required("imk_ac"), diagnostics, 16), keys.imk_ac);
  assign(readHexExact(m.optional("imk_smi"), diagnostics, 16), keys.imk_smi);
  assign(readHexExact(m.optional("imk_smc"), diagnostics, 16), keys.imk_smc);
}

void readContactless(const Node* node, Diagnostics& diagnostics,
                     emv::ContactlessSettings& contactless) {
  if (node == nullptr) return;
  MappingReader m(*node, diagnostics, "contactless settings");
  contactless.enabled = true;
  assign(readBool(m.optional("enabled"), diagnostics), contactless.enabled);
  assign(readEnum<emv::ContactlessKernel>(m.optional("kernel"), diagnostics, kKernelNames,
                                          "contactless kernel"),
         contactless.kernel);
  assign(readHex(m.optional("pdol"), diagnostics, 0, 252), contactless.pdol);
  assign(readHexExact(m.optional("aip"), diagnostics, 2), contactless.aip);
  assign(readHexExact(m.optional("ctq"), diagnostics, 2), contactless.ctq);
  assign(readBool(m.optional("cdcvm"), diagnostics), contactless.cdcvm);
  assign(readBool(m.optional("offline_allowed"), diagnostics), contactless.offline_allowed);
}

std::optional<emv::CardRecord> readCardRecord(const Node& node, Diagnostics& diagnostics) {
  MappingReader m(node, diagnostics, "record");
  if (!m.isMapping()) return std::nullopt;
  emv::CardRecord record;
  const std::size_t errors = diagnostics.errorCount();
  assign(readInteger(m.required("sfi"), diagnostics, 1, 30), record.sfi);
  assign(readInteger(m.required("number"), diagnostics, 1, 255), record.number);
  assign(readHex(m.required("content"), diagnostics, 0, 252), record.content);
  assign(readBool(m.optional("oda"), diagnostics), record.offline_data_authentication);
  m.finish();
  if (diagnostics.errorCount() > errors) return std::nullopt;
  return record;
}

std::optional<CardApplication> readCardApplication(const Node& node, Diagnostics& diagnostics) {
  MappingReader m(node, diagnostics, "card application");
  if (!m.isMapping()) return std::nullopt;
  CardApplication app;
  const std::size_t errors = diagnostics.errorCount();
  assign(readHex(m.required("aid"), diagnostics, 5, 16), app.aid);
  assign(readText(m.required("label"), diagnostics, 16, true), app.label);
  assign(readText(m.optional("preferred_name"), diagnostics, 16, true), app.preferred_name);
  if (auto priority = readInteger(m.optional("priority"), diagnostics, 0, 255)) {
    app.priority = static_cast<std::uint8_t>(*priority);
  }
  assign(readString(m.optional("language_preference"), diagnostics), app.language_preference);
  assign(readHex(m.optional("pdol"), diagnostics, 0, 252), app.pdol);
  assign(readHexExact(m.optional("aip"), diagnostics, 2), app.aip);
  assign(readEnum<emv::OdaMethod>(m.optional("oda"), diagnostics, kOdaNames,
                                  "offline data authentication method"),
         app.oda);
  assign(readEnum<emv::ResponseFormat>(m.optional("response_format"), diagnostics,
                                       kResponseFormatNames, "response format"),
         app.response_format);
  assign(readHex(m.optional("cdol1"), diagnostics, 0, 252), app.cdol1);
  assign(readHex(m.optional("cdol2"), diagnostics, 0, 252), app.cdol2);
  assign(readHex(m.optional("ddol"), diagnostics, 0, 252), app.ddol);
  assign(readCvmList(m.optional("cvm_list"), diagnostics), app.cvm_list);
  assign(readHexExact(m.optional("iac_default"), diagnostics, 5), app.iac_default);
  assign(readHexExact(m.optional("iac_denial"), diagnostics, 5), app.iac_denial);
  assign(readHexExact(m.optional("iac_online"), diagnostics, 5), app.iac_online);
  assign(readHexExact(m.optional("auc"), diagnostics, 2), app.auc);
  assign(readHexExact(m.optional("application_version"), diagnostics, 2), app.application_version);
  assign(readIsoNumeric(m.optional("issuer_country"), diagnostics), app.issuer_country);
  assign(readIsoNumeric(m.optional("application_currency"), diagnostics), app.application_currency);
  assign(readInteger(m.optional("application_currency_exponent"), diagnostics, 0, 9),
         app.application_currency_exponent);
  if (auto lcol = readByte(m.optional("lower_consecutive_offline_limit"), diagnostics)) {
    app.lower_consecutive_offline_limit = *lcol;
  }
  if (auto ucol = readByte(m.optional("upper_consecutive_offline_limit"), diagnostics)) {
    app.upper_consecutive_offline_limit = *ucol;
  }
  if (auto limit = readInteger(m.optional("cumulative_offline_limit"), diagnostics, 0,
                               std::numeric_limits<std::int64_t>::max())) {
    app.cumulative_offline_limit = static_cast<std::uint64_t>(*limit);
  }
  assign(readBool(m.optional("issuer_authentication_mandatory"), diagnostics),
         app.issuer_authentication_mandatory);
  assign(readHex(m.optional("log_format"), diagnostics, 0, 252), app.log_format);
  readApplicationKeys(m.optional("keys"), diagnostics, app.keys);
  readContactless(m.optional("contactless"), diagnostics, app.contactless);
  assign(readBool(m.optional("contact"), diagnostics), app.contact);
  assign(readList<emv::CardRecord>(m.optional("records"), diagnostics, readCardRecord),
         app.records);
  m.finish();
  if (diagnostics.errorCount() > errors) return std::nullopt;
  return app;
}

// ---- Terminal applications ----

// Reads the keys present in `node` over `app` (so application_defaults, then each
// application). aid is required when `require_aid`.
void readTerminalApplicationInto(const Node& node, Diagnostics& diagnostics,
                                 const Currency& currency, bool require_aid,
                                 const std::string& context, TerminalApplication& app) {
  MappingReader m(node, diagnostics, context);
  if (!m.isMapping()) return;
  assign(readHex(require_aid ? m.required("aid") : m.optional("aid"), diagnostics, 5, 16), app.aid);
  assign(readString(m.optional("name"), diagnostics), app.name);
  assign(readBool(m.optional("partial_selection"), diagnostics), app.partial_selection);
  assign(readHexExact(m.optional("app_version"), diagnostics, 2), app.app_version);
  assign(readHexExact(m.optional("tac_denial"), diagnostics, 5), app.tac_denial);
  assign(readHexExact(m.optional("tac_online"), diagnostics, 5), app.tac_online);
  assign(readHexExact(m.optional("tac_default"), diagnostics, 5), app.tac_default);
  assign(readMinorUnits(m.optional("floor_limit"), diagnostics, currency), app.floor_limit);
  if (const Node* random = m.optional("random_selection")) {
    MappingReader r(*random, diagnostics, "random_selection");
    assign(readMinorUnits(r.optional("threshold"), diagnostics, currency),
           app.random_selection.threshold);
    assign(readInteger(r.optional("target_percent"), diagnostics, 0, 99),
           app.random_selection.target_percent);
    assign(readInteger(r.optional("max_target_percent"), diagnostics, 0, 99),
           app.random_selection.max_target_percent);
  }
  if (const Node* limits = m.optional("contactless")) {
    MappingReader l(*limits, diagnostics, "contactless limits");
    const auto limit = [&](std::string_view key, std::optional<std::int64_t>& target) {
      const Node* value = l.optional(key);
      if (value != nullptr && value->isNull()) {
        target.reset();  // `~`: no such limit
        return;
      }
      if (auto minor = readMinorUnits(value, diagnostics, currency)) target = *minor;
    };
    limit("transaction_limit", app.contactless.transaction_limit);
    limit("cvm_required_limit", app.contactless.cvm_required_limit);
    limit("floor_limit", app.contactless.floor_limit);
  }
  assign(readHexExact(m.optional("ttq"), diagnostics, 4), app.ttq);
  assign(readHex(m.optional("default_ddol"), diagnostics, 0, 252), app.default_ddol);
  assign(readHex(m.optional("default_tdol"), diagnostics, 0, 252), app.default_tdol);
  assign(readBool(m.optional("contactless_enabled"), diagnostics), app.contactless_enabled);
}

std::optional<emv::crypto::CaPublicKey> readCaKey(const Node& node, Resolver& resolver,
                                                  Diagnostics& diagnostics) {
  MappingReader m(node, diagnostics, "CA public key");
  if (!m.isMapping()) return std::nullopt;
  const std::size_t errors = diagnostics.errorCount();
  auto rid = readHexExact(m.required("rid"), diagnostics, 5);
  auto index = readHexByte(m.required("index"), diagnostics);
  auto checksum = readHexExact(m.optional("checksum"), diagnostics, 20);
  auto expiry = readDate(m.optional("expiry"), diagnostics);
  const Node* from = m.optional("from");
  const Node* modulus_node = m.optional("modulus");
  const Node* exponent_node = m.optional("exponent");
  Bytes modulus;
  Bytes exponent;
  if (from != nullptr) {
    if (modulus_node != nullptr || exponent_node != nullptr) {
      diagnostics.error(node.position(),
                        "CA public key: give either `from` (a key set) or modulus and exponent");
    }
    if (auto pki = resolvePki(from, resolver, diagnostics)) {
      modulus = pki->ca_key.publicKey().modulus();
      exponent = pki->ca_key.publicKey().exponent();
    }
  } else {
    assign(readHex(m.required("modulus"), diagnostics, 64, 248), modulus);
    assign(readHex(m.required("exponent"), diagnostics, 1, 3), exponent);
  }
  m.finish();
  if (diagnostics.errorCount() > errors || !rid || !index) return std::nullopt;
  auto key = emv::crypto::CaPublicKey::create(*rid, *index, modulus, exponent,
                                              checksum.value_or(Bytes{}), expiry);
  if (!key.isOk()) {
    diagnostics.error(node.position(), key.status().message());
    return std::nullopt;
  }
  return std::move(key).value();
}

struct Revocation {
  Bytes rid;
  std::uint8_t index = 0;
  Bytes serial;
};

std::optional<Revocation> readRevocation(const Node& node, Diagnostics& diagnostics) {
  MappingReader m(node, diagnostics, "revoked certificate");
  if (!m.isMapping()) return std::nullopt;
  auto rid = readHexExact(m.required("rid"), diagnostics, 5);
  auto index = readHexByte(m.required("index"), diagnostics);
  auto serial = readHexExact(m.required("serial"), diagnostics, 3);
  m.finish();
  if (!rid || !index || !serial) return std::nullopt;
  return Revocation{*rid, *index, *serial};
}

}  // namespace

std::optional<CardPki> readCardPki(const Node& node, Diagnostics& diagnostics) {
  MappingReader m(node, diagnostics, "key set");
  if (!m.isMapping()) return std::nullopt;
  const std::size_t errors = diagnostics.errorCount();
  CardPki pki;
  m.allow({"description"});
  assign(readHexByte(m.optional("capk_index"), diagnostics), pki.capk_index);
  const auto key = [&](std::string_view name, emv::crypto::RsaPrivateKey& target) {
    if (const Node* value = m.required(name)) {
      assign(readRsaPrivateKey(*value, diagnostics, std::string(name)), target);
    }
  };
  key("ca_key", pki.ca_key);
  key("issuer_key", pki.issuer_key);
  key("icc_key", pki.icc_key);
  assign(readYearMonth(m.optional("issuer_certificate_expiry"), diagnostics),
         pki.issuer_certificate_expiry);
  assign(readHexExact(m.optional("issuer_certificate_serial"), diagnostics, 3),
         pki.issuer_certificate_serial);
  assign(readYearMonth(m.optional("icc_certificate_expiry"), diagnostics),
         pki.icc_certificate_expiry);
  assign(readHexExact(m.optional("icc_certificate_serial"), diagnostics, 3),
         pki.icc_certificate_serial);
  assign(readHexExact(m.optional("data_authentication_code"), diagnostics, 2),
         pki.data_authentication_code);
  m.finish();
  if (diagnostics.errorCount() > errors) return std::nullopt;
  return pki;
}

namespace {

// The PAN of a card profile. Messages show it masked (first 6 and last 4 digits), as every
// output of posim does: a mistyped PAN is still a card number.
std::optional<Pan> readPan(const Node& node, Diagnostics& diagnostics) {
  constexpr std::string_view kWhat = "12 to 19 decimal digits";
  if (!node.isScalar()) {
    reportExpected(node, diagnostics, kWhat);
    return std::nullopt;
  }
  const std::string& text = node.scalar();
  if (text.size() < 12 || text.size() > 19 || !isDigits(text)) {
    constexpr std::size_t kMaxShown = 40;
    diagnostics.error(node.position(),
                      "expected " + std::string(kWhat) + " for the PAN, got " +
                          (text.size() <= kMaxShown ? "'" + maskPan(text) + "' " : "") + "(" +
                          std::to_string(text.size()) + " characters)");
    return std::nullopt;
  }
  if (!luhnValid(text)) {
    diagnostics.error(node.position(),
                      "the PAN '" + maskPan(text) + "' fails the Luhn check (last digit wrong?)");
  }
  return Pan(text);
}

}  // namespace

std::optional<CardProfile> readCardProfile(const Node& node, Resolver& resolver,
                                           Diagnostics& diagnostics) {
  MappingReader m(node, diagnostics, "card profile");
  if (!m.isMapping()) return std::nullopt;
  const std::size_t errors = diagnostics.errorCount();
  CardProfile card;
  assign(readNonEmptyString(m.required("id"), diagnostics), card.id);
  assign(readString(m.optional("description"), diagnostics), card.description);
  if (const Node* pan = m.required("pan")) assign(readPan(*pan, diagnostics), card.pan);
  assign(readDigits(m.optional("psn"), diagnostics, 2, 2), card.psn);
  assign(readDate(m.optional("expiry"), diagnostics), card.expiry);
  assign(readDate(m.optional("effective"), diagnostics), card.effective);
  assign(readText(m.optional("cardholder_name"), diagnostics, 26), card.cardholder_name);
  assign(readDigits(m.optional("offline_pin"), diagnostics, 4, 12), card.offline_pin);
  assign(readInteger(m.optional("pin_try_limit"), diagnostics, 0, 15), card.pin_try_limit);
  assign(readBool(m.optional("chip"), diagnostics), card.has_chip);
  assign(readBool(m.optional("pse"), diagnostics), card.pse);
  assign(resolvePki(m.optional("pki"), resolver, diagnostics), card.pki);
  if (const Node* magstripe = m.optional("magstripe")) {
    MappingReader s(*magstripe, diagnostics, "magstripe");
    assign(readBool(s.optional("present"), diagnostics), card.magstripe.present);
    assign(readDigits(s.optional("service_code"), diagnostics, 3, 3), card.magstripe.service_code);
    assign(readDigits(s.optional("track2_discretionary"), diagnostics, 0, 19),
           card.magstripe.track2_discretionary);
  }
  if (const Node* applications = m.optional("applications")) {
    assign(readList<CardApplication>(applications, diagnostics, readCardApplication),
           card.applications);
  }
  m.finish();
  if (diagnostics.errorCount() > errors) return std::nullopt;
  return card;
}

std::optional<TerminalProfile> readTerminalProfile(const Node& node, Resolver& resolver,
                                                   Diagnostics& diagnostics) {
  MappingReader m(node, diagnostics, "terminal profile");
  if (!m.isMapping()) return std::nullopt;
  const std::size_t errors = diagnostics.errorCount();
  TerminalProfile profile;
  m.allow({"description"});
  assign(readNonEmptyString(m.required("name"), diagnostics), profile.name);
  assign(readHexByte(m.optional("terminal_type"), diagnostics), profile.terminal_type);
  assign(readHexExact(m.optional("capabilities"), diagnostics, 3), profile.capabilities);
  assign(readHexExact(m.optional("additional_capabilities"), diagnostics, 5),
         profile.additional_capabilities);
  assign(readIsoNumeric(m.optional("country"), diagnostics), profile.country_code);
  assign(readCurrency(m.optional("currency"), diagnostics), profile.currency);
  if (const Node* merchant = m.optional("merchant")) {
    MappingReader r(*merchant, diagnostics, "merchant");
    assign(readDigits(r.optional("category_code"), diagnostics, 4, 4),
           profile.merchant_category_code);
    assign(readText(r.optional("id"), diagnostics, 15), profile.merchant_id);
    assign(readText(r.optional("terminal_id"), diagnostics, 8), profile.terminal_id);
    assign(readString(r.optional("name_location"), diagnostics), profile.merchant_name_location);
  }
  assign(readText(m.optional("ifd_serial_number"), diagnostics, 8), profile.ifd_serial_number);
  assign(readBool(m.optional("online_capable"), diagnostics), profile.online_capable);
  assign(readBool(m.optional("attended"), diagnostics), profile.attended);
  assign(readBool(m.optional("pin_pad_present"), diagnostics), profile.pin_pad_present);
  assign(readBool(m.optional("cardholder_selection_supported"), diagnostics),
         profile.cardholder_selection_supported);
  assign(readHex(m.optional("online_pin_key"), diagnostics, 16, 16), profile.online_pin_key);

  TerminalApplication defaults;
  if (const Node* node_defaults = m.optional("application_defaults")) {
    readTerminalApplicationInto(*node_defaults, diagnostics, profile.currency, false,
                                "application_defaults", defaults);
  }
  if (const Node* applications = m.required("applications")) {
    const Currency currency = profile.currency;
    assign(readList<TerminalApplication>(
               applications, diagnostics,
               [&](const Node& item, Diagnostics& d) -> std::optional<TerminalApplication> {
                 const std::size_t before = d.errorCount();
                 TerminalApplication app = defaults;
                 readTerminalApplicationInto(item, d, currency, true, "terminal application", app);
                 if (d.errorCount() > before) return std::nullopt;
                 return app;
               }),
           profile.applications);
  }
  if (const Node* keys = m.optional("ca_keys")) {
    auto list = readList<emv::crypto::CaPublicKey>(
        keys, diagnostics,
        [&](const Node& item, Diagnostics& d) { return readCaKey(item, resolver, d); });
    if (list.has_value()) {
      for (std::size_t i = 0; i < list->size(); ++i) {
        Status added = profile.ca_keys.add((*list)[i]);
        if (!added.isOk()) {
          diagnostics.error(keys->items()[i].position(), added.message());
        }
      }
    }
  }
  if (const Node* revoked = m.optional("revoked_certificates")) {
    if (auto list = readList<Revocation>(revoked, diagnostics, readRevocation)) {
      for (const Revocation& r : *list) {
        profile.revoked_certificates.add(r.rid, r.index, r.serial);
      }
    }
  }
  m.finish();
  if (diagnostics.errorCount() > errors) return std::nullopt;
  return profile;
}

namespace {

template <typename T, typename Read>
LoadResult<T> loadWith(std::string_view name_or_path, Resolver& resolver, const ReferenceKind& kind,
                       Read read) {
  Diagnostics diagnostics;
  std::optional<T> value;
  if (auto resolved = resolver.resolveText(name_or_path, kind, diagnostics)) {
    value = read(resolved->node(), resolver, diagnostics);
  }
  return LoadResult<T>::from(std::move(value), std::move(diagnostics));
}

}  // namespace

LoadResult<CardProfile> loadCardProfile(std::string_view name_or_path, Resolver& resolver) {
  return loadWith<CardProfile>(name_or_path, resolver, kCardReference, readCardProfile);
}

LoadResult<CardProfile> loadCardProfile(const std::filesystem::path& path) {
  Resolver resolver;
  Diagnostics diagnostics;
  std::optional<CardProfile> value;
  if (auto opened = resolver.open(path, diagnostics)) {
    value = readCardProfile(opened->node(), resolver, diagnostics);
  }
  return LoadResult<CardProfile>::from(std::move(value), std::move(diagnostics));
}

LoadResult<TerminalProfile> loadTerminalProfile(std::string_view name_or_path, Resolver& resolver) {
  return loadWith<TerminalProfile>(name_or_path, resolver, kTerminalReference, readTerminalProfile);
}

LoadResult<TerminalProfile> loadTerminalProfile(const std::filesystem::path& path) {
  Resolver resolver;
  Diagnostics diagnostics;
  std::optional<TerminalProfile> value;
  if (auto opened = resolver.open(path, diagnostics)) {
    value = readTerminalProfile(opened->node(), resolver, diagnostics);
  }
  return LoadResult<TerminalProfile>::from(std::move(value), std::move(diagnostics));
}

}  // namespace posim::scenarios
