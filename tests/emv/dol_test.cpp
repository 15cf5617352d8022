#include "posim/emv/dol.h"

#include <map>
#include <optional>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "posim/base/bytes.h"

namespace posim::emv {
namespace {

// A small stand-in for the tag dictionary: the formats these tests use.
TagFormat formatOf(Tag tag) {
  switch (tag) {
    case 0x9F02:
    case 0x9F03:
    case 0x9F1A:
    case 0x5F2A:
    case 0x9A:
    case 0x9C:
    case 0x9F35: return TagFormat::kN;
    case 0x5A: return TagFormat::kCn;
    case 0x8A: return TagFormat::kAn;
    case 0x70:
    case 0xBF0C: return TagFormat::kTemplate;
    default: return TagFormat::kB;
  }
}

// Terminal data for a 123.45 CNY purchase in China on 2025-03-14.
class DolBuildTest : public ::testing::Test {
 protected:
  DolBuildTest() {
    values_[0x9F02] = hexBytes("000000012345");
    values_[0x9F1A] = hexBytes("0156");
    values_[0x95] = hexBytes("0000008000");
    values_[0x5F2A] = hexBytes("0156");
    values_[0x9A] = hexBytes("250314");
    values_[0x9C] = hexBytes("00");
    values_[0x9F37] = hexBytes("1A2B3C4D");
    values_[0x5A] = hexBytes("4761739001010119");
    values_[0x8A] = hexBytes("3030");
    values_[0x70] = hexBytes("5A0112");
  }

  DolValueLookup lookup() const {
    return [this](Tag tag) -> std::optional<ByteView> {
      auto it = values_.find(tag);
      if (it == values_.end()) return std::nullopt;
      return ByteView(it->second);
    };
  }

  std::string build(std::string_view dol_hex, std::vector<Tag>* absent = nullptr) const {
    const Bytes dol = hexBytes(dol_hex);
    const DolParseResult parsed = parseDol(dol);
    EXPECT_TRUE(parsed.ok());
    const Bytes data = buildDolData(parsed.entries, lookup(), formatOf, absent);
    EXPECT_EQ(data.size(), dolDataLength(parsed.entries));
    return toHex(data);
  }

  std::map<Tag, Bytes> values_;
};

TEST(DolParseTest, ParsesACdol1WithOffsets) {
  const Bytes cdol1 = hexBytes("9F02069F03069F1A0295055F2A029A039C019F3704");
  const DolParseResult result = parseDol(cdol1);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result.entries.size(), 8u);
  EXPECT_EQ(result.entries[0].tag, 0x9F02u);
  EXPECT_EQ(result.entries[0].length, 6u);
  EXPECT_EQ(result.entries[0].offset, 0u);
  EXPECT_EQ(result.entries[3].tag, 0x95u);
  EXPECT_EQ(result.entries[3].length, 5u);
  EXPECT_EQ(result.entries[3].offset, 9u);
  EXPECT_EQ(result.entries[7].tag, 0x9F37u);
  EXPECT_EQ(result.entries[7].offset, 18u);
  EXPECT_EQ(dolDataLength(result.entries), 29u);
}

TEST(DolParseTest, EmptyDolHasNoEntries) {
  const DolParseResult result = parseDol({});
  EXPECT_TRUE(result.ok());
  EXPECT_TRUE(result.entries.empty());
  EXPECT_EQ(dolDataLength(result.entries), 0u);
}

TEST(DolParseTest, AcceptsThe81LongFormAndThreeByteTags) {
  const Bytes dol = hexBytes("DF810102 9F4B8180");
  const DolParseResult result = parseDol(dol);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result.entries.size(), 2u);
  EXPECT_EQ(result.entries[0].tag, 0xDF8101u);
  EXPECT_EQ(result.entries[0].length, 2u);
  EXPECT_EQ(result.entries[1].tag, 0x9F4Bu);
  EXPECT_EQ(result.entries[1].length, 128u);
  EXPECT_EQ(result.entries[1].offset, 4u);
}

TEST(DolParseTest, TruncationsGiveOneDiagnosticWithTheEntryOffset) {
  struct Case {
    const char* hex;
    TlvErrorKind kind;
    std::size_t offset;
    std::size_t entries;
  };
  const Case cases[] = {
      {"9F0206 9F", TlvErrorKind::kTruncatedTag, 3, 1},
      {"9F0206 DF81", TlvErrorKind::kTruncatedTag, 3, 1},
      {"9F0206 9F03", TlvErrorKind::kTruncatedLength, 3, 1},
      {"9F0206 95", TlvErrorKind::kTruncatedLength, 3, 1},
      {"9F0206 9F4B81", TlvErrorKind::kTruncatedLength, 3, 1},
      {"DF81810101", TlvErrorKind::kTagTooLong, 0, 0},
      {"9F0206 9F0380 9F3704", TlvErrorKind::kIndefiniteLength, 3, 1},
      {"9F0206 9F4B820100", TlvErrorKind::kLengthTooLong, 3, 1},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.hex);
    const Bytes dol = hexBytes(c.hex);
    const DolParseResult result = parseDol(dol);
    EXPECT_EQ(result.entries.size(), c.entries);
    ASSERT_EQ(result.diagnostics.size(), 1u);
    EXPECT_EQ(result.diagnostics[0].kind, c.kind);
    EXPECT_EQ(result.diagnostics[0].offset, c.offset);
  }
  const Bytes too_long = hexBytes("9F0206 9F4B820100");
  EXPECT_EQ(
      parseDol(too_long).diagnostics[0].message,
      "byte 3: DOL entry 9F4B has a 2-byte length field; DOL lengths are at most 255 (81 xx)");
  const Bytes truncated = hexBytes("9F0206 9F03");
  EXPECT_EQ(parseDol(truncated).diagnostics[0].message,
            "byte 3: tag 9F03 has no length: the data ends after the tag");
}

TEST(DolValueTest, NumericIsRightJustified) {
  Bytes out;
  appendDolValue(out, hexBytes("012345"), 6, TagFormat::kN);
  EXPECT_EQ(toHex(out), "000000012345");
  out.clear();
  appendDolValue(out, hexBytes("0000000012345678"), 6, TagFormat::kN);
  EXPECT_EQ(toHex(out), "000012345678");  // leftmost bytes cut
}

TEST(DolValueTest, CompressedNumericIsLeftJustifiedWithFPadding) {
  Bytes out;
  appendDolValue(out, hexBytes("4761739001010119"), 10, TagFormat::kCn);
  EXPECT_EQ(toHex(out), "4761739001010119FFFF");
  out.clear();
  appendDolValue(out, hexBytes("4761739001010119"), 4, TagFormat::kCn);
  EXPECT_EQ(toHex(out), "47617390");  // rightmost bytes cut
}

TEST(DolValueTest, OtherFormatsAreLeftJustifiedWithZeroPadding) {
  for (TagFormat format : {TagFormat::kB, TagFormat::kAn, TagFormat::kAns, TagFormat::kA,
                           TagFormat::kVar, TagFormat::kDol}) {
    Bytes out;
    appendDolValue(out, hexBytes("AABBCC"), 5, format);
    EXPECT_EQ(toHex(out), "AABBCC0000");
    out.clear();
    appendDolValue(out, hexBytes("0102030405060708"), 4, format);
    EXPECT_EQ(toHex(out), "01020304");
  }
  Bytes out;
  appendDolValue(out, hexBytes("AABB"), 0, TagFormat::kN);
  EXPECT_TRUE(out.empty());
}

TEST_F(DolBuildTest, BuildsCdol1DataFromTerminalValues) {
  std::vector<Tag> absent;
  // 9F03 (amount other) is absent from this terminal: zeros.
  EXPECT_EQ(build("9F02069F03069F1A0295055F2A029A039C019F3704", &absent),
            "000000012345"
            "000000000000"
            "0156"
            "0000008000"
            "0156"
            "250314"
            "00"
            "1A2B3C4D");
  EXPECT_EQ(absent, std::vector<Tag>{0x9F03});
}

TEST_F(DolBuildTest, AppliesTheBook3Section54RulesPerFormat) {
  // 9F02 n asked in 4 bytes: leftmost cut; 9F02 in 8: leading zeros.
  EXPECT_EQ(build("9F0204"), "00012345");
  EXPECT_EQ(build("9F0208"), "0000000000012345");
  // 5A cn in 10: trailing FF; in 6: rightmost cut.
  EXPECT_EQ(build("5A0A"), "4761739001010119FFFF");
  EXPECT_EQ(build("5A06"), "476173900101");
  // 9F37 b in 2: rightmost cut; in 6: trailing zeros. 8A an in 3: trailing zero.
  EXPECT_EQ(build("9F3702"), "1A2B");
  EXPECT_EQ(build("9F3706"), "1A2B3C4D0000");
  EXPECT_EQ(build("8A03"), "303000");
}

TEST_F(DolBuildTest, ConstructedUnknownAndZeroLengthEntries) {
  std::vector<Tag> absent;
  // 70 is constructed: zeros although a value exists. DF8101 unknown: zeros. 9C in 0: nothing.
  EXPECT_EQ(build("7003 DF810102 9C00 9A03", &absent),
            "000000"
            "0000"
            "250314");
  EXPECT_EQ(absent, std::vector<Tag>{0xDF8101});
}

TEST_F(DolBuildTest, TemplateFormatGivesZerosAndMissingCallbacksAreTolerated) {
  const Bytes dol = hexBytes("9A03 9F3704");
  const DolParseResult parsed = parseDol(dol);
  // Format says template for 9A here: zeros.
  const Bytes as_template =
      buildDolData(parsed.entries, lookup(), [](Tag) { return TagFormat::kTemplate; });
  EXPECT_EQ(toHex(as_template), "00000000000000");
  // No value look-up: all zeros; no format look-up: binary rules.
  EXPECT_EQ(toHex(buildDolData(parsed.entries, nullptr, nullptr)), "00000000000000");
  EXPECT_EQ(toHex(buildDolData(parsed.entries, lookup(), nullptr)), "2503141A2B3C4D");
}

TEST(DolSplitTest, SplitsDataBackIntoEntries) {
  const Bytes dol = hexBytes("9F02069F1A029F3704");
  const DolParseResult parsed = parseDol(dol);
  const Bytes data = hexBytes("000000012345 0156 1A2B3C4D");
  const Result<std::vector<DolValue>> split = splitDolData(parsed.entries, data);
  ASSERT_TRUE(split.isOk()) << split.status().toString();
  ASSERT_EQ(split->size(), 3u);
  EXPECT_EQ((*split)[0].entry.tag, 0x9F02u);
  EXPECT_EQ(toHex((*split)[0].value), "000000012345");
  EXPECT_EQ(toHex((*split)[1].value), "0156");
  EXPECT_EQ((*split)[2].entry.tag, 0x9F37u);
  EXPECT_EQ(toHex((*split)[2].value), "1A2B3C4D");
}

TEST(DolSplitTest, WrongDataLengthIsMalformed) {
  const Bytes dol = hexBytes("9F02069F1A029F3704");
  const DolParseResult parsed = parseDol(dol);
  const Bytes data = hexBytes("0000000123450156");
  const Result<std::vector<DolValue>> split = splitDolData(parsed.entries, data);
  ASSERT_FALSE(split.isOk());
  EXPECT_EQ(split.status().code(), StatusCode::kMalformed);
  EXPECT_EQ(split.status().message(),
            "DOL-related data is 8 bytes long but its DOL of 3 entries asks for 12 (EMV Book 3 "
            "§5.4)");
}

TEST(DolRobustnessTest, RandomDolsNeverAskForMoreThanTheyCanSay) {
  std::mt19937 random(5);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<std::size_t> length(0, 40);
  for (int round = 0; round < 2000; ++round) {
    Bytes dol(length(random));
    for (std::uint8_t& b : dol) b = static_cast<std::uint8_t>(byte(random));
    const DolParseResult parsed = parseDol(dol);
    EXPECT_LE(parsed.diagnostics.size(), 1u);
    std::size_t previous = 0;
    for (const DolEntry& entry : parsed.entries) {
      EXPECT_LT(entry.offset, dol.size());
      EXPECT_GE(entry.offset, previous);
      EXPECT_LE(entry.length, 255u);
      previous = entry.offset + 1;
    }
    const Bytes data = buildDolData(parsed.entries, nullptr, formatOf);
    EXPECT_EQ(data.size(), dolDataLength(parsed.entries));
    EXPECT_TRUE(splitDolData(parsed.entries, data).isOk());
  }
}

}  // namespace
}  // namespace posim::emv
