#include "posim/iso8583/describe.h"

#include <charconv>
#include <cstdint>

#include "posim/base/bytes.h"
#include "posim/base/money.h"
#include "posim/base/pan.h"

namespace posim::iso8583 {
namespace {

struct CodeRow {
  std::string_view code;
  std::string_view meaning;
};

template <std::size_t N>
std::string_view lookUp(const CodeRow (&table)[N], std::string_view code) {
  for (const CodeRow& row : table) {
    if (row.code == code) return row.meaning;
  }
  return {};
}

bool allDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// DOMAIN.md §4.3 (1987 response codes, CUP A0).
constexpr CodeRow kResponseCodes[] = {
    {"00", "approved"},
    {"01", "refer to card issuer"},
    {"02", "refer to card issuer, special condition"},
    {"03", "invalid merchant"},
    {"04", "pick up card"},
    {"05", "do not honour"},
    {"06", "error"},
    {"07", "pick up card, special condition"},
    {"08", "honour with identification"},
    {"10", "approved for partial amount"},
    {"11", "approved (VIP)"},
    {"12", "invalid transaction"},
    {"13", "invalid amount"},
    {"14", "invalid card number"},
    {"15", "no such issuer"},
    {"19", "re-enter transaction"},
    {"21", "no action taken"},
    {"22", "suspected malfunction"},
    {"25", "unable to locate original transaction"},
    {"30", "format error"},
    {"33", "expired card, pick up"},
    {"34", "suspected fraud"},
    {"36", "restricted card, pick up"},
    {"38", "PIN tries exceeded, pick up"},
    {"39", "no credit account"},
    {"40", "function not supported"},
    {"41", "lost card"},
    {"43", "stolen card"},
    {"51", "insufficient funds"},
    {"52", "no checking account"},
    {"53", "no savings account"},
    {"54", "expired card"},
    {"55", "incorrect PIN"},
    {"56", "no card record"},
    {"57", "transaction not permitted to cardholder"},
    {"58", "transaction not permitted to terminal"},
    {"59", "suspected fraud"},
    {"61", "exceeds withdrawal amount limit"},
    {"62", "restricted card"},
    {"63", "security violation"},
    {"64", "original amount incorrect"},
    {"65", "exceeds withdrawal frequency limit"},
    {"68", "response received too late"},
    {"75", "PIN tries exceeded"},
    {"76", "invalid or non-existent account"},
    {"77", "inconsistent with original"},
    {"90", "cut-off in progress"},
    {"91", "issuer or switch inoperative"},
    {"92", "routing not possible"},
    {"94", "duplicate transmission"},
    {"96", "system malfunction"},
    {"A0", "MAC verification failed"},
};

// ISO 8583:1993 action codes (DOMAIN.md §4.3).
constexpr CodeRow kActionCodes[] = {
    {"000", "approved"},
    {"001", "approved with identification"},
    {"002", "approved for partial amount"},
    {"100", "do not honour"},
    {"101", "expired card"},
    {"102", "suspected fraud"},
    {"104", "restricted card"},
    {"106", "PIN tries exceeded"},
    {"110", "invalid amount"},
    {"111", "invalid card number"},
    {"116", "insufficient funds"},
    {"117", "incorrect PIN"},
    {"119", "transaction not permitted to cardholder"},
    {"120", "transaction not permitted to terminal"},
    {"121", "exceeds withdrawal amount limit"},
    {"123", "exceeds withdrawal frequency limit"},
    {"200", "do not honour, pick up card"},
    {"400", "reversal accepted"},
    {"800", "network management accepted"},
    {"902", "invalid transaction"},
    {"904", "format error"},
    {"907", "card issuer or switch inoperative"},
    {"909", "system malfunction"},
    {"911", "card issuer timed out"},
    {"913", "duplicate transmission"},
};

// DOMAIN.md §4.2.
constexpr CodeRow kFunctionCodes[] = {
    {"100", "original authorization, amount accurate"},
    {"101", "original authorization, amount estimated"},
    {"106", "supplementary authorization, amount accurate"},
    {"107", "supplementary authorization, amount estimated"},
    {"108", "inquiry"},
    {"200", "original financial request"},
    {"201", "previously approved authorization, same amount"},
    {"202", "previously approved authorization, different amount"},
    {"400", "full reversal"},
    {"401", "partial reversal"},
    {"450", "first chargeback, full"},
    {"451", "second chargeback, full"},
    {"453", "first chargeback, partial"},
    {"801", "sign-on"},
    {"802", "sign-off"},
    {"811", "key change"},
    {"831", "echo test"},
};

constexpr CodeRow kTransactionTypes[] = {
    {"00", "goods and services"},
    {"01", "cash"},
    {"02", "debit adjustment"},
    {"03", "cheque guarantee"},
    {"09", "goods and services with cashback"},
    {"17", "cash advance"},
    {"20", "refund"},
    {"22", "credit adjustment"},
    {"28", "payment"},
    {"30", "available funds inquiry"},
    {"31", "balance inquiry"},
    {"40", "transfer"},
};

constexpr CodeRow kAccountTypes[] = {
    {"00", "default account"},
    {"10", "savings account"},
    {"20", "checking account"},
    {"30", "credit account"},
};

constexpr CodeRow kPanEntryModes[] = {
    {"00", "unknown entry"},        {"01", "manual entry"},
    {"02", "magnetic stripe"},      {"05", "chip"},
    {"07", "contactless chip"},     {"80", "chip fallback to magnetic stripe"},
    {"90", "full magnetic stripe"}, {"91", "contactless magnetic stripe"},
};

constexpr CodeRow kPinCapabilities[] = {
    {"0", "PIN capability unknown"},
    {"1", "PIN can be accepted"},
    {"2", "PIN cannot be accepted"},
};

constexpr CodeRow kNetworkManagementCodes[] = {
    {"001", "sign-on"},    {"002", "sign-off"}, {"101", "key change"},
    {"161", "key change"}, {"201", "cut-over"}, {"301", "echo test"},
};

constexpr std::string_view kMtiClasses[] = {"",
                                            "authorization",
                                            "financial",
                                            "file action",
                                            "reversal",
                                            "reconciliation",
                                            "administrative",
                                            "fee collection",
                                            "network management",
                                            "reserved"};
constexpr std::string_view kMtiFunctions[] = {"request",      "response",
                                              "advice",       "advice response",
                                              "notification", "notification acknowledgement",
                                              "instruction",  "instruction acknowledgement",
                                              "reserved",     "reserved"};
constexpr std::string_view kMtiOrigins[] = {"",
                                            "repeat",
                                            "from the issuer",
                                            "from the issuer, repeat",
                                            "from another party",
                                            "from another party, repeat"};

bool isPanDigit(char c) {
  return c >= '0' && c <= '9';
}

std::string printable(std::string_view value) {
  return printableAscii(asBytes(value));
}

}  // namespace

std::string mtiDescription(std::string_view mti) {
  if (mti.size() != 4 || !allDigits(mti)) return {};
  const std::string_view cls = kMtiClasses[mti[1] - '0'];
  if (cls.empty()) return {};
  std::string out(cls);
  out += ' ';
  out += kMtiFunctions[mti[2] - '0'];
  const int origin = mti[3] - '0';
  if (origin > 0 && origin < 6) {
    out += ", ";
    out += kMtiOrigins[origin];
  }
  return out;
}

std::string processingCodeDescription(std::string_view code) {
  if (code.size() != 6 || !allDigits(code)) return {};
  const std::string_view type = lookUp(kTransactionTypes, code.substr(0, 2));
  if (type.empty()) return {};
  std::string out(type);
  const std::string_view from = lookUp(kAccountTypes, code.substr(2, 2));
  const std::string_view to = lookUp(kAccountTypes, code.substr(4, 2));
  if (!from.empty() && !to.empty()) {
    out += ", " + std::string(from) + " to " + std::string(to);
  }
  return out;
}

std::string_view responseCodeDescription(Flavour flavour, std::string_view code) {
  if (flavour == Flavour::kIso93 && code.size() == 3) return lookUp(kActionCodes, code);
  return lookUp(kResponseCodes, code);
}

std::string_view functionCodeDescription(std::string_view code) {
  return lookUp(kFunctionCodes, code);
}

std::string entryModeDescription(std::string_view code) {
  if (code.size() != 3 || !allDigits(code)) return {};
  const std::string_view pan = lookUp(kPanEntryModes, code.substr(0, 2));
  const std::string_view pin = lookUp(kPinCapabilities, code.substr(2, 1));
  if (pan.empty()) return {};
  return pin.empty() ? std::string(pan) : std::string(pan) + ", " + std::string(pin);
}

std::string_view networkManagementDescription(std::string_view code) {
  return lookUp(kNetworkManagementCodes, code);
}

std::optional<std::string> amountDescription(std::string_view amount,
                                             std::string_view currency_code) {
  if (amount.empty() || amount.size() > 18 || !allDigits(amount)) return std::nullopt;
  if (currency_code.size() != 3 || !allDigits(currency_code)) return std::nullopt;
  std::uint16_t numeric = 0;
  std::from_chars(currency_code.data(), currency_code.data() + currency_code.size(), numeric);
  const auto currency = currencyByNumeric(numeric);
  if (!currency.has_value()) return std::nullopt;
  std::int64_t minor = 0;
  std::from_chars(amount.data(), amount.data() + amount.size(), minor);
  return Money(minor, *currency).toString();
}

std::string maskTrackData(std::string_view track) {
  std::string out(track);
  // The PAN: the first run of 12 to 19 digits.
  std::size_t start = 0;
  while (start < track.size()) {
    while (start < track.size() && !isPanDigit(track[start])) ++start;
    std::size_t end = start;
    while (end < track.size() && isPanDigit(track[end])) ++end;
    if (end - start >= 12 && end - start <= 19) {
      const std::string masked = maskPan(track.substr(start, end - start));
      out.replace(start, end - start, masked);
      for (std::size_t i = end; i < out.size(); ++i) {
        const char c = out[i];
        if (isPanDigit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) out[i] = '*';
      }
      return printable(out);
    }
    start = end;
  }
  // No PAN found: hide every letter and digit.
  for (char& c : out) {
    if (isPanDigit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) c = '*';
  }
  return printable(out);
}

bool isHidden(const FieldSpec& spec) {
  return spec.sensitive && spec.type == FieldType::kBinary;
}

std::string displayValue(const FieldSpec& spec, std::string_view value) {
  if (isHidden(spec)) {
    return "[" + std::string(spec.number == 52 ? "PIN block" : "sensitive data") + ", " +
           std::to_string(value.size()) + (value.size() == 1 ? " byte]" : " bytes]");
  }
  if (spec.type == FieldType::kBinary) return toHex(asBytes(value));
  if (spec.sensitive) {
    if (spec.type == FieldType::kNumeric && allDigits(value)) return maskPan(value);
    return maskTrackData(value);
  }
  return printable(value);
}

std::vector<SubfieldValue> subfieldValues(const FieldSpec& spec, std::string_view value) {
  std::vector<SubfieldValue> out;
  if (spec.sensitive) return out;
  for (const SubfieldSpec& sub : spec.subfields) {
    if (sub.offset >= value.size()) continue;
    const std::string_view part =
        value.substr(sub.offset, sub.length == 0 ? std::string_view::npos : sub.length);
    out.push_back({&sub, spec.type == FieldType::kBinary ? toHex(asBytes(part)) : printable(part)});
  }
  return out;
}

std::string fieldDescription(const Dialect& dialect, const Message& message, int field) {
  const std::string_view value = message.get(field);
  switch (field) {
    case 3: return processingCodeDescription(value);
    case 4:
    case 5:
    case 6: {
      const int currency_field = field == 4 ? 49 : field == 5 ? 50 : 51;
      return amountDescription(value, message.get(currency_field)).value_or("");
    }
    case 22:
      return dialect.flavour == Flavour::kIso93 ? std::string() : entryModeDescription(value);
    case 24:
      return dialect.flavour == Flavour::kIso93 ? std::string(functionCodeDescription(value))
                                                : std::string();
    case 39: return std::string(responseCodeDescription(dialect.flavour, value));
    case 70: return std::string(networkManagementDescription(value));
    default: return {};
  }
}

}  // namespace posim::iso8583
