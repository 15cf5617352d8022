// posim emv run --card NAME --terminal NAME --amount 12.34 [--entry chip|contactless|swipe]
//               [--pin 1234] [--trace] [--json] [--at TIME] [--seed N] [--fault SPEC]
//               [--reader NAME|list [--wait SECONDS]]
//
// One transaction between a virtual card (or, with --reader, the card in a PC/SC reader) and the
// terminal kernel, with an issuer that approves every ARQC it can verify (the embedded acquirer
// replaces it later). The outcome is in the output: exit 0 whenever the transaction completes,
// approved or declined.
#include <chrono>
#include <ostream>

#include "posim/base/pan.h"
#include "posim/base/random.h"
#include "posim/emv/apdu_trace.h"
#include "posim/emv/issuer_authenticator.h"
#include "posim/emv/kernel.h"
#include "posim/emv/value_decoders.h"
#include "posim/emv/virtual_card.h"
#include "posim/scenarios/profiles.h"

#include "commands.h"
#include "exit_codes.h"
#include "options.h"
#include "pcsc_support.h"

namespace posim::cli {
namespace {

// The PIN pad of a command line: the PIN given with --pin, or no PIN entered.
class FixedPinEntry final : public emv::PinEntry {
 public:
  explicit FixedPinEntry(std::string pin) : pin_(std::move(pin)) {}
  emv::PinEntryResult enterPin(const emv::PinRequest&) override {
    if (pin_.empty()) return emv::PinEntryResult::bypassed();
    return emv::PinEntryResult::entered(pin_);
  }

 private:
  std::string pin_;
};

Result<emv::EntryMode> parseEntry(const std::string& text) {
  if (text == "chip" || text == "contact") return emv::EntryMode::kContact;
  if (text == "contactless" || text == "tap") return emv::EntryMode::kContactless;
  if (text == "swipe" || text == "magstripe") return emv::EntryMode::kMagstripe;
  return invalidArgument("--entry: '" + text + "' is not one of chip, contactless, swipe");
}

// --fault mute | removed:COMMAND | wrong-cryptogram | corrupted-certificate |
//         blocked-application | pin-try-limit-exceeded | status:COMMAND=SW
Result<emv::CardFault> parseFault(const std::string& spec) {
  emv::CardFault fault;
  if (spec == "mute") {
    fault.mute = true;
  } else if (spec.rfind("removed:", 0) == 0) {
    fault.remove_at_command = spec.substr(8);
  } else if (spec == "wrong-cryptogram") {
    fault.wrong_cryptogram = true;
  } else if (spec == "corrupted-certificate") {
    fault.corrupted_certificate = true;
  } else if (spec == "blocked-application") {
    fault.blocked_application = true;
  } else if (spec == "pin-try-limit-exceeded") {
    fault.pin_try_limit_exceeded = true;
  } else if (spec.rfind("status:", 0) == 0 && spec.find('=') != std::string::npos) {
    const auto eq = spec.find('=');
    auto sw = fromHex(spec.substr(eq + 1));
    if (!sw.isOk() || sw->size() != 2) {
      return invalidArgument("--fault: status word in '" + spec + "' must be 4 hex digits");
    }
    fault.unexpected_status_command = spec.substr(7, eq - 7);
    fault.unexpected_status_word = static_cast<std::uint16_t>(readBigEndian(*sw));
  } else {
    return invalidArgument("--fault: '" + spec +
                           "' is not one of mute, removed:COMMAND, wrong-cryptogram, "
                           "corrupted-certificate, blocked-application, pin-try-limit-exceeded, "
                           "status:COMMAND=SW");
  }
  return fault;
}

// The swiped track 2 of a card profile ("PAN=YYMMSSS<discretionary>").
std::string track2Of(const emv::CardProfile& card) {
  const int year = static_cast<int>(card.expiry.year()) % 100;
  const unsigned month = static_cast<unsigned>(card.expiry.month());
  std::string yymm = (year < 10 ? "0" : "") + std::to_string(year) + (month < 10 ? "0" : "") +
                     std::to_string(month);
  return card.pan.digits() + "=" + yymm + card.magstripe.service_code +
         card.magstripe.track2_discretionary;
}

// Which card took part: a profile (virtual card, or the keys of a test card in a reader) and the
// reader, when it was a physical card.
struct CardShown {
  const emv::CardProfile* profile = nullptr;  // null: a reader card of unknown profile
  std::string reader;                         // empty: the virtual card

  std::string id() const { return profile != nullptr ? profile->id : "reader card"; }
  std::string maskedPan(const emv::KernelResult& result) const {
    return profile != nullptr ? profile->pan.masked() : result.masked_pan;
  }
};

void printSummary(Io& io, const CardShown& card, const emv::TerminalProfile& terminal,
                  const emv::TransactionInputs& inputs, const emv::KernelResult& result) {
  auto line = [&](std::string_view label, const std::string& value) {
    io.out << label << std::string(13 - label.size(), ' ') << value << "\n";
  };
  line("card", card.id() + "  " + card.maskedPan(result) +
                   (result.application_label.empty() ? "" : "  " + result.application_label) +
                   (result.aid.empty() ? "" : " (" + toHex(result.aid) + ")"));
  if (!card.reader.empty()) line("reader", card.reader);
  line("terminal", terminal.name);
  line("transaction", inputs.amount.toString() + ", " +
                          std::string(emv::entryModeName(result.entry_mode)) +
                          (result.fallback ? " (fallback)" : "") + ", " + formatIso8601(inputs.at));
  line("outcome", std::string(emv::outcomeName(result.outcome)) +
                      (result.reason.empty() ? "" : "  (" + result.reason + ")"));
  if (!result.cvm.empty()) {
    line("cvm", result.cvm + "  (9F34 " + toHex(result.cvm_results.toBytes()) + ")" +
                    (result.signature_required ? ", signature required" : ""));
  }
  const emv::DecodedValue tvr = emv::decodeValue(0x95, result.tvr.toBytes());
  line("tvr", result.tvr.toHex() + (tvr.summary.empty() ? "" : "  " + tvr.summary));
  for (const std::string& d : tvr.details) io.out << std::string(15, ' ') << d << "\n";
  const emv::DecodedValue tsi = emv::decodeValue(0x9B, result.tsi.toBytes());
  line("tsi", result.tsi.toHex() + (tsi.summary.empty() ? "" : "  " + tsi.summary));
  if (result.cryptogram_type) {
    line("cryptogram", std::string(emv::cryptogramTypeName(*result.cryptogram_type)) + " " +
                           toHex(result.cryptogram) + "  (CID " + toHex(Bytes{result.cid}) +
                           ", ATC " + toHex(result.atc) + ")");
  }
  if (!result.authorisation_response_code.empty()) {
    line("response", result.authorisation_response_code +
                         (result.went_online ? "  (online, auth code " +
                                                   result.online_response.authorization_code + ")"
                                             : "  (offline)"));
  }
  if (result.reversal_required) line("reversal", "required (card declined after approval)");
}

void printTrace(Io& io, const emv::KernelResult& result) {
  for (const emv::KernelStep& step : result.steps) {
    io.out << "== " << step.name;
    if (!step.decision.empty()) io.out << ": " << step.decision;
    io.out << "  [TVR " << step.tvr.toHex() << " TSI " << step.tsi.toHex() << "]\n";
    for (const emv::ApduExchange& x : step.exchanges) {
      io.out << emv::formatApduExchange(x.command, x.response);
      if (x.response.empty() && !x.status.empty()) io.out << "  ! " << x.status << "\n";
    }
  }
  io.out << "\n";
}

Json resultJson(const CardShown& card, const emv::TerminalProfile& terminal,
                const emv::TransactionInputs& inputs, const emv::KernelResult& result) {
  Json doc = Json::object();
  doc["card"] = card.profile != nullptr ? Json(card.profile->id) : Json();
  doc["pan"] = card.maskedPan(result);
  if (!card.reader.empty()) doc["reader"] = card.reader;
  doc["terminal"] = terminal.name;
  doc["amount"] = inputs.amount.toDecimalString();
  doc["currency"] = std::string(inputs.amount.currency().alpha);
  doc["entry"] = std::string(emv::entryModeName(result.entry_mode));
  doc["at"] = formatIso8601(inputs.at);
  doc["outcome"] = std::string(emv::outcomeName(result.outcome));
  doc["approved"] = emv::isApproved(result.outcome);
  doc["reason"] = result.reason;
  doc["aid"] = result.aid.empty() ? Json() : Json(toHex(result.aid));
  doc["cvm"] = result.cvm.empty() ? Json() : Json(result.cvm);
  doc["cvm_results"] = toHex(result.cvm_results.toBytes());
  doc["tvr"] = result.tvr.toHex();
  Json bits = Json::array();
  for (const auto& name : result.tvr.setBitNames()) bits.push(std::string(name));
  doc["tvr_bits_set"] = std::move(bits);
  doc["tsi"] = result.tsi.toHex();
  doc["cryptogram_type"] = result.cryptogram_type
                               ? Json(std::string(emv::cryptogramTypeName(*result.cryptogram_type)))
                               : Json();
  doc["cryptogram"] = result.cryptogram.empty() ? Json() : Json(toHex(result.cryptogram));
  doc["atc"] = result.atc.empty() ? Json() : Json(toHex(result.atc));
  doc["arqc"] = result.first_cryptogram.empty() ? Json() : Json(toHex(result.first_cryptogram));
  doc["icc_data"] = result.icc_data.empty() ? Json() : Json(emv::redactedTlvHex(result.icc_data));
  doc["response_code"] = result.authorisation_response_code;
  doc["went_online"] = result.went_online;
  doc["reversal_required"] = result.reversal_required;
  Json steps = Json::array();
  for (const emv::KernelStep& step : result.steps) {
    Json s = Json::object();
    s["name"] = step.name;
    s["decision"] = step.decision;
    s["tvr"] = step.tvr.toHex();
    s["tsi"] = step.tsi.toHex();
    Json exchanges = Json::array();
    for (const emv::ApduExchange& x : step.exchanges) {
      Json e = Json::object();
      e["command"] = emv::redactedCommandHex(x.command);
      e["name"] = x.command_name;
      e["response"] = emv::redactedResponseHex(x.response);
      e["status"] = x.status;
      exchanges.push(std::move(e));
    }
    s["exchanges"] = std::move(exchanges);
    steps.push(std::move(s));
  }
  doc["steps"] = std::move(steps);
  return doc;
}

}  // namespace

int runEmvRun(const Args& args, Io& io) {
  const Command& self = *findCommand("emv run");
  po::options_description options("Options");
  options.add_options()("card", po::value<std::string>(), "card profile: a name or a YAML path")(
      "terminal", po::value<std::string>()->default_value("countertop"),
      "terminal profile: a name or a YAML path")("amount", po::value<std::string>(),
                                                 "amount in major units, e.g. 12.34")(
      "entry", po::value<std::string>()->default_value("chip"), "chip, contactless or swipe")(
      "pin", po::value<std::string>(), "the PIN the cardholder enters (none: PIN bypassed)")(
      "at", po::value<std::string>(),
      "transaction time, ISO 8601 with offset (default: now on this machine)")(
      "seed", po::value<std::uint64_t>()->default_value(1),
      "seed of the unpredictable numbers and random selection")(
      "fault", po::value<std::string>(),
      "inject a card fault: mute, removed:COMMAND, wrong-cryptogram, corrupted-certificate, "
      "blocked-application, pin-try-limit-exceeded, status:COMMAND=SW")(
      "reader", po::value<std::string>(),
      "use the card in this PC/SC reader (a full name or a unique part of it; `list` lists "
      "them) instead of a virtual card; --card then names the test card's profile, whose issuer "
      "keys verify the ARQC")("wait", po::value<double>()->default_value(0),
                              "with --reader: seconds to wait for a card to be inserted")(
      "trace", "print every step with its APDU exchanges and decoded responses")(
      "json", "print the result as JSON");
  int early_exit = kExitOk;
  auto parsed = parseCommandLine(args, options, self, io, Positional::kNone, early_exit);
  if (!parsed) return early_exit;
  const bool use_reader = parsed->values.count("reader") > 0;
  if (use_reader && parsed->values["reader"].as<std::string>() == "list") {
    return printReaders(io, parsed->values.count("json") > 0);
  }
  std::optional<std::string> card_name;
  if (parsed->values.count("card") > 0 || !use_reader) {
    auto name = stringOption(*parsed, "card");
    if (!name.isOk()) return usageError(io, self, name.status().message());
    card_name = *name;
  }
  const double wait_seconds = parsed->values["wait"].as<double>();
  if (!(wait_seconds >= 0 && wait_seconds <= 3600)) {
    return usageError(io, self, "--wait: seconds between 0 and 3600");
  }
  if (use_reader && parsed->values.count("fault") > 0) {
    return usageError(io, self, "--fault injects faults into the virtual card, not a reader card");
  }
  auto amount_text = stringOption(*parsed, "amount");
  if (!amount_text.isOk()) return usageError(io, self, amount_text.status().message());
  auto entry = parseEntry(parsed->values["entry"].as<std::string>());
  if (!entry.isOk()) return usageError(io, self, entry.status().message());
  std::string pin;
  if (parsed->values.count("pin") > 0) {
    auto p = digitsOption(*parsed, "pin", 4, 12);
    if (!p.isOk()) return usageError(io, self, p.status().message());
    pin = *p;
  }
  emv::CardFault fault;
  if (parsed->values.count("fault") > 0) {
    auto f = parseFault(parsed->values["fault"].as<std::string>());
    if (!f.isOk()) return usageError(io, self, f.status().message());
    fault = *f;
  }

  scenarios::Resolver resolver;
  std::optional<emv::CardProfile> card;
  if (card_name.has_value()) {
    auto loaded = scenarios::loadCardProfile(*card_name, resolver);
    if (!loaded.isOk()) {
      io.err << loaded.errorText();
      return kExitInvalidInput;
    }
    card = std::move(loaded).value();
  }
  auto terminal =
      scenarios::loadTerminalProfile(parsed->values["terminal"].as<std::string>(), resolver);
  if (!terminal.isOk()) {
    io.err << terminal.errorText();
    return kExitInvalidInput;
  }
  auto amount = Money::parse(*amount_text, terminal->currency);
  if (!amount.isOk()) return usageError(io, self, "--amount: " + amount.status().message());

  emv::TransactionInputs inputs;
  inputs.amount = *amount;
  inputs.entry_mode = *entry;
  if (parsed->values.count("at") > 0) {
    auto at = parseIso8601(parsed->values["at"].as<std::string>());
    if (!at.isOk()) return usageError(io, self, "--at: " + at.status().message());
    inputs.at = *at;
  } else {
    // The shell, not the core, reads the machine's clock.
    inputs.at =
        LocalDateTime{std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now()),
                      std::chrono::minutes(0)};
  }
  if (*entry == emv::EntryMode::kMagstripe) {
    if (use_reader) {
      return usageError(io, self, "--entry swipe: a PC/SC reader reads chips, not stripes");
    }
    if (!card->magstripe.present) {
      io.err << "posim: card " << card->id << " has no magnetic stripe\n";
      return kExitInvalidInput;
    }
    inputs.track2 = track2Of(*card);
  }

  std::optional<emv::VirtualCard> virtual_card;
  std::unique_ptr<emv::Icc> reader_card;
  CardShown shown;
  if (card.has_value()) shown.profile = &*card;
  if (use_reader) {
    auto opened = openReaderCard(parsed->values["reader"].as<std::string>(),
                                 std::chrono::milliseconds(static_cast<long>(wait_seconds * 1000)));
    if (!opened.isOk())
      return reportError(io, opened.status().code() == StatusCode::kNotFound
                                 ? unavailable(opened.status().message())
                                 : opened.status());
    shown.reader = opened->reader;
    reader_card = std::move(opened->card);
  } else {
    auto created = emv::VirtualCard::create(*card);
    if (!created.isOk()) {
      io.err << "posim: card " << card->id << ": " << created.status().message() << "\n";
      return kExitInvalidInput;
    }
    virtual_card = std::move(created).value();
    virtual_card->setFault(fault);
  }
  emv::Icc& icc = reader_card != nullptr ? *reader_card : static_cast<emv::Icc&>(*virtual_card);
  emv::IssuerAuthenticator authenticator;
  if (card.has_value()) authenticator.addCard(*card);
  emv::ApprovingIssuer issuer(authenticator);
  FixedPinEntry pin_entry(pin);
  SeededRandom random(parsed->values["seed"].as<std::uint64_t>());
  emv::KernelEnvironment environment;
  environment.random = &random;
  environment.pin_entry = &pin_entry;
  environment.authorizer = &issuer;
  emv::Kernel kernel(*terminal, environment);
  const emv::KernelResult result = kernel.run(icc, inputs);

  if (parsed->values.count("json") > 0) {
    io.out << resultJson(shown, *terminal, inputs, result).dump(2) << "\n";
  } else {
    if (parsed->values.count("trace") > 0) printTrace(io, result);
    printSummary(io, shown, *terminal, inputs, result);
  }
  if (result.outcome == emv::Outcome::kCardError) {
    io.err << "posim: the card failed: " << result.reason << "\n";
    return kExitRuntime;
  }
  if (result.outcome == emv::Outcome::kFallbackToMagstripe) {
    io.err << "posim: the chip failed (" << result.reason
           << "); a real terminal now asks for a swipe: --entry swipe\n";
    return kExitRuntime;
  }
  return kExitOk;
}

}  // namespace posim::cli
