#include "posim/scenarios/scenario.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <set>
#include <utility>

#include "posim/emv/test_terminals.h"
#include "posim/emv/tvr.h"
#include "posim/scenarios/document.h"
#include "posim/scenarios/profiles.h"
#include "posim/scenarios/schema.h"
#include "posim/scenarios/settlement_files.h"

namespace posim::scenarios {

const ScenarioCard* Scenario::findCard(std::string_view card_name) const {
  for (const ScenarioCard& card : cards) {
    if (card.name == card_name) return &card;
  }
  return nullptr;
}

const Step* Scenario::findStep(std::string_view id) const {
  for (const Step& step : steps) {
    if (step.id == id) return &step;
  }
  return nullptr;
}

namespace {

using acquirer::FaultKind;
using acquirer::TransactionType;

constexpr std::array<std::string_view, 12> kScenarioKeys = {
    "posim",    "name",     "description", "clock",   "calendar", "terminal",
    "merchant", "acquirer", "cards",       "what_if", "steps",    "load"};
constexpr std::array<std::string_view, 10> kStepActionKeys = {
    "sale",     "preauth", "completion", "cancel", "refund",
    "reversal", "balance", "echo",       "settle", "advance"};
constexpr std::array<std::string_view, 5> kStepCommonKeys = {"id", "description", "expect",
                                                             "faults", "stop_on_failure"};
constexpr std::array<std::string_view, 23> kExpectationKeys = {"approved",
                                                               "response_code",
                                                               "cvm",
                                                               "tvr_bits_set",
                                                               "tvr_bits_clear",
                                                               "cryptogram",
                                                               "status",
                                                               "outcome",
                                                               "arrival_at",
                                                               "arrival_within",
                                                               "clearing_date",
                                                               "settlement_date",
                                                               "net_amount",
                                                               "fee",
                                                               "auth_latency_ms_max",
                                                               "display_contains",
                                                               "receipt_contains",
                                                               "reversal_sent",
                                                               "hold_released",
                                                               "batch_balanced",
                                                               "offline",
                                                               "in_review",
                                                               "available_balance"};
constexpr std::array<std::string_view, 8> kAcquirerKeys = {
    "backend", "options",  "settlement", "latency",
    "rules",   "velocity", "scripts",    "completion_max_percent"};
constexpr std::array<std::string_view, 9> kFaultKeys = {
    "kind", "count", "latency", "until", "for", "response_code", "only", "at", "occurrence"};
constexpr std::array<std::string_view, 10> kLoadKeys = {
    "terminals", "count",   "duration",   "rate",   "clock",
    "mode",      "ramp_up", "think_time", "expect", "mix"};
constexpr std::array<std::string_view, 5> kLoadExpectKeys = {"p99_ms", "p50_ms", "throughput",
                                                             "errors", "approval_rate"};
constexpr std::array<EnumName<LoadClock>, 2> kLoadClocks = {{
    {"virtual", LoadClock::kVirtual},
    {"real", LoadClock::kReal},
}};
constexpr std::array<EnumName<LoadMode>, 2> kLoadModes = {{
    {"open", LoadMode::kOpen},
    {"closed", LoadMode::kClosed},
}};
constexpr std::array<std::string_view, 5> kCardTransactionKeys = {"card", "entry", "amount", "pin",
                                                                  "force_online"};
constexpr std::array<std::string_view, 3> kReferencedKeys = {"ref", "amount", "reason"};
constexpr std::array<std::string_view, 5> kMixKeys = {"type", "weight", "card", "entry", "amount"};

constexpr std::array<EnumName<emv::EntryMode>, 6> kEntryModes = {{
    {"chip", emv::EntryMode::kContact},
    {"contact", emv::EntryMode::kContact},
    {"contactless", emv::EntryMode::kContactless},
    {"tap", emv::EntryMode::kContactless},
    {"swipe", emv::EntryMode::kMagstripe},
    {"magstripe", emv::EntryMode::kMagstripe},
}};

constexpr std::array<EnumName<acquirer::AccountStatus>, 5> kAccountStatuses = {{
    {"active", acquirer::AccountStatus::kActive},
    {"blocked", acquirer::AccountStatus::kBlocked},
    {"lost", acquirer::AccountStatus::kLost},
    {"stolen", acquirer::AccountStatus::kStolen},
    {"expired", acquirer::AccountStatus::kExpired},
}};

constexpr std::array<EnumName<TransactionType>, 9> kTransactionTypes = {{
    {"sale", TransactionType::kSale},
    {"preauth", TransactionType::kPreauth},
    {"completion", TransactionType::kCompletion},
    {"cancel", TransactionType::kCancel},
    {"refund", TransactionType::kRefund},
    {"reversal", TransactionType::kReversal},
    {"balance", TransactionType::kBalance},
    {"echo", TransactionType::kEcho},
    {"settle", TransactionType::kSettle},
}};

constexpr std::array<EnumName<acquirer::ScriptRule::Command>, 4> kScriptCommands = {{
    {"application_block", acquirer::ScriptRule::Command::kApplicationBlock},
    {"application_unblock", acquirer::ScriptRule::Command::kApplicationUnblock},
    {"put_data", acquirer::ScriptRule::Command::kPutData},
    {"pin_change", acquirer::ScriptRule::Command::kPinChange},
}};

constexpr std::array<std::string_view, 3> kCryptograms = {"ARQC", "TC", "AAC"};
constexpr std::array<std::string_view, 9> kStatuses = {"approved", "declined", "voided",
                                                       "reversed", "refunded", "held",
                                                       "released", "settled",  "in_review"};

constexpr std::array<FaultKind, 9> kBackendFaults = {
    FaultKind::kAddedLatency,      FaultKind::kTimeout,    FaultKind::kNoAnswer,
    FaultKind::kDuplicateResponse, FaultKind::kDisconnect, FaultKind::kMalformedResponse,
    FaultKind::kWrongMac,          FaultKind::kHostDown,   FaultKind::kResponseCode};
constexpr std::array<std::string_view, 6> kCardFaults = {
    "card_mute",       "card_removed",        "wrong_cryptogram",
    "bad_certificate", "blocked_application", "pin_tries_exceeded"};

// The command names of emv::commandName(), where card_removed can pull the card.
constexpr std::array<std::string_view, 15> kCardCommands = {"SELECT",
                                                            "READ RECORD",
                                                            "GET PROCESSING OPTIONS",
                                                            "GET DATA",
                                                            "VERIFY",
                                                            "GET CHALLENGE",
                                                            "INTERNAL AUTHENTICATE",
                                                            "GENERATE AC",
                                                            "EXTERNAL AUTHENTICATE",
                                                            "APPLICATION BLOCK",
                                                            "APPLICATION UNBLOCK",
                                                            "CARD BLOCK",
                                                            "PIN CHANGE/UNBLOCK",
                                                            "PUT DATA",
                                                            "GET RESPONSE"};

constexpr std::int64_t kMaxCount = 1'000'000'000;

template <typename T, typename U>
void assign(std::optional<U> value, T& target) {
  if (value.has_value()) target = static_cast<T>(std::move(*value));
}

void declare(MappingReader& reader, std::span<const std::string_view> keys) {
  for (std::string_view key : keys) reader.allow({key});
}

bool contains(std::span<const std::string_view> names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string join(std::span<const std::string_view> names, std::string_view last = ", ") {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? last : ", ";
    out += names[i];
  }
  return out;
}

std::string lineColumn(const SourcePosition& where) {
  return "line " + std::to_string(where.line) + ", column " + std::to_string(where.column);
}

// True if `mapping` has a key that is not in `known` but close to `wanted`: its "unknown key
// ...; did you mean <wanted>?" already says what is missing, so "missing <wanted>" would only
// repeat it.
bool misspelled(const Node& mapping, std::span<const std::string_view> wanted,
                std::span<const std::string_view> known) {
  for (const MappingEntry& entry : mapping.entries()) {
    const std::string& key = entry.key.scalar();
    if (contains(known, key)) continue;
    if (!nearestNames(key, wanted).empty()) return true;
  }
  return false;
}

bool isWord(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
  });
}

// An amount in `currency`. A plain YAML number is accepted when it is an exact amount
// ("12.30", "500"); otherwise the author is told to quote it.
std::optional<Money> readAmount(const Node* node, Diagnostics& diagnostics,
                                const Currency& currency, bool allow_negative) {
  if (node == nullptr) return std::nullopt;
  std::optional<Money> money;
  if (node->isScalar() && !node->isQuoted()) {
    auto parsed = Money::parse(node->scalar(), currency);
    if (!parsed.isOk()) {
      diagnostics.error(node->position(),
                        "the number " + node->describe() + " is not an exact amount in " +
                            std::string(currency.alpha) + " (" + parsed.status().message() +
                            "); write amounts as strings, like \"12.34\"");
      return std::nullopt;
    }
    money = *parsed;
  } else {
    money = readMoney(node, diagnostics, currency);
    if (!money.has_value()) return std::nullopt;
  }
  if (!allow_negative && money->isNegative()) {
    reportExpected(*node, diagnostics, "an amount that is not negative");
    return std::nullopt;
  }
  return money;
}

// A text of 1..max_length characters (merchant id, terminal id).
std::optional<std::string> readBoundedText(const Node* node, Diagnostics& diagnostics,
                                           std::size_t max_length) {
  auto text = readNonEmptyString(node, diagnostics);
  if (!text.has_value()) return std::nullopt;
  if (text->size() > max_length) {
    reportExpected(*node, diagnostics, "at most " + std::to_string(max_length) + " characters");
    return std::nullopt;
  }
  return text;
}

// An ISO 8583 response code: two letters or digits ("00", "51", "N7").
std::optional<std::string> readResponseCode(const Node* node, Diagnostics& diagnostics) {
  if (node == nullptr) return std::nullopt;
  constexpr std::string_view kWhat = "a 2-character response code (like \"00\" or \"51\")";
  if (!node->isScalar() || node->scalar().size() != 2 ||
      !std::all_of(node->scalar().begin(), node->scalar().end(),
                   [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; })) {
    reportExpected(*node, diagnostics, kWhat);
    return std::nullopt;
  }
  return node->scalar();
}

// A word of letters, digits and '_' (cvm, outcome).
std::optional<std::string> readWord(const Node* node, Diagnostics& diagnostics) {
  if (node == nullptr) return std::nullopt;
  if (!node->isScalar() || !isWord(node->scalar())) {
    reportExpected(*node, diagnostics, "a word (letters, digits and _, like online_pin)");
    return std::nullopt;
  }
  return node->scalar();
}

// A number that is not negative (auth_latency_ms_max).
std::optional<double> readNonNegativeNumber(const Node* node, Diagnostics& diagnostics) {
  if (node == nullptr) return std::nullopt;
  double value = 0;
  bool ok = node->isScalar() && !node->scalar().empty();
  if (ok) {
    const std::string& text = node->scalar();
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    ok =
        ec == std::errc() && end == text.data() + text.size() && std::isfinite(value) && value >= 0;
  }
  if (!ok) {
    reportExpected(*node, diagnostics, "a number that is not negative (like 250)");
    return std::nullopt;
  }
  return value;
}

// One string or a list of them, none empty.
std::optional<std::vector<std::string>> readStringOrList(const Node* node,
                                                         Diagnostics& diagnostics) {
  if (node == nullptr) return std::nullopt;
  if (node->isScalar()) {
    auto text = readNonEmptyString(node, diagnostics);
    if (!text.has_value()) return std::nullopt;
    return std::vector<std::string>{*text};
  }
  if (!node->isSequence()) {
    reportExpected(*node, diagnostics, "a string or a list of strings");
    return std::nullopt;
  }
  return readList<std::string>(node, diagnostics, [](const Node& item, Diagnostics& d) {
    return readNonEmptyString(&item, d);
  });
}

std::vector<std::string_view> tvrBitNames() {
  std::vector<std::string_view> names;
  for (const emv::NamedBit& bit : emv::Tvr::bitTable()) names.push_back(bit.name);
  return names;
}

// A list of TVR bit names (or one), each checked against emv::Tvr.
std::optional<std::vector<std::string>> readTvrBits(const Node* node, Diagnostics& diagnostics) {
  if (node == nullptr) return std::nullopt;
  const std::size_t errors = diagnostics.errorCount();
  auto names = readStringOrList(node, diagnostics);
  if (!names.has_value()) return std::nullopt;
  const std::vector<std::string_view> known = tvrBitNames();
  for (std::size_t i = 0; i < names->size(); ++i) {
    const std::string& name = (*names)[i];
    if (emv::Tvr::bitByName(name).isOk()) continue;
    const Node& where = node->isSequence() ? node->items()[i] : *node;
    diagnostics.error(
        where.position(),
        "unknown TVR bit '" + name + "'" + didYouMean(name, known) +
            " (names as in `posim emv decode`, like offline_data_auth_not_performed)");
  }
  if (diagnostics.errorCount() > errors) return std::nullopt;
  return names;
}

bool needsCard(TransactionType type) {
  return type == TransactionType::kSale || type == TransactionType::kPreauth ||
         type == TransactionType::kBalance;
}

bool needsRef(TransactionType type) {
  return type == TransactionType::kCompletion || type == TransactionType::kCancel ||
         type == TransactionType::kRefund || type == TransactionType::kReversal;
}

bool canRefer(TransactionType from, TransactionType to) {
  switch (from) {
    case TransactionType::kCompletion: return to == TransactionType::kPreauth;
    case TransactionType::kCancel:
      return to == TransactionType::kSale || to == TransactionType::kPreauth ||
             to == TransactionType::kCompletion;
    case TransactionType::kRefund:
      return to == TransactionType::kSale || to == TransactionType::kCompletion;
    case TransactionType::kReversal:
      return to != TransactionType::kReversal && to != TransactionType::kEcho &&
             to != TransactionType::kSettle;
    default: return false;
  }
}

std::string_view referable(TransactionType from) {
  switch (from) {
    case TransactionType::kCompletion: return "a preauth";
    case TransactionType::kCancel: return "a sale, preauth or completion";
    case TransactionType::kRefund: return "a sale or completion";
    case TransactionType::kReversal:
      return "a sale, preauth, completion, cancel, refund or balance";
    default: return "nothing";
  }
}

std::string article(std::string_view word) {
  const bool vowel =
      !word.empty() && std::string_view("aeiou").find(word.front()) != std::string_view::npos;
  return std::string(vowel ? "an " : "a ") + std::string(word);
}

std::string normalizeCommand(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c == '_' || c == '-') c = ' ';
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

class Loader {
 public:
  Loader(Resolver& resolver, Diagnostics& diagnostics) : resolver_(resolver), d_(diagnostics) {}

  std::optional<Scenario> load(const Node& root) {
    const std::size_t errors = d_.errorCount();
    MappingReader m(root, d_, "scenario");
    if (!m.isMapping()) return std::nullopt;
    declare(m, kScenarioKeys);
    readVersion(root);
    assign(readNonEmptyString(m.required("name"), d_), s_.name);
    assign(readString(m.optional("description"), d_), s_.description);
    if (const Node* clock = m.required("clock")) {
      MappingReader c(*clock, d_, "clock");
      assign(readTimestamp(c.required("start"), d_), s_.start);
    }
    readTerminal(m.optional("terminal"));
    readMerchant(m.optional("merchant"));
    readCalendar(m.optional("calendar"));
    readCards(m.optional("cards"));
    readAcquirer(m.optional("acquirer"));
    readWhatIf(m.optional("what_if"));
    const Node* load = m.optional("load");
    readSteps(m.optional("steps"), root, load != nullptr);
    if (load != nullptr) readLoad(*load);
    m.finish();
    if (d_.errorCount() > errors) return std::nullopt;
    return std::move(s_);
  }

 private:
  const Currency& currency() const { return s_.merchant.currency; }

  void readVersion(const Node& root) {
    const Node* version = root.find("posim");
    if (version == nullptr) {
      d_.error(root.position(),
               "missing required key 'posim' in scenario: the format version; write posim: 1");
      return;
    }
    if (!version->isScalar() || version->scalar() != "1") {
      d_.error(version->position(), "unsupported scenario format version " + version->describe() +
                                        "; this posim reads version 1 (posim: 1)");
    }
  }

  void readTerminal(const Node* node) {
    if (node != nullptr) {
      if (auto resolved = resolver_.resolve(*node, kTerminalReference, d_)) {
        assign(readTerminalProfile(resolved->node(), resolver_, d_), s_.terminal);
      }
      return;
    }
    // The default: examples/terminals/countertop.yaml, or its C++ twin when the examples are
    // not installed.
    s_.terminal = emv::countertopTerminal();
    if (auto path = resolver_.findByName(kTerminalReference, "countertop")) {
      Diagnostics quiet;
      if (auto opened = resolver_.open(*path, quiet)) {
        auto profile = readTerminalProfile(opened->node(), resolver_, quiet);
        if (profile.has_value() && !quiet.hasErrors()) s_.terminal = std::move(*profile);
      }
    }
  }

  void readCalendar(const Node* node) {
    if (node != nullptr) {
      assign(resolveCalendar(*node, resolver_, d_), s_.calendar);
      return;
    }
    s_.calendar = settlement::Calendar();
    s_.calendar.setName("weekends-only");
    if (auto path = resolver_.findByName(kCalendarReference, "weekends-only")) {
      Diagnostics quiet;
      if (auto opened = resolver_.open(*path, quiet)) {
        auto calendar = scenarios::readCalendar(opened->node(), quiet, "weekends-only");
        if (calendar.has_value() && !quiet.hasErrors()) s_.calendar = std::move(*calendar);
      }
    }
  }

  // The merchant starts as the terminal profile's; `merchant:` overrides both.
  void readMerchant(const Node* node) {
    Merchant& merchant = s_.merchant;
    emv::TerminalProfile& terminal = s_.terminal;
    merchant.id = terminal.merchant_id;
    merchant.terminal_id = terminal.terminal_id;
    merchant.mcc = terminal.merchant_category_code;
    merchant.name = terminal.merchant_name_location;
    merchant.currency = terminal.currency;
    if (node == nullptr) return;
    MappingReader r(*node, d_, "merchant");
    assign(readBoundedText(r.optional("id"), d_, 15), merchant.id);
    assign(readBoundedText(r.optional("terminal_id"), d_, 8), merchant.terminal_id);
    assign(readDigits(r.optional("mcc"), d_, 4, 4), merchant.mcc);
    assign(readCurrency(r.optional("currency"), d_), merchant.currency);
    assign(readString(r.optional("name"), d_), merchant.name);
    merchant_settlement_ = r.optional("settlement");
    terminal.merchant_id = merchant.id;
    terminal.terminal_id = merchant.terminal_id;
    terminal.merchant_category_code = merchant.mcc;
    terminal.merchant_name_location = merchant.name;
    terminal.currency = merchant.currency;  // the country stays the profile's
  }

  void readCards(const Node* node) {
    if (node == nullptr) return;
    if (!node->isMapping()) {
      reportExpected(*node, d_, "a mapping of card names to profiles (like {visa: visa-credit})");
      return;
    }
    for (const MappingEntry& entry : node->entries()) {
      card_names_.push_back(entry.key.scalar());
      ScenarioCard card;
      card.name = entry.key.scalar();
      card.position = entry.key.position();
      readCard(entry.value, card);
      // The issuer keys accounts by PAN: two cards with one PAN share balance and PIN tries.
      for (const ScenarioCard& other : s_.cards) {
        if (!card.profile.pan.empty() && other.profile.pan == card.profile.pan) {
          d_.warning(card.position, "card '" + card.name + "' has the same PAN as card '" +
                                        other.name + "' (" + other.position.toString() +
                                        "): the issuer keeps one account for both (balance, "
                                        "PIN tries, status of the first)");
          break;
        }
      }
      s_.cards.push_back(std::move(card));
    }
  }

  void readCard(const Node& value, ScenarioCard& card) {
    const Node* profile = &value;
    std::optional<std::string> pin;
    if (value.isMapping()) {
      MappingReader r(value, d_, "card '" + card.name + "'");
      profile = r.required("profile");
      pin = readDigits(r.optional("pin"), d_, 4, 12);
      card.balance = readAmount(r.optional("balance"), d_, currency(), true);
      assign(readEnum<acquirer::AccountStatus>(r.optional("status"), d_, kAccountStatuses,
                                               "account status"),
             card.status);
    } else if (!value.isScalar()) {
      reportExpected(value, d_, "a card profile name or path, or {profile, pin, balance, status}");
      return;
    }
    if (profile != nullptr) {
      if (auto read = readProfile(*profile)) card.profile = std::move(*read);
    }
    if (pin.has_value()) {
      card.pin = *pin;
      card.profile.offline_pin = *pin;
    } else {
      card.pin = card.profile.offline_pin;
    }
  }

  // A card profile reference; a file read once even when several cards use it.
  std::optional<emv::CardProfile> readProfile(const Node& reference) {
    auto resolved = resolver_.resolve(reference, kCardReference, d_);
    if (!resolved.has_value()) return std::nullopt;
    if (resolved->isInline()) return readCardProfile(resolved->node(), resolver_, d_);
    const std::string key = resolved->file();
    if (auto it = profiles_.find(key); it != profiles_.end()) return it->second;
    auto profile = readCardProfile(resolved->node(), resolver_, d_);
    profiles_.emplace(key, profile);
    return profile;
  }

  // A `card:` value: a key of `cards:`.
  std::optional<std::string> readCardName(const Node* node) {
    auto name = readNonEmptyString(node, d_);
    if (!name.has_value()) return std::nullopt;
    if (std::find(card_names_.begin(), card_names_.end(), *name) != card_names_.end()) {
      return name;
    }
    std::vector<std::string_view> names(card_names_.begin(), card_names_.end());
    std::string message = "unknown card '" + *name + "'";
    const std::string hint = didYouMean(*name, names);
    if (!hint.empty()) {
      message += hint;
    } else if (names.empty()) {
      message += ": the scenario has no cards; add them under cards:";
    } else {
      message += " (cards of this scenario: " + join(names) + ")";
    }
    d_.error(node->position(), std::move(message));
    return std::nullopt;
  }

  void readAcquirer(const Node* node) {
    AcquirerSpec& spec = s_.acquirer;
    spec.issuer.pin_key = s_.terminal.online_pin_key;
    if (node != nullptr) {
      MappingReader r(*node, d_, "acquirer");
      declare(r, kAcquirerKeys);
      spec.backend_position = node->position();
      if (const Node* backend = r.optional("backend")) {
        spec.backend_position = backend->position();
        assign(readNonEmptyString(backend, d_), spec.backend);
      }
      if (const Node* options = r.optional("options")) readOptions(*options);
      if (const Node* policy = r.optional("settlement")) {
        assign(readSettlementPolicy(*policy, currency(), d_), spec.settlement);
      }
      if (const Node* latency = r.optional("latency")) {
        if (auto text = readNonEmptyString(latency, d_)) {
          auto model = acquirer::parseLatencyModel(*text);
          if (model.isOk()) {
            spec.issuer.latency = *model;
          } else {
            d_.error(latency->position(), model.status().message());
          }
        }
      }
      if (const Node* rules = r.optional("rules")) {
        assign(readList<acquirer::ResponseRule>(
                   rules, d_, [this](const Node& item, Diagnostics&) { return readRule(item); }),
               spec.issuer.rules);
      }
      if (const Node* velocity = r.optional("velocity")) {
        assign(readList<acquirer::VelocityLimit>(
                   velocity, d_,
                   [this](const Node& item, Diagnostics&) { return readVelocity(item); }),
               spec.issuer.velocity);
      }
      if (const Node* scripts = r.optional("scripts")) {
        assign(
            readList<acquirer::ScriptRule>(
                scripts, d_, [this](const Node& item, Diagnostics&) { return readScript(item); }),
            spec.issuer.scripts);
      }
      assign(readInteger(r.optional("completion_max_percent"), d_, 1, 1000),
             spec.completion_max_percent);
    }
    // The merchant's effective policy: the acquirer's, overridden key by key.
    s_.settlement = spec.settlement;
    if (merchant_settlement_ != nullptr) {
      assign(readSettlementPolicy(*merchant_settlement_, currency(), d_, spec.settlement),
             s_.settlement);
    }
    spec.issuer.completion_max_percent = spec.completion_max_percent;
    spec.issuer.hold_expiry = s_.settlement.hold_expiry;
  }

  void readOptions(const Node& node) {
    if (!node.isMapping()) {
      reportExpected(node, d_, "a mapping of backend options (like {host: 127.0.0.1, port: 8583})");
      return;
    }
    for (const MappingEntry& entry : node.entries()) {
      if (!entry.value.isScalar()) {
        reportExpected(entry.value, d_,
                       "a single value for backend option '" + entry.key.scalar() + "'");
        continue;
      }
      s_.acquirer.options[entry.key.scalar()] = entry.value.scalar();
    }
  }

  std::optional<acquirer::ResponseRule> readRule(const Node& item) {
    MappingReader r(item, d_, "acquirer rule");
    if (!r.isMapping()) return std::nullopt;
    const std::size_t errors = d_.errorCount();
    acquirer::ResponseRule rule;
    assign(readResponseCode(r.required("response_code"), d_), rule.response_code);
    rule.card = readCardName(r.optional("card"));
    if (const Node* amount = r.optional("amount")) {
      auto pattern = readNonEmptyString(amount, d_);
      if (pattern.has_value() && !std::all_of(pattern->begin(), pattern->end(), [](char c) {
            return std::isdigit(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '*' ||
                   c == '?' || c == '-';
          })) {
        reportExpected(*amount, d_,
                       "an amount pattern of digits, '.', '*' and '?' (like \"*.51\")");
      } else {
        rule.amount_pattern = pattern;
      }
    }
    rule.type =
        readEnum<TransactionType>(r.optional("type"), d_, kTransactionTypes, "transaction type");
    const Node* from = r.optional("from");
    const Node* until = r.optional("until");
    if (auto t = readTimestamp(from, d_)) rule.from = t->instant;
    if (auto t = readTimestamp(until, d_)) rule.until = t->instant;
    if (rule.from.has_value() && rule.until.has_value() && *rule.until <= *rule.from) {
      d_.error(until->position(), "the rule ends (until) before or when it starts (from)");
    }
    assign(readInteger(r.optional("times"), d_, 1, kMaxCount), rule.times);
    r.finish();
    if (d_.errorCount() > errors) return std::nullopt;
    return rule;
  }

  std::optional<acquirer::VelocityLimit> readVelocity(const Node& item) {
    MappingReader r(item, d_, "velocity limit");
    if (!r.isMapping()) return std::nullopt;
    const std::size_t errors = d_.errorCount();
    acquirer::VelocityLimit limit;
    const Node* count = r.optional("max_count");
    const Node* amount = r.optional("max_amount");
    assign(readInteger(count, d_, 1, kMaxCount), limit.max_count);
    if (auto money = readAmount(amount, d_, currency(), false)) {
      limit.max_amount = money->minorUnits();
    }
    if (const Node* window = r.optional("window")) {
      auto duration = readDuration(window, d_);
      if (duration.has_value() && duration->count() == 0) {
        reportExpected(*window, d_, "a window longer than zero (like 1h or 1d)");
      } else {
        assign(duration, limit.window);
      }
    }
    if (const Node* code = r.optional("response_code")) {
      assign(readResponseCode(code, d_), limit.response_code);
    }
    if (count == nullptr && amount == nullptr) {
      d_.error(item.position(), "a velocity limit needs max_count or max_amount (or both)");
    }
    r.finish();
    if (d_.errorCount() > errors) return std::nullopt;
    return limit;
  }

  std::optional<acquirer::ScriptRule> readScript(const Node& item) {
    MappingReader r(item, d_, "issuer script");
    if (!r.isMapping()) return std::nullopt;
    const std::size_t errors = d_.errorCount();
    acquirer::ScriptRule script;
    script.card = readCardName(r.optional("card"));
    const auto command = readEnum<acquirer::ScriptRule::Command>(
        r.required("command"), d_, kScriptCommands, "issuer script command");
    assign(command, script.command);
    const Node* tag_value = r.optional("tag_value");
    const Node* new_pin = r.optional("new_pin");
    if (command.has_value()) {
      const bool put_data = *command == acquirer::ScriptRule::Command::kPutData;
      const bool pin_change = *command == acquirer::ScriptRule::Command::kPinChange;
      if (put_data && tag_value == nullptr) {
        d_.error(item.position(), "missing required key 'tag_value' in issuer script put_data");
      }
      if (!put_data && tag_value != nullptr) {
        d_.error(tag_value->position(), "tag_value applies only to the put_data command");
      }
      if (pin_change && new_pin == nullptr) {
        d_.error(item.position(), "missing required key 'new_pin' in issuer script pin_change");
      }
      if (!pin_change && new_pin != nullptr) {
        d_.error(new_pin->position(), "new_pin applies only to the pin_change command");
      }
    }
    assign(readHex(tag_value, d_, 2, 255), script.put_data_tag_value);
    assign(readDigits(new_pin, d_, 4, 12), script.new_pin);
    if (const Node* tmpl = r.optional("template")) {
      if (tmpl->isScalar() && (tmpl->scalar() == "71" || tmpl->scalar() == "72")) {
        script.template_tag = tmpl->scalar() == "71" ? 0x71 : 0x72;
      } else {
        reportExpected(*tmpl, d_,
                       "script template 71 (before the second GENERATE AC) or 72 (after it)");
      }
    }
    r.finish();
    if (d_.errorCount() > errors) return std::nullopt;
    return script;
  }

  void readWhatIf(const Node* node) {
    const std::string own = s_.settlement.cycle.toString();
    s_.what_if.push_back({own, s_.settlement});
    if (node == nullptr) return;
    if (!node->isSequence()) {
      reportExpected(
          *node, d_,
          "a list of settlement cycles (like [T+1, D+0, instant]) or {name, cycle, ...}");
      return;
    }
    std::map<std::string, SourcePosition> seen;
    for (const Node& item : node->items()) {
      WhatIfPolicy entry;
      bool plain_cycle = false;
      if (item.isScalar()) {
        auto cycle = settlement::Cycle::parse(item.scalar());
        if (!cycle.isOk()) {
          d_.error(item.position(), cycle.status().message());
          continue;
        }
        entry.policy = s_.settlement;
        entry.policy.cycle = *cycle;
        entry.name = cycle->toString();
        plain_cycle = true;
      } else if (item.isMapping()) {
        static constexpr std::array<std::string_view, 1> kName = {"name"};
        auto policy = readSettlementPolicy(item, currency(), d_, s_.settlement, kName);
        if (!policy.has_value()) continue;
        entry.policy = *policy;
        entry.name = policy->cycle.toString();
        if (const Node* name = item.find("name")) {
          auto text = readNonEmptyString(name, d_);
          if (!text.has_value()) continue;
          entry.name = *text;
        }
      } else {
        reportExpected(item, d_, "a settlement cycle (like D+1) or {name, cycle, ...}");
        continue;
      }
      if (entry.name == own && plain_cycle && seen.find(own) == seen.end()) {
        seen.emplace(own, item.position());
        continue;  // the scenario's own policy comes first anyway
      }
      const auto [it, inserted] = seen.emplace(entry.name, item.position());
      if (!inserted || entry.name == own) {
        d_.warning(item.position(),
                   "what_if '" + entry.name + "' is already compared" +
                       (entry.name == own && inserted ? " (the scenario's own policy)"
                                                      : " (at " + lineColumn(it->second) + ")") +
                       "; this one is ignored; give it another name");
        continue;
      }
      s_.what_if.push_back(std::move(entry));
    }
  }

  // ---- Steps ----

  struct PendingRef {
    std::size_t step;
    const Node* node;
  };

  void readSteps(const Node* node, const Node& root, bool has_load) {
    if (node == nullptr) {
      if (!has_load) {
        d_.error(root.position(),
                 "missing required key 'steps' in scenario (or a load: block for a load run)");
      }
      return;
    }
    if (!node->isSequence()) {
      reportExpected(*node, d_, "a list of steps");
      return;
    }
    if (node->items().empty() && !has_load) {
      d_.error(node->position(), "the scenario has no steps; add at least one");
    }
    for (const Node& item : node->items()) readStep(item);
    nameSteps();
    for (const PendingRef& pending : pending_refs_) checkRef(pending);
  }

  void readStep(const Node& item) {
    const std::size_t index = s_.steps.size();
    const std::string context = "step " + std::to_string(index + 1);
    Step step;
    step.position = item.position();
    bool action_known = false;
    if (!item.isMapping()) {
      reportExpected(item, d_, "a step (a mapping like {sale: {card: visa, amount: \"10.00\"}})");
      s_.steps.push_back(std::move(step));
      action_known_.push_back(false);
      return;
    }
    MappingReader r(item, d_, context);
    declare(r, kStepActionKeys);
    declare(r, kStepCommonKeys);

    if (const Node* id = r.optional("id")) {
      if (auto text = readNonEmptyString(id, d_)) {
        const auto [it, inserted] = ids_.emplace(*text, id->position());
        if (!inserted) {
          d_.error(id->position(), "duplicate step id '" + *text + "' (first at " +
                                       lineColumn(it->second) + "); step ids must be unique");
        }
        step.id = *text;
        step.id_given = true;
      }
    }
    assign(readString(r.optional("description"), d_), step.description);
    assign(readBool(r.optional("stop_on_failure"), d_), step.stop_on_failure);

    std::vector<const MappingEntry*> actions;
    for (const MappingEntry& entry : item.entries()) {
      if (contains(kStepActionKeys, entry.key.scalar())) actions.push_back(&entry);
    }
    std::vector<std::string_view> all_keys(kStepActionKeys.begin(), kStepActionKeys.end());
    all_keys.insert(all_keys.end(), kStepCommonKeys.begin(), kStepCommonKeys.end());
    if (actions.empty()) {
      if (!misspelled(item, kStepActionKeys, all_keys)) {
        d_.error(item.position(),
                 context + " has no action; give exactly one of: " + join(kStepActionKeys, " or "));
      }
    } else {
      if (actions.size() > 1) {
        std::vector<std::string_view> names;
        for (const MappingEntry* entry : actions) names.push_back(entry->key.scalar());
        d_.error(actions[1]->key.position(),
                 context + " has more than one action (" + join(names, " and ") +
                     "); a step does exactly one of: " + join(kStepActionKeys, " or "));
      }
      action_known = readAction(actions[0]->key.scalar(), actions[0]->value, step, index);
    }
    if (const Node* expect = r.optional("expect")) {
      step.has_expect = true;
      readExpect(*expect, step.expect);
    }
    if (const Node* faults = r.optional("faults")) readFaults(*faults, step);
    r.finish();
    s_.steps.push_back(std::move(step));
    action_known_.push_back(action_known);
  }

  bool readAction(std::string_view action, const Node& value, Step& step, std::size_t index) {
    if (action == "advance") {
      step.kind = StepKind::kAdvance;
      readAdvance(value, step);
      return true;
    }
    const auto type = acquirer::transactionTypeByName(action);
    if (!type.has_value()) return false;
    step.kind = StepKind::kTransaction;
    step.type = *type;
    if (needsCard(*type)) {
      readCardTransaction(value, step, action);
    } else if (needsRef(*type)) {
      readReferenced(value, step, action, index);
    } else if (value.isMapping()) {
      for (const MappingEntry& entry : value.entries()) {
        d_.error(entry.key.position(), "unknown key '" + entry.key.scalar() + "' in " +
                                           std::string(action) + ": " + std::string(action) +
                                           " takes no keys (write " + std::string(action) +
                                           ": {})");
      }
    } else if (!value.isNull()) {
      reportExpected(value, d_, "{} or nothing for " + std::string(action));
    }
    return true;
  }

  void readCardTransaction(const Node& value, Step& step, std::string_view action) {
    MappingReader r(value, d_, std::string(action));
    if (!r.isMapping()) return;
    const bool has_amount = step.type != TransactionType::kBalance;
    std::vector<std::string_view> known(kCardTransactionKeys.begin(), kCardTransactionKeys.end());
    if (!has_amount) known.erase(std::find(known.begin(), known.end(), "amount"));
    declare(r, known);
    assign(readCardName(r.required("card")), step.card);
    assign(readEnum<emv::EntryMode>(r.optional("entry"), d_, kEntryModes, "entry mode"),
           step.entry);
    if (has_amount) {
      const Node* amount = r.optional("amount");
      static constexpr std::array<std::string_view, 1> kAmount = {"amount"};
      if (amount == nullptr && !misspelled(value, kAmount, known)) {
        d_.error(value.position(), "missing required key 'amount' in " + std::string(action));
      }
      step.amount = readAmount(amount, d_, currency(), false);
    }
    if (const Node* pin = r.optional("pin")) {
      step.pin_given = true;
      readPins(*pin, step.pins);
    } else if (const ScenarioCard* card = s_.findCard(step.card)) {
      if (!card->pin.empty()) step.pins = {card->pin};
    }
    assign(readBool(r.optional("force_online"), d_), step.force_online);
  }

  void readPins(const Node& node, std::vector<std::string>& pins) {
    auto check = [this](const Node& item) -> std::optional<std::string> {
      constexpr std::string_view kWhat =
          "a PIN of 4 to 12 digits, \"\" (bypass) or \"timeout\" (no answer)";
      if (!item.isScalar()) {
        reportExpected(item, d_, kWhat);
        return std::nullopt;
      }
      const std::string& text = item.scalar();
      const bool digits = text.size() >= 4 && text.size() <= 12 &&
                          std::all_of(text.begin(), text.end(), [](char c) {
                            return std::isdigit(static_cast<unsigned char>(c)) != 0;
                          });
      if (!digits && !text.empty() && text != "timeout") {
        reportExpected(item, d_, kWhat);
        return std::nullopt;
      }
      return text;
    };
    if (node.isSequence()) {
      if (node.items().empty()) {
        reportExpected(node, d_, "at least one PIN entry");
        return;
      }
      for (const Node& item : node.items()) {
        if (auto pin = check(item)) pins.push_back(*pin);
      }
      return;
    }
    if (auto pin = check(node)) pins.push_back(*pin);
  }

  void readReferenced(const Node& value, Step& step, std::string_view action, std::size_t index) {
    MappingReader r(value, d_, std::string(action));
    if (!r.isMapping()) return;
    const bool reversal = step.type == TransactionType::kReversal;
    std::vector<std::string_view> known(kReferencedKeys.begin(), kReferencedKeys.end());
    if (!reversal) known.pop_back();
    declare(r, known);
    if (const Node* ref = r.required("ref")) {
      if (auto text = readNonEmptyString(ref, d_)) {
        step.ref = *text;
        pending_refs_.push_back({index, ref});
      }
    }
    step.amount = readAmount(r.optional("amount"), d_, currency(), false);
    if (reversal) {
      if (const Node* reason = r.optional("reason")) {
        assign(readResponseCode(reason, d_), step.reversal_reason);
      }
    }
  }

  void readAdvance(const Node& value, Step& step) {
    if (value.isScalar()) {
      assign(readDuration(&value, d_), step.advance);
      return;
    }
    if (!value.isMapping()) {
      reportExpected(value, d_,
                     "a duration (like 2h or 1h30m) or {to: \"2026-10-01T09:00:00+08:00\"}");
      return;
    }
    MappingReader r(value, d_, "advance");
    const Node* to = r.required("to");
    step.advance_to = readTimestamp(to, d_);
    if (step.advance_to.has_value() && step.advance_to->instant < s_.start.instant) {
      d_.error(to->position(), "advance to " + formatIso8601(*step.advance_to) +
                                   " goes back before the clock start " + formatIso8601(s_.start) +
                                   "; the clock only moves forward");
    }
  }

  void readExpect(const Node& node, Expectation& e) {
    e.position = node.position();
    MappingReader r(node, d_, "expect");
    declare(r, kExpectationKeys);
    e.approved = readBool(r.optional("approved"), d_);
    e.response_code = readResponseCode(r.optional("response_code"), d_);
    e.cvm = readWord(r.optional("cvm"), d_);
    assign(readTvrBits(r.optional("tvr_bits_set"), d_), e.tvr_bits_set);
    assign(readTvrBits(r.optional("tvr_bits_clear"), d_), e.tvr_bits_clear);
    if (auto index = readChoice(r.optional("cryptogram"), d_, kCryptograms, "cryptogram")) {
      e.cryptogram = std::string(kCryptograms.at(*index));
    }
    if (auto index = readChoice(r.optional("status"), d_, kStatuses, "status")) {
      e.status = std::string(kStatuses.at(*index));
    }
    e.outcome = readWord(r.optional("outcome"), d_);
    e.arrival_at = readTimestamp(r.optional("arrival_at"), d_);
    e.arrival_within = readDuration(r.optional("arrival_within"), d_);
    e.clearing_date = readDate(r.optional("clearing_date"), d_);
    e.settlement_date = readDate(r.optional("settlement_date"), d_);
    e.net_amount = readAmount(r.optional("net_amount"), d_, currency(), true);
    e.fee = readAmount(r.optional("fee"), d_, currency(), false);
    e.auth_latency_ms_max = readNonNegativeNumber(r.optional("auth_latency_ms_max"), d_);
    assign(readStringOrList(r.optional("display_contains"), d_), e.display_contains);
    assign(readStringOrList(r.optional("receipt_contains"), d_), e.receipt_contains);
    e.reversal_sent = readBool(r.optional("reversal_sent"), d_);
    e.hold_released = readBool(r.optional("hold_released"), d_);
    e.batch_balanced = readBool(r.optional("batch_balanced"), d_);
    e.offline = readBool(r.optional("offline"), d_);
    e.in_review = readBool(r.optional("in_review"), d_);
    e.available_balance = readAmount(r.optional("available_balance"), d_, currency(), true);
  }

  void readFaults(const Node& node, Step& step) {
    if (!node.isSequence()) {
      reportExpected(node, d_, "a list of faults (like [{kind: timeout}])");
      return;
    }
    for (const Node& item : node.items()) {
      if (auto fault = readFault(item, step)) step.faults.push_back(std::move(*fault));
    }
  }

  static std::vector<std::string_view> faultKindNames() {
    std::vector<std::string_view> names;
    for (FaultKind kind : kBackendFaults) names.push_back(acquirer::faultKindName(kind));
    names.insert(names.end(), kCardFaults.begin(), kCardFaults.end());
    return names;
  }

  // The keys a fault of `kind` takes besides `kind`.
  static std::vector<std::string_view> faultKeysFor(std::string_view kind) {
    if (kind == "added_latency" || kind == "timeout") return {"count", "latency", "only"};
    if (kind == "host_down") return {"until", "for", "only"};
    if (kind == "response_code") return {"count", "response_code", "only"};
    if (kind == "card_removed") return {"at", "occurrence"};
    if (contains(kCardFaults, kind)) return {};
    return {"count", "only"};
  }

  std::optional<StepFault> readFault(const Node& item, const Step& step) {
    MappingReader r(item, d_, "fault");
    if (!r.isMapping()) return std::nullopt;
    declare(r, kFaultKeys);
    const std::size_t errors = d_.errorCount();
    StepFault fault;
    fault.position = item.position();
    const Node* kind_node = r.required("kind");
    auto kind = readNonEmptyString(kind_node, d_);
    if (!kind.has_value()) return std::nullopt;
    const std::vector<std::string_view> names = faultKindNames();
    if (!contains(names, *kind)) {
      d_.error(kind_node->position(),
               "unknown fault kind '" + *kind + "'" + didYouMean(*kind, names) +
                   " (backend faults: " +
                   join(std::span<const std::string_view>(names).first(kBackendFaults.size())) +
                   "; card faults: " + join(kCardFaults) + ")");
      return std::nullopt;
    }
    fault.name = *kind;
    const std::vector<std::string_view> applicable = faultKeysFor(*kind);
    for (const MappingEntry& entry : item.entries()) {
      const std::string& key = entry.key.scalar();
      if (key == "kind" || !contains(kFaultKeys, key) || contains(applicable, key)) continue;
      d_.error(entry.key.position(),
               "'" + key + "' does not apply to a " + *kind + " fault" +
                   (applicable.empty() ? std::string(" (it takes no other keys)")
                                       : " (it takes: " + join(applicable) + ")"));
    }
    if (const auto backend_kind = acquirer::faultKindByName(*kind)) {
      acquirer::Fault backend;
      backend.kind = *backend_kind;
      assign(readInteger(r.optional("count"), d_, 1, kMaxCount), backend.count);
      if (contains(applicable, "latency")) {
        const Node* latency = r.optional("latency");
        if (latency == nullptr && backend.kind == FaultKind::kAddedLatency) {
          d_.error(item.position(), "missing required key 'latency' in fault added_latency");
        }
        assign(readDuration(latency, d_), backend.latency);
      }
      if (backend.kind == FaultKind::kHostDown) {
        const Node* until = r.optional("until");
        const Node* for_node = r.optional("for");
        if (until != nullptr && for_node != nullptr) {
          d_.error(for_node->position(), "give until or for, not both");
        }
        if (auto t = readTimestamp(until, d_)) backend.until = t->instant;
        fault.for_duration = readDuration(for_node, d_);
      }
      if (backend.kind == FaultKind::kResponseCode) {
        const Node* code = r.optional("response_code");
        if (code == nullptr) {
          d_.error(item.position(), "missing required key 'response_code' in fault response_code");
        }
        assign(readResponseCode(code, d_), backend.response_code);
      }
      backend.only_type =
          readEnum<TransactionType>(r.optional("only"), d_, kTransactionTypes, "transaction type");
      fault.backend = backend;
    } else {
      emv::CardFault card;
      if (*kind == "card_mute") card.mute = true;
      if (*kind == "wrong_cryptogram") card.wrong_cryptogram = true;
      if (*kind == "bad_certificate") card.corrupted_certificate = true;
      if (*kind == "blocked_application") card.blocked_application = true;
      if (*kind == "pin_tries_exceeded") card.pin_try_limit_exceeded = true;
      if (*kind == "card_removed") {
        card.remove_at_command = "GENERATE AC";
        if (const Node* at = r.optional("at")) {
          if (auto text = readNonEmptyString(at, d_)) {
            const std::string command = normalizeCommand(*text);
            if (contains(kCardCommands, command)) {
              card.remove_at_command = command;
            } else {
              d_.error(at->position(), "unknown card command '" + *text + "'" +
                                           didYouMean(command, kCardCommands) +
                                           " (expected one of: " + join(kCardCommands) + ")");
            }
          }
        }
        assign(readInteger(r.optional("occurrence"), d_, 1, 16), card.remove_at_occurrence);
      }
      if (step.kind != StepKind::kTransaction || !needsCard(step.type)) {
        d_.error(kind_node->position(), "card fault " + *kind +
                                            " needs a step with a card (sale, preauth or "
                                            "balance)");
      }
      fault.card = card;
    }
    r.finish();
    if (d_.errorCount() > errors) return std::nullopt;
    return fault;
  }

  // Generated ids for steps without one: "step-<n>", kept apart from the given ids.
  void nameSteps() {
    for (std::size_t i = 0; i < s_.steps.size(); ++i) {
      Step& step = s_.steps[i];
      if (step.id_given) continue;
      std::string id = "step-" + std::to_string(i + 1);
      for (int k = 2; ids_.find(id) != ids_.end(); ++k) {
        id = "step-" + std::to_string(i + 1) + "-" + std::to_string(k);
      }
      ids_.emplace(id, step.position);
      step.id = id;
    }
  }

  void checkRef(const PendingRef& pending) {
    const Step& self = s_.steps[pending.step];
    const std::string& ref = self.ref;
    const std::string action(acquirer::transactionTypeName(self.type));
    std::optional<std::size_t> target;
    for (std::size_t j = 0; j < s_.steps.size(); ++j) {
      if (s_.steps[j].id_given && s_.steps[j].id == ref) {
        target = j;
        break;
      }
    }
    const SourcePosition where = pending.node->position();
    if (!target.has_value()) {
      std::vector<std::string_view> fitting;
      std::vector<std::string_view> earlier;
      for (std::size_t j = 0; j < pending.step; ++j) {
        const Step& other = s_.steps[j];
        if (!other.id_given) continue;
        earlier.push_back(other.id);
        if (other.kind == StepKind::kTransaction && canRefer(self.type, other.type)) {
          fitting.push_back(other.id);
        }
      }
      std::string hint = didYouMean(ref, fitting);
      if (hint.empty()) hint = didYouMean(ref, earlier);
      std::string message =
          "unknown step '" + ref + "': ref must name an earlier step with an id" + hint;
      if (hint.empty()) {
        message += earlier.empty() ? " (no earlier step has an id; give the step to refer to an "
                                     "id:)"
                                   : " (earlier steps with an id: " + join(earlier) + ")";
      }
      d_.error(where, std::move(message));
      return;
    }
    const Step& other = s_.steps[*target];
    if (*target == pending.step) {
      d_.error(where, "step '" + ref + "' refers to itself; ref names an earlier step");
      return;
    }
    if (*target > pending.step) {
      d_.error(where, "ref '" + ref + "' names a later step (line " +
                          std::to_string(other.position.line) +
                          "); a step can only refer to an earlier one");
      return;
    }
    if (!action_known_[*target]) return;  // its own error was reported
    if (other.kind != StepKind::kTransaction || !canRefer(self.type, other.type)) {
      const std::string what = other.kind == StepKind::kAdvance
                                   ? std::string("an advance")
                                   : article(acquirer::transactionTypeName(other.type));
      d_.error(where, article(action) + " cannot refer to step '" + ref + "', " + what + "; " +
                          article(action) + " refers to " + std::string(referable(self.type)));
    }
  }

  // ---- Load ----

  std::optional<double> readRate(const Node* node) {
    if (node == nullptr) return std::nullopt;
    constexpr std::string_view kWhat = "a rate like 5/s, 300/m, 20/h or a number per second";
    std::optional<double> rate =
        node->isScalar() ? parseRatePerSecond(node->scalar()) : std::nullopt;
    if (!rate) reportExpected(*node, d_, std::string(kWhat) + " above zero");
    return rate;
  }

  std::optional<LoadMix> readMix(const Node& item) {
    MappingReader r(item, d_, "load mix");
    if (!r.isMapping()) return std::nullopt;
    declare(r, kMixKeys);
    const std::size_t errors = d_.errorCount();
    LoadMix mix;
    mix.amount = Money(0, currency());
    const Node* type_node = r.required("type");
    const auto type =
        readEnum<TransactionType>(type_node, d_, kTransactionTypes, "transaction type");
    if (type.has_value()) {
      if (!needsCard(*type) && *type != TransactionType::kEcho) {
        d_.error(type_node->position(), "a load mix holds sale, preauth, balance or echo; " +
                                            std::string(acquirer::transactionTypeName(*type)) +
                                            " needs a ref to an earlier transaction");
      }
      mix.type = *type;
    }
    assign(readInteger(r.optional("weight"), d_, 1, 1'000'000), mix.weight);
    assign(readCardName(r.optional("card")), mix.card);
    assign(readEnum<emv::EntryMode>(r.optional("entry"), d_, kEntryModes, "entry mode"), mix.entry);
    const Node* amount = r.optional("amount");
    if (type.has_value()) {
      const bool wants_amount =
          *type == TransactionType::kSale || *type == TransactionType::kPreauth;
      if (wants_amount && amount == nullptr) {
        d_.error(item.position(), "missing required key 'amount' in load mix " +
                                      std::string(acquirer::transactionTypeName(*type)));
      }
      if (!wants_amount && amount != nullptr) {
        d_.error(amount->position(),
                 "amount does not apply to " + std::string(acquirer::transactionTypeName(*type)));
      }
      if (needsCard(*type) && mix.card.empty() && card_names_.empty()) {
        d_.error(item.position(), "a load of " + std::string(acquirer::transactionTypeName(*type)) +
                                      " needs cards: add them under cards:");
      }
    }
    assign(readAmount(amount, d_, currency(), false), mix.amount);
    r.finish();
    if (d_.errorCount() > errors) return std::nullopt;
    return mix;
  }

  void readLoadExpect(const Node& node, LoadExpectation& out) {
    MappingReader r(node, d_, "load expect");
    if (!r.isMapping()) return;
    declare(r, kLoadExpectKeys);
    auto positive = [this](const Node* n, std::string_view what) -> std::optional<double> {
      if (n == nullptr) return std::nullopt;
      double value = 0;
      const std::string_view text = n->isScalar() ? n->scalar() : std::string_view();
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (!n->isScalar() || text.empty() || ec != std::errc() || end != text.data() + text.size() ||
          !std::isfinite(value) || value < 0) {
        reportExpected(*n, d_, std::string(what));
        return std::nullopt;
      }
      return value;
    };
    out.p99_ms = positive(r.optional("p99_ms"), "a latency in milliseconds, like 5 or 2.5");
    out.p50_ms = positive(r.optional("p50_ms"), "a latency in milliseconds, like 5 or 2.5");
    out.min_throughput = positive(r.optional("throughput"), "transactions per second, like 1000");
    if (auto errors = readInteger(r.optional("errors"), d_, 0, kMaxCount)) {
      out.max_errors = static_cast<std::uint64_t>(*errors);
    }
    const Node* rate = r.optional("approval_rate");
    out.min_approval_rate = positive(rate, "a share between 0 and 1, like 0.99");
    if (out.min_approval_rate && *out.min_approval_rate > 1.0) {
      reportExpected(*rate, d_, "a share between 0 and 1, like 0.99");
      out.min_approval_rate.reset();
    }
    r.finish();
  }

  void readLoad(const Node& node) {
    LoadSpec spec;
    spec.position = node.position();
    MappingReader r(node, d_, "load");
    if (!r.isMapping()) return;
    declare(r, kLoadKeys);
    assign(readInteger(r.optional("terminals"), d_, 1, 100'000), spec.terminals);
    const Node* count = r.optional("count");
    const Node* duration = r.optional("duration");
    spec.count = readInteger(count, d_, 1, kMaxCount);
    if (duration != nullptr) {
      spec.duration = readDuration(duration, d_);
      if (spec.duration.has_value() && spec.duration->count() == 0) {
        reportExpected(*duration, d_, "a duration longer than zero (like 10m)");
      }
    }
    if (count == nullptr && duration == nullptr) {
      d_.error(node.position(), "load needs count or duration (or both)");
    }
    const Node* rate = r.optional("rate");
    spec.has_rate = rate != nullptr;
    assign(readRate(rate), spec.rate_per_second);
    assign(readEnum<LoadClock>(r.optional("clock"), d_, kLoadClocks, "load clock"), spec.clock);
    const Node* mode = r.optional("mode");
    assign(readEnum<LoadMode>(mode, d_, kLoadModes, "load mode"), spec.mode);
    const Node* ramp_up = r.optional("ramp_up");
    assign(readDuration(ramp_up, d_), spec.ramp_up);
    const Node* think_time = r.optional("think_time");
    assign(readDuration(think_time, d_), spec.think_time);
    if (spec.mode == LoadMode::kClosed) {
      if (spec.clock != LoadClock::kReal && mode != nullptr) {
        d_.error(mode->position(),
                 "mode: closed needs clock: real (a closed loop waits for real answers)");
      }
      if (rate != nullptr) {
        d_.error(rate->position(),
                 "rate does not apply to mode: closed (each terminal sends as soon as it can; "
                 "use think_time to slow it down)");
      }
    } else if (think_time != nullptr) {
      d_.error(think_time->position(), "think_time applies to mode: closed only");
    }
    if (const Node* expect = r.optional("expect")) readLoadExpect(*expect, spec.expect);
    if (const Node* mix = r.required("mix")) {
      if (mix->isSequence() && mix->items().empty()) {
        reportExpected(*mix, d_, "at least one transaction in the mix");
      }
      assign(readList<LoadMix>(mix, d_,
                               [this](const Node& item, Diagnostics&) { return readMix(item); }),
             spec.mix);
    }
    s_.load = std::move(spec);
  }

  Resolver& resolver_;
  Diagnostics& d_;
  Scenario s_;
  const Node* merchant_settlement_ = nullptr;
  std::vector<std::string> card_names_;
  std::map<std::string, std::optional<emv::CardProfile>> profiles_;
  std::map<std::string, SourcePosition> ids_;
  std::vector<bool> action_known_;
  std::vector<PendingRef> pending_refs_;
};

}  // namespace

LoadResult<Scenario> loadScenario(const std::filesystem::path& file, Resolver& resolver) {
  Diagnostics diagnostics;
  std::optional<Scenario> value;
  if (auto opened = resolver.open(file, diagnostics)) {
    value = Loader(resolver, diagnostics).load(opened->node());
    if (value.has_value()) value->file = file;
  }
  return LoadResult<Scenario>::from(std::move(value), std::move(diagnostics));
}

LoadResult<Scenario> loadScenarioText(std::string_view text, std::string display_name,
                                      Resolver& resolver) {
  Diagnostics diagnostics;
  std::optional<Scenario> value;
  const std::filesystem::path file(display_name);
  if (auto opened = resolver.openText(text, std::move(display_name), diagnostics)) {
    value = Loader(resolver, diagnostics).load(opened->node());
    if (value.has_value()) value->file = file;
  }
  return LoadResult<Scenario>::from(std::move(value), std::move(diagnostics));
}

std::span<const std::string_view> scenarioKeys() {
  return kScenarioKeys;
}
std::span<const std::string_view> stepActionKeys() {
  return kStepActionKeys;
}
std::span<const std::string_view> stepCommonKeys() {
  return kStepCommonKeys;
}
std::span<const std::string_view> expectationKeys() {
  return kExpectationKeys;
}
std::span<const std::string_view> acquirerKeys() {
  return kAcquirerKeys;
}
std::span<const std::string_view> faultKeys() {
  return kFaultKeys;
}
std::span<const std::string_view> loadKeys() {
  return kLoadKeys;
}

}  // namespace posim::scenarios
