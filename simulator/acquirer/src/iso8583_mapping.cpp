// Requests and responses as ISO 8583 messages (DOMAIN.md §4.2-§4.4). The choices the DOMAIN
// table leaves open (also in docs/iso8583.md, "Message mapping"):
//
// * MTI: version 0 (iso87, cup) or 1 (iso93); "repeat" sets the origin digit to 1 (0401, 0421).
//   iso87: sale 0200, preauth 0100, completion 0200 with DE 25 "06" and DE 90 pointing at the
//   0100 (a request the host may decline: the hold may have expired) or 0220 as an advice, cancel
//   0400 / 0420 (a full reversal of the original: void, pre-auth cancellation, completion void),
//   reversal 0400 / 0420, refund 0200 DE 3 20xxxx, balance 0100 DE 3 31xxxx, echo 0800 DE 70
//   301, settle 0500. Offline approvals go up as 0220 advices with DE 39 = the card's "Y1"/"Y3".
//   iso93: the same classes with MTI 1xxx and DE 24 function codes (200 financial, 101 estimated
//   pre-auth, 201/202 completion of the same/a different amount, 400 reversal and cancel, 108
//   inquiry, 831 echo in a 1804, 500 reconciliation in a 1520), DE 39 as 3-digit action codes.
//   cup: the 中国银联 POS mapping with DE 60.1 message type codes: sale 0200/000000/00 (22),
//   preauth 0100/030000/06 (10), completion 0200/000000/06 (20; advice 0220, 24), void
//   0200/200000/00 (23), pre-auth cancellation 0100/200000/06 (11), completion void
//   0200/200000/06 (21), refund 0220/200000/00 (25), balance 0200/310000 (01), reversal 0400
//   with the original's DE 3 and DE 60.1, echo 0820 (60.3 301), settle 0500 (60.3 201).
// * DE 3 of a reversal or iso87/iso93 cancel is the original's processing code. A sale with
//   cashback is 09xxxx (iso87, iso93) with the cashback in DE 54 (amount type 40).
// * DE 7 is UTC; DE 12/13 (iso93: DE 12 YYMMDDhhmmss) the terminal's local time: the receiver
//   rebuilds transmitted_at and its UTC offset from both, to the second.
// * The original transaction: DE 90 (orig MTI, STAN, DE 7, acquirer and forwarding ids of 11
//   zeros; iso93 dialects without DE 90 use DE 56: MTI, STAN, UTC YYMMDDhhmmss), CUP DE 61
//   (batch, STAN, MMDD); its RRN in DE 37 and its authorization code in DE 38.
// * What the wire cannot say natively in a flavour (iso87/iso93: a cancel is a 0400 like a
//   reversal; the original's amount; CUP: the original's time, the MCC; iso93: the reversal
//   reason and "Y1"/"Y3", as DE 39 is an action code) travels in a private field, DE 48 (CUP:
//   DE 63): "PS1" then entries of a 2-letter tag, a 2-digit length and the value. The encoder
//   decodes its own message and writes only the entries that would otherwise come back
//   different, so a message from another terminal decodes by the native rules alone.
// * DE 25 is written where the dialect has it as n2 (a 1993 message reason code, n4, is not the
//   POS condition code); DE 22 where it is the 3-digit entry mode.
// * DE 60 (iso87, iso93): the batch number, 6 digits. CUP: 60.1 type code n2, 60.2 batch n6,
//   60.3 network management code n3.
// * Settlement totals: 74 credits number (refunds), 76 debits number (sales + completions), 77
//   debits reversal number (cancels), 86 credits amount, 88 debits amount, 89 debits reversal
//   amount (cancels); the same fields in the 0510 carry the host's totals.
#include "posim/acquirer/iso8583_mapping.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "posim/emv/crypto/mac.h"

namespace posim::acquirer {
namespace {

using iso8583::DataEncoding;
using iso8583::Dialect;
using iso8583::FieldSpec;
using iso8583::FieldType;
using iso8583::Flavour;
using iso8583::LengthKind;
using iso8583::Message;

constexpr int kDe2Pan = 2;
constexpr int kDe3ProcessingCode = 3;
constexpr int kDe4Amount = 4;
constexpr int kDe7TransmissionDateTime = 7;
constexpr int kDe11Stan = 11;
constexpr int kDe12LocalTime = 12;
constexpr int kDe13LocalDate = 13;
constexpr int kDe14Expiry = 14;
constexpr int kDe18MerchantType = 18;
constexpr int kDe22EntryMode = 22;
constexpr int kDe23PanSequenceNumber = 23;
constexpr int kDe24FunctionCode = 24;  // iso93
constexpr int kDe25ConditionCode = 25;
constexpr int kDe32AcquirerId = 32;
constexpr int kDe35Track2 = 35;
constexpr int kDe37Rrn = 37;
constexpr int kDe38AuthorizationCode = 38;
constexpr int kDe39ResponseCode = 39;
constexpr int kDe41TerminalId = 41;
constexpr int kDe42MerchantId = 42;
constexpr int kDe48PrivateData = 48;
constexpr int kDe49Currency = 49;
constexpr int kDe52PinBlock = 52;
constexpr int kDe54AdditionalAmounts = 54;
constexpr int kDe55IccData = 55;
constexpr int kDe56OriginalData93 = 56;
constexpr int kDe60Batch = 60;
constexpr int kDe61CupOriginal = 61;
constexpr int kDe63CupPrivate = 63;
constexpr int kDe70NetworkCode = 70;
constexpr int kDe74CreditsNumber = 74;
constexpr int kDe76DebitsNumber = 76;
constexpr int kDe77DebitsReversalNumber = 77;
constexpr int kDe86CreditsAmount = 86;
constexpr int kDe88DebitsAmount = 88;
constexpr int kDe89DebitsReversalAmount = 89;
constexpr int kDe90OriginalData = 90;

constexpr std::string_view kPrivateMarker = "PS1";
constexpr std::uint16_t kNoCurrency = 999;  // ISO 4217 XXX: Money() has it

// ---------------------------------------------------------------------------------------------
// Text

std::string zeroPad(std::uint64_t value, std::size_t width) {
  std::string s = std::to_string(value);
  if (s.size() < width) s.insert(0, width - s.size(), '0');
  return s;
}

std::string_view trimRight(std::string_view s) {
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

std::optional<std::uint64_t> parseNumber(std::string_view s) {
  if (!isDigits(s) || s.size() > 18) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : s) value = value * 10 + static_cast<std::uint64_t>(c - '0');
  return value;
}

int twoDigits(std::string_view s, std::size_t at) {
  return (s[at] - '0') * 10 + (s[at + 1] - '0');
}

bool isTextField(const FieldSpec& spec) {
  return spec.type != FieldType::kBinary && spec.data_encoding != DataEncoding::kBinary &&
         spec.data_encoding != DataEncoding::kHex;
}

bool isNumericField(const FieldSpec& spec) {
  return spec.type == FieldType::kNumeric;
}

// Pads a value to a fixed field's length as pyiso8583 callers do: n on the left with zeros,
// text on the right with spaces. Longer values are left for the codec to refuse.
std::string fit(const FieldSpec& spec, std::string value) {
  if (spec.length_kind != LengthKind::kFixed || !isTextField(spec) ||
      value.size() >= spec.max_length) {
    return value;
  }
  if (isNumericField(spec)) {
    value.insert(0, spec.max_length - value.size(), '0');
  } else {
    value.append(spec.max_length - value.size(), ' ');
  }
  return value;
}

// The value of a text field as the request meant it (fixed an/ans padding removed).
std::string textOf(const Message& message, int field) {
  return std::string(trimRight(message.get(field)));
}

// ---------------------------------------------------------------------------------------------
// Time: DE 7 is UTC, DE 12/13 local.

struct Civil {
  int year = 1970;
  unsigned month = 1;
  unsigned day = 1;
  int hour = 0;
  int minute = 0;
  int second = 0;
};

Civil civilOf(Instant instant, std::chrono::minutes offset) {
  const auto local = std::chrono::floor<std::chrono::seconds>(instant + offset);
  const auto day = std::chrono::floor<std::chrono::days>(local);
  const Date date{day};
  const auto seconds = static_cast<int>((local - day).count());
  return {static_cast<int>(date.year()),
          static_cast<unsigned>(date.month()),
          static_cast<unsigned>(date.day()),
          seconds / 3600,
          seconds / 60 % 60,
          seconds % 60};
}

// The instant of a civil date and time read as UTC; nullopt for an impossible one.
std::optional<Instant> instantOf(const Civil& c) {
  const Date date{std::chrono::year{c.year}, std::chrono::month{c.month}, std::chrono::day{c.day}};
  if (!date.ok() || c.hour < 0 || c.hour > 23 || c.minute < 0 || c.minute > 59 || c.second < 0 ||
      c.second > 59) {
    return std::nullopt;
  }
  return Instant(std::chrono::sys_days(date)) + std::chrono::hours(c.hour) +
         std::chrono::minutes(c.minute) + std::chrono::seconds(c.second);
}

// The year (of reference's year - 1, + 0, + 1) that puts a date without a year nearest to
// `reference`. Both are read in the same frame (UTC, or local as if UTC).
std::optional<Instant> nearestYear(Civil c, Instant reference) {
  const int reference_year = civilOf(reference, std::chrono::minutes(0)).year;
  std::optional<Instant> best;
  for (int year = reference_year - 1; year <= reference_year + 1; ++year) {
    c.year = year;
    const std::optional<Instant> candidate = instantOf(c);
    if (!candidate) continue;
    if (!best || std::chrono::abs(*candidate - reference) < std::chrono::abs(*best - reference)) {
      best = candidate;
    }
  }
  return best;
}

std::string mmddhhmmss(const Civil& c) {
  return zeroPad(c.month, 2) + zeroPad(c.day, 2) + zeroPad(static_cast<unsigned>(c.hour), 2) +
         zeroPad(static_cast<unsigned>(c.minute), 2) + zeroPad(static_cast<unsigned>(c.second), 2);
}
std::string hhmmss(const Civil& c) {
  return mmddhhmmss(c).substr(4);
}
std::string yymmdd(const Civil& c) {
  return zeroPad(static_cast<unsigned>(c.year % 100), 2) + zeroPad(c.month, 2) + zeroPad(c.day, 2);
}

bool isZeroTime(const LocalDateTime& t) {
  return t.instant.time_since_epoch().count() == 0;
}

// MMDDhhmmss (UTC) of a DE 7 or of DE 90's original DE 7; nullopt when not a valid one.
std::optional<Civil> parseMmddhhmmss(std::string_view s) {
  if (s.size() != 10 || !isDigits(s)) return std::nullopt;
  Civil c;
  c.month = static_cast<unsigned>(twoDigits(s, 0));
  c.day = static_cast<unsigned>(twoDigits(s, 2));
  c.hour = twoDigits(s, 4);
  c.minute = twoDigits(s, 6);
  c.second = twoDigits(s, 8);
  return c;
}

std::optional<Instant> parseYymmddhhmmss(std::string_view s) {
  if (s.size() != 12 || !isDigits(s)) return std::nullopt;
  auto c = parseMmddhhmmss(s.substr(2));
  if (!c) return std::nullopt;
  c->year = 2000 + twoDigits(s, 0);
  return instantOf(*c);
}

// "YYYYMMDDhhmmss" UTC then "P" or "M" and the offset in minutes (4 digits): a time in the
// private field.
std::string formatPrivateTime(const LocalDateTime& t) {
  const Civil c = civilOf(t.instant, std::chrono::minutes(0));
  const auto offset = t.utc_offset.count();
  return zeroPad(static_cast<unsigned>(c.year), 4) + mmddhhmmss(c) + (offset < 0 ? "M" : "P") +
         zeroPad(static_cast<std::uint64_t>(offset < 0 ? -offset : offset), 4);
}

std::optional<LocalDateTime> parsePrivateTime(std::string_view s) {
  if (s.size() != 19 || (s[14] != 'P' && s[14] != 'M') || !isDigits(s.substr(0, 14)) ||
      !isDigits(s.substr(15))) {
    return std::nullopt;
  }
  auto c = parseMmddhhmmss(s.substr(4, 10));
  if (!c) return std::nullopt;
  c->year = static_cast<int>(*parseNumber(s.substr(0, 4)));
  const auto instant = instantOf(*c);
  if (!instant) return std::nullopt;
  const auto minutes = static_cast<int>(*parseNumber(s.substr(15)));
  return LocalDateTime{*instant, std::chrono::minutes(s[14] == 'M' ? -minutes : minutes)};
}

bool sameSecond(const LocalDateTime& a, const LocalDateTime& b) {
  return std::chrono::floor<std::chrono::seconds>(a.instant) ==
             std::chrono::floor<std::chrono::seconds>(b.instant) &&
         a.utc_offset == b.utc_offset;
}

// ---------------------------------------------------------------------------------------------
// Money

Result<std::string> amount12(const Money& amount, std::string_view what) {
  if (amount.isNegative() || amount.minorUnits() > 999'999'999'999) {
    return invalidArgument(std::string(what) + ": " + amount.toString() +
                           " does not fit 12 digits of minor units");
  }
  return zeroPad(static_cast<std::uint64_t>(amount.minorUnits()), 12);
}

std::string currencyNumeric(const Currency& currency) {
  return zeroPad(currency.numeric, 3);
}

Result<Currency> currencyOf(std::string_view numeric, std::string_view where) {
  const auto number = parseNumber(numeric);
  if (number && *number < 1000) {
    if (auto currency = currencyByNumeric(static_cast<std::uint16_t>(*number))) return *currency;
  }
  return malformed(std::string(where) + ": unknown currency '" + std::string(numeric) +
                   "' (ISO 4217 numeric expected)");
}

// One 20-character DE 54 amount set: account type, amount type, currency, C/D, 12 digits.
std::string additionalAmount(std::string_view amount_type, const Money& amount) {
  const std::int64_t minor = amount.minorUnits();
  return std::string("00") + std::string(amount_type) + currencyNumeric(amount.currency()) +
         (minor < 0 ? "D" : "C") +
         zeroPad(static_cast<std::uint64_t>(minor < 0 ? -minor : minor), 12);
}

// The amount of type `amount_type` in DE 54; nullopt when absent. Errors: Malformed.
Result<std::optional<Money>> findAdditionalAmount(std::string_view de54,
                                                  std::string_view amount_type) {
  if (de54.size() % 20 != 0) {
    return malformed("field 54: " + std::to_string(de54.size()) +
                     " characters, expected sets of 20");
  }
  for (std::size_t at = 0; at < de54.size(); at += 20) {
    const std::string_view set = de54.substr(at, 20);
    if (set.substr(2, 2) != amount_type) continue;
    POSIM_ASSIGN_OR_RETURN(const Currency currency, currencyOf(set.substr(4, 3), "field 54"));
    const auto minor = parseNumber(set.substr(8, 12));
    if (!minor || (set[7] != 'C' && set[7] != 'D')) {
      return malformed("field 54: bad amount set '" + std::string(set) + "' at character " +
                       std::to_string(at));
    }
    const auto value = static_cast<std::int64_t>(*minor);
    return std::optional<Money>(Money(set[7] == 'D' ? -value : value, currency));
  }
  return std::optional<Money>();
}

// ---------------------------------------------------------------------------------------------
// Transaction types on the wire

char versionDigit(Flavour flavour) {
  return flavour == Flavour::kIso93 ? '1' : '0';
}

bool isReversalLike(TransactionType type) {
  return type == TransactionType::kReversal || type == TransactionType::kCancel;
}

TransactionType originalTypeOf(const Request& request) {
  return request.original ? request.original->type : TransactionType::kSale;
}

// The transaction type code (first two digits of DE 3) of a type.
std::string_view processingType(Flavour flavour, TransactionType type, bool cashback) {
  switch (type) {
    case TransactionType::kSale: return cashback && flavour != Flavour::kCup ? "09" : "00";
    case TransactionType::kPreauth: return flavour == Flavour::kCup ? "03" : "00";
    case TransactionType::kRefund: return "20";
    case TransactionType::kBalance: return "31";
    case TransactionType::kCancel: return flavour == Flavour::kCup ? "20" : "00";
    default: return "00";
  }
}

// DE 3 of a request; empty when the message has none.
std::string processingCode(Flavour flavour, const Request& request) {
  const bool cashback = request.other_amount.has_value();
  switch (request.type) {
    case TransactionType::kEcho:
    case TransactionType::kSettle: return "";
    case TransactionType::kReversal:
      // The original's processing code (DOMAIN.md §4.2).
      return std::string(processingType(flavour, originalTypeOf(request), false)) + "0000";
    case TransactionType::kCancel:
      if (flavour == Flavour::kCup) return "200000";
      return std::string(processingType(flavour, originalTypeOf(request), false)) + "0000";
    default: return std::string(processingType(flavour, request.type, cashback)) + "0000";
  }
}

// CUP DE 60.1 message type codes (中国银联 POS 终端消息域说明). A reversal carries its original's.
std::string_view cupTypeCode(TransactionType type, MessageKind kind, TransactionType original) {
  if (type == TransactionType::kReversal) {
    type = original;
    kind = MessageKind::kRequest;
  }
  switch (type) {
    case TransactionType::kSale: return "22";
    case TransactionType::kPreauth: return "10";
    case TransactionType::kCompletion: return kind == MessageKind::kAdvice ? "24" : "20";
    case TransactionType::kCancel:
      if (original == TransactionType::kPreauth) return "11";
      if (original == TransactionType::kCompletion) return "21";
      return "23";
    case TransactionType::kRefund: return "25";
    case TransactionType::kBalance: return "01";
    default: return "00";
  }
}

struct CupType {
  TransactionType type;
  TransactionType original;  // for cancels and completions
};
std::optional<CupType> cupTypeOfCode(std::string_view code) {
  if (code == "22") return CupType{TransactionType::kSale, TransactionType::kSale};
  if (code == "10") return CupType{TransactionType::kPreauth, TransactionType::kSale};
  if (code == "20" || code == "24") {
    return CupType{TransactionType::kCompletion, TransactionType::kPreauth};
  }
  if (code == "11") return CupType{TransactionType::kCancel, TransactionType::kPreauth};
  if (code == "21") return CupType{TransactionType::kCancel, TransactionType::kCompletion};
  if (code == "23") return CupType{TransactionType::kCancel, TransactionType::kSale};
  if (code == "25") return CupType{TransactionType::kRefund, TransactionType::kSale};
  if (code == "01") return CupType{TransactionType::kBalance, TransactionType::kSale};
  return std::nullopt;
}

// The MTI class digit of a request (without version, function, origin).
char mtiClass(Flavour flavour, const Request& request) {
  switch (request.type) {
    case TransactionType::kPreauth: return '1';
    case TransactionType::kBalance: return flavour == Flavour::kCup ? '2' : '1';
    case TransactionType::kCancel:
      if (flavour != Flavour::kCup) return '4';
      return originalTypeOf(request) == TransactionType::kPreauth ? '1' : '2';
    case TransactionType::kReversal: return '4';
    case TransactionType::kSettle: return '5';
    case TransactionType::kEcho: return '8';
    default: return '2';
  }
}

// The iso93 DE 24 function code of a request.
std::string_view functionCode(const Request& request) {
  switch (request.type) {
    case TransactionType::kPreauth: return "101";
    case TransactionType::kCompletion:
      return request.original && request.original->amount != request.amount ? "202" : "201";
    case TransactionType::kCancel:
    case TransactionType::kReversal: return "400";
    case TransactionType::kBalance: return "108";
    case TransactionType::kEcho: return "831";
    case TransactionType::kSettle: return "500";
    default: return "200";
  }
}

std::string_view defaultConditionCode(const Request& request) {
  switch (request.type) {
    case TransactionType::kPreauth:
    case TransactionType::kCompletion: return "06";
    case TransactionType::kCancel:
    case TransactionType::kReversal: {
      const TransactionType original = originalTypeOf(request);
      return original == TransactionType::kPreauth || original == TransactionType::kCompletion
                 ? "06"
                 : "00";
    }
    default: return "00";
  }
}

bool isNetworkType(TransactionType type) {
  return type == TransactionType::kEcho;
}

// ---------------------------------------------------------------------------------------------
// The private field

int privateFieldOf(const Dialect& dialect) {
  const int preferred[] = {dialect.flavour == Flavour::kCup ? kDe63CupPrivate : kDe48PrivateData,
                           dialect.flavour == Flavour::kCup ? kDe48PrivateData : kDe63CupPrivate};
  for (int field : preferred) {
    const FieldSpec* spec = dialect.field(field);
    if (spec && spec->length_kind != LengthKind::kFixed && !isNumericField(*spec)) return field;
  }
  return 0;
}

using Tags = std::vector<std::pair<std::string, std::string>>;

std::string formatTags(const Tags& tags) {
  std::string out(kPrivateMarker);
  for (const auto& [tag, value] : tags) {
    out += tag;
    out += zeroPad(value.size(), 2);
    out += value;
  }
  return out;
}

// Entries of a posim private field; nullopt when the field is someone else's.
std::optional<Tags> parseTags(std::string_view text) {
  if (text.substr(0, kPrivateMarker.size()) != kPrivateMarker) return std::nullopt;
  Tags tags;
  std::size_t at = kPrivateMarker.size();
  while (at < text.size()) {
    if (at + 4 > text.size() || !isDigits(text.substr(at + 2, 2))) return std::nullopt;
    const auto length = static_cast<std::size_t>(twoDigits(text, at + 2));
    if (at + 4 + length > text.size()) return std::nullopt;
    tags.emplace_back(std::string(text.substr(at, 2)), std::string(text.substr(at + 4, length)));
    at += 4 + length;
  }
  return tags;
}

// Request members that have a native field in some dialects and a private-field tag for the
// others.
struct TextMember {
  std::string_view tag;
  std::string Request::*member;
};
constexpr TextMember kTextMembers[] = {
    {"EM", &Request::pos_entry_mode},
    {"PC", &Request::pos_condition_code},
    {"MC", &Request::merchant_category_code},
    {"PS", &Request::pan_sequence_number},
    {"EX", &Request::expiry_yymm},
    {"MI", &Request::merchant_id},
    {"RR", &Request::reversal_reason},
    {"AC", &Request::offline_authorization_code},
};

std::string formatTotals(const BatchTotals& t) {
  return zeroPad(t.debit_count, 10) + zeroPad(static_cast<std::uint64_t>(t.debit_amount), 16) +
         zeroPad(t.credit_count, 10) + zeroPad(static_cast<std::uint64_t>(t.credit_amount), 16) +
         zeroPad(t.cancel_count, 10) + zeroPad(static_cast<std::uint64_t>(t.cancel_amount), 16);
}

std::optional<BatchTotals> parseTotals(std::string_view s) {
  if (s.size() != 78 || !isDigits(s)) return std::nullopt;
  BatchTotals t;
  t.debit_count = static_cast<std::uint32_t>(*parseNumber(s.substr(0, 10)));
  t.debit_amount = static_cast<std::int64_t>(*parseNumber(s.substr(10, 16)));
  t.credit_count = static_cast<std::uint32_t>(*parseNumber(s.substr(26, 10)));
  t.credit_amount = static_cast<std::int64_t>(*parseNumber(s.substr(36, 16)));
  t.cancel_count = static_cast<std::uint32_t>(*parseNumber(s.substr(52, 10)));
  t.cancel_amount = static_cast<std::int64_t>(*parseNumber(s.substr(62, 16)));
  return t;
}

std::string formatMoney(const Money& m) {
  const std::int64_t minor = m.minorUnits();
  return currencyNumeric(m.currency()) + (minor < 0 ? "D" : "C") +
         zeroPad(static_cast<std::uint64_t>(minor < 0 ? -minor : minor), 16);
}

std::optional<Money> parseMoney(std::string_view s) {
  if (s.size() != 20 || (s[3] != 'C' && s[3] != 'D')) return std::nullopt;
  const auto numeric = parseNumber(s.substr(0, 3));
  const auto minor = parseNumber(s.substr(4));
  if (!numeric || !minor) return std::nullopt;
  const auto currency = currencyByNumeric(static_cast<std::uint16_t>(*numeric));
  if (!currency) return std::nullopt;
  const auto value = static_cast<std::int64_t>(*minor);
  return Money(s[3] == 'D' ? -value : value, *currency);
}

// ---------------------------------------------------------------------------------------------
// Building a request message

class Writer {
 public:
  Writer(const Dialect& dialect, Message& message) : dialect_(dialect), message_(message) {}

  bool defines(int field) const { return dialect_.field(field) != nullptr; }

  // A field the request cannot do without.
  Status need(int field, std::string value, std::string_view what) {
    const FieldSpec* spec = dialect_.field(field);
    if (spec == nullptr) {
      return invalidArgument("dialect '" + dialect_.id + "' has no field " + std::to_string(field) +
                             ", needed for " + std::string(what));
    }
    message_.set(field, fit(*spec, std::move(value)));
    return Status::ok();
  }
  // A field written when the dialect has it (the private field carries it otherwise).
  bool maybe(int field, std::string value) {
    const FieldSpec* spec = dialect_.field(field);
    if (spec == nullptr) return false;
    message_.set(field, fit(*spec, std::move(value)));
    return true;
  }
  std::size_t fixedLength(int field) const {
    const FieldSpec* spec = dialect_.field(field);
    return spec && spec->length_kind == LengthKind::kFixed ? spec->max_length : 0;
  }

 private:
  const Dialect& dialect_;
  Message& message_;
};

Status writeOriginal(const Dialect& dialect, const Request& request, Writer& w) {
  if (!request.original) return Status::ok();
  const OriginalData& original = *request.original;
  const Flavour flavour = dialect.flavour;
  const std::string orig_mti = original.mti.empty() ? "0000" : original.mti;
  const std::string orig_stan = zeroPad(parseNumber(original.stan).value_or(0), 6);
  const Civil utc = civilOf(original.transmitted_at.instant, std::chrono::minutes(0));
  const bool timed = !isZeroTime(original.transmitted_at);
  bool written = false;
  if (flavour == Flavour::kCup && w.defines(kDe61CupOriginal)) {
    const Civil local =
        civilOf(original.transmitted_at.instant, original.transmitted_at.utc_offset);
    w.maybe(kDe61CupOriginal, zeroPad(request.batch_number % 1'000'000, 6) + orig_stan +
                                  (timed ? mmddhhmmss(local).substr(0, 4) : "0000"));
    written = true;
  } else if (w.fixedLength(kDe90OriginalData) == 42) {
    w.maybe(kDe90OriginalData,
            orig_mti + orig_stan + (timed ? mmddhhmmss(utc) : "0000000000") + std::string(22, '0'));
    written = true;
  } else if (w.defines(kDe56OriginalData93)) {
    w.maybe(kDe56OriginalData93,
            orig_mti + orig_stan + (timed ? yymmdd(utc) + hhmmss(utc) : std::string(12, '0')));
    written = true;
  }
  if (!written) {
    return invalidArgument("dialect '" + dialect.id +
                           "' has no field for the original data elements (90, 56 or CUP 61), "
                           "needed for a " +
                           std::string(transactionTypeName(request.type)));
  }
  if (!original.rrn.empty()) {
    POSIM_RETURN_IF_ERROR(w.need(kDe37Rrn, original.rrn, "the original's RRN"));
  }
  if (!original.authorization_code.empty()) {
    POSIM_RETURN_IF_ERROR(w.need(kDe38AuthorizationCode, original.authorization_code,
                                 "the original's authorization code"));
  }
  return Status::ok();
}

Status writeTotals(const BatchTotals& t, Writer& w) {
  if (t.debit_amount < 0 || t.credit_amount < 0 || t.cancel_amount < 0) {
    return invalidArgument("settlement totals: negative amount");
  }
  const int fields[] = {kDe74CreditsNumber, kDe76DebitsNumber, kDe77DebitsReversalNumber,
                        kDe86CreditsAmount, kDe88DebitsAmount, kDe89DebitsReversalAmount};
  for (int field : fields) {
    if (!w.defines(field)) return Status::ok();  // the private field carries them
  }
  w.maybe(kDe74CreditsNumber, zeroPad(t.credit_count, 10));
  w.maybe(kDe76DebitsNumber, zeroPad(t.debit_count, 10));
  w.maybe(kDe77DebitsReversalNumber, zeroPad(t.cancel_count, 10));
  w.maybe(kDe86CreditsAmount, zeroPad(static_cast<std::uint64_t>(t.credit_amount), 16));
  w.maybe(kDe88DebitsAmount, zeroPad(static_cast<std::uint64_t>(t.debit_amount), 16));
  w.maybe(kDe89DebitsReversalAmount, zeroPad(static_cast<std::uint64_t>(t.cancel_amount), 16));
  return Status::ok();
}

std::optional<BatchTotals> readTotals(const Message& m) {
  const int fields[] = {kDe74CreditsNumber, kDe76DebitsNumber, kDe77DebitsReversalNumber,
                        kDe86CreditsAmount, kDe88DebitsAmount, kDe89DebitsReversalAmount};
  bool any = false;
  for (int field : fields) any = any || m.has(field);
  if (!any) return std::nullopt;
  auto number = [&](int field) { return parseNumber(m.get(field)).value_or(0); };
  BatchTotals t;
  t.credit_count = static_cast<std::uint32_t>(number(kDe74CreditsNumber));
  t.debit_count = static_cast<std::uint32_t>(number(kDe76DebitsNumber));
  t.cancel_count = static_cast<std::uint32_t>(number(kDe77DebitsReversalNumber));
  t.credit_amount = static_cast<std::int64_t>(number(kDe86CreditsAmount));
  t.debit_amount = static_cast<std::int64_t>(number(kDe88DebitsAmount));
  t.cancel_amount = static_cast<std::int64_t>(number(kDe89DebitsReversalAmount));
  return t;
}

bool hasAmount(const Request& request) {
  switch (request.type) {
    case TransactionType::kEcho:
    case TransactionType::kSettle:
    case TransactionType::kBalance: return !request.amount.isZero();
    default: return true;
  }
}

Result<Message> encodeNative(const Dialect& dialect, const Request& request) {
  const Flavour flavour = dialect.flavour;
  Message message(requestMti(dialect, request));
  Writer w(dialect, message);
  const bool network = isNetworkType(request.type);

  if (!request.pan.empty()) POSIM_RETURN_IF_ERROR(w.need(kDe2Pan, request.pan.digits(), "the PAN"));
  if (const std::string code = processingCode(flavour, request); !code.empty()) {
    POSIM_RETURN_IF_ERROR(w.need(kDe3ProcessingCode, code, "the processing code"));
  }
  if (hasAmount(request)) {
    POSIM_ASSIGN_OR_RETURN(std::string amount, amount12(request.amount, "amount"));
    POSIM_RETURN_IF_ERROR(w.need(kDe4Amount, std::move(amount), "the amount"));
  }
  if (hasAmount(request) || request.amount.currency().numeric != kNoCurrency) {
    POSIM_RETURN_IF_ERROR(
        w.need(kDe49Currency, currencyNumeric(request.amount.currency()), "the currency"));
  }

  // When: DE 7 in UTC, DE 12/13 (iso93: DE 12 YYMMDDhhmmss) local.
  const Civil utc = civilOf(request.transmitted_at.instant, std::chrono::minutes(0));
  const Civil local = civilOf(request.transmitted_at.instant, request.transmitted_at.utc_offset);
  const bool has_de7 = w.maybe(kDe7TransmissionDateTime, mmddhhmmss(utc));
  bool has_local = false;
  if (w.fixedLength(kDe12LocalTime) == 12) {
    has_local = w.maybe(kDe12LocalTime, yymmdd(local) + hhmmss(local));
  } else if ((!network || !has_de7) && w.fixedLength(kDe12LocalTime) == 6 &&
             w.fixedLength(kDe13LocalDate) == 4) {
    has_local = w.maybe(kDe12LocalTime, hhmmss(local)) &&
                w.maybe(kDe13LocalDate, mmddhhmmss(local).substr(0, 4));
  }
  if (!has_de7 && !has_local) {
    return invalidArgument("dialect '" + dialect.id +
                           "' has neither field 7 nor fields 12/13, needed for the time");
  }
  POSIM_RETURN_IF_ERROR(w.need(kDe11Stan, request.stan, "the STAN"));
  if (!request.expiry_yymm.empty()) w.maybe(kDe14Expiry, request.expiry_yymm);
  if (!request.merchant_category_code.empty()) {
    w.maybe(kDe18MerchantType, request.merchant_category_code);
  }
  if (!request.pos_entry_mode.empty() && w.fixedLength(kDe22EntryMode) == 3) {
    w.maybe(kDe22EntryMode, request.pos_entry_mode);
  }
  if (!request.pan_sequence_number.empty()) {
    w.maybe(kDe23PanSequenceNumber, request.pan_sequence_number);
  }
  if (flavour == Flavour::kIso93) {
    POSIM_RETURN_IF_ERROR(
        w.need(kDe24FunctionCode, std::string(functionCode(request)), "the function code"));
  }
  // DE 25 is the POS condition code where it is n2 (1993 proper has a message reason code n4).
  if (!network && request.type != TransactionType::kSettle &&
      w.fixedLength(kDe25ConditionCode) == 2) {
    w.maybe(kDe25ConditionCode, request.pos_condition_code.empty()
                                    ? std::string(defaultConditionCode(request))
                                    : request.pos_condition_code);
  }
  if (!request.track2.empty()) {
    POSIM_RETURN_IF_ERROR(w.need(kDe35Track2, request.track2, "the track 2 data"));
  }
  POSIM_RETURN_IF_ERROR(writeOriginal(dialect, request, w));

  // DE 39 in a request: the reversal reason (CUP style), or the card's offline approval.
  if (w.fixedLength(kDe39ResponseCode) == 2) {
    if (isReversalLike(request.type) && !request.reversal_reason.empty()) {
      w.maybe(kDe39ResponseCode, request.reversal_reason);
    } else if (!isReversalLike(request.type) && request.kind == MessageKind::kAdvice &&
               !request.offline_authorization_code.empty()) {
      w.maybe(kDe39ResponseCode, request.offline_authorization_code);
    }
  }
  if (!request.terminal_id.empty()) {
    POSIM_RETURN_IF_ERROR(w.need(kDe41TerminalId, request.terminal_id, "the terminal id"));
  }
  if (!request.merchant_id.empty()) w.maybe(kDe42MerchantId, request.merchant_id);
  if (!request.pin_block.empty()) {
    POSIM_RETURN_IF_ERROR(w.need(kDe52PinBlock, asString(request.pin_block), "the PIN block"));
  }
  if (request.other_amount) {
    w.maybe(kDe54AdditionalAmounts, additionalAmount("40", *request.other_amount));
  }
  if (!request.icc_data.empty()) {
    POSIM_RETURN_IF_ERROR(w.need(kDe55IccData, asString(request.icc_data), "the ICC data"));
  }

  // DE 60: the batch; CUP 60.1 type code, 60.2 batch, 60.3 network management code.
  if (flavour == Flavour::kCup) {
    const std::string_view nmi = request.type == TransactionType::kEcho     ? "301"
                                 : request.type == TransactionType::kSettle ? "201"
                                                                            : "000";
    POSIM_RETURN_IF_ERROR(
        w.need(kDe60Batch,
               std::string(cupTypeCode(request.type, request.kind, originalTypeOf(request))) +
                   zeroPad(request.batch_number % 1'000'000, 6) + std::string(nmi),
               "the CUP message type code (60.1)"));
  } else if (request.batch_number != 0) {
    w.maybe(kDe60Batch, zeroPad(request.batch_number % 1'000'000, 6));
  }
  if (request.type == TransactionType::kEcho && flavour == Flavour::kIso87) {
    POSIM_RETURN_IF_ERROR(w.need(kDe70NetworkCode, "301", "the echo test code"));
  }
  if (request.totals) POSIM_RETURN_IF_ERROR(writeTotals(*request.totals, w));
  return message;
}

// ---------------------------------------------------------------------------------------------
// Reading a request message by the native rules of its flavour

Result<LocalDateTime> readTransmittedAt(const Message& m, LocalDateTime reference) {
  std::optional<Instant> utc;
  if (m.has(kDe7TransmissionDateTime)) {
    const auto c = parseMmddhhmmss(m.get(kDe7TransmissionDateTime));
    if (c) utc = nearestYear(*c, reference.instant);
    if (!utc) {
      return malformed("field 7: '" + std::string(m.get(kDe7TransmissionDateTime)) +
                       "' is not a valid MMDDhhmmss");
    }
  }
  // Local time read as if it were UTC.
  std::optional<Instant> local;
  const std::string_view de12 = m.get(kDe12LocalTime);
  if (de12.size() == 12) {
    local = parseYymmddhhmmss(de12);
    if (!local) return malformed("field 12: '" + std::string(de12) + "' is not YYMMDDhhmmss");
  } else if (de12.size() == 6 && m.get(kDe13LocalDate).size() == 4) {
    const auto c = parseMmddhhmmss(std::string(m.get(kDe13LocalDate)) + std::string(de12));
    if (c) local = nearestYear(*c, (utc ? *utc : reference.instant) + reference.utc_offset);
    if (!local) return malformed("fields 12/13: not a valid local date and time");
  }
  if (utc && local) {
    const auto offset = std::chrono::round<std::chrono::minutes>(*local - *utc);
    if (std::chrono::abs(offset) <= std::chrono::hours(18)) return LocalDateTime{*utc, offset};
    return LocalDateTime{*utc, reference.utc_offset};
  }
  if (utc) return LocalDateTime{*utc, reference.utc_offset};
  if (local) return LocalDateTime{*local - reference.utc_offset, reference.utc_offset};
  return malformed("field 7: missing (transmission date and time)");
}

Result<TransactionType> readType(Flavour flavour, const Message& m, char mti_class,
                                 std::optional<CupType>& cup_type) {
  if (flavour == Flavour::kCup) cup_type = cupTypeOfCode(m.get(kDe60Batch).substr(0, 2));
  switch (mti_class) {
    case '8': return TransactionType::kEcho;
    case '5': return TransactionType::kSettle;
    case '4': return TransactionType::kReversal;
    case '1':
    case '2': break;
    default:
      return malformed("MTI '" + m.mti() + "': message class " + std::string(1, mti_class) +
                       " is not one posim maps");
  }
  const std::string_view code = m.get(kDe3ProcessingCode).substr(0, 2);
  if (flavour == Flavour::kCup) {
    if (cup_type) return cup_type->type;
    if (code == "31" || code == "30") return TransactionType::kBalance;
    if (code == "20")
      return mti_class == '2' && m.mti()[2] == '2' ? TransactionType::kRefund
                                                   : TransactionType::kCancel;
    if (mti_class == '1') return TransactionType::kPreauth;
    return m.get(kDe25ConditionCode) == "06" ? TransactionType::kCompletion
                                             : TransactionType::kSale;
  }
  if (code == "31" || code == "30") return TransactionType::kBalance;
  if (code == "20") return TransactionType::kRefund;
  if (mti_class == '1') return TransactionType::kPreauth;
  if (flavour == Flavour::kIso93) {
    const std::string_view fc = m.get(kDe24FunctionCode);
    return fc == "201" || fc == "202" ? TransactionType::kCompletion : TransactionType::kSale;
  }
  const std::string_view de90 = m.get(kDe90OriginalData);
  return de90.size() >= 4 && de90[1] == '1' ? TransactionType::kCompletion : TransactionType::kSale;
}

// The MTI a transaction of `type` has in this flavour (for an original known only by type).
std::string nativeMtiOf(Flavour flavour, TransactionType type) {
  Request r;
  r.type = type;
  std::string mti = "0000";
  mti[0] = versionDigit(flavour);
  mti[1] = mtiClass(flavour, r);
  if (flavour == Flavour::kCup && type == TransactionType::kRefund) mti[2] = '2';
  return mti;
}

Status readOriginal(Flavour flavour, const Message& m, const std::optional<CupType>& cup_type,
                    Request& request) {
  OriginalData original;
  original.amount = request.amount;
  const std::string_view de3 = m.get(kDe3ProcessingCode).substr(0, 2);
  auto type_of_mti = [&](std::string_view mti) {
    if (de3 == "20" && request.type != TransactionType::kRefund) return TransactionType::kRefund;
    if (de3 == "31" || de3 == "30") return TransactionType::kBalance;
    return mti.size() == 4 && mti[1] == '1' ? TransactionType::kPreauth : TransactionType::kSale;
  };
  if (flavour == Flavour::kCup && m.has(kDe61CupOriginal)) {
    const std::string_view de61 = m.get(kDe61CupOriginal);
    if (de61.size() < 12 || !isDigits(de61.substr(0, 12))) {
      return malformed("field 61: '" + std::string(de61) +
                       "' is not original batch (6) and STAN (6)");
    }
    original.stan = std::string(de61.substr(6, 6));
    original.type = cup_type ? cup_type->original : TransactionType::kSale;
    if (request.type == TransactionType::kReversal && cup_type) original.type = cup_type->type;
    original.mti = nativeMtiOf(flavour, original.type);
  } else if (m.has(kDe90OriginalData) || m.has(kDe56OriginalData93)) {
    const bool de90 = m.has(kDe90OriginalData);
    const std::string_view data = de90 ? m.get(kDe90OriginalData) : m.get(kDe56OriginalData93);
    const int field = de90 ? kDe90OriginalData : kDe56OriginalData93;
    if (data.size() < 22 || !isDigits(data.substr(0, 22))) {
      return malformed("field " + std::to_string(field) + ": '" + std::string(data) +
                       "' is not original MTI, STAN and date-time");
    }
    original.mti = std::string(data.substr(0, 4));
    if (original.mti == "0000") original.mti.clear();
    original.stan = std::string(data.substr(4, 6));
    const std::string_view when = de90 ? data.substr(10, 10) : data.substr(10, 12);
    if (when.find_first_not_of('0') != std::string_view::npos) {
      std::optional<Instant> instant;
      if (de90) {
        if (auto c = parseMmddhhmmss(when))
          instant = nearestYear(*c, request.transmitted_at.instant);
      } else {
        instant = parseYymmddhhmmss(when);
      }
      if (!instant) {
        return malformed("field " + std::to_string(field) + ": bad original date and time '" +
                         std::string(when) + "'");
      }
      original.transmitted_at = LocalDateTime{*instant, request.transmitted_at.utc_offset};
    }
    original.type = request.type == TransactionType::kCompletion ? TransactionType::kPreauth
                                                                 : type_of_mti(original.mti);
  } else {
    return Status::ok();
  }
  original.rrn = textOf(m, kDe37Rrn);
  original.authorization_code = textOf(m, kDe38AuthorizationCode);
  request.original = std::move(original);
  return Status::ok();
}

Result<Request> decodeNative(const Dialect& dialect, const Message& m, LocalDateTime reference) {
  const Flavour flavour = dialect.flavour;
  const std::string& mti = m.mti();
  if (mti.size() != 4 || !isDigits(mti)) return malformed("MTI '" + mti + "' is not 4 digits");
  Request request;
  std::optional<CupType> cup_type;
  POSIM_ASSIGN_OR_RETURN(request.type, readType(flavour, m, mti[1], cup_type));
  const bool advice_mti = mti[2] == '2';
  request.kind = advice_mti ? MessageKind::kAdvice : MessageKind::kRequest;
  if (flavour == Flavour::kCup && request.type == TransactionType::kRefund) {
    request.kind = MessageKind::kRequest;  // CUP refunds are 0220 requests
  }
  if (request.type == TransactionType::kSettle || request.type == TransactionType::kEcho) {
    request.kind = MessageKind::kRequest;
  }
  request.repeat = mti[3] == '1';

  request.pan = Pan(std::string(m.get(kDe2Pan)));
  request.pan_sequence_number = textOf(m, kDe23PanSequenceNumber);
  // BCD track 2 carries the separator as nibble D.
  request.track2 = std::string(m.get(kDe35Track2));
  std::replace(request.track2.begin(), request.track2.end(), 'D', '=');
  request.expiry_yymm = textOf(m, kDe14Expiry);
  if (m.get(kDe22EntryMode).size() == 3)
    request.pos_entry_mode = std::string(m.get(kDe22EntryMode));
  if (m.get(kDe25ConditionCode).size() == 2) {
    request.pos_condition_code = std::string(m.get(kDe25ConditionCode));
  }
  request.pin_block = Bytes(m.bytes(kDe52PinBlock).begin(), m.bytes(kDe52PinBlock).end());
  request.icc_data = Bytes(m.bytes(kDe55IccData).begin(), m.bytes(kDe55IccData).end());

  Currency currency = *currencyByNumeric(kNoCurrency);
  if (m.has(kDe49Currency)) {
    POSIM_ASSIGN_OR_RETURN(currency, currencyOf(m.get(kDe49Currency), "field 49"));
  }
  std::int64_t minor = 0;
  if (m.has(kDe4Amount)) {
    const auto value = parseNumber(m.get(kDe4Amount));
    if (!value) {
      return malformed("field 4: '" + std::string(m.get(kDe4Amount)) + "' is not an amount");
    }
    minor = static_cast<std::int64_t>(*value);
  } else if (hasAmount(request) && request.type != TransactionType::kBalance) {
    return malformed("field 4: missing (amount of a " +
                     std::string(transactionTypeName(request.type)) + ")");
  }
  request.amount = Money(minor, currency);
  if (m.has(kDe54AdditionalAmounts)) {
    POSIM_ASSIGN_OR_RETURN(request.other_amount,
                           findAdditionalAmount(m.get(kDe54AdditionalAmounts), "40"));
  }

  if (!m.has(kDe11Stan)) return malformed("field 11: missing (STAN)");
  request.stan = std::string(m.get(kDe11Stan));
  POSIM_ASSIGN_OR_RETURN(request.transmitted_at, readTransmittedAt(m, reference));
  request.terminal_id = textOf(m, kDe41TerminalId);
  request.merchant_id = textOf(m, kDe42MerchantId);
  request.merchant_category_code = textOf(m, kDe18MerchantType);

  const std::string_view de60 = m.get(kDe60Batch);
  if (flavour == Flavour::kCup) {
    if (de60.size() >= 8 && isDigits(de60.substr(2, 6))) {
      request.batch_number = static_cast<std::uint32_t>(*parseNumber(de60.substr(2, 6)));
    }
  } else if (!de60.empty() && de60.size() <= 9 && isDigits(de60)) {
    request.batch_number = static_cast<std::uint32_t>(*parseNumber(de60));
  }

  POSIM_RETURN_IF_ERROR(readOriginal(flavour, m, cup_type, request));

  const std::string_view de39 = m.get(kDe39ResponseCode);
  if (de39.size() == 2) {
    if (isReversalLike(request.type)) {
      request.reversal_reason = std::string(de39);
    } else if (request.kind == MessageKind::kAdvice) {
      request.offline_authorization_code = std::string(de39);
    }
  }
  request.totals = readTotals(m);
  return request;
}

// Entries of the private field that make `native` into `wanted`.
Tags privateTags(const Request& wanted, const Request& native) {
  Tags tags;
  if (wanted.type != native.type) {
    tags.emplace_back("TY", std::string(transactionTypeName(wanted.type)));
  }
  if (wanted.kind != native.kind) {
    tags.emplace_back("KD", wanted.kind == MessageKind::kAdvice ? "A" : "R");
  }
  if (wanted.repeat != native.repeat) tags.emplace_back("RP", wanted.repeat ? "1" : "0");
  for (const TextMember& m : kTextMembers) {
    if (wanted.*m.member != native.*m.member) {
      tags.emplace_back(std::string(m.tag), wanted.*m.member);
    }
  }
  if (wanted.batch_number != native.batch_number) {
    tags.emplace_back("BN", std::to_string(wanted.batch_number));
  }
  if (wanted.other_amount != native.other_amount) {
    tags.emplace_back("XA", wanted.other_amount ? formatMoney(*wanted.other_amount) : "");
  }
  if (wanted.totals != native.totals) {
    tags.emplace_back("TT", wanted.totals ? formatTotals(*wanted.totals) : "");
  }
  // The original: the members the native fields got wrong, or all of it when they have none.
  if (!wanted.original) {
    if (native.original) tags.emplace_back("ON", "");
    return tags;
  }
  const OriginalData& o = *wanted.original;
  const OriginalData* n = native.original ? &*native.original : nullptr;
  if (!n || n->type != o.type) tags.emplace_back("OT", std::string(transactionTypeName(o.type)));
  if (!n || n->mti != o.mti) tags.emplace_back("OM", o.mti);
  if (!n || n->stan != o.stan) tags.emplace_back("OS", o.stan);
  if (!n || n->rrn != o.rrn) tags.emplace_back("OR", o.rrn);
  if (!n || n->authorization_code != o.authorization_code) {
    tags.emplace_back("OX", o.authorization_code);
  }
  if (!n || !sameSecond(n->transmitted_at, o.transmitted_at)) {
    tags.emplace_back("OD",
                      isZeroTime(o.transmitted_at) ? "" : formatPrivateTime(o.transmitted_at));
  }
  if (!n || n->amount != o.amount || n->amount.currency().numeric != o.amount.currency().numeric) {
    tags.emplace_back("OA", formatMoney(o.amount));
  }
  return tags;
}

Status applyTags(const Tags& tags, Request& request) {
  auto bad = [](const std::string& tag, const std::string& value) {
    return malformed("private data entry " + tag + ": bad value '" + value + "'");
  };
  for (const auto& [tag, value] : tags) {
    if (tag == "TY") {
      const auto type = transactionTypeByName(value);
      if (!type) return bad(tag, value);
      request.type = *type;
    } else if (tag == "KD") {
      request.kind = value == "A" ? MessageKind::kAdvice : MessageKind::kRequest;
    } else if (tag == "RP") {
      request.repeat = value == "1";
    } else if (tag == "BN") {
      const auto number = parseNumber(value);
      if (!number) return bad(tag, value);
      request.batch_number = static_cast<std::uint32_t>(*number);
    } else if (tag == "XA") {
      request.other_amount = value.empty() ? std::nullopt : parseMoney(value);
      if (!value.empty() && !request.other_amount) return bad(tag, value);
    } else if (tag == "TT") {
      request.totals = value.empty() ? std::nullopt : parseTotals(value);
      if (!value.empty() && !request.totals) return bad(tag, value);
    } else if (tag == "ON") {
      request.original.reset();
    } else if (tag.size() == 2 && tag[0] == 'O') {
      if (!request.original) request.original.emplace();
      OriginalData& o = *request.original;
      if (tag == "OT") {
        const auto type = transactionTypeByName(value);
        if (!type) return bad(tag, value);
        o.type = *type;
      } else if (tag == "OM") {
        o.mti = value;
      } else if (tag == "OS") {
        o.stan = value;
      } else if (tag == "OR") {
        o.rrn = value;
      } else if (tag == "OX") {
        o.authorization_code = value;
      } else if (tag == "OD") {
        if (value.empty()) {
          o.transmitted_at = LocalDateTime{};
        } else {
          const auto t = parsePrivateTime(value);
          if (!t) return bad(tag, value);
          o.transmitted_at = *t;
        }
      } else if (tag == "OA") {
        const auto amount = parseMoney(value);
        if (!amount) return bad(tag, value);
        o.amount = *amount;
      }
    } else {
      for (const TextMember& m : kTextMembers) {
        if (tag == m.tag) request.*m.member = value;
      }
    }
  }
  return Status::ok();
}

// ---------------------------------------------------------------------------------------------
// Responses

// ISO 8583:1993 action codes of the 1987 response codes (DOMAIN.md §4.3), one row per pair.
struct ActionCodeRow {
  std::string_view response_code;  // 1987, 2 characters
  std::string_view action_code;    // 1993, 3 digits
};
constexpr ActionCodeRow kActionCodes[] = {
    {"00", "000"},  // approved
    {"10", "002"},  // approved for a partial amount
    {"01", "107"},  // refer to card issuer
    {"03", "109"},  // invalid merchant
    {"04", "200"},  // pick up
    {"05", "100"},  // do not honour
    {"12", "902"},  // invalid transaction
    {"13", "110"},  // invalid amount
    {"14", "111"},  // invalid card number
    {"25", "914"},  // unable to locate (trace back to) the original
    {"30", "904"},  // format error
    {"41", "208"},  // lost card, pick up
    {"43", "209"},  // stolen card, pick up
    {"51", "116"},  // insufficient funds
    {"54", "101"},  // expired card
    {"55", "117"},  // incorrect PIN
    {"57", "119"},  // not permitted to cardholder
    {"58", "120"},  // not permitted to terminal
    {"61", "121"},  // exceeds amount limit
    {"62", "104"},  // restricted card
    {"65", "123"},  // exceeds frequency limit
    {"75", "106"},  // PIN tries exceeded
    {"91", "911"},  // issuer timed out / inoperative
    {"92", "908"},  // destination not found for routing
    {"94", "913"},  // duplicate transmission
    {"96", "909"},  // system malfunction
    {"A0", "916"},  // MAC incorrect
};

TransactionType contextOfMti(std::string_view mti) {
  if (mti.size() != 4) return TransactionType::kSale;
  if (mti[1] == '4') return TransactionType::kReversal;
  if (mti[1] == '5') return TransactionType::kSettle;
  if (mti[1] == '8') return TransactionType::kEcho;
  return TransactionType::kSale;
}

std::string responseCodeForWire(Flavour flavour, std::string_view code, TransactionType context) {
  return flavour == Flavour::kIso93 ? iso93ActionCode(code, context) : std::string(code);
}

void swapTpdu(const Message& request, Message& response) {
  Bytes tpdu = request.tpdu();
  if (tpdu.size() == 5) {
    std::swap(tpdu[1], tpdu[3]);
    std::swap(tpdu[2], tpdu[4]);
  }
  response.setTpdu(std::move(tpdu));
  response.setHeader(request.header());
}

bool isRequestOrAdvice(std::string_view mti) {
  return mti.size() == 4 && isDigits(mti) && (mti[2] == '0' || mti[2] == '2' || mti[2] == '4');
}

// "1804" -> "1814"; the response MTI of requests and advices.
std::string responseMtiOf(std::string_view mti) {
  return Message::responseMti(mti);
}

}  // namespace

// ---------------------------------------------------------------------------------------------

std::string iso93ActionCode(std::string_view response_code, TransactionType type) {
  if (type == TransactionType::kReversal || type == TransactionType::kCancel) {
    if (response_code == "00") return "400";
  }
  if (type == TransactionType::kSettle) {
    if (response_code == "00") return "500";
    if (response_code == "95") return "501";
  }
  for (const ActionCodeRow& row : kActionCodes) {
    if (row.response_code == response_code) return std::string(row.action_code);
  }
  return "100";
}

std::string responseCodeOfActionCode(std::string_view action_code, TransactionType type) {
  if (action_code.size() == 2) return std::string(action_code);  // a 1987 code in a 1993 message
  if (action_code == "400" || action_code == "500") return "00";
  if (action_code == "501") return "95";
  if (type == TransactionType::kSettle && action_code == "000") return "00";
  for (const ActionCodeRow& row : kActionCodes) {
    if (row.action_code == action_code) return std::string(row.response_code);
  }
  return "05";
}

std::string requestMti(const Dialect& dialect, const Request& request) {
  const Flavour flavour = dialect.flavour;
  std::string mti = "0000";
  mti[0] = versionDigit(flavour);
  mti[1] = mtiClass(flavour, request);
  mti[2] = request.kind == MessageKind::kAdvice ? '2' : '0';
  switch (request.type) {
    case TransactionType::kEcho:
      mti[2] = flavour == Flavour::kCup ? '2' : '0';
      if (flavour == Flavour::kIso93) mti[3] = '4';  // 1804
      return mti;
    case TransactionType::kSettle:
      mti[2] = flavour == Flavour::kIso93 ? '2' : '0';  // 1520 / 0500
      break;
    case TransactionType::kRefund:
      if (flavour == Flavour::kCup) mti[2] = '2';  // CUP refunds are 0220
      break;
    default: break;
  }
  if (request.repeat) mti[3] = '1';
  return mti;
}

Result<iso8583::Message> requestToMessage(const Dialect& dialect, const Request& request) {
  if (request.stan.size() > 6 || (!request.stan.empty() && !isDigits(request.stan))) {
    return invalidArgument("STAN '" + request.stan + "' is not up to 6 digits");
  }
  POSIM_ASSIGN_OR_RETURN(Message message, encodeNative(dialect, request));
  // What the native fields do not bring back goes in the private field.
  auto native = decodeNative(dialect, message, request.transmitted_at);
  if (!native.isOk()) {
    return internalError("ISO 8583 mapping: " + native.status().message() + " in its own " +
                         message.mti());
  }
  const Tags tags = privateTags(request, *native);
  if (!tags.empty()) {
    const int field = privateFieldOf(dialect);
    if (field == 0) {
      return invalidArgument("dialect '" + dialect.id + "' has no private field (48 or 63), " +
                             "needed for " + tags.front().first + " of a " +
                             std::string(transactionTypeName(request.type)));
    }
    message.set(field, formatTags(tags));
  }
  return message;
}

Result<Request> requestFromMessage(const Dialect& dialect, const iso8583::Message& message,
                                   LocalDateTime reference) {
  POSIM_ASSIGN_OR_RETURN(Request request, decodeNative(dialect, message, reference));
  if (const int field = privateFieldOf(dialect); field != 0 && message.has(field)) {
    if (const auto tags = parseTags(message.get(field))) {
      POSIM_RETURN_IF_ERROR(
          applyTags(*tags, request).withContext("field " + std::to_string(field)));
    }
  }
  return request;
}

iso8583::Message responseToMessage(const Dialect& dialect, const iso8583::Message& request_message,
                                   const Response& response) {
  const std::string& mti = request_message.mti();
  Message out(isRequestOrAdvice(mti) ? responseMtiOf(mti) : mti);
  swapTpdu(request_message, out);
  const TransactionType context = contextOfMti(mti);
  const int echoed[] = {kDe2Pan,
                        kDe3ProcessingCode,
                        kDe4Amount,
                        kDe7TransmissionDateTime,
                        kDe11Stan,
                        kDe12LocalTime,
                        kDe13LocalDate,
                        kDe24FunctionCode,
                        kDe25ConditionCode,
                        kDe32AcquirerId,
                        kDe41TerminalId,
                        kDe42MerchantId,
                        kDe49Currency,
                        kDe60Batch,
                        kDe61CupOriginal,
                        kDe70NetworkCode,
                        kDe90OriginalData};
  for (int field : echoed) {
    if (request_message.has(field) && dialect.field(field)) {
      out.set(field, std::string(request_message.get(field)));
    }
  }
  auto put = [&](int field, std::string value) {
    if (const FieldSpec* spec = dialect.field(field)) out.set(field, fit(*spec, std::move(value)));
  };
  if (response.approved_amount) {
    if (auto amount = amount12(*response.approved_amount, "approved amount"); amount.isOk()) {
      put(kDe4Amount, *amount);
      put(kDe49Currency, currencyNumeric(response.approved_amount->currency()));
    }
  }
  if (!response.rrn.empty()) put(kDe37Rrn, response.rrn);
  if (!response.authorization_code.empty())
    put(kDe38AuthorizationCode, response.authorization_code);
  std::string code = response.response_code;
  if (code.empty() && response.batch_balanced) code = *response.batch_balanced ? "00" : "95";
  if (code.empty()) code = "00";
  put(kDe39ResponseCode, responseCodeForWire(dialect.flavour, code, context));
  std::string amounts;
  if (response.ledger_balance) amounts += additionalAmount("01", *response.ledger_balance);
  if (response.available_balance) amounts += additionalAmount("02", *response.available_balance);
  // CUP's DE 54 holds one amount set: the available balance.
  const FieldSpec* de54 = dialect.field(kDe54AdditionalAmounts);
  if (de54 && amounts.size() > de54->max_length && response.available_balance) {
    amounts = additionalAmount("02", *response.available_balance);
  }
  if (!amounts.empty()) put(kDe54AdditionalAmounts, amounts);
  if (!response.icc_data.empty()) put(kDe55IccData, asString(response.icc_data));
  if (response.host_totals) {
    Writer w(dialect, out);
    writeTotals(*response.host_totals, w).ignoreError();  // negative totals are not sent
  }
  return out;
}

Result<Response> responseFromMessage(const Dialect& dialect, const iso8583::Message& message,
                                     const Request& request) {
  const std::string expected = responseMtiOf(requestMti(dialect, request));
  const std::string& mti = message.mti();
  // A repeat (0401) is answered by 0410 or 0411.
  if (mti.size() != 4 || mti.compare(0, 3, expected, 0, 3) != 0) {
    return malformed("MTI " + mti + " does not answer a " + requestMti(dialect, request) +
                     " (expected " + expected + ")");
  }
  if (message.get(kDe11Stan) != request.stan) {
    return malformed("field 11: STAN '" + std::string(message.get(kDe11Stan)) +
                     "' does not match the request's '" + request.stan + "'");
  }
  if (textOf(message, kDe41TerminalId) != trimRight(request.terminal_id)) {
    return malformed("field 41: terminal id '" + textOf(message, kDe41TerminalId) +
                     "' does not match the request's '" + request.terminal_id + "'");
  }
  if (!message.has(kDe39ResponseCode)) return malformed("field 39: missing (response code)");
  Response response;
  const std::string_view de39 = trimRight(message.get(kDe39ResponseCode));
  response.response_code = dialect.flavour == Flavour::kIso93
                               ? responseCodeOfActionCode(de39, request.type)
                               : std::string(de39);
  response.rrn = textOf(message, kDe37Rrn);
  response.authorization_code = textOf(message, kDe38AuthorizationCode);
  response.icc_data = Bytes(message.bytes(kDe55IccData).begin(), message.bytes(kDe55IccData).end());
  if (message.has(kDe54AdditionalAmounts)) {
    const std::string_view de54 = message.get(kDe54AdditionalAmounts);
    POSIM_ASSIGN_OR_RETURN(response.ledger_balance, findAdditionalAmount(de54, "01"));
    POSIM_ASSIGN_OR_RETURN(response.available_balance, findAdditionalAmount(de54, "02"));
  }
  if (message.has(kDe4Amount) && request.type != TransactionType::kSettle) {
    const auto minor = parseNumber(message.get(kDe4Amount));
    if (!minor) {
      return malformed("field 4: '" + std::string(message.get(kDe4Amount)) + "' is not an amount");
    }
    Currency currency = request.amount.currency();
    if (message.has(kDe49Currency)) {
      POSIM_ASSIGN_OR_RETURN(currency, currencyOf(message.get(kDe49Currency), "field 49"));
    }
    const Money approved(static_cast<std::int64_t>(*minor), currency);
    if (approved != request.amount) response.approved_amount = approved;
  }
  if (request.type == TransactionType::kSettle) {
    response.batch_balanced = response.response_code == "00";
    response.host_totals = readTotals(message);
  }
  return response;
}

std::optional<iso8583::Message> formatErrorResponse(const Dialect& dialect,
                                                    const iso8583::Message& partial) {
  const std::string& mti = partial.mti();
  // A partial decode keeps malformed values as carried: only values the dialect can pack again
  // are echoed, and without a usable STAN and terminal id there is nobody to answer.
  const auto echoable = [&](int field) {
    const iso8583::FieldSpec* spec = dialect.field(field);
    return spec != nullptr && partial.has(field) &&
           iso8583::checkFieldValue(*spec, partial.get(field)).isOk();
  };
  if (!isRequestOrAdvice(mti) || !echoable(kDe11Stan) || !echoable(kDe41TerminalId)) {
    return std::nullopt;
  }
  Message out(responseMtiOf(mti));
  swapTpdu(partial, out);
  const int echoed[] = {kDe3ProcessingCode, kDe4Amount,      kDe7TransmissionDateTime,
                        kDe11Stan,          kDe41TerminalId, kDe42MerchantId,
                        kDe49Currency};
  for (int field : echoed) {
    if (echoable(field)) out.set(field, std::string(partial.get(field)));
  }
  if (dialect.field(kDe39ResponseCode)) {
    out.set(kDe39ResponseCode, dialect.flavour == Flavour::kIso93 ? "904" : "30");
  }
  return out;
}

iso8583::Message echoRequest(const Dialect& dialect, std::string_view stan, LocalDateTime now,
                             std::string_view terminal_id) {
  Request request;
  request.type = TransactionType::kEcho;
  request.stan = std::string(stan);
  request.transmitted_at = now;
  request.terminal_id = std::string(terminal_id);
  auto message = requestToMessage(dialect, request);
  if (message.isOk()) return *std::move(message);
  // A dialect too poor for an echo still gets one with what it has.
  Message fallback(requestMti(dialect, request));
  if (dialect.field(kDe11Stan)) fallback.set(kDe11Stan, std::string(stan));
  return fallback;
}

bool isNetworkManagement(std::string_view mti) {
  return mti.size() == 4 && mti[1] == '8';
}

Result<Bytes> packWithMac(const Dialect& dialect, iso8583::Message message,
                          const std::optional<Bytes>& mac_key) {
  // Any MAC the message carries is recomputed (or dropped without a key).
  if (dialect.mac_field != 0) message.remove(dialect.mac_field);
  message.remove(64);
  message.remove(128);
  if (!mac_key) return iso8583::pack(dialect, message);
  const int field = iso8583::macField(dialect, message);
  const FieldSpec* spec = dialect.field(field);
  if (spec == nullptr) {
    return invalidArgument("dialect '" + dialect.id + "' has no MAC field " +
                           std::to_string(field));
  }
  message.setBytes(field, Bytes(8, 0));
  Bytes packed;
  std::vector<iso8583::FieldLayout> layout;
  POSIM_RETURN_IF_ERROR(iso8583::pack(dialect, message, packed, &layout));
  const auto input = iso8583::macInput(packed, layout, field);
  const auto where = std::find_if(layout.begin(), layout.end(),
                                  [&](const iso8583::FieldLayout& l) { return l.field == field; });
  if (!input || where == layout.end()) {
    return internalError("MAC field " + std::to_string(field) + " not found in the packed message");
  }
  POSIM_ASSIGN_OR_RETURN(const Bytes mac, emv::crypto::macAlgorithm3(
                                              *mac_key, *input, emv::crypto::MacPadding::kMethod1));
  const std::size_t at = where->offset + where->prefix_size;
  if (where->size == 8) {
    std::copy(mac.begin(), mac.end(), packed.begin() + static_cast<std::ptrdiff_t>(at));
  } else if (where->size == 16) {
    const std::string hex = toHex(mac);
    std::copy(hex.begin(), hex.end(), packed.begin() + static_cast<std::ptrdiff_t>(at));
  } else {
    return invalidArgument("MAC field " + std::to_string(field) + " is " +
                           std::to_string(where->size) + " bytes on the wire, expected 8 or 16");
  }
  return packed;
}

Result<iso8583::Message> unpackWithMac(const Dialect& dialect, ByteView data,
                                       const std::optional<Bytes>& mac_key) {
  iso8583::Unpacked unpacked = iso8583::unpack(dialect, data);
  if (!unpacked.ok()) {
    const iso8583::Diagnostic& d = unpacked.diagnostics.front();
    return malformed("field " + std::to_string(d.field) + " at byte " + std::to_string(d.offset) +
                     ": " + d.message);
  }
  if (!mac_key) return std::move(unpacked.message);
  const int field = iso8583::macField(dialect, unpacked.message);
  if (!unpacked.message.has(field)) {
    return malformed("MAC missing: field " + std::to_string(field) + " absent");
  }
  const auto input = iso8583::macInput(data, unpacked.layout, field);
  if (!input) return malformed("MAC field " + std::to_string(field) + " not found in the layout");
  POSIM_ASSIGN_OR_RETURN(
      const bool good,
      emv::crypto::verifyMac(emv::crypto::MacAlgorithm::kAlgorithm3, *mac_key, *input,
                             emv::crypto::MacPadding::kMethod1, unpacked.message.bytes(field)));
  if (!good) return malformed("MAC does not verify (field " + std::to_string(field) + ")");
  return std::move(unpacked.message);
}

}  // namespace posim::acquirer
