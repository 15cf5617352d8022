// TCP framing prefixes (DOMAIN.md §4.1): the four framings both ways, and their errors.
#include "posim/iso8583/framing.h"

#include <gtest/gtest.h>

namespace posim::iso8583 {
namespace {

std::string prefixHex(Framing framing, std::size_t length) {
  Bytes out;
  EXPECT_TRUE(appendFramePrefix(framing, length, out).isOk());
  return toHex(out);
}

std::optional<std::size_t> read(Framing framing, std::string_view hex) {
  auto length = readFramePrefix(framing, hexBytes(hex));
  EXPECT_TRUE(length.isOk()) << length.status().toString();
  return length.isOk() ? *length : std::nullopt;
}

TEST(Framing, Prefixes) {
  EXPECT_EQ(prefixHex(Framing::kBinary2, 47), "002F");
  EXPECT_EQ(prefixHex(Framing::kBinary2, 65535), "FFFF");
  EXPECT_EQ(prefixHex(Framing::kAscii4, 47), "30303437");
  EXPECT_EQ(prefixHex(Framing::kAscii4, 9999), "39393939");
  EXPECT_EQ(prefixHex(Framing::kBcd2, 1234), "1234");
  EXPECT_EQ(prefixHex(Framing::kBcd2, 47), "0047");
  EXPECT_EQ(prefixHex(Framing::kNone, 47), "");
  EXPECT_EQ(framingPrefixSize(Framing::kBinary2), 2u);
  EXPECT_EQ(framingPrefixSize(Framing::kAscii4), 4u);
  EXPECT_EQ(framingPrefixSize(Framing::kBcd2), 2u);
  EXPECT_EQ(framingPrefixSize(Framing::kNone), 0u);
}

TEST(Framing, ReadsBack) {
  EXPECT_EQ(read(Framing::kBinary2, "012C"), 300u);
  EXPECT_EQ(read(Framing::kAscii4, "30333030"), 300u);
  EXPECT_EQ(read(Framing::kBcd2, "0300"), 300u);
  // Extra bytes after the prefix (the message) are not looked at.
  EXPECT_EQ(read(Framing::kBinary2, "002F3038"), 47u);
  // An incomplete prefix: wait for more.
  EXPECT_EQ(read(Framing::kBinary2, "00"), std::nullopt);
  EXPECT_EQ(read(Framing::kAscii4, "303030"), std::nullopt);
  EXPECT_EQ(read(Framing::kBcd2, ""), std::nullopt);
}

TEST(Framing, FrameRoundTrip) {
  const Bytes message = hexBytes("30383030AABB");
  for (Framing framing : {Framing::kBinary2, Framing::kAscii4, Framing::kBcd2, Framing::kNone}) {
    auto framed = frame(framing, message);
    ASSERT_TRUE(framed.isOk());
    EXPECT_EQ(framed->size(), framingPrefixSize(framing) + message.size());
    EXPECT_EQ(Bytes(framed->end() - 6, framed->end()), message);
    if (framing != Framing::kNone) {
      auto length = readFramePrefix(framing, *framed);
      ASSERT_TRUE(length.isOk());
      EXPECT_EQ(*length, 6u);
    }
  }
}

TEST(Framing, Errors) {
  Bytes out;
  Status too_long = appendFramePrefix(Framing::kAscii4, 10000, out);
  EXPECT_EQ(too_long.code(), StatusCode::kOutOfRange);
  EXPECT_EQ(too_long.message(),
            "a message of 10000 bytes does not fit ascii4 framing (at most 9999 bytes)");
  EXPECT_EQ(appendFramePrefix(Framing::kBcd2, 10000, out).code(), StatusCode::kOutOfRange);
  EXPECT_EQ(appendFramePrefix(Framing::kBinary2, 65536, out).code(), StatusCode::kOutOfRange);
  EXPECT_TRUE(out.empty());
  EXPECT_FALSE(frame(Framing::kBinary2, Bytes(70000)).isOk());

  auto ascii = readFramePrefix(Framing::kAscii4, asBytes("00X1"));
  EXPECT_EQ(ascii.status().code(), StatusCode::kMalformed);
  EXPECT_EQ(ascii.status().message(),
            "ascii4 frame prefix '00X1' is not 4 decimal digits (byte 2)");
  auto bcd = readFramePrefix(Framing::kBcd2, hexBytes("0A12"));
  EXPECT_EQ(bcd.status().code(), StatusCode::kMalformed);
  EXPECT_EQ(bcd.status().message(), "bcd2 frame prefix 0A12 is not packed BCD (nibble 1)");
}

TEST(Framing, Names) {
  for (Framing f : {Framing::kBinary2, Framing::kAscii4, Framing::kBcd2, Framing::kNone}) {
    EXPECT_EQ(framingByName(framingName(f)), f);
  }
  EXPECT_EQ(framingByName("2byte"), Framing::kBinary2);
  EXPECT_EQ(framingByName("4ascii"), Framing::kAscii4);
  EXPECT_EQ(framingByName("BCD"), Framing::kBcd2);
  EXPECT_EQ(framingByName("len4"), std::nullopt);
}

}  // namespace
}  // namespace posim::iso8583
