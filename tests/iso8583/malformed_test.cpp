// unpack() on broken input: every diagnostic names the field and the byte offset, decoding stops
// where it must (and only there), and no input makes it crash or read out of bounds.
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "iso8583_test_util.h"

namespace posim::iso8583 {
namespace {

using testing::builtin;

// ISO-05: a 0100 with PAN, track 2, PIN, DE 55 and a MAC (no secondary bitmap).
Bytes preauthRequest() {
  const Json cases = test::loadJson("vectors/iso8583_default.json");
  for (const Json& c : cases.asArray()) {
    if (c.find("id")->asString() == "ISO-05") return hexBytes(c.find("encoded_hex")->asString());
  }
  ADD_FAILURE() << "ISO-05 not found";
  return {};
}

// Replaces bytes at `offset` with the ASCII `text`.
Bytes patched(Bytes data, std::size_t offset, std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i)
    data[offset + i] = static_cast<std::uint8_t>(text[i]);
  return data;
}

TEST(Malformed, TruncationAtEveryOffsetNamesTheElementItStopsIn) {
  const Dialect& dialect = builtin("iso87-ascii");
  const Bytes full = preauthRequest();
  const Unpacked whole = unpack(dialect, full);
  ASSERT_TRUE(whole.ok());
  for (std::size_t n = 0; n < full.size(); ++n) {
    SCOPED_TRACE("truncated to " + std::to_string(n) + " bytes");
    const Unpacked cut = unpack(dialect, ByteView(full).first(n));
    ASSERT_EQ(cut.diagnostics.size(), 1u);
    const Diagnostic& d = cut.diagnostics.front();
    // The element that the cut falls in.
    const FieldLayout* hit = nullptr;
    for (const FieldLayout& e : whole.layout) {
      if (e.offset + e.prefix_size + e.size > n) {
        hit = &e;
        break;
      }
    }
    ASSERT_NE(hit, nullptr);
    EXPECT_EQ(d.field, hit->field);
    EXPECT_EQ(d.offset, hit->offset);
    EXPECT_NE(d.message.find("truncated"), std::string::npos) << d.message;
    EXPECT_EQ(d.message.rfind((hit->field == 0   ? std::string("MTI")
                               : hit->field == 1 ? std::string("bitmap")
                                                 : "field " + std::to_string(hit->field)) +
                                  " at byte " + std::to_string(hit->offset) + ": ",
                              0),
              0u)
        << d.message;
    // Everything before the cut decoded.
    for (const auto& [field, value] : cut.message.fields()) {
      EXPECT_EQ(value, whole.message.get(field));
    }
  }
}

TEST(Malformed, TruncatedValueSaysHowManyBytesAreMissing) {
  const Bytes full = preauthRequest();
  const Unpacked cut = unpack(builtin("iso87-ascii"), ByteView(full).first(20));
  ASSERT_EQ(cut.diagnostics.size(), 1u);
  EXPECT_EQ(cut.diagnostics[0].message,
            "field 2 at byte 12: truncated: the value needs 16 bytes, 6 are left");
  auto status = unpackMessage(builtin("iso87-ascii"), ByteView(full).first(20));
  EXPECT_EQ(status.status().code(), StatusCode::kMalformed);
  EXPECT_EQ(status.status().message(), cut.diagnostics[0].message);
}

TEST(Malformed, BadLengthPrefix) {
  const Unpacked u = unpack(builtin("iso87-ascii"), patched(preauthRequest(), 12, "1X"));
  ASSERT_EQ(u.diagnostics.size(), 1u);
  EXPECT_EQ(u.diagnostics[0].field, 2);
  EXPECT_EQ(u.diagnostics[0].offset, 12u);
  EXPECT_EQ(u.diagnostics[0].message, "field 2 at byte 12: length prefix '1X' is not a number");
  EXPECT_FALSE(u.message.has(2));
  EXPECT_EQ(u.message.mti(), "0100");
}

TEST(Malformed, LengthAboveTheMaximum) {
  const Unpacked u = unpack(builtin("iso87-ascii"), patched(preauthRequest(), 12, "25"));
  ASSERT_EQ(u.diagnostics.size(), 1u);
  EXPECT_EQ(u.diagnostics[0].message, "field 2 at byte 12: length 25 is more than the maximum 19");
}

TEST(Malformed, NonDigitInNumericFieldIsReportedAndDecodingGoesOn) {
  // DE 4 starts after MTI (4), bitmap (8), DE 2 (2 + 16) and DE 3 (6).
  const Unpacked u = unpack(builtin("iso87-ascii"), patched(preauthRequest(), 36, "0000000005AB"));
  ASSERT_EQ(u.diagnostics.size(), 1u);
  EXPECT_EQ(u.diagnostics[0].field, 4);
  EXPECT_EQ(u.diagnostics[0].offset, 36u);
  EXPECT_EQ(u.diagnostics[0].message,
            "field 4 at byte 36: expected 12 digits, found '0000000005AB'");
  EXPECT_EQ(u.message.get(4), "0000000005AB");
  EXPECT_TRUE(u.message.has(64));
}

TEST(Malformed, AValueKeptAsCarriedIsOneCheckFieldValueRefuses) {
  // What unpack() keeps of a malformed field is what pack() would refuse, in the same words.
  const Dialect& dialect = builtin("iso87-ascii");
  const Unpacked u = unpack(dialect, patched(preauthRequest(), 36, "0000000005AB"));
  ASSERT_FALSE(u.ok());
  const Status status = checkFieldValue(*dialect.field(4), u.message.get(4));
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "field 4: expected 12 digits, got '0000000005AB'");
  EXPECT_TRUE(checkFieldValue(*dialect.field(4), "000000000500").isOk());
  EXPECT_FALSE(checkFieldValue(*dialect.field(4), "0000000000500").isOk());  // too long
  EXPECT_FALSE(checkFieldValue(*dialect.field(11), "00000.").isOk());
}

TEST(Malformed, SensitiveValuesAreNeverQuoted) {
  // A letter inside the PAN.
  const Unpacked u = unpack(builtin("iso87-ascii"), patched(preauthRequest(), 20, "X"));
  ASSERT_EQ(u.diagnostics.size(), 1u);
  EXPECT_EQ(u.diagnostics[0].message,
            "field 2 at byte 12: expected digits, found a character it may not hold at "
            "character 7");
  EXPECT_EQ(u.diagnostics[0].message.find("541333"), std::string::npos);
}

TEST(Malformed, TrailingBytes) {
  Bytes data = preauthRequest();
  const std::size_t end = data.size();
  data.push_back('X');
  data.push_back('Y');
  data.push_back('Z');
  const Unpacked u = unpack(builtin("iso87-ascii"), data);
  ASSERT_EQ(u.diagnostics.size(), 1u);
  EXPECT_EQ(u.diagnostics[0].field, 64);
  EXPECT_EQ(u.diagnostics[0].offset, end);
  EXPECT_EQ(u.diagnostics[0].message,
            "field 64 at byte " + std::to_string(end) + ": 3 trailing bytes after the last field");
  EXPECT_TRUE(u.message.has(64));
}

TEST(Malformed, FieldInBitmapThatTheDialectDoesNotDefine) {
  Dialect dialect = builtin("iso87-ascii");
  dialect.id = "short";
  dialect.fields[7].reset();
  const Unpacked u = unpack(dialect, preauthRequest());
  ASSERT_EQ(u.diagnostics.size(), 1u);
  EXPECT_EQ(u.diagnostics[0].field, 7);
  EXPECT_EQ(u.diagnostics[0].offset, 48u);
  EXPECT_EQ(u.diagnostics[0].message,
            "field 7 at byte 48: present in the bitmap but not defined by dialect 'short'");
  EXPECT_TRUE(u.message.has(4));
  EXPECT_FALSE(u.message.has(11));
}

TEST(Malformed, BadMtiAndHexBitmap) {
  Unpacked u = unpack(builtin("iso87-ascii"), asBytes("02X0"));
  ASSERT_EQ(u.diagnostics.size(), 1u);
  EXPECT_EQ(u.diagnostics[0].field, 0);
  EXPECT_EQ(u.diagnostics[0].message, "MTI at byte 0: expected 4 digits, found '02X0' (30325830)");

  u = unpack(builtin("iso87-ascii-hex"), asBytes("08008220000000G00000"));
  ASSERT_EQ(u.diagnostics.size(), 1u);
  EXPECT_EQ(u.diagnostics[0].field, 1);
  EXPECT_EQ(u.diagnostics[0].offset, 4u);
  EXPECT_NE(u.diagnostics[0].message.find("expected 16 hex characters"), std::string::npos);

  u = unpack(builtin("iso87-ascii"), {});
  ASSERT_EQ(u.diagnostics.size(), 1u);
  EXPECT_EQ(u.diagnostics[0].message,
            "MTI at byte 0: truncated: the MTI needs 4 bytes, 0 are left");
}

TEST(Malformed, BcdNibbleAboveNine) {
  Message message("0200");
  message.set(3, "000000");
  message.set(11, "000123");
  auto packed = pack(builtin("cup-pos"), message);
  ASSERT_TRUE(packed.isOk());
  Bytes data = *packed;
  data[5 + 6 + 2 + 8 + 1] = 0xA0;  // the second byte of DE 3
  const Unpacked u = unpack(builtin("cup-pos"), data);
  ASSERT_EQ(u.diagnostics.size(), 1u);
  EXPECT_EQ(u.diagnostics[0].field, 3);
  EXPECT_EQ(u.diagnostics[0].offset, 21u);
  EXPECT_EQ(u.diagnostics[0].message,
            "field 3 at byte 21: expected 6 digits in BCD, found nibble A at digit 3 (00A000)");
}

TEST(Malformed, RandomInputNeverCrashes) {
  std::mt19937 random(8583);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> length(0, 300);
  const Bytes seed = preauthRequest();
  for (const auto& dialect : scenarios::builtinDialects()) {
    for (int i = 0; i < 2000; ++i) {
      Bytes data;
      if (i % 2 == 0) {
        data.resize(static_cast<std::size_t>(length(random)));
        for (auto& b : data) b = static_cast<std::uint8_t>(byte(random));
      } else {
        // A valid message with a few bytes flipped.
        data = seed;
        for (int k = 0; k < 3; ++k) {
          data[static_cast<std::size_t>(byte(random)) % data.size()] =
              static_cast<std::uint8_t>(byte(random));
        }
      }
      const Unpacked u = unpack(*dialect, data);
      for (const Diagnostic& d : u.diagnostics) {
        EXPECT_LE(d.offset, data.size());
        EXPECT_FALSE(d.message.empty());
      }
      for (const FieldLayout& e : u.layout) {
        EXPECT_LE(e.offset + e.prefix_size + e.size, data.size());
      }
    }
  }
}

}  // namespace
}  // namespace posim::iso8583
