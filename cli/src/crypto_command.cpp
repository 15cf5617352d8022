// posim crypto ...: the payment crypto calculator (DESIGN.md §3, issue 3). Every command is one
// library call of posim::emv::crypto; this file only reads options, calls, and prints.
//
// Output: labelled intermediate lines, then the result alone on the last line (uppercase hex, or
// digits for cvv). --json prints {"command", "inputs", "intermediates", "result"} instead.
#include <algorithm>
#include <charconv>
#include <initializer_list>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "posim/base/json.h"
#include "posim/base/random.h"
#include "posim/emv/crypto/card_verification.h"
#include "posim/emv/crypto/cipher.h"
#include "posim/emv/crypto/cryptogram.h"
#include "posim/emv/crypto/dukpt.h"
#include "posim/emv/crypto/key_derivation.h"
#include "posim/emv/crypto/mac.h"
#include "posim/emv/crypto/oda.h"
#include "posim/emv/crypto/pin_block.h"
#include "posim/emv/crypto/pki.h"
#include "posim/emv/test_cards.h"

#include "commands.h"
#include "exit_codes.h"
#include "options.h"

namespace posim::cli {
namespace {

namespace crypto = emv::crypto;

// The seed of the random PIN block fill when neither --fill nor --seed is given (documented in
// the --seed help of pinblock and in README.md).
constexpr std::uint64_t kDefaultPinFillSeed = 0;

// How an option's value is shown in the "inputs" of --json.
enum class OptionKind {
  kHex,     // hex bytes, normalised to uppercase
  kText,    // as given (digits, names, numbers)
  kSecret,  // a PIN: only its length is shown ("****")
  kFlag,    // no value
};

struct OptionSpec {
  std::string_view name;  // without "--"
  OptionKind kind;
  std::string_view value_name;  // "HEX", "DIGITS", ...
  std::string_view help;
};

// What a calculator command computed.
struct Calculation {
  Json intermediates = Json::object();
  std::vector<std::pair<std::string, std::string>> lines;  // labelled lines for people
  std::string result;                                      // the last line of stdout
  std::optional<Json> document;  // printed as is instead of the usual output (pki generate)

  // Records an intermediate value for --json and, with a label, for people too.
  void add(std::string_view key, std::string_view label, const Json& value) {
    intermediates[key] = value;
    if (!label.empty()) {
      lines.emplace_back(label, value.isString() ? value.asString() : value.dump());
    }
  }
  void addHex(std::string_view key, std::string_view label, ByteView value) {
    add(key, label, toHex(value));
  }
};

using Compute = Result<Calculation> (*)(const ParsedOptions& parsed);

struct Calculator {
  std::string_view name;  // the command's name in the command table: "crypto kcv"
  std::span<const OptionSpec> options;
  Compute compute;
};

// ---- option readers shared by the calculators ----

bool has(const ParsedOptions& parsed, const std::string& name) {
  return parsed.values.count(name) > 0;
}

// Hex bytes of one of several lengths ("--key: 15 bytes, expected 8, 16 or 24").
Result<Bytes> hexOfLengths(const ParsedOptions& parsed, const std::string& name,
                           std::initializer_list<std::size_t> lengths) {
  POSIM_ASSIGN_OR_RETURN(Bytes value, hexOption(parsed, name));
  std::string expected;
  std::size_t i = 0;
  for (std::size_t n : lengths) {
    if (value.size() == n) return value;
    if (i > 0) expected += (i + 1 == lengths.size()) ? " or " : ", ";
    expected += std::to_string(n);
    ++i;
  }
  return invalidArgument("--" + name + ": " + std::to_string(value.size()) + " bytes, expected " +
                         expected);
}

// An optional hex option as bytes (empty when absent).
Result<Bytes> optionalHex(const ParsedOptions& parsed, const std::string& name) {
  POSIM_ASSIGN_OR_RETURN(std::optional<Bytes> value, optionalHexOption(parsed, name));
  return value ? std::move(*value) : Bytes();
}

Result<std::uint64_t> numberOption(const ParsedOptions& parsed, const std::string& name,
                                   std::uint64_t fallback) {
  if (!has(parsed, name)) return fallback;
  const std::string text = parsed.values[name].as<std::string>();
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    return invalidArgument("--" + name + ": '" + text + "' is not a decimal number");
  }
  return value;
}

// Rejects an option that the chosen mode does not use.
Status rejectOption(const ParsedOptions& parsed, const std::string& name, std::string_view why) {
  if (!has(parsed, name)) return Status::ok();
  return invalidArgument("--" + name + ": " + std::string(why));
}

// The library names a bad field as the calculator's option without dashes ("pan: only digits
// allowed"); on the command line it is the option "--pan".
Status asOptionError(const Status& status, std::span<const OptionSpec> options) {
  if (status.code() != StatusCode::kInvalidArgument) return status;
  const std::string& message = status.message();
  const std::size_t colon = message.find(": ");
  if (colon == std::string::npos) return status;
  for (const OptionSpec& option : options) {
    if (message.compare(0, colon, option.name) == 0) return invalidArgument("--" + message);
  }
  return status;
}

// The inputs as --json shows them: hex normalised, PINs masked.
Json inputsJson(const ParsedOptions& parsed, std::span<const OptionSpec> options) {
  Json inputs = Json::object();
  for (const OptionSpec& option : options) {
    const std::string name(option.name);
    if (!has(parsed, name)) continue;
    if (option.kind == OptionKind::kFlag) {
      inputs[name] = true;
      continue;
    }
    const std::string text = parsed.values[name].as<std::string>();
    switch (option.kind) {
      case OptionKind::kHex: {
        auto bytes = fromHex(text);
        inputs[name] = bytes.isOk() ? toHex(*bytes) : text;
        break;
      }
      case OptionKind::kSecret: inputs[name] = std::string(text.size(), '*'); break;
      default: inputs[name] = text; break;
    }
  }
  return inputs;
}

void printCalculation(Io& io, const Calculation& calculation) {
  std::size_t width = 0;
  for (const auto& [label, value] : calculation.lines) width = std::max(width, label.size());
  for (const auto& [label, value] : calculation.lines) {
    io.out << label << ":" << std::string(width + 1 - label.size(), ' ') << value << "\n";
  }
  io.out << calculation.result << "\n";
}

int runCalculator(const Args& args, Io& io, const Calculator& calculator) {
  const Command& self = *findCommand(calculator.name);
  po::options_description options("Options");
  for (const OptionSpec& option : calculator.options) {
    const std::string name(option.name);
    if (option.kind == OptionKind::kFlag) {
      options.add_options()(name.c_str(), std::string(option.help).c_str());
    } else {
      options.add_options()(name.c_str(),
                            po::value<std::string>()->value_name(std::string(option.value_name)),
                            std::string(option.help).c_str());
    }
  }
  options.add_options()("json", "print the inputs, intermediate values and result as JSON");
  int early_exit = kExitOk;
  auto parsed = parseCommandLine(args, options, self, io, Positional::kNone, early_exit);
  if (!parsed) return early_exit;
  auto calculation = calculator.compute(*parsed);
  if (!calculation.isOk()) {
    const Status status = asOptionError(calculation.status(), calculator.options);
    if (status.code() == StatusCode::kInvalidArgument) {
      return usageError(io, self, status.message());
    }
    return reportError(io, status);
  }
  if (calculation->document) {
    io.out << calculation->document->dump(2) << "\n";
  } else if (has(*parsed, "json")) {
    Json out = Json::object();
    out["command"] = std::string(calculator.name);
    out["inputs"] = inputsJson(*parsed, calculator.options);
    out["intermediates"] = calculation->intermediates;
    out["result"] = calculation->result;
    io.out << out.dump(2) << "\n";
  } else {
    printCalculation(io, *calculation);
  }
  return kExitOk;
}

// The 3-byte KCV of a key the library has just derived (16 bytes: it cannot fail).
std::string kcvOf(ByteView key) {
  auto block = crypto::keyCheckValue(key);
  return block.isOk() ? toHex(ByteView(*block).first(3)) : "";
}

// ---- kcv ----

constexpr OptionSpec kKcvOptions[] = {
    {"key", OptionKind::kHex, "HEX", "DES or TDES key, 8, 16 or 24 bytes"},
};

Result<Calculation> computeKcv(const ParsedOptions& parsed) {
  POSIM_ASSIGN_OR_RETURN(Bytes key, hexOfLengths(parsed, "key", {8, 16, 24}));
  POSIM_ASSIGN_OR_RETURN(Bytes block, crypto::keyCheckValue(key));
  Calculation c;
  c.add("cipher", "cipher", key.size() == 8 ? "DES" : "TDES");
  c.addHex("encrypted_zero_block", "encrypted zero block", block);
  c.add("odd_parity", "odd parity", crypto::hasOddParity(key) ? "yes" : "no");
  c.result = toHex(ByteView(block).first(3));
  return c;
}

// ---- mac ----

constexpr OptionSpec kMacOptions[] = {
    {"alg", OptionKind::kText, "1|3", "ISO 9797-1 MAC algorithm: 1 (CBC-MAC) or 3 (retail MAC)"},
    {"padding", OptionKind::kText, "1|2", "ISO 9797-1 padding method 1 (zeros) or 2 (80 00..)"},
    {"key", OptionKind::kHex, "HEX", "alg 1: 8, 16 or 24 bytes; alg 3: K || K', 16 bytes"},
    {"data", OptionKind::kHex, "HEX", "the message, unpadded"},
};

Result<Calculation> computeMac(const ParsedOptions& parsed) {
  POSIM_ASSIGN_OR_RETURN(std::string alg_text, stringOption(parsed, "alg"));
  POSIM_ASSIGN_OR_RETURN(crypto::MacAlgorithm alg, crypto::parseMacAlgorithm(alg_text));
  POSIM_ASSIGN_OR_RETURN(std::string padding_text, stringOption(parsed, "padding"));
  POSIM_ASSIGN_OR_RETURN(crypto::MacPadding padding, crypto::parseMacPadding(padding_text));
  POSIM_ASSIGN_OR_RETURN(Bytes key, hexOption(parsed, "key"));
  POSIM_ASSIGN_OR_RETURN(Bytes data, hexOption(parsed, "data"));
  POSIM_ASSIGN_OR_RETURN(Bytes mac, crypto::computeMac(alg, key, data, padding));
  Calculation c;
  c.addHex("padded_data", "padded data", crypto::padIso9797(data, padding));
  c.result = toHex(mac);
  return c;
}

// ---- derive-mk ----

constexpr OptionSpec kDeriveMkOptions[] = {
    {"imk", OptionKind::kHex, "HEX", "issuer master key, 16 bytes"},
    {"pan", OptionKind::kText, "DIGITS", "the PAN (option B above 16 digits, else option A)"},
    {"psn", OptionKind::kText, "NN", "PAN sequence number (5F34), 2 digits"},
};

void addIccMasterKey(Calculation& c, const crypto::IccMasterKey& mk) {
  c.add("option", "option", crypto::iccMkOptionName(mk.option));
  c.addHex("y", "Y", mk.y);
  c.addHex("icc_mk_no_parity", "ICC MK without parity", mk.key_no_parity);
  c.addHex("icc_mk", "", mk.key);
  c.add("icc_mk_kcv", "ICC MK KCV", kcvOf(mk.key));
}

Result<Calculation> computeDeriveMk(const ParsedOptions& parsed) {
  POSIM_ASSIGN_OR_RETURN(Bytes imk, hexOptionOfLength(parsed, "imk", 16));
  POSIM_ASSIGN_OR_RETURN(std::string pan, digitsOption(parsed, "pan", 1, 19));
  POSIM_ASSIGN_OR_RETURN(std::string psn, digitsOption(parsed, "psn", 1, 2));
  POSIM_ASSIGN_OR_RETURN(crypto::IccMasterKey mk, crypto::deriveIccMasterKey(imk, pan, psn));
  Calculation c;
  addIccMasterKey(c, mk);
  c.result = toHex(mk.key);
  return c;
}

// ---- session-key ----

constexpr OptionSpec kSessionKeyOptions[] = {
    {"method", OptionKind::kText, "emv-csk|mc-skd",
     "EMV common session key (R = ATC || 00*6) or Mastercard SKD (R = ATC || 0000 || UN)"},
    {"mk", OptionKind::kHex, "HEX", "ICC master key, 16 bytes"},
    {"atc", OptionKind::kHex, "HEX", "application transaction counter (9F36), 2 bytes"},
    {"un", OptionKind::kHex, "HEX", "unpredictable number (9F37), 4 bytes: mc-skd only"},
};

void addSessionKey(Calculation& c, const crypto::SessionKey& sk) {
  c.addHex("r", "R", sk.r);
  c.addHex("r_left", "R left", sk.r_left);
  c.addHex("r_right", "R right", sk.r_right);
  c.addHex("session_key_no_parity", "session key without parity", sk.key_no_parity);
  c.addHex("session_key", "", sk.key);
  c.add("session_key_kcv", "session key KCV", kcvOf(sk.key));
}

Result<Calculation> computeSessionKey(const ParsedOptions& parsed) {
  POSIM_ASSIGN_OR_RETURN(std::string method_text, stringOption(parsed, "method"));
  POSIM_ASSIGN_OR_RETURN(crypto::SessionKeyMethod method,
                         crypto::parseSessionKeyMethod(method_text));
  POSIM_ASSIGN_OR_RETURN(Bytes mk, hexOptionOfLength(parsed, "mk", 16));
  POSIM_ASSIGN_OR_RETURN(Bytes atc, hexOptionOfLength(parsed, "atc", 2));
  POSIM_ASSIGN_OR_RETURN(Bytes un, optionalHex(parsed, "un"));
  if (method == crypto::SessionKeyMethod::kEmvCsk) {
    POSIM_RETURN_IF_ERROR(rejectOption(parsed, "un", "only --method mc-skd uses it"));
  }
  POSIM_ASSIGN_OR_RETURN(crypto::SessionKey sk, crypto::deriveSessionKey(method, mk, atc, un));
  Calculation c;
  addSessionKey(c, sk);
  c.result = toHex(sk.key);
  return c;
}

// ---- arqc ----

constexpr OptionSpec kArqcOptions[] = {
    {"cvn", OptionKind::kText, "NAME",
     "cryptogram version: visa-10, visa-18, visa-22, mc-16, mc-17, mc-20 or mc-21"},
    {"imk", OptionKind::kHex, "HEX", "issuer master key for AC, 16 bytes"},
    {"pan", OptionKind::kText, "DIGITS", "the PAN, 12 to 19 digits"},
    {"psn", OptionKind::kText, "NN", "PAN sequence number (5F34), 2 digits"},
    {"atc", OptionKind::kHex, "HEX", "application transaction counter (9F36), 2 bytes"},
    {"data", OptionKind::kHex, "HEX", "the transaction data (cryptogram input), unpadded"},
    {"un", OptionKind::kHex, "HEX", "unpredictable number (9F37), 4 bytes: needed by mc-16/17"},
};

Result<Calculation> computeArqc(const ParsedOptions& parsed) {
  crypto::AcRequest request;
  POSIM_ASSIGN_OR_RETURN(std::string cvn_text, stringOption(parsed, "cvn"));
  POSIM_ASSIGN_OR_RETURN(request.cvn, crypto::parseCvn(cvn_text));
  POSIM_ASSIGN_OR_RETURN(request.imk, hexOptionOfLength(parsed, "imk", 16));
  POSIM_ASSIGN_OR_RETURN(request.pan, digitsOption(parsed, "pan", 1, 19));
  POSIM_ASSIGN_OR_RETURN(request.psn, digitsOption(parsed, "psn", 1, 2));
  POSIM_ASSIGN_OR_RETURN(request.atc, hexOptionOfLength(parsed, "atc", 2));
  POSIM_ASSIGN_OR_RETURN(request.data, hexOption(parsed, "data"));
  POSIM_ASSIGN_OR_RETURN(request.un, optionalHex(parsed, "un"));
  if (!request.un.empty() && request.un.size() != 4) {
    return invalidArgument("--un: " + std::to_string(request.un.size()) + " bytes, expected 4");
  }
  POSIM_ASSIGN_OR_RETURN(crypto::ApplicationCryptogram ac,
                         crypto::generateApplicationCryptogram(request));
  Calculation c;
  c.add("cvn", "CVN", crypto::cvnName(request.cvn));
  if (ac.icc_mk) addIccMasterKey(c, *ac.icc_mk);
  if (ac.session_key) addSessionKey(c, *ac.session_key);
  c.addHex("ac_key", "AC key", ac.key);
  c.addHex("padded_input", "padded input", ac.padded_input);
  c.result = toHex(ac.ac);
  return c;
}

// ---- arpc ----

constexpr OptionSpec kArpcOptions[] = {
    {"method", OptionKind::kText, "1|2", "ARPC method (EMV Book 2 §8.2.1 or §8.2.2)"},
    {"key", OptionKind::kHex, "HEX", "ARPC key (ICC MK or AC session key, per CVN), 16 bytes"},
    {"arqc", OptionKind::kHex, "HEX", "the ARQC, 8 bytes"},
    {"arc", OptionKind::kHex, "HEX", "method 1: authorisation response code (8A), 2 bytes"},
    {"csu", OptionKind::kHex, "HEX", "method 2: card status update, 4 bytes"},
    {"prop", OptionKind::kHex, "HEX", "method 2: proprietary authentication data, 0 to 8 bytes"},
};

Result<Calculation> computeArpc(const ParsedOptions& parsed) {
  POSIM_ASSIGN_OR_RETURN(std::string method_text, stringOption(parsed, "method"));
  POSIM_ASSIGN_OR_RETURN(crypto::ArpcMethod method, crypto::parseArpcMethod(method_text));
  POSIM_ASSIGN_OR_RETURN(Bytes key, hexOptionOfLength(parsed, "key", 16));
  POSIM_ASSIGN_OR_RETURN(Bytes arqc, hexOptionOfLength(parsed, "arqc", 8));
  crypto::Arpc arpc;
  if (method == crypto::ArpcMethod::kMethod1) {
    POSIM_RETURN_IF_ERROR(rejectOption(parsed, "csu", "only --method 2 uses it"));
    POSIM_RETURN_IF_ERROR(rejectOption(parsed, "prop", "only --method 2 uses it"));
    POSIM_ASSIGN_OR_RETURN(Bytes arc, hexOptionOfLength(parsed, "arc", 2));
    POSIM_ASSIGN_OR_RETURN(arpc, crypto::generateArpcMethod1(key, arqc, arc));
  } else {
    POSIM_RETURN_IF_ERROR(rejectOption(parsed, "arc", "only --method 1 uses it"));
    POSIM_ASSIGN_OR_RETURN(Bytes csu, hexOptionOfLength(parsed, "csu", 4));
    POSIM_ASSIGN_OR_RETURN(Bytes prop, optionalHex(parsed, "prop"));
    POSIM_ASSIGN_OR_RETURN(arpc, crypto::generateArpcMethod2(key, arqc, csu, prop));
  }
  Calculation c;
  c.addHex("input", method == crypto::ArpcMethod::kMethod1 ? "ARQC xor ARC" : "MAC input",
           arpc.input);
  c.addHex("issuer_authentication_data", "issuer authentication data (91)",
           arpc.issuer_authentication_data);
  c.result = toHex(arpc.arpc);
  return c;
}

// ---- pinblock ----

constexpr OptionSpec kPinBlockOptions[] = {
    {"format", OptionKind::kText, "0-4", "ISO 9564-1 PIN block format 0, 1, 2, 3 or 4"},
    {"pin", OptionKind::kSecret, "DIGITS", "the PIN, 4 to 12 digits"},
    {"pan", OptionKind::kText, "DIGITS", "the PAN: formats 0, 3 and 4"},
    {"fill", OptionKind::kText, "HEX",
     "fill digits: format 1 (0-F), 3 (A-F), 4 (the 8 random bytes); default: random"},
    {"seed", OptionKind::kText, "N",
     "seed of the random fill when --fill is not given (default 0)"},
    {"key", OptionKind::kHex, "HEX",
     "PIN key: print the block enciphered under it (TDES-ECB 16/24 bytes; format 4: AES)"},
};

// The fill digits inside a PIN field: after the control and length nibbles and the PIN
// (formats 1 and 3), or the 8 random bytes of format 4.
std::string fillOf(crypto::PinBlockFormat format, const Bytes& pin_field, std::size_t pin_length) {
  const std::string hex = toHex(pin_field);
  return format == crypto::PinBlockFormat::kIso4 ? hex.substr(16) : hex.substr(2 + pin_length);
}

Result<Calculation> computePinBlock(const ParsedOptions& parsed) {
  POSIM_ASSIGN_OR_RETURN(std::string format_text, stringOption(parsed, "format"));
  POSIM_ASSIGN_OR_RETURN(crypto::PinBlockFormat format, crypto::parsePinBlockFormat(format_text));
  POSIM_ASSIGN_OR_RETURN(std::string pin, digitsOption(parsed, "pin", 4, 12));
  std::string pan;
  if (has(parsed, "pan")) {
    POSIM_ASSIGN_OR_RETURN(pan, digitsOption(parsed, "pan", 1, 19));
  }
  const std::string fill = has(parsed, "fill") ? parsed.values["fill"].as<std::string>() : "";
  POSIM_ASSIGN_OR_RETURN(std::uint64_t seed, numberOption(parsed, "seed", kDefaultPinFillSeed));
  // Bytes and a flag rather than optional<Bytes>: GCC 12 at -O3 warns (maybe-uninitialized)
  // about the optional's vector through the macro's early return.
  const bool has_key = has(parsed, "key");
  Bytes key;
  if (has_key) {
    POSIM_ASSIGN_OR_RETURN(key, hexOption(parsed, "key"));
  }
  const bool random_fill = fill.empty() && crypto::pinBlockFillDigits(format, pin.size()) > 0;
  SeededRandom random(seed);
  crypto::EncryptedPinBlock block;
  if (has_key) {
    POSIM_ASSIGN_OR_RETURN(block, random_fill
                                      ? crypto::encryptPinBlock(format, key, pin, pan, random)
                                      : crypto::encryptPinBlock(format, key, pin, pan, fill));
  } else {
    POSIM_ASSIGN_OR_RETURN(block.clear, random_fill
                                            ? crypto::buildClearPinBlock(format, pin, pan, random)
                                            : crypto::buildClearPinBlock(format, pin, pan, fill));
  }
  Calculation c;
  c.add("format", "format", "ISO 9564 format " + format_text);
  c.addHex("pin_field", "", block.clear.pin_field);
  if (!block.clear.pan_field.empty()) c.addHex("pan_field", "PAN field", block.clear.pan_field);
  if (crypto::pinBlockFillDigits(format, pin.size()) > 0) {
    c.add("fill", "fill", fillOf(format, block.clear.pin_field, pin.size()));
    if (random_fill) c.add("seed", "fill seed", static_cast<std::uint64_t>(seed));
  }
  if (!has_key) {
    c.result = toHex(block.clear.block);
    return c;
  }
  if (format != crypto::PinBlockFormat::kIso4) {
    c.addHex("clear_pin_block", "clear PIN block", block.clear.block);
  } else {
    c.addHex("intermediate_a", "intermediate block A", block.intermediate_a);
    c.addHex("intermediate_b", "intermediate block B", block.intermediate_b);
  }
  c.result = toHex(block.block);
  return c;
}

// ---- cvv ----

constexpr OptionSpec kCvvOptions[] = {
    {"cvk", OptionKind::kHex, "HEX", "card verification key pair KA || KB, 16 bytes"},
    {"pan", OptionKind::kText, "DIGITS", "the PAN, 12 to 19 digits"},
    {"expiry", OptionKind::kText, "YYMM", "expiry date"},
    {"service-code", OptionKind::kText, "NNN",
     "service code (000 for CVV2/CVC2, 999 for iCVV/chip CVC)"},
};

Result<Calculation> computeCvv(const ParsedOptions& parsed) {
  POSIM_ASSIGN_OR_RETURN(Bytes cvk, hexOptionOfLength(parsed, "cvk", 16));
  POSIM_ASSIGN_OR_RETURN(std::string pan, digitsOption(parsed, "pan", 1, 19));
  POSIM_ASSIGN_OR_RETURN(std::string expiry, digitsOption(parsed, "expiry", 4, 4));
  POSIM_ASSIGN_OR_RETURN(std::string service_code, digitsOption(parsed, "service-code", 3, 3));
  POSIM_ASSIGN_OR_RETURN(crypto::CardVerificationValue cvv,
                         crypto::computeCvv(cvk, pan, expiry, service_code));
  Calculation c;
  c.addHex("block1", "block 1", cvv.block1);
  c.addHex("block2", "block 2", cvv.block2);
  c.addHex("encrypted_result", "encrypted result", cvv.result);
  c.result = cvv.digits;
  return c;
}

// ---- dukpt ----

constexpr OptionSpec kDukptOptions[] = {
    {"bdk", OptionKind::kHex, "HEX", "base derivation key: 16 bytes (TDES); --aes: 16, 24 or 32"},
    {"ksn", OptionKind::kHex, "HEX", "key serial number: 10 bytes (TDES); --aes: 12 bytes"},
    {"aes", OptionKind::kFlag, "", "AES DUKPT (ANSI X9.24-3) instead of TDES (X9.24-1)"},
};

Result<Calculation> computeDukpt(const ParsedOptions& parsed) {
  Calculation c;
  if (has(parsed, "aes")) {
    POSIM_ASSIGN_OR_RETURN(Bytes bdk, hexOfLengths(parsed, "bdk", {16, 24, 32}));
    POSIM_ASSIGN_OR_RETURN(Bytes ksn, hexOptionOfLength(parsed, "ksn", crypto::kAesKsnLength));
    POSIM_ASSIGN_OR_RETURN(crypto::AesDukptKeys keys, crypto::deriveAesDukptKeys(bdk, ksn));
    c.addHex("initial_key", "initial key", keys.initial_key);
    c.addHex("derivation_key", "", keys.derivation_key);
    c.addHex("pin_key", "PIN key (AES-128)", keys.pin_key);
    c.addHex("mac_generation_key", "", keys.mac_generation_key);
    c.addHex("mac_verification_key", "", keys.mac_verification_key);
    c.addHex("data_encryption_key", "", keys.data_encryption_key);
    c.addHex("data_decryption_key", "", keys.data_decryption_key);
    c.result = toHex(keys.derivation_key);
    return c;
  }
  POSIM_ASSIGN_OR_RETURN(Bytes bdk, hexOptionOfLength(parsed, "bdk", 16));
  POSIM_ASSIGN_OR_RETURN(Bytes ksn, hexOptionOfLength(parsed, "ksn", crypto::kTdesKsnLength));
  POSIM_ASSIGN_OR_RETURN(crypto::TdesDukptKeys keys, crypto::deriveTdesDukptKeys(bdk, ksn));
  c.add("counter", "transaction counter",
        static_cast<std::uint64_t>(crypto::tdesKsnCounter(ksn).value()));
  c.addHex("ipek", "IPEK", keys.ipek);
  c.addHex("transaction_key", "", keys.transaction_key);
  c.addHex("pin_key", "PIN key", keys.pin_key);
  c.addHex("mac_request_key", "", keys.mac_request_key);
  c.addHex("mac_response_key", "", keys.mac_response_key);
  c.addHex("data_request_key", "", keys.data_request_key);
  c.addHex("data_response_key", "", keys.data_response_key);
  c.result = toHex(keys.transaction_key);
  return c;
}

// ---- pki generate ----

constexpr OptionSpec kPkiGenerateOptions[] = {
    {"seed", OptionKind::kText, "N", "seed of the key generation (same seed, same PKI)"},
    {"ca-bits", OptionKind::kText, "BITS", "CA key size, a multiple of 8 in 512..1984 (1408)"},
    {"issuer-bits", OptionKind::kText, "BITS", "issuer key size, <= CA (1152)"},
    {"icc-bits", OptionKind::kText, "BITS", "ICC key size, <= issuer (1024)"},
};

Result<Calculation> computePkiGenerate(const ParsedOptions& parsed) {
  if (!has(parsed, "seed")) return invalidArgument("--seed is required");
  POSIM_ASSIGN_OR_RETURN(std::uint64_t seed, numberOption(parsed, "seed", 0));
  crypto::TestPkiSpec spec;
  spec.pan = emv::visaCreditCard().pan.digits();  // the built-in card the own chain serves
  POSIM_ASSIGN_OR_RETURN(spec.ca_bits, numberOption(parsed, "ca-bits", spec.ca_bits));
  POSIM_ASSIGN_OR_RETURN(spec.issuer_bits, numberOption(parsed, "issuer-bits", spec.issuer_bits));
  POSIM_ASSIGN_OR_RETURN(spec.icc_bits, numberOption(parsed, "icc-bits", spec.icc_bits));
  SeededRandom random(seed);
  auto pki = crypto::generateTestPki(spec, random);
  if (!pki.isOk()) {
    return Status(pki.status().code(),
                  "--ca-bits, --issuer-bits, --icc-bits: " + pki.status().message());
  }
  Calculation c;
  c.document = crypto::testPkiToJson(*pki);
  return c;
}

// ---- recover-issuer ----

constexpr OptionSpec kRecoverIssuerOptions[] = {
    {"capk-modulus", OptionKind::kHex, "HEX", "CA public key modulus"},
    {"capk-exponent", OptionKind::kHex, "HEX", "CA public key exponent (03 or 010001)"},
    {"cert", OptionKind::kHex, "HEX", "Issuer Public Key Certificate (90)"},
    {"remainder", OptionKind::kHex, "HEX", "Issuer Public Key Remainder (92), if any"},
    {"exponent", OptionKind::kHex, "HEX", "Issuer Public Key Exponent (9F32)"},
};

Result<Calculation> computeRecoverIssuer(const ParsedOptions& parsed) {
  POSIM_ASSIGN_OR_RETURN(Bytes modulus, hexOption(parsed, "capk-modulus"));
  POSIM_ASSIGN_OR_RETURN(Bytes ca_exponent, hexOption(parsed, "capk-exponent"));
  POSIM_ASSIGN_OR_RETURN(Bytes certificate, hexOption(parsed, "cert"));
  POSIM_ASSIGN_OR_RETURN(Bytes remainder, optionalHex(parsed, "remainder"));
  POSIM_ASSIGN_OR_RETURN(Bytes exponent, hexOption(parsed, "exponent"));
  crypto::CaPublicKey capk;
  auto key = crypto::RsaPublicKey::create(modulus, ca_exponent);
  if (!key.isOk()) {
    return invalidArgument("--capk-modulus, --capk-exponent: " + key.status().message());
  }
  capk.key = *key;
  // No PAN and no transaction date: the calculator skips the issuer identifier and expiry checks.
  const crypto::IssuerCertificateInput input{certificate, remainder, exponent, {}, std::nullopt};
  const auto recovered = crypto::recoverIssuerPublicKey(capk, input);
  if (!recovered.isOk()) {
    return malformed(recovered.failure().toString());
  }
  Calculation c;
  c.intermediates = crypto::toJson(*recovered);
  for (const auto& [field, value] : c.intermediates.asObject()) {
    if (field != "public_key_modulus" && field != "recovered") {
      c.lines.emplace_back(field, value.isString() ? value.asString() : value.dump());
    }
  }
  c.result = toHex(recovered->public_key.modulus());
  return c;
}

// The calculators, one per `posim crypto` command of the command table.
constexpr Calculator kKcv{"crypto kcv", kKcvOptions, &computeKcv};
constexpr Calculator kMac{"crypto mac", kMacOptions, &computeMac};
constexpr Calculator kDeriveMk{"crypto derive-mk", kDeriveMkOptions, &computeDeriveMk};
constexpr Calculator kSessionKey{"crypto session-key", kSessionKeyOptions, &computeSessionKey};
constexpr Calculator kArqc{"crypto arqc", kArqcOptions, &computeArqc};
constexpr Calculator kArpc{"crypto arpc", kArpcOptions, &computeArpc};
constexpr Calculator kPinBlock{"crypto pinblock", kPinBlockOptions, &computePinBlock};
constexpr Calculator kCvv{"crypto cvv", kCvvOptions, &computeCvv};
constexpr Calculator kDukpt{"crypto dukpt", kDukptOptions, &computeDukpt};
constexpr Calculator kPkiGenerate{"crypto pki generate", kPkiGenerateOptions, &computePkiGenerate};
constexpr Calculator kRecoverIssuer{"crypto recover-issuer", kRecoverIssuerOptions,
                                    &computeRecoverIssuer};

}  // namespace

int runCryptoKcv(const Args& args, Io& io) {
  return runCalculator(args, io, kKcv);
}
int runCryptoMac(const Args& args, Io& io) {
  return runCalculator(args, io, kMac);
}
int runCryptoDeriveMk(const Args& args, Io& io) {
  return runCalculator(args, io, kDeriveMk);
}
int runCryptoSessionKey(const Args& args, Io& io) {
  return runCalculator(args, io, kSessionKey);
}
int runCryptoArqc(const Args& args, Io& io) {
  return runCalculator(args, io, kArqc);
}
int runCryptoArpc(const Args& args, Io& io) {
  return runCalculator(args, io, kArpc);
}
int runCryptoPinBlock(const Args& args, Io& io) {
  return runCalculator(args, io, kPinBlock);
}
int runCryptoCvv(const Args& args, Io& io) {
  return runCalculator(args, io, kCvv);
}
int runCryptoDukpt(const Args& args, Io& io) {
  return runCalculator(args, io, kDukpt);
}
int runCryptoPkiGenerate(const Args& args, Io& io) {
  return runCalculator(args, io, kPkiGenerate);
}
int runCryptoRecoverIssuer(const Args& args, Io& io) {
  return runCalculator(args, io, kRecoverIssuer);
}

}  // namespace posim::cli
