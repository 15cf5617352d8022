#include "posim/emv/value_decoders.h"

#include <algorithm>
#include <array>
#include <span>
#include <string_view>

#include "posim/base/country.h"
#include "posim/base/money.h"
#include "posim/base/pan.h"
#include "posim/emv/cvm.h"
#include "posim/emv/dol.h"
#include "posim/emv/tvr.h"

namespace posim::emv {
namespace {

// ---------------------------------------------------------------------------------------------
// Small helpers

std::string hexByte(std::uint8_t b) {
  return toHex(ByteView(&b, 1));
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += separator;
    out += parts[i];
  }
  return out;
}

std::uint8_t nibbleHigh(std::uint8_t b) {
  return static_cast<std::uint8_t>(b >> 4);
}
std::uint8_t nibbleLow(std::uint8_t b) {
  return static_cast<std::uint8_t>(b & 0x0F);
}
bool bitSet(std::uint8_t b, int bit) {
  return (b & (1u << (bit - 1))) != 0;
}

// Format n (Book 3 §4.3): every nibble a decimal digit. std::nullopt otherwise.
std::optional<std::string> numericDigits(ByteView value) {
  std::string digits;
  digits.reserve(value.size() * 2);
  for (std::uint8_t b : value) {
    for (std::uint8_t nibble : {nibbleHigh(b), nibbleLow(b)}) {
      if (nibble > 9) return std::nullopt;
      digits.push_back(static_cast<char>('0' + nibble));
    }
  }
  return digits;
}

// Format cn: digits, left-justified, padded with F nibbles. std::nullopt for other nibbles or a
// digit after padding.
std::optional<std::string> compressedNumericDigits(ByteView value) {
  std::string digits;
  bool padding = false;
  for (std::uint8_t b : value) {
    for (std::uint8_t nibble : {nibbleHigh(b), nibbleLow(b)}) {
      if (nibble == 0x0F) {
        padding = true;
      } else if (nibble > 9 || padding) {
        return std::nullopt;
      } else {
        digits.push_back(static_cast<char>('0' + nibble));
      }
    }
  }
  return digits;
}

std::uint64_t digitsValue(std::string_view digits) {
  std::uint64_t v = 0;
  for (char c : digits) v = v * 10 + static_cast<std::uint64_t>(c - '0');
  return v;
}

bool allPrintable(ByteView value) {
  return std::all_of(value.begin(), value.end(),
                     [](std::uint8_t b) { return b >= 0x20 && b <= 0x7E; });
}

std::string formatMoney(std::uint64_t minor_units, const Currency& currency) {
  return Money(static_cast<std::int64_t>(minor_units), currency).toDecimalString() + " " +
         std::string(currency.alpha);
}

std::optional<Currency> currencyOf(std::optional<std::uint16_t> numeric) {
  if (!numeric) return std::nullopt;
  return currencyByNumeric(*numeric);
}

void setHex(ByteView value, DecodedValue& out) {
  out.summary = toHex(value);
}

// Reads one BER tag (Book 3 Annex B1) at `pos`; advances pos. std::nullopt if truncated or longer
// than 3 bytes.
std::optional<Tag> readTag(ByteView data, std::size_t& pos) {
  if (pos >= data.size()) return std::nullopt;
  Tag tag = data[pos++];
  if ((tag & 0x1F) != 0x1F) return tag;
  for (int i = 0; i < 2; ++i) {
    if (pos >= data.size()) return std::nullopt;
    const std::uint8_t b = data[pos++];
    tag = (tag << 8) | b;
    if ((b & 0x80) == 0) return tag;
  }
  return std::nullopt;
}

std::string tagName(Tag tag, Scheme scheme) {
  const TagInfo* info = findTag(tag, scheme);
  return info == nullptr ? std::string("unknown tag") : std::string(info->name);
}

// ---------------------------------------------------------------------------------------------
// Bit tables: one row per named bit, as in the spec's tables. `label` is the short form used in
// summaries, `text` the spec's wording used in details.

struct BitMeaning {
  std::uint8_t byte;
  std::uint8_t bit;
  std::string_view label;
  std::string_view text;
};

struct BitField {
  std::span<const BitMeaning> bits;
  std::span<const std::string_view> byte_groups;  // optional group name per byte (summary)
  bool warn_rfu = false;                          // warn about set bits the table does not name
};

// Book 3 Annex C1 (AIP); byte 1 b2 and byte 2 from the contactless Books C-2/C-3.
constexpr std::array<BitMeaning, 9> kAipBits = {{
    {1, 7, "SDA", "SDA supported"},
    {1, 6, "DDA", "DDA supported"},
    {1, 5, "cardholder verification", "Cardholder verification is supported"},
    {1, 4, "terminal risk management", "Terminal risk management is to be performed"},
    {1, 3, "issuer authentication", "Issuer authentication is supported"},
    {1, 2, "on-device CVM", "On device cardholder verification is supported (contactless)"},
    {1, 1, "CDA", "CDA supported"},
    {2, 8, "contactless EMV mode", "EMV mode is supported (contactless Kernel 2)"},
    {2, 1, "relay resistance", "Relay resistance protocol is supported (contactless Kernel 2)"},
}};

// Book 3 Annex C2.
constexpr std::array<BitMeaning, 10> kAucBits = {{
    {1, 8, "domestic cash", "Valid for domestic cash transactions"},
    {1, 7, "international cash", "Valid for international cash transactions"},
    {1, 6, "domestic goods", "Valid for domestic goods"},
    {1, 5, "international goods", "Valid for international goods"},
    {1, 4, "domestic services", "Valid for domestic services"},
    {1, 3, "international services", "Valid for international services"},
    {1, 2, "ATMs", "Valid at ATMs"},
    {1, 1, "non-ATM terminals", "Valid at terminals other than ATMs"},
    {2, 8, "domestic cashback", "Domestic cashback allowed"},
    {2, 7, "international cashback", "International cashback allowed"},
}};

// Book 4 Annex A2.
constexpr std::array<BitMeaning, 12> kTerminalCapabilitiesBits = {{
    {1, 8, "manual key entry", "Manual key entry"},
    {1, 7, "magnetic stripe", "Magnetic stripe"},
    {1, 6, "IC with contacts", "IC with contacts"},
    {2, 8, "plaintext PIN for ICC", "Plaintext PIN for ICC verification"},
    {2, 7, "enciphered PIN online", "Enciphered PIN for online verification"},
    {2, 6, "signature", "Signature (paper)"},
    {2, 5, "enciphered PIN for ICC", "Enciphered PIN for offline verification"},
    {2, 4, "no CVM", "No CVM required"},
    {3, 8, "SDA", "Static data authentication (SDA)"},
    {3, 7, "DDA", "Dynamic data authentication (DDA)"},
    {3, 6, "card capture", "Card capture"},
    {3, 4, "CDA", "Combined DDA/application cryptogram generation (CDA)"},
}};
constexpr std::array<std::string_view, 3> kTerminalCapabilitiesGroups = {"input", "CVM",
                                                                         "security"};

// Book 4 Annex A3.
constexpr std::array<BitMeaning, 27> kAdditionalTerminalCapabilitiesBits = {{
    {1, 8, "cash", "Cash"},
    {1, 7, "goods", "Goods"},
    {1, 6, "services", "Services"},
    {1, 5, "cashback", "Cashback"},
    {1, 4, "inquiry", "Inquiry"},
    {1, 3, "transfer", "Transfer"},
    {1, 2, "payment", "Payment"},
    {1, 1, "administrative", "Administrative"},
    {2, 8, "cash deposit", "Cash deposit"},
    {3, 8, "numeric keys", "Numeric keys"},
    {3, 7, "alphabetic and special keys", "Alphabetic and special characters keys"},
    {3, 6, "command keys", "Command keys"},
    {3, 5, "function keys", "Function keys"},
    {4, 8, "print attendant", "Print, attendant"},
    {4, 7, "print cardholder", "Print, cardholder"},
    {4, 6, "display attendant", "Display, attendant"},
    {4, 5, "display cardholder", "Display, cardholder"},
    {4, 2, "code table 10", "Code table 10"},
    {4, 1, "code table 9", "Code table 9"},
    {5, 8, "code table 8", "Code table 8"},
    {5, 7, "code table 7", "Code table 7"},
    {5, 6, "code table 6", "Code table 6"},
    {5, 5, "code table 5", "Code table 5"},
    {5, 4, "code table 4", "Code table 4"},
    {5, 3, "code table 3", "Code table 3"},
    {5, 2, "code table 2", "Code table 2"},
    {5, 1, "code table 1", "Code table 1"},
}};
constexpr std::array<std::string_view, 5> kAdditionalTerminalCapabilitiesGroups = {
    "transaction types", "transaction types", "input", "output", "output"};

// Contactless Book A §5.7 / Book C-3 (Visa qVSDC).
constexpr std::array<BitMeaning, 14> kTtqBits = {{
    {1, 8, "mag-stripe mode", "Mag-stripe mode supported"},
    {1, 6, "EMV mode", "EMV mode supported"},
    {1, 5, "contact chip", "EMV contact chip supported"},
    {1, 4, "offline-only reader", "Offline-only reader"},
    {1, 3, "online PIN", "Online PIN supported"},
    {1, 2, "signature", "Signature supported"},
    {1, 1, "ODA for online", "Offline data authentication for online authorisations supported"},
    {2, 8, "online cryptogram required", "Online cryptogram required"},
    {2, 7, "CVM required", "CVM required"},
    {2, 6, "contact offline PIN", "(Contact chip) offline PIN supported"},
    {3, 8, "issuer update", "Issuer update processing supported"},
    {3, 7, "CDCVM", "Consumer device CVM supported"},
    {3, 4, "CDCVM required", "Consumer device CVM required"},
    {4, 8, "fDDA v1.0", "fDDA v1.0 supported"},
}};

// Contactless Book C-3 Annex A (Visa qVSDC), also qPBOC.
constexpr std::array<BitMeaning, 10> kCtqBits = {{
    {1, 8, "online PIN required", "Online PIN required"},
    {1, 7, "signature required", "Signature required"},
    {1, 6, "online if ODA fails",
     "Go online if offline data authentication fails and reader is online capable"},
    {1, 5, "switch interface if ODA fails",
     "Switch interface if offline data authentication fails and reader supports contact chip"},
    {1, 4, "online if expired", "Go online if application expired"},
    {1, 3, "switch interface for cash", "Switch interface for cash transactions"},
    {1, 2, "switch interface for cashback", "Switch interface for cashback transactions"},
    {1, 1, "not valid for contactless ATM", "Not valid for contactless ATM transactions"},
    {2, 8, "CDCVM performed", "Consumer device CVM performed"},
    {2, 7, "issuer update", "Card supports issuer update processing at the POS"},
}};

// Visa Form Factor Indicator byte 2 (consumer payment device features).
constexpr std::array<BitMeaning, 7> kFfiFeatureBits = {{
    {2, 8, "passcode", "Passcode capable"},
    {2, 7, "signature panel", "Signature panel"},
    {2, 6, "hologram", "Hologram"},
    {2, 5, "CVV2", "CVV2"},
    {2, 4, "two-way messaging", "Two-way messaging"},
    {2, 3, "cloud credentials", "Cloud based payment credentials"},
    {2, 2, "biometric CVM", "Biometric cardholder verification capable"},
}};

// Decodes `value` against `field`; value[0] is the table's byte `first_byte` (so DF8118, a copy
// of 9F33 byte 2, reads the table from byte 2).
void decodeBits(const BitField& field, ByteView value, DecodedValue& out,
                std::uint8_t first_byte = 1) {
  const bool numbered = value.size() > 1;
  std::vector<std::string> groups;
  std::string current_group;
  std::vector<std::string> current_labels;
  auto flush = [&] {
    if (current_labels.empty()) return;
    const std::string labels = join(current_labels, ", ");
    groups.push_back(current_group.empty() ? labels : current_group + ": " + labels);
    current_labels.clear();
  };
  for (std::size_t i = 0; i < value.size(); ++i) {
    const auto table_byte = static_cast<std::size_t>(first_byte) + i;
    std::string group;
    if (table_byte - 1 < field.byte_groups.size()) group = field.byte_groups[table_byte - 1];
    if (group != current_group) {
      flush();
      current_group = group;
    }
    std::uint8_t named_mask = 0;
    for (const auto& meaning : field.bits) {
      if (meaning.byte != table_byte) continue;
      const auto mask = static_cast<std::uint8_t>(1u << (meaning.bit - 1));
      named_mask = static_cast<std::uint8_t>(named_mask | mask);
      if ((value[i] & mask) == 0) continue;
      current_labels.emplace_back(meaning.label);
      std::string where = numbered ? "byte " + std::to_string(i + 1) + " " : std::string();
      out.details.push_back(where + "b" + std::to_string(meaning.bit) + ": " +
                            std::string(meaning.text));
    }
    const auto rfu = static_cast<std::uint8_t>(value[i] & ~named_mask);
    if (field.warn_rfu && rfu != 0) {
      for (int bit = 8; bit >= 1; --bit) {
        if (bitSet(rfu, bit)) {
          out.warnings.push_back("RFU bit set: byte " + std::to_string(i + 1) + " b" +
                                 std::to_string(bit));
        }
      }
    }
  }
  flush();
  out.summary = groups.empty() ? "none set" : join(groups, "; ");
}

template <typename Set>
void decodeNamedBits(ByteView value, DecodedValue& out, bool warn_rfu) {
  std::array<std::uint8_t, Set::kSize> bytes{};
  std::copy_n(value.begin(), std::min(value.size(), bytes.size()), bytes.begin());
  const Set set(bytes);
  std::vector<std::string> names;
  for (auto bit : set.setBits()) {
    const NamedBit& info = Set::info(bit);
    names.emplace_back(info.name);
    out.details.push_back("byte " + std::to_string(info.byte) + " b" + std::to_string(info.bit) +
                          " " + std::string(info.name) + ": " + std::string(info.description));
  }
  if (warn_rfu) {
    for (const auto& where : set.rfuBitsSet()) out.warnings.push_back("RFU bit set: " + where);
  }
  out.summary = names.empty() ? "no bits set" : join(names, ", ");
}

// ---------------------------------------------------------------------------------------------
// Decoders. Each fills summary/details and may add warnings; the length check against the
// dictionary has already run, but every decoder still copes with any length.

using Decoder = void (*)(ByteView value, const DecodeContext& context, DecodedValue& out);

void decodeAip(ByteView value, const DecodeContext&, DecodedValue& out) {
  decodeBits({kAipBits, {}, false}, value, out);
}

void decodeAuc(ByteView value, const DecodeContext&, DecodedValue& out) {
  decodeBits({kAucBits, {}, true}, value, out);
}

void decodeTerminalCapabilities(ByteView value, const DecodeContext&, DecodedValue& out) {
  decodeBits({kTerminalCapabilitiesBits, kTerminalCapabilitiesGroups, true}, value, out);
}

void decodeCardDataInputCapability(ByteView value, const DecodeContext&, DecodedValue& out) {
  decodeBits({kTerminalCapabilitiesBits, {}, true}, value, out, 1);
}

void decodeCvmCapability(ByteView value, const DecodeContext&, DecodedValue& out) {
  decodeBits({kTerminalCapabilitiesBits, {}, true}, value, out, 2);
}

void decodeSecurityCapability(ByteView value, const DecodeContext&, DecodedValue& out) {
  decodeBits({kTerminalCapabilitiesBits, {}, true}, value, out, 3);
}

void decodeAdditionalTerminalCapabilities(ByteView value, const DecodeContext&, DecodedValue& out) {
  decodeBits({kAdditionalTerminalCapabilitiesBits, kAdditionalTerminalCapabilitiesGroups, true},
             value, out);
}

void decodeTtq(ByteView value, const DecodeContext&, DecodedValue& out) {
  decodeBits({kTtqBits, {}, false}, value, out);
}

void decodeCtq(ByteView value, const DecodeContext&, DecodedValue& out) {
  decodeBits({kCtqBits, {}, false}, value, out);
}

void decodeTvr(ByteView value, const DecodeContext&, DecodedValue& out) {
  decodeNamedBits<Tvr>(value, out, true);
}

void decodeTsi(ByteView value, const DecodeContext&, DecodedValue& out) {
  decodeNamedBits<Tsi>(value, out, true);
}

// IACs (9F0D-9F0F) and Kernel 2 TACs (DF8120-DF8122) select TVR bits; RFU bits are often set
// in them on purpose (FFFFFFFFFF), so they are not warned about.
void decodeActionCode(ByteView value, const DecodeContext&, DecodedValue& out) {
  decodeNamedBits<Tvr>(value, out, false);
}

void decodeAfl(ByteView value, const DecodeContext&, DecodedValue& out) {
  if (value.size() % 4 != 0) {
    out.warnings.push_back("length " + std::to_string(value.size()) +
                           " is not a multiple of 4; the last " + std::to_string(value.size() % 4) +
                           " bytes are ignored");
  }
  std::vector<std::string> entries;
  for (std::size_t i = 0; i + 4 <= value.size(); i += 4) {
    const std::size_t n = i / 4 + 1;
    const auto sfi = static_cast<unsigned>(value[i] >> 3);
    const unsigned first = value[i + 1];
    const unsigned last = value[i + 2];
    const unsigned oda = value[i + 3];
    const std::string records =
        first == last ? "record " + std::to_string(first)
                      : "records " + std::to_string(first) + "-" + std::to_string(last);
    std::string entry = "SFI " + std::to_string(sfi) + " " + records;
    if (oda > 0) entry += ", " + std::to_string(oda) + " for ODA";
    entries.push_back(entry);
    out.details.push_back("entry " + std::to_string(n) + ": SFI " + std::to_string(sfi) + ", " +
                          records + ", " + std::to_string(oda) +
                          " for offline data authentication");
    const std::string where = "entry " + std::to_string(n) + ": ";
    if (sfi == 0 || sfi == 31) out.warnings.push_back(where + "SFI must be 1 to 30");
    if ((value[i] & 0x07) != 0) out.warnings.push_back(where + "byte 1 b3-b1 must be 0");
    if (first == 0) out.warnings.push_back(where + "first record 0 is invalid");
    if (last < first) out.warnings.push_back(where + "last record is before the first");
    if (last >= first && oda > last - first + 1) {
      out.warnings.push_back(where + std::to_string(oda) + " ODA records but only " +
                             std::to_string(last - first + 1) + " in the range");
    }
  }
  out.summary = entries.empty() ? "no entries" : join(entries, "; ");
}

void decodeApplicationPriority(ByteView value, const DecodeContext&, DecodedValue& out) {
  if (value.empty()) return;
  const std::uint8_t b = value[0];
  const unsigned priority = nibbleLow(b);
  out.summary = priority == 0 ? "no priority assigned" : "priority " + std::to_string(priority);
  if ((b & 0x80) != 0) out.summary += ", cardholder confirmation required";
  out.details.push_back((b & 0x80) != 0
                            ? "b8: application cannot be selected without cardholder confirmation"
                            : "b8: application may be selected without cardholder confirmation");
  if ((b & 0x70) != 0) out.warnings.push_back("RFU bits b7-b5 set");
}

void decodeSfi(ByteView value, const DecodeContext&, DecodedValue& out) {
  if (value.empty()) return;
  out.summary = "SFI " + std::to_string(value[0]);
  if (value[0] == 0 || value[0] > 30) out.warnings.push_back("SFI must be 1 to 30");
}

void decodeCvmListValue(ByteView value, const DecodeContext& context, DecodedValue& out) {
  const CvmList list = decodeCvmList(value);
  const auto currency = currencyOf(context.application_currency);
  auto amount = [&](std::uint32_t v) {
    return currency ? formatMoney(v, *currency) : std::to_string(v);
  };
  std::vector<std::string> methods;
  for (std::size_t i = 0; i < list.rules.size(); ++i) {
    const CvRule& rule = list.rules[i];
    methods.emplace_back(cvmCodeShortName(rule.code()));
    out.details.push_back("rule " + std::to_string(i + 1) + ": " + rule.describe());
    if (!isRecognisedCvmCode(rule.code())) {
      out.warnings.push_back("rule " + std::to_string(i + 1) + ": CVM code " +
                             hexByte(rule.code()) + " is not recognised (" +
                             std::string(cvmCodeName(rule.code())) + ")");
    }
  }
  for (const auto& diagnostic : list.diagnostics) out.warnings.push_back(diagnostic.message);
  if (value.size() < 8) {
    out.summary = toHex(value);
    return;
  }
  out.details.insert(out.details.begin(),
                     {"amount X: " + amount(list.amount_x), "amount Y: " + amount(list.amount_y)});
  out.summary = (methods.empty() ? std::string("no rules") : join(methods, ", ")) +
                "; X=" + amount(list.amount_x) + ", Y=" + amount(list.amount_y);
  if (!currency) out.details.push_back("amounts in minor units of the application currency (9F42)");
}

void decodeCvmResultsValue(ByteView value, const DecodeContext&, DecodedValue& out) {
  if (value.size() < 3) return setHex(value, out);
  const CvmResults results{value[0], value[1], value[2]};
  out.summary = results.describe();
  out.details.push_back("byte 1 " + hexByte(results.method) + ": " +
                        std::string(cvmCodeName(results.code())));
  out.details.push_back("byte 2 " + hexByte(results.condition) + ": " +
                        std::string(cvmConditionName(results.condition)));
  out.details.push_back("byte 3 " + hexByte(results.result) + ": " +
                        std::string(cvmResultName(results.result)));
}

// 9F27, Book 3 §6.5.5.4.
void decodeCid(ByteView value, const DecodeContext&, DecodedValue& out) {
  if (value.empty()) return;
  const std::uint8_t b = value[0];
  static constexpr std::array<std::string_view, 4> kTypes = {"AAC", "TC", "ARQC", "RFU"};
  static constexpr std::array<std::string_view, 4> kTypeNames = {
      "application authentication cryptogram (decline)", "transaction certificate (approve)",
      "authorisation request cryptogram (go online)", "RFU"};
  static constexpr std::array<std::string_view, 4> kReasons = {
      "no information given", "service not allowed", "PIN try limit exceeded",
      "issuer authentication failed"};
  const auto type = static_cast<std::size_t>(b >> 6);
  out.summary = std::string(kTypes.at(type));
  out.details.push_back("b8-b7: " + std::string(kTypes.at(type)) + ", " +
                        std::string(kTypeNames.at(type)));
  if ((b & 0x30) != 0) {
    out.details.push_back("b6-b5: payment system-specific cryptogram bits " +
                          hexByte(static_cast<std::uint8_t>(b & 0x30)));
  }
  if ((b & 0x08) != 0) {
    out.summary += ", advice required";
    out.details.push_back("b4: advice required");
  }
  const auto reason = static_cast<std::size_t>(b & 0x07);
  if (reason != 0) {
    const std::string text = reason < kReasons.size() ? std::string(kReasons.at(reason)) : "RFU";
    out.summary += ", reason: " + text;
    out.details.push_back("b3-b1: " + text);
  }
  if (type == 3) out.warnings.push_back("cryptogram type 11 is RFU");
}

// Numeric-coded amounts (n12) and binary amounts (b4), in the transaction or application
// currency.
void describeAmount(std::uint64_t minor_units, std::optional<std::uint16_t> currency_code,
                    std::string_view currency_tag, std::string raw, DecodedValue& out) {
  if (const auto currency = currencyOf(currency_code)) {
    out.summary = formatMoney(minor_units, *currency);
    out.details.push_back(std::to_string(minor_units) + " minor units, " +
                          std::to_string(currency->exponent) + " decimals");
    return;
  }
  out.summary = std::move(raw);
  out.details.push_back(std::to_string(minor_units) + " minor units; decimals unknown without " +
                        (currency_code ? "a known currency code " + std::to_string(*currency_code)
                                       : "the currency (" + std::string(currency_tag) + ")"));
}

void decodeNumericAmount(ByteView value, std::optional<std::uint16_t> currency,
                         std::string_view currency_tag, DecodedValue& out) {
  const auto digits = numericDigits(value);
  if (!digits) {
    out.warnings.push_back("not a numeric (BCD) value");
    return setHex(value, out);
  }
  describeAmount(digitsValue(*digits), currency, currency_tag, *digits, out);
}

void decodeTransactionAmountNumeric(ByteView value, const DecodeContext& context,
                                    DecodedValue& out) {
  decodeNumericAmount(value, context.transaction_currency, "5F2A", out);
}

void decodeApplicationAmountNumeric(ByteView value, const DecodeContext& context,
                                    DecodedValue& out) {
  decodeNumericAmount(value, context.application_currency, "9F42", out);
}

void decodeTransactionAmountBinary(ByteView value, const DecodeContext& context,
                                   DecodedValue& out) {
  if (value.empty() || value.size() > 8) return setHex(value, out);
  const std::uint64_t minor = readBigEndian(value);
  describeAmount(minor, context.transaction_currency, "5F2A", std::to_string(minor), out);
}

// n3 codes in 2 bytes: country (ISO 3166-1) and currency (ISO 4217).
std::optional<std::uint16_t> numericCode(ByteView value, DecodedValue& out) {
  const auto digits = numericDigits(value);
  if (!digits || digits->empty()) {
    out.warnings.push_back("not a numeric (BCD) value");
    setHex(value, out);
    return std::nullopt;
  }
  const std::uint64_t code = digitsValue(*digits);
  if (code > 999) {
    out.warnings.push_back("code " + *digits + " has more than 3 digits");
    out.summary = *digits;
    return std::nullopt;
  }
  return static_cast<std::uint16_t>(code);
}

std::string threeDigits(std::uint16_t code) {
  std::string s = std::to_string(code);
  return std::string(s.size() < 3 ? 3 - s.size() : 0, '0') + s;
}

void decodeCountry(ByteView value, const DecodeContext&, DecodedValue& out) {
  const auto code = numericCode(value, out);
  if (!code) return;
  if (const auto country = countryByNumeric(*code)) {
    out.summary = threeDigits(*code) + " " + std::string(country->name);
    out.details.push_back(std::string(country->alpha2) + " / " + std::string(country->alpha3));
  } else {
    out.summary = threeDigits(*code) + " (unknown country)";
  }
}

std::string currencyLabel(std::uint16_t code) {
  if (const auto currency = currencyByNumeric(code)) {
    return threeDigits(code) + " " + std::string(currency->alpha);
  }
  return threeDigits(code) + " (unknown currency)";
}

void decodeCurrency(ByteView value, const DecodeContext&, DecodedValue& out) {
  const auto code = numericCode(value, out);
  if (!code) return;
  out.summary = currencyLabel(*code);
  if (const auto currency = currencyByNumeric(*code)) {
    out.details.push_back(std::string(currency->name) + ", " + std::to_string(currency->exponent) +
                          " decimals");
  }
}

void decodeCurrencyList(ByteView value, const DecodeContext&, DecodedValue& out) {
  std::vector<std::string> labels;
  for (std::size_t i = 0; i + 2 <= value.size(); i += 2) {
    DecodedValue one;
    const auto code = numericCode(value.subspan(i, 2), one);
    labels.push_back(code ? currencyLabel(*code) : one.summary);
    for (auto& w : one.warnings) out.warnings.push_back(std::move(w));
  }
  if (value.size() % 2 != 0) out.warnings.push_back("odd length: last byte ignored");
  out.summary = labels.empty() ? toHex(value) : join(labels, ", ");
}

// YYMMDD dates (Book 4 §6.7.3: YY 00-49 is 20YY, 50-99 is 19YY).
void decodeDate(ByteView value, const DecodeContext&, DecodedValue& out) {
  const auto digits = numericDigits(value);
  if (!digits || digits->size() != 6) {
    out.warnings.push_back("not a YYMMDD date");
    return setHex(value, out);
  }
  const int yy = std::stoi(digits->substr(0, 2));
  const int mm = std::stoi(digits->substr(2, 2));
  const int dd = std::stoi(digits->substr(4, 2));
  const int year = yy < 50 ? 2000 + yy : 1900 + yy;
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (mm < 1 || mm > 12) {
    out.warnings.push_back("invalid month " + digits->substr(2, 2));
    out.summary = *digits;
    return;
  }
  const int max_day = kDays.at(static_cast<std::size_t>(mm - 1)) + (mm == 2 && leap ? 1 : 0);
  if (dd < 1 || dd > max_day) {
    out.warnings.push_back("invalid day " + digits->substr(4, 2));
    out.summary = *digits;
    return;
  }
  out.summary = std::to_string(year) + "-" + digits->substr(2, 2) + "-" + digits->substr(4, 2);
}

void decodeTime(ByteView value, const DecodeContext&, DecodedValue& out) {
  const auto digits = numericDigits(value);
  if (!digits || digits->size() != 6) {
    out.warnings.push_back("not an HHMMSS time");
    return setHex(value, out);
  }
  const int hh = std::stoi(digits->substr(0, 2));
  const int mm = std::stoi(digits->substr(2, 2));
  const int ss = std::stoi(digits->substr(4, 2));
  out.summary = digits->substr(0, 2) + ":" + digits->substr(2, 2) + ":" + digits->substr(4, 2);
  if (hh > 23 || mm > 59 || ss > 59) out.warnings.push_back("invalid time " + *digits);
}

// A small code table: value -> meaning.
struct CodeName {
  std::string_view code;
  std::string_view name;
};

std::string_view lookup(std::span<const CodeName> table, std::string_view code) {
  for (const auto& row : table) {
    if (row.code == code) return row.name;
  }
  return {};
}

void decodeCodeTable(ByteView value, std::span<const CodeName> table, std::string_view unknown,
                     DecodedValue& out) {
  const auto digits = numericDigits(value);
  if (!digits) {
    out.warnings.push_back("not a numeric (BCD) value");
    return setHex(value, out);
  }
  const std::string_view name = lookup(table, *digits);
  out.summary =
      *digits + " " + (name.empty() ? "(" + std::string(unknown) + ")" : std::string(name));
}

// ISO 8583 processing code, first two digits.
constexpr std::array<CodeName, 10> kTransactionTypes = {{
    {"00", "Purchase (goods and services)"},
    {"01", "Cash"},
    {"09", "Purchase with cashback"},
    {"11", "Quasi-cash"},
    {"20", "Refund"},
    {"21", "Deposit"},
    {"30", "Available funds inquiry"},
    {"31", "Balance inquiry"},
    {"40", "Transfer"},
    {"50", "Payment"},
}};

void decodeTransactionType(ByteView value, const DecodeContext&, DecodedValue& out) {
  decodeCodeTable(value, kTransactionTypes, "unknown transaction type", out);
}

// ISO 8583:1987 DE 22 positions 1-2, as EMV uses them in 9F39.
constexpr std::array<CodeName, 12> kPosEntryModes = {{
    {"00", "Unknown"},
    {"01", "Manual key entry"},
    {"02", "Magnetic stripe"},
    {"03", "Bar code"},
    {"04", "OCR"},
    {"05", "Integrated circuit card"},
    {"07", "Contactless chip"},
    {"10", "Credential on file"},
    {"80", "Fallback from chip to magnetic stripe"},
    {"90", "Magnetic stripe, full track read"},
    {"91", "Contactless magnetic stripe"},
    {"95", "Integrated circuit card, CVV may not be checked"},
}};

void decodePosEntryMode(ByteView value, const DecodeContext&, DecodedValue& out) {
  decodeCodeTable(value, kPosEntryModes, "unknown entry mode", out);
}

// Book 4 Annex A1.
void decodeTerminalType(ByteView value, const DecodeContext&, DecodedValue& out) {
  const auto digits = numericDigits(value);
  if (!digits || digits->size() != 2) {
    out.warnings.push_back("not a numeric (BCD) value");
    return setHex(value, out);
  }
  static constexpr std::array<std::string_view, 4> kOperators = {"", "Financial institution",
                                                                 "Merchant", "Cardholder"};
  static constexpr std::array<std::string_view, 7> kEnvironments = {
      "",
      "attended, online only",
      "attended, offline with online capability",
      "attended, offline only",
      "unattended, online only",
      "unattended, offline with online capability",
      "unattended, offline only"};
  const auto op = static_cast<std::size_t>((*digits)[0] - '0');
  const auto env = static_cast<std::size_t>((*digits)[1] - '0');
  if (op < 1 || op >= kOperators.size() || env < 1 || env >= kEnvironments.size()) {
    out.summary = *digits + " (unknown terminal type)";
    out.warnings.push_back("terminal type " + *digits + " is not defined by Book 4 Annex A1");
    return;
  }
  out.summary =
      *digits + " " + std::string(kOperators.at(op)) + ", " + std::string(kEnvironments.at(env));
  out.details.push_back("operational control: " + std::string(kOperators.at(op)));
  out.details.push_back("environment: " + std::string(kEnvironments.at(env)));
}

// 8A: an2. EMV's own codes (Book 4 §6.3.6 / Annex A) plus "00".
void decodeAuthorisationResponseCode(ByteView value, const DecodeContext&, DecodedValue& out) {
  if (!allPrintable(value)) {
    out.warnings.push_back("not alphanumeric");
    return setHex(value, out);
  }
  static constexpr std::array<CodeName, 7> kCodes = {{
      {"00", "Approved"},
      {"Y1", "Offline approved"},
      {"Z1", "Offline declined"},
      {"Y2", "Approved (after card-initiated referral)"},
      {"Z2", "Declined (after card-initiated referral)"},
      {"Y3", "Unable to go online, offline approved"},
      {"Z3", "Unable to go online, offline declined"},
  }};
  const std::string code = asString(value);
  const std::string_view name = lookup(kCodes, code);
  out.summary =
      code + " " + (name.empty() ? std::string("(issuer response code)") : std::string(name));
}

void decodeCounter(ByteView value, const DecodeContext&, DecodedValue& out) {
  if (value.empty() || value.size() > 8) return setHex(value, out);
  out.summary = std::to_string(readBigEndian(value));
}

void decodeLogEntry(ByteView value, const DecodeContext&, DecodedValue& out) {
  if (value.size() < 2) return setHex(value, out);
  out.summary = "SFI " + std::to_string(value[0]) + ", " + std::to_string(value[1]) + " records";
}

// Contactless Book B: Kernel Identifier byte 1.
void decodeKernelIdentifier(ByteView value, const DecodeContext&, DecodedValue& out) {
  if (value.empty()) return;
  static constexpr std::array<std::string_view, 8> kKernels = {"",
                                                               "Kernel 1",
                                                               "Kernel 2 (Mastercard)",
                                                               "Kernel 3 (Visa)",
                                                               "Kernel 4 (American Express)",
                                                               "Kernel 5 (JCB)",
                                                               "Kernel 6 (Discover)",
                                                               "Kernel 7 (UnionPay)"};
  const std::uint8_t b = value[0];
  const auto id = static_cast<std::size_t>(b & 0x3F);
  if ((b & 0xC0) == 0 && id >= 1 && id < kKernels.size()) {
    out.summary = hexByte(b) + " " + std::string(kKernels.at(id));
  } else if ((b & 0xC0) == 0) {
    out.summary = hexByte(b) + " (EMVCo kernel " + std::to_string(id) + ")";
  } else {
    out.summary = toHex(value) + " (" +
                  ((b & 0xC0) == 0x80 ? std::string("international") : std::string("domestic")) +
                  " kernel)";
  }
}

// ---------------------------------------------------------------------------------------------
// Cards and accounts. The PAN is only ever shown through maskPan.

constexpr std::array<CodeName, 16> kKnownAids = {{
    {"A0000000031010", "Visa credit/debit"},
    {"A0000000032010", "Visa Electron"},
    {"A0000000033010", "Visa Interlink"},
    {"A0000000038010", "Visa Plus"},
    {"A0000000041010", "Mastercard credit/debit"},
    {"A0000000043060", "Maestro"},
    {"A0000000046000", "Cirrus"},
    {"A00000002501", "American Express"},
    {"A0000000651010", "JCB"},
    {"A0000001523010", "Discover"},
    {"A0000003241010", "Discover ZIP"},
    {"A000000333010101", "UnionPay debit"},
    {"A000000333010102", "UnionPay credit"},
    {"A000000333010103", "UnionPay quasi-credit"},
    {"A000000333010106", "UnionPay electronic cash"},
    {"A000000999", "posim test"},
}};

void decodeAid(ByteView value, const DecodeContext&, DecodedValue& out) {
  const std::string hex = toHex(value);
  std::string_view product;
  std::size_t best = 0;
  for (const auto& row : kKnownAids) {
    if (hex.starts_with(row.code) && row.code.size() > best) {
      product = row.name;
      best = row.code.size();
    }
  }
  const Scheme scheme = schemeFromAid(value);
  if (!product.empty()) {
    out.summary = hex + " (" + std::string(product) + ")";
  } else if (scheme != Scheme::kEmv) {
    out.summary = hex + " (" + std::string(schemeName(scheme)) + ")";
  } else {
    out.summary = hex;
  }
  if (value.size() >= 5) {
    out.details.push_back("RID " + hex.substr(0, 10) + ", PIX " + hex.substr(10));
  }
}

// 84 / 9D: a DF name is an AID, or a directory name such as "1PAY.SYS.DDF01".
void decodeDfName(ByteView value, const DecodeContext& context, DecodedValue& out) {
  if (!value.empty() && allPrintable(value)) {
    out.summary = asString(value);
    out.details.push_back("hex " + toHex(value));
    return;
  }
  decodeAid(value, context, out);
}

void decodeLanguagePreference(ByteView value, const DecodeContext&, DecodedValue& out) {
  static constexpr std::array<CodeName, 16> kLanguages = {{
      {"ar", "Arabic"},
      {"de", "German"},
      {"en", "English"},
      {"es", "Spanish"},
      {"fr", "French"},
      {"it", "Italian"},
      {"ja", "Japanese"},
      {"ko", "Korean"},
      {"nl", "Dutch"},
      {"pl", "Polish"},
      {"pt", "Portuguese"},
      {"ru", "Russian"},
      {"sv", "Swedish"},
      {"th", "Thai"},
      {"tr", "Turkish"},
      {"zh", "Chinese"},
  }};
  const std::string text = printableAscii(value);
  std::vector<std::string> parts;
  for (std::size_t i = 0; i + 2 <= text.size(); i += 2) {
    const std::string code = text.substr(i, 2);
    const std::string_view name = lookup(kLanguages, code);
    parts.push_back(name.empty() ? code : code + " (" + std::string(name) + ")");
    if (!std::all_of(code.begin(), code.end(), [](char c) { return c >= 'a' && c <= 'z'; })) {
      out.warnings.push_back("'" + code + "' is not a lowercase ISO 639-1 code");
    }
  }
  if (text.size() % 2 != 0) out.warnings.push_back("odd length: last byte ignored");
  out.summary = parts.empty() ? toHex(value) : join(parts, ", ");
}

// Service code digits (ISO/IEC 7813).
std::string describeServiceCode(std::string_view code) {
  static constexpr std::array<CodeName, 6> kInterchange = {{
      {"1", "international interchange"},
      {"2", "international interchange, use chip"},
      {"5", "national interchange only"},
      {"6", "national interchange only, use chip"},
      {"7", "private (no interchange except by agreement)"},
      {"9", "test card"},
  }};
  static constexpr std::array<CodeName, 3> kAuthorisation = {{
      {"0", "normal authorisation"},
      {"2", "online authorisation by issuer"},
      {"4", "online authorisation by issuer except by agreement"},
  }};
  static constexpr std::array<CodeName, 8> kServices = {{
      {"0", "no restrictions, PIN required"},
      {"1", "no restrictions"},
      {"2", "goods and services only"},
      {"3", "ATM only, PIN required"},
      {"4", "cash only"},
      {"5", "goods and services only, PIN required"},
      {"6", "no restrictions, PIN if PIN pad present"},
      {"7", "goods and services only, PIN if PIN pad present"},
  }};
  if (code.size() != 3) return std::string(code);
  auto part = [](std::span<const CodeName> table, std::string_view digit) {
    const std::string_view name = lookup(table, digit);
    return name.empty() ? std::string("RFU") : std::string(name);
  };
  return std::string(code) + " (" + part(kInterchange, code.substr(0, 1)) + "; " +
         part(kAuthorisation, code.substr(1, 1)) + "; " + part(kServices, code.substr(2, 1)) + ")";
}

void decodeServiceCode(ByteView value, const DecodeContext&, DecodedValue& out) {
  const auto digits = numericDigits(value);
  if (!digits || digits->size() != 4 || (*digits)[0] != '0') {
    out.warnings.push_back("not an n3 service code");
    return setHex(value, out);
  }
  out.summary = describeServiceCode(std::string_view(*digits).substr(1));
}

std::string expiryYymm(std::string_view yymm) {
  if (yymm.size() != 4 || !isDigits(yymm)) return std::string(yymm);
  const int yy = (yymm[0] - '0') * 10 + (yymm[1] - '0');
  return std::to_string(yy < 50 ? 2000 + yy : 1900 + yy) + "-" + std::string(yymm.substr(2));
}

// Checks the PAN digits and shows them masked; never echoes digits of a malformed PAN.
std::string maskedPanOrNote(std::string_view pan, DecodedValue& out) {
  if (!isDigits(pan) || pan.size() < 12 || pan.size() > 19) {
    out.warnings.push_back("PAN is not 12 to 19 digits (" + std::to_string(pan.size()) +
                           " characters)");
    if (!isDigits(pan)) return "(malformed PAN, not shown)";
  } else if (!luhnValid(pan)) {
    out.warnings.push_back("PAN fails the Luhn check");
  }
  return maskPan(pan);
}

void decodePan(ByteView value, const DecodeContext&, DecodedValue& out) {
  const auto digits = compressedNumericDigits(value);
  if (!digits) {
    out.warnings.push_back("PAN is not compressed numeric (cn)");
    out.summary = "(malformed PAN, " + std::to_string(value.size()) + " bytes, not shown)";
    return;
  }
  out.summary = maskedPanOrNote(*digits, out);
  out.details.push_back(std::to_string(digits->size()) + " digits");
}

// 57 and 9F6B: PAN 'D' YYMM service-code discretionary-data, F-padded (Book 3 Annex A).
void decodeTrack2(ByteView value, const DecodeContext&, DecodedValue& out) {
  std::string nibbles = toHex(value);
  while (!nibbles.empty() && nibbles.back() == 'F') nibbles.pop_back();
  const auto separator = nibbles.find('D');
  if (separator == std::string::npos) {
    out.warnings.push_back("no field separator 'D' in track 2 data");
    out.summary = "(malformed track 2, " + std::to_string(value.size()) + " bytes, not shown)";
    return;
  }
  const std::string pan = nibbles.substr(0, separator);
  const std::string rest = nibbles.substr(separator + 1);
  const std::string masked = maskedPanOrNote(pan, out);
  out.details.push_back("PAN: " + masked);
  if (rest.size() < 7 || !isDigits(rest.substr(0, 7))) {
    out.warnings.push_back("track 2 data too short or not numeric after the separator");
    out.summary = masked;
    return;
  }
  const std::string expiry = expiryYymm(rest.substr(0, 4));
  const std::string service = rest.substr(4, 3);
  const std::size_t discretionary = rest.size() - 7;
  out.summary = masked + ", expiry " + expiry + ", service code " + service;
  out.details.push_back("expiry: " + expiry);
  out.details.push_back("service code: " + describeServiceCode(service));
  out.details.push_back("discretionary data: " + std::to_string(discretionary) +
                        " digits (not shown)");
  if (!isDigits(rest) && discretionary > 0) {
    out.warnings.push_back("discretionary data holds non-digit nibbles");
  }
}

// 56 (Kernel 2 Track 1 Data): 'B' PAN '^' name '^' YYMM service-code discretionary data.
void decodeTrack1(ByteView value, const DecodeContext&, DecodedValue& out) {
  const std::string text = printableAscii(value);
  const auto first = text.find('^');
  const auto second = first == std::string::npos ? first : text.find('^', first + 1);
  if (text.empty() || text[0] != 'B' || second == std::string::npos) {
    out.warnings.push_back("not a format B track 1 ('B' PAN '^' name '^' ...)");
    out.summary = "(malformed track 1, " + std::to_string(value.size()) + " bytes, not shown)";
    return;
  }
  const std::string masked = maskedPanOrNote(text.substr(1, first - 1), out);
  const std::string name = text.substr(first + 1, second - first - 1);
  const std::string rest = text.substr(second + 1);
  out.details.push_back("PAN: " + masked);
  out.details.push_back("name: " + name);
  if (rest.size() < 7 || !isDigits(rest.substr(0, 7))) {
    out.warnings.push_back("track 1 data too short or not numeric after the name");
    out.summary = masked + ", " + name;
    return;
  }
  const std::string expiry = expiryYymm(rest.substr(0, 4));
  out.summary = masked + ", " + name + ", expiry " + expiry + ", service code " + rest.substr(4, 3);
  out.details.push_back("expiry: " + expiry);
  out.details.push_back("service code: " + describeServiceCode(rest.substr(4, 3)));
  out.details.push_back("discretionary data: " + std::to_string(rest.size() - 7) +
                        " characters (not shown)");
}

// PIN data and track discretionary data: length only.
void decodeNotShown(ByteView value, const DecodeContext&, DecodedValue& out) {
  out.summary = std::to_string(value.size()) + " bytes (not shown)";
}

// ---------------------------------------------------------------------------------------------
// Issuer Application Data (9F10): proprietary layouts, told apart as in the schemes' specs.

struct CvrBit {
  std::uint8_t byte;  // 1-based within the CVR
  std::uint8_t bit;
  std::string_view text;
};

std::string_view acTypeName(unsigned bits, bool second) {
  switch (bits) {
    case 0: return "AAC";
    case 1: return "TC";
    case 2: return second ? "not requested" : "ARQC";
    default: return "RFU";
  }
}

// The 2-bit cryptogram-type fields of a CVR byte: b8-b7 2nd GENERATE AC, b6-b5 1st GENERATE AC.
void cvrAcTypes(std::uint8_t b, std::string_view first_label, DecodedValue& out) {
  out.details.push_back("CVR: 2nd GENERATE AC " +
                        std::string(acTypeName(static_cast<unsigned>(b >> 6), true)));
  out.details.push_back("CVR: " + std::string(first_label) + " " +
                        std::string(acTypeName(static_cast<unsigned>((b >> 4) & 3), false)));
}

void cvrBits(ByteView cvr, std::span<const CvrBit> bits, DecodedValue& out) {
  for (const auto& bit : bits) {
    if (bit.byte <= cvr.size() && bitSet(cvr[bit.byte - 1u], bit.bit)) {
      out.details.push_back("CVR: " + std::string(bit.text));
    }
  }
}

// Visa VIS / VCPS CVR bytes 2-4 (byte 1 is the CVR length in formats 0/1/3).
constexpr std::array<CvrBit, 16> kVisaCvrBits = {{
    {2, 4, "issuer authentication performed and failed"},
    {2, 1, "unable to go online"},
    {3, 8, "last online transaction not completed"},
    {3, 7, "PIN try limit exceeded"},
    {3, 6, "exceeded velocity checking counters"},
    {3, 5, "new card"},
    {3, 4, "issuer authentication failure on last online transaction"},
    {3, 3, "issuer authentication not performed after online authorisation"},
    {3, 2, "application blocked by card because PIN try limit exceeded"},
    {3, 1, "offline static data authentication failed on last transaction"},
    {4, 4, "issuer script processing failed"},
    {4, 3, "offline dynamic data authentication failed on last transaction"},
    {4, 2, "offline dynamic data authentication performed"},
    {4, 1, "PIN verification command not received for a PIN-expecting card"},
    {5, 2, "CDCVM successfully performed"},
    {5, 1, "secure messaging uses EMV session key-based derivation"},
}};

std::string visaCvnName(std::uint8_t cvn) {
  static constexpr std::array<std::pair<std::uint8_t, std::string_view>, 5> kCvns = {
      {{0x0A, "10"}, {0x11, "17"}, {0x12, "18"}, {0x22, "22"}, {0x2B, "43"}}};
  for (const auto& [byte, name] : kCvns) {
    if (byte == cvn) return std::string(name);
  }
  return "0x" + hexByte(cvn);
}

void decodeVisaCvr(ByteView cvr, bool long_format, DecodedValue& out) {
  if (cvr.size() < 4) return;
  cvrAcTypes(cvr[1], "1st GENERATE AC (or GPO)", out);
  if (long_format) {
    if (bitSet(cvr[1], 3)) out.details.push_back("CVR: CDCVM successfully performed");
  } else {
    if (bitSet(cvr[1], 3)) out.details.push_back("CVR: offline PIN verification performed");
    if (bitSet(cvr[1], 2)) out.details.push_back("CVR: offline PIN verification failed");
  }
  cvrBits(cvr, kVisaCvrBits, out);
  const unsigned scripts = nibbleHigh(cvr[3]);
  if (scripts != 0) {
    out.details.push_back("CVR: " + std::to_string(scripts) +
                          " issuer script commands with secure messaging processed");
  }
}

void decodeVisaIad(ByteView value, bool long_format, DecodedValue& out) {
  // Formats 0/1/3: length 06, DKI, CVN, CVR (4, first byte 03) [, IDD length, IDD].
  // Formats 2/4: length 1F, CVN, DKI, CVR (5), IDD option ID and IDD (24).
  const std::uint8_t cvn = long_format ? value[1] : value[2];
  const std::uint8_t dki = long_format ? value[2] : value[1];
  const ByteView cvr = value.subspan(3, long_format ? 5 : 4);
  const unsigned format = nibbleHigh(cvn);
  out.summary = "Visa CVN " + visaCvnName(cvn) + " (format " + std::to_string(format) + "), DKI " +
                hexByte(dki) + ", CVR " + toHex(cvr);
  out.details.push_back("IAD format: Visa VSDC format " + std::to_string(format));
  out.details.push_back("derivation key index: " + hexByte(dki));
  out.details.push_back("cryptogram version number: " + visaCvnName(cvn) + " (0x" + hexByte(cvn) +
                        ")");
  out.details.push_back("card verification results: " + toHex(cvr));
  decodeVisaCvr(cvr, long_format, out);
  const bool format_ok =
      long_format ? (format == 2 || format == 4) : (format == 0 || format == 1 || format == 3);
  if (!format_ok) {
    out.warnings.push_back("CVN " + hexByte(cvn) + " does not match the IAD layout (format " +
                           std::to_string(format) + ")");
  }
  const std::size_t idd_offset = long_format ? 8 : 7;
  if (value.size() > idd_offset) {
    out.details.push_back("issuer discretionary data: " + toHex(value.subspan(idd_offset)));
  }
}

// M/Chip 4 / M/Chip Advance CVR (6 bytes).
constexpr std::array<CvrBit, 34> kMchipCvrBits = {{
    {1, 4, "date check failed"},
    {1, 3, "offline PIN verification performed"},
    {1, 2, "offline encrypted PIN verification performed"},
    {1, 1, "offline PIN verification successful"},
    {2, 8, "DDA returned"},
    {2, 7, "CDA returned in first GENERATE AC"},
    {2, 6, "CDA returned in second GENERATE AC"},
    {2, 5, "issuer authentication performed"},
    {2, 4, "CIAC-default skipped on CAT3"},
    {2, 3, "offline change PIN result successful"},
    {4, 8, "last online transaction not completed"},
    {4, 7, "unable to go online indicated"},
    {4, 6, "offline PIN verification not performed"},
    {4, 5, "offline PIN verification failed"},
    {4, 4, "PIN try limit exceeded"},
    {4, 3, "international transaction"},
    {4, 2, "domestic transaction"},
    {4, 1, "terminal erroneously considers offline PIN OK"},
    {5, 8, "lower consecutive offline limit exceeded"},
    {5, 7, "upper consecutive offline limit exceeded"},
    {5, 6, "lower cumulative offline limit exceeded"},
    {5, 5, "upper cumulative offline limit exceeded"},
    {5, 4, "go online on next transaction was set"},
    {5, 3, "issuer authentication failed"},
    {5, 2, "script received"},
    {5, 1, "script failed"},
    {6, 8, "lower consecutive counter 2 limit exceeded"},
    {6, 7, "upper consecutive counter 2 limit exceeded"},
    {6, 6, "lower cumulative accumulator 2 limit exceeded"},
    {6, 5, "upper cumulative accumulator 2 limit exceeded"},
    {6, 4, "MTA limit exceeded"},
    {6, 3, "number of days offline limit exceeded"},
    {6, 2, "match found in additional check table"},
    {6, 1, "no match found in additional check table"},
}};

void decodeMchipIad(ByteView value, DecodedValue& out) {
  // DKI, CVN, CVR (6), DAC/ICC dynamic number (2), counters (8) [, further data].
  const std::uint8_t dki = value[0];
  const std::uint8_t cvn = value[1];
  const ByteView cvr = value.subspan(2, 6);
  out.summary = "Mastercard M/Chip CVN " + std::to_string(cvn) + ", DKI " + hexByte(dki) +
                ", CVR " + toHex(cvr);
  out.details.push_back("IAD format: Mastercard M/Chip (" + std::to_string(value.size()) +
                        " bytes)");
  out.details.push_back("derivation key index: " + hexByte(dki));
  out.details.push_back(
      "cryptogram version number: " + std::to_string(cvn) + " (0x" + hexByte(cvn) + "), " +
      ((cvn & 0x06) == 0x04 ? "EMV common session key" : "Mastercard proprietary SKD") +
      ((cvn & 0x01) != 0 ? ", counters included in the AC data" : ""));
  out.details.push_back("card verification results: " + toHex(cvr));
  cvrAcTypes(cvr[0], "1st GENERATE AC", out);
  cvrBits(cvr, kMchipCvrBits, out);
  out.details.push_back("CVR: script counter " + std::to_string(nibbleHigh(cvr[2])) +
                        ", PIN try counter " + std::to_string(nibbleLow(cvr[2])));
  out.details.push_back("DAC / ICC dynamic number: " + toHex(value.subspan(8, 2)));
  out.details.push_back("counters: " + toHex(value.subspan(10, 8)));
  if (value.size() > 18) out.details.push_back("additional data: " + toHex(value.subspan(18)));
}

// EMV Common Core Definitions CVR (Book 3 Annex C, CCD).
constexpr std::array<CvrBit, 16> kCcdCvrBits = {{
    {1, 4, "CDA performed"},
    {1, 3, "offline DDA performed"},
    {1, 2, "issuer authentication not performed"},
    {1, 1, "issuer authentication failed"},
    {2, 4, "offline PIN verification performed"},
    {2, 3, "offline PIN verification performed and PIN not successfully verified"},
    {2, 2, "PIN try limit exceeded"},
    {2, 1, "last online transaction not completed"},
    {3, 8, "lower offline transaction count limit exceeded"},
    {3, 7, "upper offline transaction count limit exceeded"},
    {3, 6, "lower cumulative offline amount limit exceeded"},
    {3, 5, "upper cumulative offline amount limit exceeded"},
    {4, 4, "issuer script processing failed"},
    {4, 3, "offline data authentication failed on previous transaction"},
    {4, 2, "go online on next transaction was set"},
    {4, 1, "unable to go online"},
}};

void decodeCcdIad(ByteView value, DecodedValue& out) {
  // 0F, CCI, DKI, CVR (5), counters (8), 0F, issuer discretionary data (15).
  const std::uint8_t cci = value[1];
  const std::uint8_t dki = value[2];
  const ByteView cvr = value.subspan(3, 5);
  const unsigned version = nibbleLow(cci);
  const std::string algorithm = version == 5 ? " (TDES)" : version == 6 ? " (AES)" : "";
  out.summary = "EMV CCD format A, cryptogram version " + std::to_string(version) + algorithm +
                ", DKI " + hexByte(dki) + ", CVR " + toHex(cvr);
  out.details.push_back("IAD format: EMV Common Core Definitions, format code A");
  out.details.push_back("derivation key index: " + hexByte(dki));
  out.details.push_back("card verification results: " + toHex(cvr));
  cvrAcTypes(cvr[0], "1st GENERATE AC", out);
  cvrBits(cvr, kCcdCvrBits, out);
  out.details.push_back("counters: " + toHex(value.subspan(8, 8)));
  out.details.push_back("issuer discretionary data: " + toHex(value.subspan(17)));
}

enum class IadLayout { kUnknown, kVisaShort, kVisaLong, kMchip, kCcd };

IadLayout iadLayout(ByteView v, Scheme scheme) {
  const bool ccd = v.size() == 32 && v[0] == 0x0F && (v[1] & 0xF0) == 0xA0;
  const bool mchip = (v.size() == 18 || v.size() == 20 || v.size() == 26 || v.size() == 28) &&
                     (v[1] & 0xF0) == 0x10;
  const bool visa_short = v.size() >= 7 && v[0] == 0x06 && v[3] == 0x03;
  const bool visa_long = v.size() == 32 && v[0] == 0x1F;
  if (scheme == Scheme::kVisa) {
    if (visa_short) return IadLayout::kVisaShort;
    if (visa_long) return IadLayout::kVisaLong;
  }
  if (scheme == Scheme::kMastercard && mchip) return IadLayout::kMchip;
  if (ccd) return IadLayout::kCcd;
  if (mchip) return IadLayout::kMchip;
  if (visa_short) return IadLayout::kVisaShort;
  if (visa_long) return IadLayout::kVisaLong;
  return IadLayout::kUnknown;
}

void decodeIad(ByteView value, const DecodeContext& context, DecodedValue& out) {
  switch (iadLayout(value, context.scheme)) {
    case IadLayout::kVisaShort: return decodeVisaIad(value, false, out);
    case IadLayout::kVisaLong: return decodeVisaIad(value, true, out);
    case IadLayout::kMchip: return decodeMchipIad(value, out);
    case IadLayout::kCcd: return decodeCcdIad(value, out);
    case IadLayout::kUnknown: break;
  }
  setHex(value, out);
  out.details.push_back("IAD format not recognised (Visa VSDC, Mastercard M/Chip or EMV CCD)");
}

// 9F5B / DF31: 5 bytes per script (Book 4 Annex A5).
void decodeIssuerScriptResults(ByteView value, const DecodeContext&, DecodedValue& out) {
  if (value.size() % 5 != 0) {
    out.warnings.push_back("length " + std::to_string(value.size()) +
                           " is not a multiple of 5; the last " + std::to_string(value.size() % 5) +
                           " bytes are ignored");
  }
  std::vector<std::string> scripts;
  for (std::size_t i = 0; i + 5 <= value.size(); i += 5) {
    const unsigned result = nibbleHigh(value[i]);
    const unsigned sequence = nibbleLow(value[i]);
    const std::string id = toHex(value.subspan(i + 1, 4));
    std::string text;
    switch (result) {
      case 0: text = "not performed"; break;
      case 1: text = "failed"; break;
      case 2: text = "successful"; break;
      default: text = "result " + std::to_string(result) + " (RFU)"; break;
    }
    if (sequence == 0x0F) {
      text += " at command 15 or later";
    } else if (sequence != 0) {
      text += " at command " + std::to_string(sequence);
    }
    scripts.push_back(id + " " + text);
    out.details.push_back("script " + id + ": " + text);
  }
  out.summary = scripts.empty() ? toHex(value) : join(scripts, "; ");
}

// Visa Form Factor Indicator (9F6E), VCPS.
void decodeFormFactorIndicator(ByteView value, const DecodeContext&, DecodedValue& out) {
  if (value.size() < 4) return setHex(value, out);
  static constexpr std::array<std::string_view, 5> kFactors = {
      "card", "mini-card", "non-card form factor", "consumer mobile phone", "wrist-worn device"};
  const unsigned version = static_cast<unsigned>(value[0] >> 5);
  const auto factor = static_cast<std::size_t>(value[0] & 0x1F);
  const std::string factor_name = factor < kFactors.size() ? std::string(kFactors.at(factor))
                                                           : "form factor " + hexByte(value[0]);
  DecodedValue features;
  decodeBits({kFfiFeatureBits, {}, false}, value.subspan(1, 1), features, 2);
  out.summary =
      "version " + std::to_string(version) + ", " + factor_name + "; features: " + features.summary;
  out.details.push_back("consumer payment device form factor: " + factor_name);
  for (auto& d : features.details) out.details.push_back(std::move(d));
  out.details.push_back(nibbleLow(value[3]) == 0
                            ? std::string("technology: proximity contactless (ISO/IEC 14443)")
                            : "technology: " + hexByte(nibbleLow(value[3])));
}

// ---------------------------------------------------------------------------------------------
// Generic rendering by the dictionary format, for tags without a decoder of their own.

void decodeDol(ByteView value, Scheme scheme, DecodedValue& out) {
  const DolParseResult dol = parseDol(value);
  std::vector<std::string> entries;
  std::size_t total = 0;
  for (const auto& entry : dol.entries) {
    const std::string head = tagToHex(entry.tag) + "(" + std::to_string(entry.length) + ")";
    entries.push_back(head);
    out.details.push_back(head + " " + tagName(entry.tag, scheme));
    total += entry.length;
    if (isConstructed(entry.tag)) {
      out.warnings.push_back("DOL entry " + tagToHex(entry.tag) +
                             " is a constructed tag (filled with zeros, Book 3 §5.4)");
    }
  }
  for (const auto& diagnostic : dol.diagnostics) out.warnings.push_back(diagnostic.message);
  out.summary = entries.empty() ? std::string("empty DOL")
                                : join(entries, " ") + ", " + std::to_string(total) + " bytes";
}

void decodeTagList(ByteView value, Scheme scheme, DecodedValue& out) {
  std::vector<std::string> tags;
  std::size_t pos = 0;
  while (pos < value.size()) {
    const std::size_t start = pos;
    const auto tag = readTag(value, pos);
    if (!tag) {
      out.warnings.push_back("byte " + std::to_string(start) + ": truncated or over-long tag");
      break;
    }
    tags.push_back(tagToHex(*tag));
    out.details.push_back(tagToHex(*tag) + " " + tagName(*tag, scheme));
  }
  out.summary = tags.empty() ? std::string("empty tag list") : join(tags, " ");
}

void decodeByFormat(const TagInfo& info, ByteView value, Scheme scheme, DecodedValue& out) {
  switch (info.format) {
    case TagFormat::kN: {
      if (const auto digits = numericDigits(value)) {
        out.summary = *digits;
      } else {
        out.warnings.push_back("not a numeric (BCD) value");
        setHex(value, out);
      }
      return;
    }
    case TagFormat::kCn: {
      if (const auto digits = compressedNumericDigits(value)) {
        out.summary = *digits;
      } else {
        out.warnings.push_back("not a compressed numeric (cn) value");
        setHex(value, out);
      }
      return;
    }
    case TagFormat::kA:
    case TagFormat::kAn:
    case TagFormat::kAns:
      out.summary = printableAscii(value);
      if (!allPrintable(value)) {
        out.warnings.push_back("non-printable characters shown as '.'");
        out.details.push_back("hex " + toHex(value));
      }
      return;
    case TagFormat::kDol: return decodeDol(value, scheme, out);
    case TagFormat::kTagList: return decodeTagList(value, scheme, out);
    case TagFormat::kTemplate:
      out.summary = "template, " + std::to_string(value.size()) + " bytes";
      return;
    case TagFormat::kB:
    case TagFormat::kVar: return setHex(value, out);
  }
  setHex(value, out);
}

// ---------------------------------------------------------------------------------------------
// The registry: one row per (tag, scheme reading), sorted for binary search. A row applies when
// the dictionary row that findTag(tag, context.scheme) returns has the same scheme.

struct DecoderRow {
  Tag tag;
  Scheme scheme;
  Decoder decode;
};

constexpr auto kDecoders = std::to_array<DecoderRow>({
    {0x4F, Scheme::kEmv, decodeAid},
    {0x56, Scheme::kMastercard, decodeTrack1},
    {0x57, Scheme::kEmv, decodeTrack2},
    {0x5A, Scheme::kEmv, decodePan},
    {0x81, Scheme::kEmv, decodeTransactionAmountBinary},
    {0x82, Scheme::kEmv, decodeAip},
    {0x84, Scheme::kEmv, decodeDfName},
    {0x87, Scheme::kEmv, decodeApplicationPriority},
    {0x88, Scheme::kEmv, decodeSfi},
    {0x8A, Scheme::kEmv, decodeAuthorisationResponseCode},
    {0x8E, Scheme::kEmv, decodeCvmListValue},
    {0x94, Scheme::kEmv, decodeAfl},
    {0x95, Scheme::kEmv, decodeTvr},
    {0x99, Scheme::kEmv, decodeNotShown},
    {0x9A, Scheme::kEmv, decodeDate},
    {0x9B, Scheme::kEmv, decodeTsi},
    {0x9C, Scheme::kEmv, decodeTransactionType},
    {0x9D, Scheme::kEmv, decodeDfName},
    {0x5F24, Scheme::kEmv, decodeDate},
    {0x5F25, Scheme::kEmv, decodeDate},
    {0x5F28, Scheme::kEmv, decodeCountry},
    {0x5F2A, Scheme::kEmv, decodeCurrency},
    {0x5F2D, Scheme::kEmv, decodeLanguagePreference},
    {0x5F30, Scheme::kEmv, decodeServiceCode},
    {0x9F02, Scheme::kEmv, decodeTransactionAmountNumeric},
    {0x9F03, Scheme::kEmv, decodeTransactionAmountNumeric},
    {0x9F04, Scheme::kEmv, decodeTransactionAmountBinary},
    {0x9F06, Scheme::kEmv, decodeAid},
    {0x9F07, Scheme::kEmv, decodeAuc},
    {0x9F0D, Scheme::kEmv, decodeActionCode},
    {0x9F0E, Scheme::kEmv, decodeActionCode},
    {0x9F0F, Scheme::kEmv, decodeActionCode},
    {0x9F10, Scheme::kEmv, decodeIad},
    {0x9F13, Scheme::kEmv, decodeCounter},
    {0x9F14, Scheme::kEmv, decodeCounter},
    {0x9F17, Scheme::kEmv, decodeCounter},
    {0x9F1A, Scheme::kEmv, decodeCountry},
    {0x9F1B, Scheme::kEmv, decodeTransactionAmountBinary},
    {0x9F1F, Scheme::kEmv, decodeNotShown},
    {0x9F20, Scheme::kEmv, decodeNotShown},
    {0x9F21, Scheme::kEmv, decodeTime},
    {0x9F23, Scheme::kEmv, decodeCounter},
    {0x9F27, Scheme::kEmv, decodeCid},
    {0x9F2A, Scheme::kEmv, decodeKernelIdentifier},
    {0x9F33, Scheme::kEmv, decodeTerminalCapabilities},
    {0x9F34, Scheme::kEmv, decodeCvmResultsValue},
    {0x9F35, Scheme::kEmv, decodeTerminalType},
    {0x9F36, Scheme::kEmv, decodeCounter},
    {0x9F39, Scheme::kEmv, decodePosEntryMode},
    {0x9F3B, Scheme::kEmv, decodeCurrencyList},
    {0x9F3C, Scheme::kEmv, decodeCurrency},
    {0x9F40, Scheme::kEmv, decodeAdditionalTerminalCapabilities},
    {0x9F42, Scheme::kEmv, decodeCurrency},
    {0x9F4D, Scheme::kEmv, decodeLogEntry},
    {0x9F50, Scheme::kMastercard, decodeApplicationAmountNumeric},
    {0x9F51, Scheme::kVisa, decodeCurrency},
    {0x9F54, Scheme::kVisa, decodeApplicationAmountNumeric},
    {0x9F57, Scheme::kVisa, decodeCountry},
    {0x9F5B, Scheme::kVisa, decodeIssuerScriptResults},
    {0x9F5C, Scheme::kVisa, decodeApplicationAmountNumeric},
    {0x9F5D, Scheme::kVisa, decodeApplicationAmountNumeric},
    {0x9F66, Scheme::kEmv, decodeTtq},
    {0x9F6B, Scheme::kMastercard, decodeTrack2},
    {0x9F6C, Scheme::kVisa, decodeCtq},
    {0x9F6D, Scheme::kUnionPay, decodeApplicationAmountNumeric},
    {0x9F6E, Scheme::kVisa, decodeFormFactorIndicator},
    {0x9F76, Scheme::kVisa, decodeCurrency},
    {0x9F76, Scheme::kUnionPay, decodeCurrency},
    {0x9F77, Scheme::kUnionPay, decodeApplicationAmountNumeric},
    {0x9F78, Scheme::kUnionPay, decodeApplicationAmountNumeric},
    {0x9F79, Scheme::kUnionPay, decodeApplicationAmountNumeric},
    {0x9F7B, Scheme::kUnionPay, decodeTransactionAmountNumeric},
    {0xDF31, Scheme::kUnionPay, decodeIssuerScriptResults},
    {0xDF8104, Scheme::kMastercard, decodeApplicationAmountNumeric},
    {0xDF8105, Scheme::kMastercard, decodeApplicationAmountNumeric},
    {0xDF8117, Scheme::kMastercard, decodeCardDataInputCapability},
    {0xDF8118, Scheme::kMastercard, decodeCvmCapability},
    {0xDF8119, Scheme::kMastercard, decodeCvmCapability},
    {0xDF811F, Scheme::kMastercard, decodeSecurityCapability},
    {0xDF8120, Scheme::kMastercard, decodeActionCode},
    {0xDF8121, Scheme::kMastercard, decodeActionCode},
    {0xDF8122, Scheme::kMastercard, decodeActionCode},
    {0xDF8123, Scheme::kMastercard, decodeTransactionAmountNumeric},
    {0xDF8124, Scheme::kMastercard, decodeTransactionAmountNumeric},
    {0xDF8125, Scheme::kMastercard, decodeTransactionAmountNumeric},
    {0xDF8126, Scheme::kMastercard, decodeTransactionAmountNumeric},
    {0xDF812A, Scheme::kMastercard, decodeNotShown},
    {0xDF812B, Scheme::kMastercard, decodeNotShown},
});

constexpr bool decoderRowLess(const DecoderRow& a, Tag tag, Scheme scheme) {
  return a.tag < tag || (a.tag == tag && a.scheme < scheme);
}

constexpr bool decodersSorted() {
  for (std::size_t i = 1; i < kDecoders.size(); ++i) {
    if (!decoderRowLess(kDecoders.at(i - 1), kDecoders.at(i).tag, kDecoders.at(i).scheme)) {
      return false;
    }
  }
  return true;
}
static_assert(decodersSorted(), "kDecoders must be sorted by (tag, scheme), one row each");

Decoder findDecoder(const TagInfo& info) {
  const auto* it = std::lower_bound(
      kDecoders.begin(), kDecoders.end(), info,
      [](const DecoderRow& row, const TagInfo& i) { return decoderRowLess(row, i.tag, i.scheme); });
  if (it == kDecoders.end() || it->tag != info.tag || it->scheme != info.scheme) return nullptr;
  return it->decode;
}

std::string lengthWarning(const TagInfo& info, std::size_t length) {
  std::string expected = std::to_string(info.min_length);
  if (info.max_length != info.min_length) expected += " to " + std::to_string(info.max_length);
  return "wrong length: " + std::to_string(length) + (length == 1 ? " byte" : " bytes") +
         " (expected " + expected + ")";
}

}  // namespace

DecodedValue decodeValue(Tag tag, ByteView value, const DecodeContext& context) {
  DecodedValue out;
  const TagInfo* info = findTag(tag, context.scheme);
  if (info == nullptr) {
    out.summary = toHex(value);
    return out;
  }
  if (!info->lengthAllowed(value.size()))
    out.warnings.push_back(lengthWarning(*info, value.size()));
  if (value.empty()) {
    out.summary = "(empty)";
    return out;
  }
  if (Decoder decode = findDecoder(*info)) {
    decode(value, context, out);
  } else {
    decodeByFormat(*info, value, context.scheme, out);
  }
  return out;
}

bool hasValueDecoder(Tag tag, Scheme scheme) {
  const TagInfo* info = findTag(tag, scheme);
  return info != nullptr && findDecoder(*info) != nullptr;
}

std::vector<Tag> tagsWithValueDecoders() {
  std::vector<Tag> tags;
  for (const auto& row : kDecoders) {
    if (tags.empty() || tags.back() != row.tag) tags.push_back(row.tag);
  }
  return tags;
}

}  // namespace posim::emv
