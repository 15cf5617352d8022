// pack() then unpack() of realistic messages in every built-in dialect and in dialects with the
// less common encodings (EBCDIC, tertiary bitmap, lengths in bytes), exact bytes where the
// layout is easy to write by hand, and pack()'s refusals.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "iso8583_test_util.h"

namespace posim::iso8583 {
namespace {

using testing::builtin;

const char* const kIccData =
    "9F2608C1910F5E4F9CA9479F2701809F10120110A50000000000000000000000000000FF9F3704123456789F36"
    "020042950500000000009A032503149C01009F02060000000500005F2A02015682021980";

Message sale(std::string mti) {
  Message m(std::move(mti));
  m.set(2, "6225880112345678901");
  m.set(3, "000000");
  m.set(4, "000000001000");
  m.set(11, "000123");
  m.set(22, "051");
  m.set(25, "00");
  m.set(35, "6225880112345678901=27122011234500000");
  m.set(41, "TERM0001");
  m.set(42, "123456789012345");
  m.set(49, "156");
  m.setBytes(55, hexBytes(kIccData));
  return m;
}

Message roundTrip(const Dialect& dialect, const Message& message, Bytes* wire = nullptr) {
  Bytes packed;
  std::vector<FieldLayout> layout;
  const Status status = pack(dialect, message, packed, &layout);
  EXPECT_TRUE(status.isOk()) << status.toString();
  const Unpacked unpacked = unpack(dialect, packed);
  EXPECT_TRUE(unpacked.ok()) << (unpacked.ok() ? "" : unpacked.diagnostics[0].message);
  // pack() and unpack() agree on where everything is.
  EXPECT_EQ(unpacked.layout.size(), layout.size());
  for (std::size_t i = 0; i < std::min(layout.size(), unpacked.layout.size()); ++i) {
    EXPECT_EQ(unpacked.layout[i].field, layout[i].field);
    EXPECT_EQ(unpacked.layout[i].offset, layout[i].offset);
    EXPECT_EQ(unpacked.layout[i].prefix_size, layout[i].prefix_size);
    EXPECT_EQ(unpacked.layout[i].size, layout[i].size);
  }
  if (wire != nullptr) *wire = packed;
  return unpacked.message;
}

TEST(RoundTrip, SaleInEveryBuiltinDialect) {
  for (const auto& dialect : scenarios::builtinDialects()) {
    SCOPED_TRACE(dialect->id);
    Message message = sale(dialect->flavour == Flavour::kIso93 ? "1200" : "0200");
    if (dialect->flavour == Flavour::kIso93) message.set(24, "200");
    if (dialect->flavour == Flavour::kCup) message.set(60, "22000001");
    Message decoded = roundTrip(*dialect, message);
    if (dialect->flavour == Flavour::kCup) {
      // Without a TPDU and header of its own the message gets the dialect's defaults.
      EXPECT_EQ(toHex(decoded.tpdu()), "6000030000");
      EXPECT_EQ(toHex(decoded.header()), "613100000000");
      message.setTpdu(decoded.tpdu());
      message.setHeader(decoded.header());
    }
    EXPECT_EQ(decoded, message);
  }
}

TEST(RoundTrip, Iso93ResponseWithActionCodeAndLongLocalTime) {
  const Dialect& dialect = builtin("iso93-ascii");
  Message message("1210");
  message.set(3, "000000");
  message.set(11, "000123");
  message.set(12, "260314101530");
  message.set(24, "200");
  message.set(39, "000");
  message.set(41, "TERM0001");
  Bytes wire;
  EXPECT_EQ(roundTrip(dialect, message, &wire), message);
  EXPECT_EQ(asString(ByteView(wire).first(4)), "1210");
  message.set(39, "00");
  EXPECT_FALSE(pack(dialect, message).isOk());  // n3 without padding
}

TEST(RoundTrip, CupBytesAreBcdWithTpduAndHeader) {
  const Dialect& dialect = builtin("cup-pos");
  Message message = sale("0200");
  message.setTpdu(hexBytes("6000120034"));
  message.setHeader(hexBytes("603100311301"));
  message.set(23, "1");  // right-aligned n3: padded to 001
  message.set(60, "22000001000");
  Bytes wire;
  Message decoded = roundTrip(dialect, message, &wire);
  message.set(23, "001");
  EXPECT_EQ(decoded, message);
  const std::string hex = toHex(wire);
  // TPDU, header, MTI 0200 in BCD, the primary bitmap (2 3 4 11 22 23 25 35 41 42 49 55 60).
  EXPECT_EQ(hex.substr(0, 22 + 4),
            "6000120034603100311301"
            "0200");
  EXPECT_EQ(hex.substr(26, 16), "7020068020C08210");
  // DE 2: BCD length 19, 19 digits left-aligned with a 0 nibble.
  EXPECT_EQ(hex.substr(42, 22),
            "19"
            "62258801123456789010");
  // DE 3, DE 4, DE 11.
  EXPECT_EQ(hex.substr(64, 24),
            "000000"
            "000000001000"
            "000123");
  // DE 22 left-aligned (0510), DE 23 right-aligned (0001), DE 25.
  EXPECT_EQ(hex.substr(88, 10),
            "0510"
            "0001"
            "00");
  // DE 35: 37 characters, '=' as nibble D, padded with F.
  EXPECT_EQ(hex.substr(98, 40),
            "37"
            "6225880112345678901D27122011234500000F");
  // DE 41 and 42 in ASCII.
  EXPECT_EQ(hex.substr(138, 16), toHex(asBytes("TERM0001")));
  // DE 55: LLL BCD prefix counting bytes of binary data.
  const std::size_t de55 = 138 + 16 + 30 + 6;
  EXPECT_EQ(hex.substr(de55, 4), "0081");  // 81 bytes, in BCD
  // DE 60: 11 digits, BCD prefix 0011, left-aligned.
  EXPECT_EQ(hex.substr(hex.size() - 16),
            "0011"
            "220000010000");
}

Dialect ebcdicDialect() {
  Dialect d;
  d.id = "ebcdic";
  d.mti_encoding = MtiEncoding::kEbcdic;
  d.fields[2] = FieldSpec{.number = 2,
                          .name = "PAN",
                          .type = FieldType::kNumeric,
                          .length_kind = LengthKind::kLL,
                          .max_length = 19,
                          .length_encoding = LengthEncoding::kEbcdic,
                          .data_encoding = DataEncoding::kEbcdic,
                          .sensitive = true,
                          .subfields = {}};
  d.fields[4] = FieldSpec{.number = 4,
                          .name = "Amount",
                          .type = FieldType::kNumeric,
                          .max_length = 12,
                          .data_encoding = DataEncoding::kEbcdic,
                          .padding = Padding::kLeftZero,
                          .subfields = {}};
  d.fields[43] = FieldSpec{.number = 43,
                           .name = "Name",
                           .type = FieldType::kAlphaNumericSpecial,
                           .max_length = 10,
                           .data_encoding = DataEncoding::kEbcdic,
                           .padding = Padding::kRightSpace,
                           .subfields = {}};
  return d;
}

TEST(RoundTrip, EbcdicMtiPrefixAndText) {
  const Dialect d = ebcdicDialect();
  ASSERT_TRUE(d.validate().isOk());
  Message message("0200");
  message.set(2, "4761739001010010");
  message.set(4, "1000");
  message.set(43, "Caf\xE9 A-1");  // Latin-1 é
  Bytes wire;
  Message decoded = roundTrip(d, message, &wire);
  EXPECT_EQ(decoded.get(4), "000000001000");
  EXPECT_EQ(decoded.get(43), "Caf\xE9 A-1  ");
  EXPECT_EQ(decoded.get(2), "4761739001010010");
  const std::string hex = toHex(wire);
  EXPECT_EQ(hex.substr(0, 8), "F0F2F0F0");                         // MTI
  EXPECT_EQ(hex.substr(24, 4), "F1F6");                            // DE 2 prefix "16"
  EXPECT_EQ(hex.substr(hex.size() - 20), "C381865140C160F14040");  // "Café A-1  "
}

TEST(RoundTrip, TertiaryBitmap) {
  Dialect d;
  d.id = "three-bitmaps";
  d.tertiary_bitmap = true;
  d.bitmap_encoding = BitmapEncoding::kHex;
  d.fields[3] = FieldSpec{
      .number = 3, .name = "pc", .type = FieldType::kNumeric, .max_length = 6, .subfields = {}};
  d.fields[70] = FieldSpec{
      .number = 70, .name = "nmic", .type = FieldType::kNumeric, .max_length = 3, .subfields = {}};
  d.fields[150] = FieldSpec{.number = 150,
                            .name = "x",
                            .type = FieldType::kAlphaNumeric,
                            .length_kind = LengthKind::kLLL,
                            .max_length = 50,
                            .subfields = {}};
  ASSERT_TRUE(d.validate().isOk());
  Message message("0800");
  message.set(3, "990000");
  message.set(70, "301");
  message.set(150, "HELLO");
  Bytes wire;
  EXPECT_EQ(roundTrip(d, message, &wire), message);
  // Primary (bits 1, 3), secondary (bits 65, 70), field 3, tertiary at field 65's place (bit 150),
  // then 70 and 150.
  EXPECT_EQ(asString(wire),
            "0800"
            "A000000000000000"
            "8400000000000000"
            "990000"
            "0000040000000000"
            "301"
            "005HELLO");
  message.set(65, "X");
  EXPECT_FALSE(pack(d, message).isOk());
}

TEST(RoundTrip, LengthsInBytes) {
  Dialect d;
  d.id = "bytes";
  d.fields[2] = FieldSpec{.number = 2,
                          .name = "PAN",
                          .type = FieldType::kNumeric,
                          .length_kind = LengthKind::kLL,
                          .max_length = 19,
                          .length_encoding = LengthEncoding::kBinary,
                          .data_encoding = DataEncoding::kBcd,
                          .padding = Padding::kRightF,
                          .length_unit = LengthUnit::kBytes,
                          .subfields = {}};
  d.fields[55] = FieldSpec{.number = 55,
                           .name = "ICC",
                           .type = FieldType::kBinary,
                           .length_kind = LengthKind::kLLL,
                           .max_length = 510,
                           .data_encoding = DataEncoding::kHex,
                           .length_unit = LengthUnit::kBytes,
                           .subfields = {}};
  ASSERT_TRUE(d.validate().isOk());
  Message message("0100");
  message.set(2, "476173900101001");
  message.setBytes(55, hexBytes("9F02060000000010009F2701"));
  Bytes wire;
  EXPECT_EQ(roundTrip(d, message, &wire), message);
  const std::string text = toHex(wire);
  // DE 2: 1 binary byte counting 8 BCD bytes, F pad.
  EXPECT_EQ(text.substr(24, 18),
            "08"
            "476173900101001F");
  // DE 55: "012" bytes, then 24 hex characters.
  EXPECT_EQ(asString(ByteView(wire).subspan(21, 3)), "012");
}

TEST(Pack, RefusesWhatTheDialectCannotCarry) {
  const Dialect& d = builtin("iso87-ascii");
  auto refuse = [&](int field, std::string value) {
    Message m("0200");
    m.set(field, std::move(value));
    auto packed = pack(d, m);
    EXPECT_FALSE(packed.isOk());
    return packed.status().message();
  };
  EXPECT_EQ(refuse(4, "1000"),
            "field 4: 4 characters where the field has a fixed length of 12 and no padding");
  EXPECT_EQ(refuse(4, "00000000100A"), "field 4: expected 12 digits, got '00000000100A'");
  EXPECT_EQ(refuse(2, "12345678901234567890"),
            "field 2: 20 is longer than the maximum 19 the dialect allows");
  EXPECT_EQ(refuse(2, "4761X"),
            "field 2: expected digits, got a character it may not hold at character 5");
  EXPECT_EQ(refuse(52, "1234"), "field 52: 4 bytes where the field has a fixed length of 8");
  Dialect small = d;
  small.id = "small";
  small.fields[7].reset();
  Message m("0200");
  m.set(7, "0314021500");
  EXPECT_EQ(pack(small, m).status().message(), "field 7: not defined by dialect 'small'");
  EXPECT_EQ(pack(d, Message("02A0")).status().message(), "MTI: expected 4 digits, got '02A0'");
  // A failed pack leaves the caller's buffer as it was.
  Bytes out = {0x00, 0x2F};
  EXPECT_FALSE(pack(small, m, out).isOk());
  EXPECT_EQ(out, (Bytes{0x00, 0x2F}));
  // A message with a TPDU for a dialect without one.
  Message tpdu("0800");
  tpdu.setTpdu(hexBytes("6000000000"));
  EXPECT_FALSE(pack(d, tpdu).isOk());
}

TEST(Pack, AppendsAfterWhatTheBufferHolds) {
  const Dialect& d = builtin("iso87-ascii");
  Message m("0800");
  m.set(11, "000001");
  Bytes out = {0xAA};
  std::vector<FieldLayout> layout;
  ASSERT_TRUE(pack(d, m, out, &layout).isOk());
  EXPECT_EQ(toHex(out),
            "AA" + toHex(asBytes("0800")) + "0020000000000000" + toHex(asBytes("000001")));
  ASSERT_EQ(layout.size(), 3u);
  EXPECT_EQ(layout[0].offset, 0u);  // relative to the message, not the buffer
  EXPECT_EQ(layout[2].field, 11);
  EXPECT_EQ(layout[2].offset, 12u);
}

}  // namespace
}  // namespace posim::iso8583
