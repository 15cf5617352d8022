#include "posim/acquirer/iso8583_mapping.h"

#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "posim/base/bytes.h"
#include "posim/base/clock.h"
#include "posim/base/money.h"
#include "posim/iso8583/codec.h"
#include "posim/scenarios/dialect_files.h"

#include "test_data.h"

namespace posim::acquirer {
namespace {

using iso8583::DataEncoding;
using iso8583::Dialect;
using iso8583::FieldSpec;
using iso8583::FieldType;
using iso8583::Flavour;
using iso8583::LengthKind;
using iso8583::Message;

// ---------------------------------------------------------------------------------------------
// Dialects: the built-in YAML dialects (examples/dialects/), and a 1993 variant closer to the
// standard (DE 22 POS data code, DE 25 message reason code, DE 56 original data, no DE 13/90)
// for the fallbacks of the mapping.

// A built-in dialect, from the YAML embedded in posim_scenarios. A file that does not load fails
// the test with its diagnostics (and leaves an empty dialect the mapping refuses).
const Dialect& builtin(std::string_view id) {
  static std::map<std::string, Dialect, std::less<>> cache;
  auto it = cache.find(id);
  if (it != cache.end()) return it->second;
  Dialect dialect;
  dialect.id = std::string(id);
  bool found = false;
  for (const scenarios::BuiltinDialectFile& file : scenarios::builtinDialectFiles()) {
    if (file.file != std::string(id) + ".yaml") continue;
    found = true;
    auto loaded = scenarios::loadDialectText(file.text, std::string(file.file));
    if (loaded.isOk()) {
      dialect = loaded.value();
    } else {
      ADD_FAILURE() << "built-in dialect " << id << " does not load:\n" << loaded.errorText();
    }
  }
  EXPECT_TRUE(found) << "no built-in dialect " << id;
  return cache.emplace(std::string(id), std::move(dialect)).first->second;
}

const Dialect& iso87() {
  return builtin("iso87-ascii");
}
const Dialect& iso87Hex() {
  return builtin("iso87-ascii-hex");
}
const Dialect& iso93() {
  return builtin("iso93-ascii");
}
const Dialect& cup() {
  return builtin("cup-pos");
}

FieldSpec field(int number, std::string name, FieldType type, LengthKind kind, std::size_t max) {
  FieldSpec spec;
  spec.number = number;
  spec.name = std::move(name);
  spec.type = type;
  spec.length_kind = kind;
  spec.max_length = max;
  return spec;
}

const Dialect& iso93Variant() {
  static const Dialect dialect = [] {
    Dialect d = iso93();
    d.id = "iso93-variant";
    auto set = [&](const FieldSpec& spec) {
      d.fields[static_cast<std::size_t>(spec.number)] = spec;
    };
    set(field(22, "POS data code", FieldType::kAlphaNumeric, LengthKind::kFixed, 12));
    set(field(25, "Message reason code", FieldType::kNumeric, LengthKind::kFixed, 4));
    set(field(56, "Original data elements", FieldType::kNumeric, LengthKind::kLL, 35));
    d.fields[13].reset();
    d.fields[90].reset();
    EXPECT_TRUE(d.validate().isOk()) << d.validate().toString();
    return d;
  }();
  return dialect;
}

// ---------------------------------------------------------------------------------------------
// Requests

Money cny(std::int64_t minor) {
  return Money(minor, *currencyByAlpha("CNY"));
}

LocalDateTime at(std::string_view iso) {
  auto parsed = parseIso8601(iso);
  EXPECT_TRUE(parsed.isOk()) << iso;
  return parsed.valueOr(LocalDateTime{});
}

OriginalData originalOf(TransactionType type) {
  OriginalData o;
  o.type = type;
  o.mti = type == TransactionType::kPreauth ? "0100" : "0200";
  o.stan = "000101";
  o.rrn = "507302000101";
  o.authorization_code = "A1B2C3";
  o.transmitted_at = at("2026-03-14T10:15:30+08:00");
  o.amount = cny(50000);
  return o;
}

Request requestOf(TransactionType type, MessageKind kind = MessageKind::kRequest,
                  std::optional<TransactionType> original = std::nullopt) {
  Request r;
  r.type = type;
  r.kind = kind;
  r.stan = "000123";
  r.transmitted_at = at("2026-03-14T10:17:45+08:00");
  r.terminal_id = "TERM0001";
  r.merchant_id = "123456789012345";
  r.batch_number = 7;
  r.amount = cny(12345);
  if (type == TransactionType::kEcho) {
    r.merchant_id.clear();
    r.batch_number = 0;
    r.amount = Money();
    return r;
  }
  if (type == TransactionType::kSettle) {
    r.amount = cny(0);
    r.totals = BatchTotals{3, 30000, 1, 2000, 1, 5000};
    return r;
  }
  r.pan = Pan("4761739001010010");
  r.pan_sequence_number = "001";
  r.track2 = "4761739001010010=28122011234567890000";
  r.expiry_yymm = "2812";
  r.pos_entry_mode = "051";
  r.merchant_category_code = "5814";
  r.pos_condition_code = "00";
  if (type == TransactionType::kPreauth || type == TransactionType::kCompletion) {
    r.pos_condition_code = "06";
  }
  if (type == TransactionType::kSale || type == TransactionType::kPreauth ||
      type == TransactionType::kBalance) {
    r.pin_block = hexBytes("621F91F5470F2CFE");
    r.icc_data = hexBytes("9F2608B912CED09B6094109F270180");
  }
  if (type == TransactionType::kBalance) r.amount = cny(0);
  if (type == TransactionType::kCompletion) original = TransactionType::kPreauth;
  if (!original && (type == TransactionType::kCancel || type == TransactionType::kRefund ||
                    type == TransactionType::kReversal)) {
    original = TransactionType::kSale;
  }
  if (original) {
    r.original = originalOf(*original);
    if (*original == TransactionType::kPreauth || *original == TransactionType::kCompletion) {
      r.pos_condition_code = "06";
    }
  }
  if (type == TransactionType::kCancel || type == TransactionType::kReversal) {
    r.amount = r.original->amount;
  }
  if (type == TransactionType::kReversal) r.reversal_reason = "98";
  if (kind == MessageKind::kAdvice &&
      (type == TransactionType::kSale || type == TransactionType::kCompletion ||
       type == TransactionType::kRefund)) {
    r.offline_authorization_code = "Y3";
  }
  return r;
}

void expectSameRequest(const Request& want, const Request& got, const std::string& what) {
  SCOPED_TRACE(what);
  EXPECT_EQ(got.type, want.type);
  EXPECT_EQ(got.kind, want.kind);
  EXPECT_EQ(got.repeat, want.repeat);
  EXPECT_EQ(got.pan, want.pan);
  EXPECT_EQ(got.pan_sequence_number, want.pan_sequence_number);
  EXPECT_EQ(got.track2, want.track2);
  EXPECT_EQ(got.expiry_yymm, want.expiry_yymm);
  EXPECT_EQ(got.pos_entry_mode, want.pos_entry_mode);
  EXPECT_EQ(got.pos_condition_code, want.pos_condition_code);
  EXPECT_EQ(toHex(got.pin_block), toHex(want.pin_block));
  EXPECT_EQ(toHex(got.icc_data), toHex(want.icc_data));
  EXPECT_EQ(got.amount, want.amount);
  EXPECT_EQ(got.amount.currency().alpha, want.amount.currency().alpha);
  EXPECT_EQ(got.other_amount, want.other_amount);
  EXPECT_EQ(got.stan, want.stan);
  EXPECT_EQ(got.transmitted_at.instant, want.transmitted_at.instant);
  EXPECT_EQ(got.transmitted_at.utc_offset, want.transmitted_at.utc_offset);
  EXPECT_EQ(got.terminal_id, want.terminal_id);
  EXPECT_EQ(got.merchant_id, want.merchant_id);
  EXPECT_EQ(got.merchant_category_code, want.merchant_category_code);
  EXPECT_EQ(got.batch_number, want.batch_number);
  ASSERT_EQ(got.original.has_value(), want.original.has_value());
  if (want.original) {
    EXPECT_EQ(got.original->type, want.original->type);
    EXPECT_EQ(got.original->mti, want.original->mti);
    EXPECT_EQ(got.original->stan, want.original->stan);
    EXPECT_EQ(got.original->rrn, want.original->rrn);
    EXPECT_EQ(got.original->authorization_code, want.original->authorization_code);
    EXPECT_EQ(got.original->transmitted_at.instant, want.original->transmitted_at.instant);
    EXPECT_EQ(got.original->transmitted_at.utc_offset, want.original->transmitted_at.utc_offset);
    EXPECT_EQ(got.original->amount, want.original->amount);
  }
  EXPECT_EQ(got.reversal_reason, want.reversal_reason);
  EXPECT_EQ(got.offline_authorization_code, want.offline_authorization_code);
  EXPECT_EQ(got.totals, want.totals);
}

// Through the wire: map, pack, unpack, map back with the host's clock `reference`.
Result<Request> overTheWire(const Dialect& dialect, const Request& request,
                            LocalDateTime reference) {
  POSIM_ASSIGN_OR_RETURN(const Message message, requestToMessage(dialect, request));
  POSIM_ASSIGN_OR_RETURN(const Bytes packed, iso8583::pack(dialect, message));
  POSIM_ASSIGN_OR_RETURN(const Message unpacked, iso8583::unpackMessage(dialect, packed));
  EXPECT_EQ(unpacked.mti(), message.mti());
  return requestFromMessage(dialect, unpacked, reference);
}

LocalDateTime later(const LocalDateTime& t, Duration d) {
  return {t.instant + d, t.utc_offset};
}

std::vector<const Dialect*> flavours() {
  return {&iso87(), &iso93(), &cup()};
}
std::vector<const Dialect*> allDialects() {
  return {&iso87(), &iso87Hex(), &iso93(), &cup(), &iso93Variant()};
}

// ---------------------------------------------------------------------------------------------
// Request mapping per flavour (DOMAIN.md §4.2)

Message mapped(const Dialect& dialect, const Request& request) {
  auto message = requestToMessage(dialect, request);
  EXPECT_TRUE(message.isOk()) << message.status().toString();
  return message.valueOr(Message());
}

TEST(Iso8583MappingTest, Iso87SaleCarriesTheDataElements) {
  Request sale = requestOf(TransactionType::kSale);
  const Message m = mapped(iso87(), sale);
  EXPECT_EQ(m.mti(), "0200");
  EXPECT_EQ(m.get(2), "4761739001010010");
  EXPECT_EQ(m.get(3), "000000");
  EXPECT_EQ(m.get(4), "000000012345");
  EXPECT_EQ(m.get(7), "0314021745");  // UTC
  EXPECT_EQ(m.get(11), "000123");
  EXPECT_EQ(m.get(12), "101745");  // local
  EXPECT_EQ(m.get(13), "0314");
  EXPECT_EQ(m.get(14), "2812");
  EXPECT_EQ(m.get(18), "5814");
  EXPECT_EQ(m.get(22), "051");
  EXPECT_EQ(m.get(23), "001");
  EXPECT_EQ(m.get(25), "00");
  EXPECT_EQ(m.get(35), "4761739001010010=28122011234567890000");
  EXPECT_EQ(m.get(41), "TERM0001");
  EXPECT_EQ(m.get(42), "123456789012345");
  EXPECT_EQ(m.get(49), "156");
  EXPECT_EQ(toHex(m.bytes(52)), "621F91F5470F2CFE");
  EXPECT_EQ(toHex(m.bytes(55)), "9F2608B912CED09B6094109F270180");
  EXPECT_EQ(m.get(60), "000007");
  EXPECT_FALSE(m.has(48));  // nothing the native fields cannot say
  EXPECT_FALSE(m.has(90));

  sale.other_amount = cny(1000);
  const Message cashback = mapped(iso87(), sale);
  EXPECT_EQ(cashback.get(3), "090000");
  EXPECT_EQ(cashback.get(54), "0040156C000000001000");
}

TEST(Iso8583MappingTest, Iso87MtisAndCodesPerType) {
  struct Row {
    Request request;
    std::string mti, de3, de25, de90_mti;
  };
  Request repeat_reversal = requestOf(TransactionType::kReversal, MessageKind::kAdvice);
  repeat_reversal.repeat = true;
  const Row rows[] = {
      {requestOf(TransactionType::kSale), "0200", "000000", "00", ""},
      {requestOf(TransactionType::kSale, MessageKind::kAdvice), "0220", "000000", "00", ""},
      {requestOf(TransactionType::kPreauth), "0100", "000000", "06", ""},
      {requestOf(TransactionType::kCompletion), "0200", "000000", "06", "0100"},
      {requestOf(TransactionType::kCompletion, MessageKind::kAdvice), "0220", "000000", "06",
       "0100"},
      {requestOf(TransactionType::kCancel), "0400", "000000", "00", "0200"},
      {requestOf(TransactionType::kCancel, MessageKind::kRequest, TransactionType::kPreauth),
       "0400", "000000", "06", "0100"},
      {requestOf(TransactionType::kRefund), "0200", "200000", "00", "0200"},
      {requestOf(TransactionType::kReversal), "0400", "000000", "00", "0200"},
      {requestOf(TransactionType::kReversal, MessageKind::kRequest, TransactionType::kRefund),
       "0400", "200000", "00", "0200"},
      {repeat_reversal, "0421", "000000", "00", "0200"},
      {requestOf(TransactionType::kBalance), "0100", "310000", "00", ""},
      {requestOf(TransactionType::kEcho), "0800", "", "", ""},
      {requestOf(TransactionType::kSettle), "0500", "", "", ""},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(std::string(transactionTypeName(row.request.type)) + " " + row.mti);
    const Message m = mapped(iso87(), row.request);
    EXPECT_EQ(m.mti(), row.mti);
    EXPECT_EQ(m.get(3), row.de3);
    EXPECT_EQ(m.get(25), row.de25);
    EXPECT_EQ(m.get(90).substr(0, 4), row.de90_mti);
  }
  // The original data elements, DOMAIN.md §4.3: MTI, STAN, DE 7 (UTC), two 11-digit ids.
  const Message reversal = mapped(iso87(), requestOf(TransactionType::kReversal));
  EXPECT_EQ(reversal.get(90), "020000010103140215300000000000000000000000");
  EXPECT_EQ(reversal.get(11), "000123");  // a new STAN
  EXPECT_EQ(reversal.get(39), "98");      // reversal reason
  EXPECT_EQ(reversal.get(37), "507302000101");
  EXPECT_EQ(reversal.get(38), "A1B2C3");
  const Message completion = mapped(iso87(), requestOf(TransactionType::kCompletion));
  EXPECT_EQ(completion.get(38), "A1B2C3");
  const Message advice = mapped(iso87(), requestOf(TransactionType::kSale, MessageKind::kAdvice));
  EXPECT_EQ(advice.get(39), "Y3");
  const Message echo = mapped(iso87(), requestOf(TransactionType::kEcho));
  EXPECT_EQ(echo.get(70), "301");
  EXPECT_FALSE(echo.has(4));
  const Message settle = mapped(iso87(), requestOf(TransactionType::kSettle));
  EXPECT_EQ(settle.get(74), "0000000001");  // refunds
  EXPECT_EQ(settle.get(76), "0000000003");  // sales + completions
  EXPECT_EQ(settle.get(77), "0000000001");  // cancels
  EXPECT_EQ(settle.get(86), "0000000000002000");
  EXPECT_EQ(settle.get(88), "0000000000030000");
  EXPECT_EQ(settle.get(89), "0000000000005000");
  // A refund names its original in DE 90, 37 and 38; only its amount needs the private field.
  EXPECT_EQ(mapped(iso87(), requestOf(TransactionType::kRefund)).get(48),
            "PS1OA20156C0000000000050000");
  // A cancel is a reversal on the wire: the private field says which.
  const Message cancel = mapped(iso87(), requestOf(TransactionType::kCancel));
  EXPECT_NE(cancel.get(48).find("TY06cancel"), std::string_view::npos) << cancel.get(48);
}

TEST(Iso8583MappingTest, Iso93MtisAndFunctionCodes) {
  struct Row {
    Request request;
    std::string mti, de3, de24;
  };
  Request partial = requestOf(TransactionType::kCompletion);
  partial.amount = cny(42380);
  const Row rows[] = {
      {requestOf(TransactionType::kSale), "1200", "000000", "200"},
      {requestOf(TransactionType::kPreauth), "1100", "000000", "101"},
      {requestOf(TransactionType::kCompletion, MessageKind::kAdvice), "1220", "000000", "202"},
      {partial, "1200", "000000", "202"},
      {requestOf(TransactionType::kCancel, MessageKind::kAdvice), "1420", "000000", "400"},
      {requestOf(TransactionType::kReversal), "1400", "000000", "400"},
      {requestOf(TransactionType::kRefund), "1200", "200000", "200"},
      {requestOf(TransactionType::kBalance), "1100", "310000", "108"},
      {requestOf(TransactionType::kEcho), "1804", "", "831"},
      {requestOf(TransactionType::kSettle), "1520", "", "500"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(std::string(transactionTypeName(row.request.type)) + " " + row.mti);
    const Message m = mapped(iso93(), row.request);
    EXPECT_EQ(m.mti(), row.mti);
    EXPECT_EQ(m.get(3), row.de3);
    EXPECT_EQ(m.get(24), row.de24);
    EXPECT_EQ(m.has(25), row.request.type != TransactionType::kEcho &&
                             row.request.type != TransactionType::kSettle);
    // Where DE 25 is the 1993 message reason code (n4), it is left alone.
    EXPECT_FALSE(mapped(iso93Variant(), row.request).has(25));
  }
  Request same = requestOf(TransactionType::kCompletion);
  same.amount = same.original->amount;
  EXPECT_EQ(mapped(iso93(), same).get(24), "201");
  const Message sale = mapped(iso93(), requestOf(TransactionType::kSale));
  EXPECT_EQ(sale.get(12), "260314101745");  // YYMMDDhhmmss, local
  EXPECT_EQ(sale.get(7), "0314021745");
  const Message reversal = mapped(iso93(), requestOf(TransactionType::kReversal));
  EXPECT_EQ(reversal.get(90), "020000010103140215300000000000000000000000");
  EXPECT_FALSE(reversal.has(39));  // the reason travels privately (DE 39 is an action code)
  EXPECT_NE(reversal.get(48).find("RR0298"), std::string_view::npos) << reversal.get(48);
  // Without DE 90: DE 56, original MTI, STAN and UTC YYMMDDhhmmss.
  EXPECT_EQ(mapped(iso93Variant(), requestOf(TransactionType::kReversal)).get(56),
            "0200000101260314021530");
}

TEST(Iso8583MappingTest, CupMessageTypeCodes) {
  struct Row {
    Request request;
    std::string mti, de3, de25, de60_1;
  };
  const Row rows[] = {
      {requestOf(TransactionType::kSale), "0200", "000000", "00", "22"},
      {requestOf(TransactionType::kPreauth), "0100", "030000", "06", "10"},
      {requestOf(TransactionType::kCompletion), "0200", "000000", "06", "20"},
      {requestOf(TransactionType::kCompletion, MessageKind::kAdvice), "0220", "000000", "06", "24"},
      {requestOf(TransactionType::kCancel), "0200", "200000", "00", "23"},
      {requestOf(TransactionType::kCancel, MessageKind::kRequest, TransactionType::kPreauth),
       "0100", "200000", "06", "11"},
      {requestOf(TransactionType::kCancel, MessageKind::kRequest, TransactionType::kCompletion),
       "0200", "200000", "06", "21"},
      {requestOf(TransactionType::kRefund), "0220", "200000", "00", "25"},
      {requestOf(TransactionType::kBalance), "0200", "310000", "00", "01"},
      {requestOf(TransactionType::kReversal, MessageKind::kRequest, TransactionType::kPreauth),
       "0400", "030000", "06", "10"},
      {requestOf(TransactionType::kEcho), "0820", "", "", "00"},
      {requestOf(TransactionType::kSettle), "0500", "", "", "00"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(std::string(transactionTypeName(row.request.type)) + " " + row.mti);
    const Message m = mapped(cup(), row.request);
    EXPECT_EQ(m.mti(), row.mti);
    EXPECT_EQ(m.get(3), row.de3);
    EXPECT_EQ(m.get(25), row.de25);
    EXPECT_EQ(m.get(60).substr(0, 2), row.de60_1);
  }
  const Message sale = mapped(cup(), requestOf(TransactionType::kSale));
  EXPECT_EQ(sale.get(60), "22000007000");  // 60.1, 60.2 batch, 60.3
  EXPECT_FALSE(sale.has(7));               // CUP POS has local time only
  EXPECT_EQ(sale.get(12), "101745");
  EXPECT_EQ(sale.get(13), "0314");
  EXPECT_EQ(mapped(cup(), requestOf(TransactionType::kEcho)).get(60).substr(8), "301");
  EXPECT_EQ(mapped(cup(), requestOf(TransactionType::kSettle)).get(60).substr(8), "201");
  const Message reversal = mapped(cup(), requestOf(TransactionType::kReversal));
  EXPECT_EQ(reversal.get(39), "98");
  EXPECT_EQ(reversal.get(61), "0000070001010314");  // original batch, STAN, MMDD
}

// ---------------------------------------------------------------------------------------------
// Round trips: everything in a Request survives requestToMessage -> requestFromMessage.

TEST(Iso8583MappingTest, EveryTypeKindAndFlavourRoundTrips) {
  const TransactionType types[] = {
      TransactionType::kSale,    TransactionType::kPreauth, TransactionType::kCompletion,
      TransactionType::kCancel,  TransactionType::kRefund,  TransactionType::kReversal,
      TransactionType::kBalance, TransactionType::kEcho,    TransactionType::kSettle};
  for (const Dialect* dialect : allDialects()) {
    for (TransactionType type : types) {
      for (MessageKind kind : {MessageKind::kRequest, MessageKind::kAdvice}) {
        for (bool repeat : {false, true}) {
          Request request = requestOf(type, kind);
          request.repeat = repeat;
          const std::string what = dialect->id + " " + std::string(transactionTypeName(type)) +
                                   (kind == MessageKind::kAdvice ? " advice" : " request") +
                                   (repeat ? " repeat" : "");
          for (Duration host_later :
               {Duration(std::chrono::seconds(1)), Duration(std::chrono::hours(24 * 100))}) {
            auto back = overTheWire(*dialect, request, later(request.transmitted_at, host_later));
            ASSERT_TRUE(back.isOk()) << what << ": " << back.status().toString();
            expectSameRequest(request, *back, what);
          }
        }
      }
    }
  }
}

TEST(Iso8583MappingTest, OriginalsOfEveryTypeRoundTrip) {
  const TransactionType originals[] = {TransactionType::kSale,       TransactionType::kPreauth,
                                       TransactionType::kCompletion, TransactionType::kRefund,
                                       TransactionType::kCancel,     TransactionType::kBalance};
  for (const Dialect* dialect : allDialects()) {
    for (TransactionType original : originals) {
      for (TransactionType type :
           {TransactionType::kCancel, TransactionType::kReversal, TransactionType::kRefund}) {
        Request request = requestOf(type, MessageKind::kRequest, original);
        // An original in another time zone, a partial amount, a sale with cashback.
        request.original->transmitted_at.utc_offset = std::chrono::minutes(-330);
        request.amount = cny(777);
        const std::string what = dialect->id + " " + std::string(transactionTypeName(type)) +
                                 " of " + std::string(transactionTypeName(original));
        auto back = overTheWire(*dialect, request, request.transmitted_at);
        ASSERT_TRUE(back.isOk()) << what << ": " << back.status().toString();
        expectSameRequest(request, *back, what);
      }
    }
    Request sale = requestOf(TransactionType::kSale);
    sale.other_amount = cny(5000);
    sale.pos_condition_code = "08";  // MOTO
    auto back = overTheWire(*dialect, sale, sale.transmitted_at);
    ASSERT_TRUE(back.isOk()) << back.status().toString();
    expectSameRequest(sale, *back, dialect->id + " cashback sale");
  }
}

TEST(Iso8583MappingTest, YearOfDe7IsTheNearestToTheReference) {
  // Sent a few seconds before midnight UTC on New Year's Eve; the host reads it just after.
  Request request = requestOf(TransactionType::kSale);
  request.transmitted_at = at("2026-12-31T23:59:58+00:00");
  const Message m = mapped(iso87(), request);
  EXPECT_EQ(m.get(7), "1231235958");
  auto back = requestFromMessage(iso87(), m, at("2027-01-01T00:00:03+00:00"));
  ASSERT_TRUE(back.isOk()) << back.status().toString();
  EXPECT_EQ(back->transmitted_at.instant, request.transmitted_at.instant);

  // Sent just after New Year; the host's clock lags behind.
  request.transmitted_at = at("2027-01-01T00:00:02+00:00");
  back = requestFromMessage(iso87(), mapped(iso87(), request), at("2026-12-31T23:59:59+00:00"));
  ASSERT_TRUE(back.isOk()) << back.status().toString();
  EXPECT_EQ(back->transmitted_at.instant, request.transmitted_at.instant);

  // Local New Year in Shanghai while UTC is still in December: DE 13 0101, DE 7 1231.
  request.transmitted_at = at("2027-01-01T00:30:00+08:00");
  const Message shanghai = mapped(iso87(), request);
  EXPECT_EQ(shanghai.get(7), "1231163000");
  EXPECT_EQ(shanghai.get(13), "0101");
  EXPECT_EQ(shanghai.get(12), "003000");
  back = requestFromMessage(iso87(), shanghai, at("2027-01-01T01:00:00+08:00"));
  ASSERT_TRUE(back.isOk()) << back.status().toString();
  EXPECT_EQ(back->transmitted_at.instant, request.transmitted_at.instant);
  EXPECT_EQ(back->transmitted_at.utc_offset, std::chrono::minutes(480));

  // An original sent in December, reversed in January: DE 90 has no year either.
  Request reversal = requestOf(TransactionType::kReversal);
  reversal.transmitted_at = at("2027-01-01T00:01:00+00:00");
  reversal.original->transmitted_at = at("2026-12-31T23:59:00+00:00");
  back = requestFromMessage(iso87(), mapped(iso87(), reversal), at("2027-01-01T00:01:01+00:00"));
  ASSERT_TRUE(back.isOk()) << back.status().toString();
  EXPECT_EQ(back->original->transmitted_at.instant, reversal.original->transmitted_at.instant);
  EXPECT_FALSE(mapped(iso87(), reversal).has(48));  // DE 90 said it all
}

TEST(Iso8583MappingTest, HostDecodesTheVectorsOfAnotherTerminal) {
  const Json vectors = test::loadJson("vectors/iso8583_default.json");
  auto vector = [&](std::string_view name) -> Bytes {
    for (const Json& v : vectors.asArray()) {
      if (v.find("name")->asString() == name) return hexBytes(v.find("encoded_hex")->asString());
    }
    ADD_FAILURE() << name;
    return {};
  };
  const LocalDateTime host_now = at("2025-03-14T10:20:00+08:00");
  auto purchase = unpackWithMac(iso87(), vector("0200_purchase_request"), std::nullopt);
  ASSERT_TRUE(purchase.isOk()) << purchase.status().toString();
  auto sale = requestFromMessage(iso87(), *purchase, host_now);
  ASSERT_TRUE(sale.isOk()) << sale.status().toString();
  EXPECT_EQ(sale->type, TransactionType::kSale);
  EXPECT_EQ(sale->kind, MessageKind::kRequest);
  EXPECT_EQ(sale->amount, cny(12345));
  EXPECT_EQ(formatIso8601(sale->transmitted_at), "2025-03-14T10:15:45+08:00");
  EXPECT_EQ(sale->pos_entry_mode, "051");
  EXPECT_EQ(sale->terminal_id, "TERM0001");
  EXPECT_EQ(toHex(sale->pin_block), "621F91F5470F2CFE");
  EXPECT_FALSE(sale->original.has_value());

  auto advice_message = unpackWithMac(iso87(), vector("0420_reversal_advice"), std::nullopt);
  ASSERT_TRUE(advice_message.isOk()) << advice_message.status().toString();
  auto advice = requestFromMessage(iso87(), *advice_message, host_now);
  ASSERT_TRUE(advice.isOk()) << advice.status().toString();
  EXPECT_EQ(advice->type, TransactionType::kReversal);
  EXPECT_EQ(advice->kind, MessageKind::kAdvice);
  EXPECT_EQ(advice->stan, "000106");
  ASSERT_TRUE(advice->original.has_value());
  EXPECT_EQ(advice->original->mti, "0200");
  EXPECT_EQ(advice->original->type, TransactionType::kSale);
  EXPECT_EQ(advice->original->stan, "000104");
  EXPECT_EQ(advice->original->rrn, "507302000104");
  EXPECT_EQ(advice->original->authorization_code, "654321");
  EXPECT_EQ(formatIso8601(advice->original->transmitted_at), "2025-03-14T10:15:45+08:00");

  auto refund_message = unpackWithMac(iso87(), vector("0200_refund_request"), std::nullopt);
  ASSERT_TRUE(refund_message.isOk()) << refund_message.status().toString();
  auto refund = requestFromMessage(iso87(), *refund_message, at("2025-03-18T11:10:05+08:00"));
  ASSERT_TRUE(refund.isOk()) << refund.status().toString();
  EXPECT_EQ(refund->type, TransactionType::kRefund);
  EXPECT_EQ(refund->original->stan, "000104");
}

TEST(Iso8583MappingTest, SomebodyElsesPrivateDataIsIgnored) {
  Message sale = mapped(iso87(), requestOf(TransactionType::kSale));
  sale.set(48, "TY06cancel");  // no posim marker
  auto back = requestFromMessage(iso87(), sale, at("2026-03-14T10:17:46+08:00"));
  ASSERT_TRUE(back.isOk()) << back.status().toString();
  EXPECT_EQ(back->type, TransactionType::kSale);
  sale.set(48, "PS1TY99cancel");  // ours, but broken: ignored as a whole
  back = requestFromMessage(iso87(), sale, at("2026-03-14T10:17:46+08:00"));
  ASSERT_TRUE(back.isOk()) << back.status().toString();
  EXPECT_EQ(back->type, TransactionType::kSale);
  sale.set(48, "PS1TY04void");  // ours, with a type posim does not know
  back = requestFromMessage(iso87(), sale, at("2026-03-14T10:17:46+08:00"));
  ASSERT_FALSE(back.isOk());
  EXPECT_EQ(back.status().code(), StatusCode::kMalformed);
}

TEST(Iso8583MappingTest, MissingFieldsAreNamed) {
  Dialect poor = iso87();
  poor.id = "poor";
  poor.fields[41].reset();
  auto message = requestToMessage(poor, requestOf(TransactionType::kSale));
  ASSERT_FALSE(message.isOk());
  EXPECT_EQ(message.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(message.status().message().find("field 41"), std::string::npos)
      << message.status().message();

  poor = iso87();
  poor.fields[48].reset();
  poor.fields[63].reset();
  message = requestToMessage(poor, requestOf(TransactionType::kCancel));
  ASSERT_FALSE(message.isOk());
  EXPECT_NE(message.status().message().find("private field"), std::string::npos);
  // A sale says everything natively and needs no private field.
  EXPECT_TRUE(requestToMessage(poor, requestOf(TransactionType::kSale)).isOk());

  Message bad = mapped(iso87(), requestOf(TransactionType::kSale));
  bad.remove(11);
  auto host = requestFromMessage(iso87(), bad, at("2026-03-14T10:17:46+08:00"));
  ASSERT_FALSE(host.isOk());
  EXPECT_EQ(host.status().code(), StatusCode::kMalformed);
  EXPECT_NE(host.status().message().find("field 11"), std::string::npos);
  bad = mapped(iso87(), requestOf(TransactionType::kSale));
  bad.set(49, "000");
  host = requestFromMessage(iso87(), bad, at("2026-03-14T10:17:46+08:00"));
  ASSERT_FALSE(host.isOk());
  EXPECT_NE(host.status().message().find("field 49"), std::string::npos);
  bad = mapped(iso87(), requestOf(TransactionType::kSale));
  bad.set(7, "1332000000");
  host = requestFromMessage(iso87(), bad, at("2026-03-14T10:17:46+08:00"));
  ASSERT_FALSE(host.isOk());
  EXPECT_NE(host.status().message().find("field 7"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// Responses

TEST(Iso8583MappingTest, ActionCodeTableRoundTrips) {
  EXPECT_EQ(iso93ActionCode("00", TransactionType::kSale), "000");
  EXPECT_EQ(iso93ActionCode("05", TransactionType::kSale), "100");
  EXPECT_EQ(iso93ActionCode("51", TransactionType::kSale), "116");
  EXPECT_EQ(iso93ActionCode("55", TransactionType::kSale), "117");
  EXPECT_EQ(iso93ActionCode("54", TransactionType::kSale), "101");
  EXPECT_EQ(iso93ActionCode("91", TransactionType::kSale), "911");
  EXPECT_EQ(iso93ActionCode("94", TransactionType::kSale), "913");
  EXPECT_EQ(iso93ActionCode("30", TransactionType::kSale), "904");
  EXPECT_EQ(iso93ActionCode("00", TransactionType::kReversal), "400");
  EXPECT_EQ(iso93ActionCode("00", TransactionType::kCancel), "400");
  EXPECT_EQ(iso93ActionCode("00", TransactionType::kSettle), "500");
  EXPECT_EQ(iso93ActionCode("95", TransactionType::kSettle), "501");
  EXPECT_EQ(iso93ActionCode("ZZ", TransactionType::kSale), "100");
  EXPECT_EQ(responseCodeOfActionCode("400", TransactionType::kReversal), "00");
  EXPECT_EQ(responseCodeOfActionCode("501", TransactionType::kSettle), "95");
  EXPECT_EQ(responseCodeOfActionCode("999", TransactionType::kSale), "05");
  for (std::string_view code :
       {"00", "01", "03", "04", "05", "10", "12", "13", "14", "25", "30", "41", "43",
        "51", "54", "55", "57", "58", "61", "62", "65", "75", "91", "94", "96", "A0"}) {
    for (TransactionType type : {TransactionType::kSale, TransactionType::kReversal}) {
      const std::string action = iso93ActionCode(code, type);
      EXPECT_EQ(action.size(), 3U);
      EXPECT_EQ(responseCodeOfActionCode(action, type), code) << action;
    }
  }
}

const Bytes& tak() {
  static const Bytes key = hexBytes("89ABCDEF01234567FEDCBA9876543210");
  return key;
}

Response fullResponse() {
  Response r;
  r.response_code = "00";
  r.authorization_code = "A1B2C3";
  r.rrn = "507302000123";
  r.icc_data = hexBytes("910A6E17759C86714F1A0012");
  return r;
}

TEST(Iso8583MappingTest, ResponsesRoundTripPerFlavour) {
  for (const Dialect* dialect : flavours()) {
    SCOPED_TRACE(dialect->id);
    const Request sale = requestOf(TransactionType::kSale);
    const Message request_message = mapped(*dialect, sale);
    ASSERT_EQ(request_message.mti().size(), 4U);
    Response approved = fullResponse();
    approved.approved_amount = cny(10000);  // partial approval
    const Message m = responseToMessage(*dialect, request_message, approved);
    EXPECT_EQ(m.mti(), Message::responseMti(request_message.mti()));
    EXPECT_EQ(m.get(11), "000123");
    EXPECT_EQ(m.get(41), "TERM0001");
    EXPECT_EQ(m.get(42), "123456789012345");
    EXPECT_EQ(m.get(37), "507302000123");
    EXPECT_EQ(m.get(38), "A1B2C3");
    EXPECT_EQ(m.get(39), dialect->flavour == Flavour::kIso93 ? "000" : "00");
    EXPECT_EQ(m.get(4), "000000010000");
    EXPECT_FALSE(m.has(52));
    EXPECT_FALSE(m.has(35));
    auto packed = iso8583::pack(*dialect, m);
    ASSERT_TRUE(packed.isOk()) << packed.status().toString();
    auto back = responseFromMessage(*dialect, *iso8583::unpackMessage(*dialect, *packed), sale);
    ASSERT_TRUE(back.isOk()) << back.status().toString();
    EXPECT_EQ(back->response_code, "00");
    EXPECT_EQ(back->authorization_code, "A1B2C3");
    EXPECT_EQ(back->rrn, "507302000123");
    EXPECT_EQ(toHex(back->icc_data), "910A6E17759C86714F1A0012");
    EXPECT_EQ(back->approved_amount, cny(10000));
    EXPECT_FALSE(back->batch_balanced.has_value());

    Response declined;
    declined.response_code = "51";
    back =
        responseFromMessage(*dialect, responseToMessage(*dialect, request_message, declined), sale);
    ASSERT_TRUE(back.isOk()) << back.status().toString();
    EXPECT_EQ(back->response_code, "51");
    EXPECT_FALSE(back->approved_amount.has_value());  // DE 4 echoed: the amount requested

    const Request balance = requestOf(TransactionType::kBalance);
    Response balances = fullResponse();
    balances.ledger_balance = cny(123456);
    balances.available_balance = cny(-100000);
    const Message balance_response =
        responseToMessage(*dialect, mapped(*dialect, balance), balances);
    back = responseFromMessage(*dialect, balance_response, balance);
    ASSERT_TRUE(back.isOk()) << back.status().toString();
    EXPECT_EQ(back->available_balance, cny(-100000));
    if (dialect->flavour == Flavour::kCup) {  // one amount set: the available balance
      EXPECT_EQ(balance_response.get(54), "0002156D000000100000");
      EXPECT_FALSE(back->ledger_balance.has_value());
    } else {
      EXPECT_EQ(balance_response.get(54), "0001156C0000001234560002156D000000100000");
      EXPECT_EQ(back->ledger_balance, cny(123456));
    }

    const Request reversal = requestOf(TransactionType::kReversal);
    const Message reversal_response =
        responseToMessage(*dialect, mapped(*dialect, reversal), fullResponse());
    EXPECT_EQ(reversal_response.get(39), dialect->flavour == Flavour::kIso93 ? "400" : "00");
    back = responseFromMessage(*dialect, reversal_response, reversal);
    ASSERT_TRUE(back.isOk()) << back.status().toString();
    EXPECT_EQ(back->response_code, "00");

    const Request settle = requestOf(TransactionType::kSettle);
    Response unbalanced;
    unbalanced.response_code = "95";
    unbalanced.batch_balanced = false;
    unbalanced.host_totals = BatchTotals{2, 20000, 1, 2000, 0, 0};
    const Message settle_response =
        responseToMessage(*dialect, mapped(*dialect, settle), unbalanced);
    EXPECT_EQ(settle_response.mti(), dialect->flavour == Flavour::kIso93 ? "1530" : "0510");
    EXPECT_EQ(settle_response.get(39), dialect->flavour == Flavour::kIso93 ? "501" : "95");
    back = responseFromMessage(*dialect, settle_response, settle);
    ASSERT_TRUE(back.isOk()) << back.status().toString();
    EXPECT_EQ(back->response_code, "95");
    EXPECT_EQ(back->batch_balanced, false);
    if (dialect->field(74)) {
      EXPECT_EQ(back->host_totals, unbalanced.host_totals);
    }
  }
}

TEST(Iso8583MappingTest, CupResponsesSwapTheTpduAddresses) {
  Message request = mapped(cup(), requestOf(TransactionType::kSale));
  request.setTpdu(hexBytes("6000031234"));
  request.setHeader(hexBytes("613100000000"));
  const Message response = responseToMessage(cup(), request, fullResponse());
  EXPECT_EQ(toHex(response.tpdu()), "6012340003");
  EXPECT_EQ(toHex(response.header()), "613100000000");
  EXPECT_EQ(response.get(60), request.get(60));
  auto packed = packWithMac(cup(), response, tak());
  ASSERT_TRUE(packed.isOk()) << packed.status().toString();
  auto back = unpackWithMac(cup(), *packed, tak());
  ASSERT_TRUE(back.isOk()) << back.status().toString();
  auto answer = responseFromMessage(cup(), *back, requestOf(TransactionType::kSale));
  ASSERT_TRUE(answer.isOk()) << answer.status().toString();
  EXPECT_EQ(answer->authorization_code, "A1B2C3");
}

TEST(Iso8583MappingTest, ResponsesThatDoNotAnswerAreMalformed) {
  const Request sale = requestOf(TransactionType::kSale);
  const Message good = responseToMessage(iso87(), mapped(iso87(), sale), fullResponse());
  ASSERT_TRUE(responseFromMessage(iso87(), good, sale).isOk());

  Message wrong = good;
  wrong.setMti("0110");
  auto r = responseFromMessage(iso87(), wrong, sale);
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().code(), StatusCode::kMalformed);
  EXPECT_NE(r.status().message().find("0110"), std::string::npos);
  wrong = good;
  wrong.set(11, "000124");
  r = responseFromMessage(iso87(), wrong, sale);
  ASSERT_FALSE(r.isOk());
  EXPECT_NE(r.status().message().find("field 11"), std::string::npos);
  wrong = good;
  wrong.set(41, "TERM0002");
  r = responseFromMessage(iso87(), wrong, sale);
  ASSERT_FALSE(r.isOk());
  EXPECT_NE(r.status().message().find("field 41"), std::string::npos);
  wrong = good;
  wrong.remove(39);
  r = responseFromMessage(iso87(), wrong, sale);
  ASSERT_FALSE(r.isOk());
  EXPECT_NE(r.status().message().find("field 39"), std::string::npos);

  // A repeated reversal (0401) is answered by 0410.
  Request repeat = requestOf(TransactionType::kReversal);
  repeat.repeat = true;
  const Message repeat_message = mapped(iso87(), repeat);
  EXPECT_EQ(repeat_message.mti(), "0401");
  Message answer = responseToMessage(iso87(), repeat_message, fullResponse());
  answer.setMti("0410");
  EXPECT_TRUE(responseFromMessage(iso87(), answer, repeat).isOk());
}

TEST(Iso8583MappingTest, FormatErrorAnswersWhatCouldBeRead) {
  Message partial("0200");
  partial.set(11, "000777");
  partial.set(41, "TERM0009");
  auto answer = formatErrorResponse(iso87(), partial);
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->mti(), "0210");
  EXPECT_EQ(answer->get(39), "30");
  EXPECT_EQ(answer->get(11), "000777");
  EXPECT_EQ(answer->get(41), "TERM0009");
  partial.setMti("1200");
  answer = formatErrorResponse(iso93(), partial);
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->mti(), "1210");
  EXPECT_EQ(answer->get(39), "904");

  Message no_stan("0200");
  no_stan.set(41, "TERM0009");
  EXPECT_FALSE(formatErrorResponse(iso87(), no_stan).has_value());
  Message no_mti;
  no_mti.set(11, "000777");
  no_mti.set(41, "TERM0009");
  EXPECT_FALSE(formatErrorResponse(iso87(), no_mti).has_value());
}

// Found by tests/fuzz (fuzz_host): a partial decode keeps a malformed value as carried, and the
// format error answer echoing it could not be packed, so the host dropped the connection.
TEST(Iso8583MappingTest, FormatErrorEchoesOnlyValuesTheDialectCanPack) {
  Message partial("0200");
  partial.set(4, "00000000AB00");  // not digits: left out of the answer
  partial.set(11, "000777");
  partial.set(41, "TERM0009");
  auto answer = formatErrorResponse(iso87(), partial);
  ASSERT_TRUE(answer.has_value());
  EXPECT_FALSE(answer->has(4));
  EXPECT_EQ(answer->get(11), "000777");
  EXPECT_TRUE(packWithMac(iso87(), *answer, std::nullopt).isOk());

  // Without a usable STAN or terminal id there is no one to answer.
  Message bad_stan = partial;
  bad_stan.set(11, "00000.");
  EXPECT_FALSE(formatErrorResponse(iso87(), bad_stan).has_value());
  Message long_terminal = partial;
  long_terminal.set(41, "TERMINAL-0009");
  EXPECT_FALSE(formatErrorResponse(iso87(), long_terminal).has_value());
}

TEST(Iso8583MappingTest, EchoRequestsPerFlavour) {
  const LocalDateTime now = at("2025-03-14T10:15:10+08:00");
  const Message echo87 = echoRequest(iso87(), "000002", now, "");
  EXPECT_EQ(echo87.mti(), "0800");
  EXPECT_EQ(echo87.get(70), "301");
  EXPECT_EQ(echo87.get(7), "0314021510");
  EXPECT_EQ(echo87.get(11), "000002");
  EXPECT_FALSE(echo87.has(41));
  // The vector 0800_echo_test, byte for byte.
  auto packed = packWithMac(iso87(), echo87, std::nullopt);
  ASSERT_TRUE(packed.isOk()) << packed.status().toString();
  const Json vectors = test::loadJson("vectors/iso8583_default.json");
  for (const Json& v : vectors.asArray()) {
    if (v.find("name")->asString() == "0800_echo_test") {
      EXPECT_EQ(toHex(*packed), v.find("encoded_hex")->asString());
    }
  }
  const Message echo93 = echoRequest(iso93(), "000002", now, "TERM0001");
  EXPECT_EQ(echo93.mti(), "1804");
  EXPECT_EQ(echo93.get(24), "831");
  EXPECT_EQ(echo93.get(41), "TERM0001");
  const Message echo_cup = echoRequest(cup(), "000002", now, "TERM0001");
  EXPECT_EQ(echo_cup.mti(), "0820");
  EXPECT_TRUE(isNetworkManagement(echo87.mti()));
  EXPECT_TRUE(isNetworkManagement(echo93.mti()));
  EXPECT_TRUE(isNetworkManagement("0830"));
  EXPECT_FALSE(isNetworkManagement("0200"));
  EXPECT_FALSE(isNetworkManagement("08"));
  const Message answer = responseToMessage(iso93(), echo93, Response{});
  EXPECT_EQ(answer.mti(), "1814");
  EXPECT_EQ(answer.get(24), "831");
}

// ---------------------------------------------------------------------------------------------
// MAC (DOMAIN.md §4.1; vectors of iso8583_default.json)

// The vector's decoded fields as a Message (binary fields from their hex).
Message messageOfVector(const Json& v, const Dialect& dialect) {
  Message m(v.find("mti")->asString());
  for (const auto& [name, value] : v.find("fields")->asObject()) {
    if (name == "t" || name == "p" || name == "1") continue;
    const int number = std::stoi(name);
    const FieldSpec* spec = dialect.field(number);
    if (spec != nullptr && spec->type == FieldType::kBinary) {
      m.setBytes(number, hexBytes(value.asString()));
    } else {
      m.set(number, value.asString());
    }
  }
  return m;
}

void checkMacVectors(const Dialect& dialect, std::string_view file) {
  const Json vectors = test::loadJson(file);
  int with_mac = 0;
  for (const Json& v : vectors.asArray()) {
    if (v.find("mac") == nullptr) continue;
    ++with_mac;
    const std::string name = v.find("name")->asString();
    SCOPED_TRACE(name);
    const Bytes encoded = hexBytes(v.find("encoded_hex")->asString());

    auto verified = unpackWithMac(dialect, encoded, tak());
    ASSERT_TRUE(verified.isOk()) << verified.status().toString();
    EXPECT_EQ(verified->mti(), v.find("mti")->asString());

    auto packed = packWithMac(dialect, messageOfVector(v, dialect), tak());
    ASSERT_TRUE(packed.isOk()) << packed.status().toString();
    EXPECT_EQ(toHex(*packed), toHex(encoded));

    // One bit flipped anywhere before the MAC, or in it: the MAC does not verify.
    for (std::size_t at : {std::size_t{5}, encoded.size() / 2, encoded.size() - 1}) {
      Bytes tampered = encoded;
      tampered[at] ^= 0x01;
      auto bad = unpackWithMac(dialect, tampered, tak());
      if (bad.isOk()) {
        ADD_FAILURE() << "tampered byte " << at << " accepted";
      } else if (bad.status().message().find("MAC does not verify") == std::string::npos) {
        // A flip in a length or numeric field may fail decoding instead; both are Malformed.
        EXPECT_EQ(bad.status().code(), StatusCode::kMalformed);
      }
    }
    Bytes wrong_mac = encoded;
    if (dialect.field(64)->data_encoding == DataEncoding::kHex) {  // another hex digit
      wrong_mac.back() = wrong_mac.back() == '0' ? '1' : '0';
    } else {
      wrong_mac.back() ^= 0x02;
    }
    auto bad = unpackWithMac(dialect, wrong_mac, tak());
    ASSERT_FALSE(bad.isOk());
    EXPECT_EQ(bad.status().code(), StatusCode::kMalformed);
    EXPECT_NE(bad.status().message().find("MAC does not verify"), std::string::npos);

    // Without a key, unpacking ignores the MAC and packing leaves it out.
    EXPECT_TRUE(unpackWithMac(dialect, wrong_mac, std::nullopt).isOk());
    auto plain = packWithMac(dialect, messageOfVector(v, dialect), std::nullopt);
    ASSERT_TRUE(plain.isOk());
    auto reread = iso8583::unpackMessage(dialect, *plain);
    ASSERT_TRUE(reread.isOk());
    EXPECT_FALSE(reread->has(64));
    EXPECT_FALSE(reread->has(128));
    // And a message without a MAC does not verify with a key.
    EXPECT_FALSE(unpackWithMac(dialect, *plain, tak()).isOk());
  }
  EXPECT_GE(with_mac, 6);
}

TEST(Iso8583MappingTest, MacOverBinaryFieldsMatchesTheVectors) {
  checkMacVectors(iso87(), "vectors/iso8583_default.json");
}

TEST(Iso8583MappingTest, MacOverHexFieldsMatchesTheVectors) {
  checkMacVectors(iso87Hex(), "vectors/iso8583_default_ascii.json");
}

TEST(Iso8583MappingTest, MappedRequestsCarryAVerifiableMac) {
  for (const Dialect* dialect : allDialects()) {
    SCOPED_TRACE(dialect->id);
    const Request refund = requestOf(TransactionType::kRefund);
    auto packed = packWithMac(*dialect, mapped(*dialect, refund), tak());
    ASSERT_TRUE(packed.isOk()) << packed.status().toString();
    auto message = unpackWithMac(*dialect, *packed, tak());
    ASSERT_TRUE(message.isOk()) << message.status().toString();
    auto back = requestFromMessage(*dialect, *message, refund.transmitted_at);
    ASSERT_TRUE(back.isOk()) << back.status().toString();
    expectSameRequest(refund, *back, dialect->id + " refund with MAC");
    Bytes other_key = tak();
    other_key[0] ^= 0x10;
    EXPECT_FALSE(unpackWithMac(*dialect, *packed, other_key).isOk());
  }
}

}  // namespace
}  // namespace posim::acquirer
