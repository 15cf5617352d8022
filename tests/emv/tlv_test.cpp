#include "posim/emv/tlv.h"

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "posim/base/bytes.h"
#include "posim/base/json.h"

#include "test_data.h"

namespace posim::emv {
namespace {

Tag tagFromHex(std::string_view hex) {
  return static_cast<Tag>(readBigEndian(hexBytes(hex)));
}

// The tree as the JSON shape of emv_tlv.json: {"tag": "hex value" | {children}}.
Json treeToJson(std::span<const TlvNode> nodes) {
  Json object = Json::object();
  for (const TlvNode& node : nodes) {
    object[tagToHex(node.tag)] =
        node.constructed() ? treeToJson(node.children) : Json(toHex(node.value));
  }
  return object;
}

void buildFromJson(TlvBuilder& builder, const Json& object) {
  for (const auto& [key, value] : object.asObject()) {
    const Tag tag = tagFromHex(key);
    if (value.isObject()) {
      builder.open(tag);
      buildFromJson(builder, value);
      builder.close();
    } else {
      builder.add(tag, hexBytes(value.asString()));
    }
  }
}

// Every node's value lies inside `data`, and children inside their parent's value.
void expectWithin(std::span<const TlvNode> nodes, ByteView data) {
  for (const TlvNode& node : nodes) {
    ASSERT_GE(node.value.data(), data.data());
    ASSERT_LE(node.value.data() + node.value.size(), data.data() + data.size());
    ASSERT_EQ(node.value.data(), data.data() + node.valueOffset());
    if (!node.constructed()) {
      EXPECT_TRUE(node.children.empty());
    }
    expectWithin(node.children, data);
  }
}

// ---- emv_tlv.json ----

TEST(TlvVectorsTest, DecodesEveryCaseToTheDecodedStructure) {
  const Json cases = test::loadJson("vectors/emv_tlv.json");
  ASSERT_TRUE(cases.isArray());
  ASSERT_EQ(cases.size(), 6u);
  for (const Json& c : cases.asArray()) {
    SCOPED_TRACE(c.find("id")->asString());
    const Bytes encoded = hexBytes(c.find("encoded")->asString());
    const TlvDecodeResult result = decodeTlv(encoded);
    EXPECT_TRUE(result.ok()) << result.status().toString();
    EXPECT_EQ(treeToJson(result.nodes), *c.find("decoded"));
    // Canonical input re-encodes to the same bytes.
    EXPECT_EQ(toHex(encodeTlvTree(result.nodes)), c.find("encoded")->asString());
  }
}

TEST(TlvVectorsTest, EncodesEveryDecodedBackToTheEncodedBytes) {
  const Json cases = test::loadJson("vectors/emv_tlv.json");
  ASSERT_TRUE(cases.isArray());
  for (const Json& c : cases.asArray()) {
    SCOPED_TRACE(c.find("id")->asString());
    TlvBuilder builder;
    buildFromJson(builder, *c.find("decoded_back"));
    EXPECT_EQ(toHex(builder.take()), c.find("encoded")->asString());
  }
}

TEST(TlvVectorsTest, LongFormLengthOfCase05) {
  // TLV-05: 9F4B 81 80 <128 bytes>.
  const Json cases = test::loadJson("vectors/emv_tlv.json");
  const Bytes encoded = hexBytes(cases.asArray()[4].find("encoded")->asString());
  const TlvDecodeResult result = decodeTlv(encoded);
  ASSERT_EQ(result.nodes.size(), 1u);
  EXPECT_EQ(result.nodes[0].tag, 0x9F4Bu);
  EXPECT_EQ(result.nodes[0].header_length, 4u);
  EXPECT_EQ(result.nodes[0].value.size(), 128u);
}

// ---- Reader ----

TEST(TlvReaderTest, WalksOneLevelSkippingPadding) {
  // 00 | 9F02 06 000000012345 | FF FF | 70 03 5A 01 12 | 00 00
  const Bytes data = hexBytes("00 9F02060000000123 45 FFFF 7003 5A0112 0000");
  TlvReader reader(data);
  TlvItem item;
  ASSERT_TRUE(reader.next(item));
  EXPECT_EQ(item.tag, 0x9F02u);
  EXPECT_EQ(item.offset, 1u);
  EXPECT_EQ(item.header_length, 3u);
  EXPECT_EQ(toHex(item.value), "000000012345");
  EXPECT_FALSE(item.constructed());
  EXPECT_FALSE(item.truncated());

  ASSERT_TRUE(reader.next(item));
  EXPECT_EQ(item.tag, 0x70u);
  EXPECT_EQ(item.offset, 12u);
  EXPECT_EQ(item.header_length, 2u);
  EXPECT_EQ(item.valueOffset(), 14u);
  EXPECT_TRUE(item.constructed());
  EXPECT_EQ(toHex(item.value), "5A0112");

  // The reader does not descend; a child reader gives absolute offsets with a base.
  TlvReader child(item.value, item.valueOffset());
  TlvItem inner;
  ASSERT_TRUE(child.next(inner));
  EXPECT_EQ(inner.tag, 0x5Au);
  EXPECT_EQ(inner.offset, 14u);
  EXPECT_FALSE(child.next(inner));
  EXPECT_TRUE(child.finished());

  EXPECT_FALSE(reader.next(item));
  EXPECT_TRUE(reader.finished());
  EXPECT_FALSE(reader.error().has_value());
  EXPECT_EQ(reader.position(), data.size());
}

TEST(TlvReaderTest, RangeForYieldsTagsInOrder) {
  const Bytes data = hexBytes("5A0112 5F2403251231 9F3602000A");
  TlvReader reader(data);
  std::vector<Tag> tags;
  for (const TlvItem& item : reader) tags.push_back(item.tag);
  EXPECT_EQ(tags, (std::vector<Tag>{0x5A, 0x5F24, 0x9F36}));
  EXPECT_TRUE(reader.finished());
}

TEST(TlvReaderTest, EmptyAndPaddingOnlyDataHaveNoItems) {
  for (const char* hex : {"", "00", "FF", "00FF00FFFF"}) {
    const Bytes data = hexBytes(hex);
    TlvReader reader(data);
    TlvItem item;
    EXPECT_FALSE(reader.next(item)) << hex;
    EXPECT_TRUE(reader.finished()) << hex;
  }
}

TEST(TlvReaderTest, YieldsAnOverrunningItemThenStopsWithTheError) {
  const Bytes data = hexBytes("9F3602000A 5A08476173");
  TlvReader reader(data);
  TlvItem item;
  ASSERT_TRUE(reader.next(item));
  ASSERT_TRUE(reader.next(item));
  EXPECT_EQ(item.tag, 0x5Au);
  EXPECT_EQ(item.offset, 5u);
  EXPECT_TRUE(item.truncated());
  EXPECT_EQ(item.declared_length, 8u);
  EXPECT_EQ(toHex(item.value), "476173");
  ASSERT_TRUE(reader.error().has_value());
  EXPECT_EQ(reader.error()->kind, TlvErrorKind::kValueOverrun);
  EXPECT_EQ(reader.error()->offset, 5u);
  EXPECT_EQ(reader.error()->declared, 8u);
  EXPECT_EQ(reader.error()->available, 3u);
  EXPECT_FALSE(reader.next(item));
  EXPECT_FALSE(reader.finished());
}

TEST(TlvReaderTest, StopsOnAMalformedHeaderAtItsOffset) {
  const Bytes data = hexBytes("5A0112 9F3680 5A0112");
  TlvReader reader(data);
  TlvItem item;
  ASSERT_TRUE(reader.next(item));
  EXPECT_FALSE(reader.next(item));
  ASSERT_TRUE(reader.error().has_value());
  EXPECT_EQ(reader.error()->kind, TlvErrorKind::kIndefiniteLength);
  EXPECT_EQ(reader.error()->offset, 3u);
  EXPECT_EQ(reader.error()->tag, 0x9F36u);
  EXPECT_EQ(reader.position(), 3u);
  EXPECT_FALSE(reader.next(item));  // stays stopped
}

// ---- Tree decoder ----

TEST(TlvDecodeTest, RecordTemplateWithNestedChildrenAndOffsets) {
  // 70 { 5A PAN, 5F24 expiry, 8C CDOL1 } then a sibling 9F36.
  const Bytes data = hexBytes(
      "7018 5A084761739001010119 5F2403221231 8C069F02069F0306"
      "9F36020012");
  const TlvDecodeResult result = decodeTlv(data);
  ASSERT_TRUE(result.ok()) << result.status().toString();
  ASSERT_EQ(result.nodes.size(), 2u);
  const TlvNode& record = result.nodes[0];
  EXPECT_EQ(record.tag, 0x70u);
  EXPECT_EQ(record.offset, 0u);
  EXPECT_EQ(record.header_length, 2u);
  ASSERT_EQ(record.children.size(), 3u);
  EXPECT_EQ(record.children[0].tag, 0x5Au);
  EXPECT_EQ(record.children[0].offset, 2u);
  EXPECT_EQ(toHex(record.children[0].value), "4761739001010119");
  EXPECT_EQ(record.children[1].tag, 0x5F24u);
  EXPECT_EQ(record.children[1].offset, 12u);
  EXPECT_EQ(record.children[1].header_length, 3u);
  // 8C is primitive: its DOL value is not descended into although it looks like TLV.
  EXPECT_EQ(record.children[2].tag, 0x8Cu);
  EXPECT_TRUE(record.children[2].children.empty());
  EXPECT_EQ(result.nodes[1].tag, 0x9F36u);
  EXPECT_EQ(result.nodes[1].offset, 26u);
  ASSERT_NE(record.findChild(0x5F24), nullptr);
  EXPECT_EQ(record.findChild(0x5F24)->offset, 12u);
  EXPECT_EQ(record.findChild(0x9F36), nullptr);
}

TEST(TlvDecodeTest, PrimitiveValueThatLooksLikeTlvIsNotDescended) {
  const Bytes data = hexBytes("5A05 7003 5A0112");
  const TlvDecodeResult result = decodeTlv(data);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result.nodes.size(), 1u);
  EXPECT_TRUE(result.nodes[0].children.empty());
  EXPECT_EQ(toHex(result.nodes[0].value), "70035A0112");
}

TEST(TlvDecodeTest, PaddingInsideTemplatesIsSkipped) {
  // 70 value = 00 | 5A0112 | FF | 9F36020012: 10 bytes.
  const Bytes data = hexBytes("700A 00 5A0112 FF 9F36020012");
  const TlvDecodeResult result = decodeTlv(data);
  ASSERT_TRUE(result.ok()) << result.status().toString();
  ASSERT_EQ(result.nodes.size(), 1u);
  ASSERT_EQ(result.nodes[0].children.size(), 2u);
  EXPECT_EQ(result.nodes[0].children[0].offset, 3u);
  EXPECT_EQ(result.nodes[0].children[1].offset, 7u);
  EXPECT_EQ(toHex(result.nodes[0].children[1].value), "0012");
  // Re-encoding is canonical: padding dropped, length recomputed.
  EXPECT_EQ(toHex(encodeTlvTree(result.nodes)), "70085A01129F36020012");
}

TEST(TlvDecodeTest, EmptyConstructedAndEmptyPrimitive) {
  const Bytes data = hexBytes("7100 9F1000");
  const TlvDecodeResult result = decodeTlv(data);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result.nodes.size(), 2u);
  EXPECT_TRUE(result.nodes[0].children.empty());
  EXPECT_TRUE(result.nodes[1].value.empty());
  EXPECT_EQ(toHex(encodeTlvTree(result.nodes)), "71009F1000");
}

// ---- Diagnostics, one per kind, with exact offsets ----

TEST(TlvDiagnosticsTest, TruncatedTag) {
  const Bytes data = hexBytes("5A0112 9F");
  const TlvDecodeResult result = decodeTlv(data);
  ASSERT_EQ(result.nodes.size(), 1u);
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_EQ(result.diagnostics[0].kind, TlvErrorKind::kTruncatedTag);
  EXPECT_EQ(result.diagnostics[0].offset, 3u);
  EXPECT_EQ(result.diagnostics[0].message, "byte 3: the data ends inside tag 9F..");
  // Three-byte tag cut after its second byte.
  const Bytes cut = hexBytes("DF81");
  const TlvDecodeResult second = decodeTlv(cut);
  ASSERT_EQ(second.diagnostics.size(), 1u);
  EXPECT_EQ(second.diagnostics[0].kind, TlvErrorKind::kTruncatedTag);
  EXPECT_EQ(second.diagnostics[0].offset, 0u);
}

TEST(TlvDiagnosticsTest, TagLongerThanThreeBytes) {
  const Bytes data = hexBytes("9F3602000A DF81820101");
  const TlvDecodeResult result = decodeTlv(data);
  ASSERT_EQ(result.nodes.size(), 1u);
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_EQ(result.diagnostics[0].kind, TlvErrorKind::kTagTooLong);
  EXPECT_EQ(result.diagnostics[0].offset, 5u);
  EXPECT_EQ(result.diagnostics[0].message,
            "byte 5: tag DF8182.. is longer than 3 bytes (EMV Book 3 Annex B1)");
}

TEST(TlvDiagnosticsTest, TruncatedLength) {
  {
    const Bytes data = hexBytes("5A0112 9F02");
    const TlvDecodeResult result = decodeTlv(data);
    ASSERT_EQ(result.diagnostics.size(), 1u);
    EXPECT_EQ(result.diagnostics[0].kind, TlvErrorKind::kTruncatedLength);
    EXPECT_EQ(result.diagnostics[0].offset, 3u);
    EXPECT_EQ(result.diagnostics[0].message,
              "byte 3: tag 9F02 has no length: the data ends after the tag");
  }
  {
    // Long form 82 needs two more bytes; one is there.
    const Bytes data = hexBytes("9F4B8201");
    const TlvDecodeResult result = decodeTlv(data);
    ASSERT_EQ(result.diagnostics.size(), 1u);
    EXPECT_EQ(result.diagnostics[0].kind, TlvErrorKind::kTruncatedLength);
    EXPECT_EQ(result.diagnostics[0].offset, 0u);
    EXPECT_EQ(result.diagnostics[0].message,
              "byte 0: tag 9F4B: the data ends inside its 2-byte length field");
  }
}

TEST(TlvDiagnosticsTest, IndefiniteLength) {
  const Bytes data = hexBytes("6F80 8407A0000000031010 0000");
  const TlvDecodeResult result = decodeTlv(data);
  EXPECT_TRUE(result.nodes.empty());
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_EQ(result.diagnostics[0].kind, TlvErrorKind::kIndefiniteLength);
  EXPECT_EQ(result.diagnostics[0].offset, 0u);
}

TEST(TlvDiagnosticsTest, LengthWithMoreThanFourBytes) {
  const Bytes data = hexBytes("5A0112 9F4B850000000001AA");
  const TlvDecodeResult result = decodeTlv(data);
  ASSERT_EQ(result.nodes.size(), 1u);
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_EQ(result.diagnostics[0].kind, TlvErrorKind::kLengthTooLong);
  EXPECT_EQ(result.diagnostics[0].offset, 3u);
  EXPECT_EQ(result.diagnostics[0].message,
            "byte 3: tag 9F4B has a length field of 5 bytes; at most 4 are supported");
}

TEST(TlvDiagnosticsTest, FourLengthBytesAreAcceptedButOverrun) {
  // 84 with 4 length bytes is legal; a 4 GiB value is not there and must not be read.
  const Bytes data = hexBytes("9F4B84FFFFFFFF0102");
  const TlvDecodeResult result = decodeTlv(data);
  ASSERT_EQ(result.nodes.size(), 1u);
  EXPECT_EQ(result.nodes[0].declared_length, 0xFFFFFFFFu);
  EXPECT_EQ(toHex(result.nodes[0].value), "0102");
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_EQ(result.diagnostics[0].kind, TlvErrorKind::kValueOverrun);
  EXPECT_EQ(result.diagnostics[0].offset, 0u);
}

TEST(TlvDiagnosticsTest, ValueOverrunKeepsWhatIsThere) {
  const Bytes data = hexBytes("9F3602000A 5A0847617390");
  const TlvDecodeResult result = decodeTlv(data);
  ASSERT_EQ(result.nodes.size(), 2u);
  const TlvNode& pan = result.nodes[1];
  EXPECT_EQ(pan.tag, 0x5Au);
  EXPECT_TRUE(pan.truncated());
  EXPECT_EQ(pan.declared_length, 8u);
  EXPECT_EQ(toHex(pan.value), "47617390");
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_EQ(result.diagnostics[0].kind, TlvErrorKind::kValueOverrun);
  EXPECT_EQ(result.diagnostics[0].offset, 5u);
  EXPECT_EQ(result.diagnostics[0].message,
            "byte 5: tag 5A declares 8 value bytes but only 4 remain; kept 4");
  EXPECT_EQ(result.status().code(), StatusCode::kMalformed);
  EXPECT_EQ(result.status().message(), result.diagnostics[0].message);
}

TEST(TlvDiagnosticsTest, ChildOverrunningItsTemplateIsClampedToTheTemplate) {
  // 70 05 { 5A 08 4761 7390 .. } 9F36 02 0012: the 5A claims 8 bytes, its template has 3 left.
  const Bytes data = hexBytes("7005 5A08476173 9F36020012");
  const TlvDecodeResult result = decodeTlv(data);
  ASSERT_EQ(result.nodes.size(), 2u);
  ASSERT_EQ(result.nodes[0].children.size(), 1u);
  EXPECT_EQ(toHex(result.nodes[0].children[0].value), "476173");
  EXPECT_EQ(result.nodes[1].tag, 0x9F36u);  // decoding went on after the template
  EXPECT_EQ(result.nodes[1].offset, 7u);
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_EQ(result.diagnostics[0].kind, TlvErrorKind::kValueOverrun);
  EXPECT_EQ(result.diagnostics[0].offset, 2u);
}

TEST(TlvDiagnosticsTest, HeaderErrorInsideATemplateStopsOnlyThatTemplate) {
  // 70 04 { 5A 01 12, 9F (truncated) } 9F36 02 0012
  const Bytes data = hexBytes("7004 5A0112 9F 9F36020012");
  const TlvDecodeResult result = decodeTlv(data);
  ASSERT_EQ(result.nodes.size(), 2u);
  EXPECT_EQ(result.nodes[0].children.size(), 1u);
  EXPECT_EQ(result.nodes[1].tag, 0x9F36u);
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_EQ(result.diagnostics[0].kind, TlvErrorKind::kTruncatedTag);
  EXPECT_EQ(result.diagnostics[0].offset, 5u);
}

TEST(TlvDiagnosticsTest, NestedOverrunsAreReportedInOffsetOrder) {
  // 6F 10 { 84 02 A000, A5 0A { 50 20 ...4 bytes } } : both A5 and 50 overrun.
  const Bytes data = hexBytes("6F0C 8402A000 A50A 50204142");
  const TlvDecodeResult result = decodeTlv(data);
  ASSERT_EQ(result.diagnostics.size(), 3u);
  EXPECT_EQ(result.diagnostics[0].offset, 0u);  // 6F declares 12, 10 remain
  EXPECT_EQ(result.diagnostics[1].offset, 6u);  // A5 declares 10, 4 remain
  EXPECT_EQ(result.diagnostics[2].offset, 8u);  // 50 declares 32, 2 remain
  for (const TlvDiagnostic& d : result.diagnostics) {
    EXPECT_EQ(d.kind, TlvErrorKind::kValueOverrun);
  }
  EXPECT_EQ(result.status().message(),
            "byte 0: tag 6F declares 12 value bytes but only 10 remain; kept 10 (and 2 more)");
}

TEST(TlvDiagnosticsTest, TrailingDataAfterTheSingleExpectedObject) {
  const Bytes data = hexBytes("70035A0112 00 9F36 02");
  TlvDecodeOptions options;
  options.single_object = true;
  const TlvDecodeResult result = decodeTlv(data, options);
  ASSERT_EQ(result.nodes.size(), 1u);
  EXPECT_EQ(result.nodes[0].children.size(), 1u);
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_EQ(result.diagnostics[0].kind, TlvErrorKind::kTrailingData);
  EXPECT_EQ(result.diagnostics[0].offset, 6u);
  EXPECT_EQ(result.diagnostics[0].message,
            "byte 6: 3 bytes of trailing data after the single data object 70 were not decoded");

  // Trailing padding is not garbage; without the option, the rest is decoded normally.
  const Bytes padded = hexBytes("70035A0112 00FFFF");
  EXPECT_TRUE(decodeTlv(padded, options).ok());
  // Without the option, 9F36 02 is decoded: its 2-byte value is missing.
  EXPECT_EQ(decodeTlv(data).diagnostics[0].kind, TlvErrorKind::kValueOverrun);
}

TEST(TlvDiagnosticsTest, ErrorKindNames) {
  EXPECT_STREQ(tlvErrorKindName(TlvErrorKind::kTruncatedTag), "truncated tag");
  EXPECT_STREQ(tlvErrorKindName(TlvErrorKind::kValueOverrun), "value overrun");
  EXPECT_STREQ(tlvErrorKindName(TlvErrorKind::kTooDeep), "nesting too deep");
  EXPECT_STREQ(tlvErrorKindName(TlvErrorKind::kTrailingData), "trailing data");
}

// ---- Depth bound ----

// `levels` nested 70 templates around 5A 01 12, built in linear time; header_sizes[k] is the
// header size of the template at depth k+1.
Bytes nested(std::size_t levels, std::vector<std::size_t>* header_sizes) {
  std::vector<std::size_t> total(levels + 1);  // total[k]: encoded size of depth k+1 object
  total[levels] = 3;
  for (std::size_t k = levels; k-- > 0;)
    total[k] = 1 + lengthByteCount(total[k + 1]) + total[k + 1];
  Bytes out;
  out.reserve(total[0]);
  if (header_sizes != nullptr) header_sizes->clear();
  for (std::size_t k = 0; k < levels; ++k) {
    appendTag(out, 0x70);
    appendLength(out, total[k + 1]);
    if (header_sizes != nullptr) header_sizes->push_back(1 + lengthByteCount(total[k + 1]));
  }
  append(out, hexBytes("5A0112"));
  return out;
}

TEST(TlvDepthTest, TenThousandNestedTemplatesGiveOneDiagnostic) {
  std::vector<std::size_t> header_sizes;
  const Bytes data = nested(10000, &header_sizes);
  const TlvDecodeResult result = decodeTlv(data);
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_EQ(result.diagnostics[0].kind, TlvErrorKind::kTooDeep);
  std::size_t expected_offset = 0;
  for (std::size_t i = 0; i < kTlvDefaultMaxDepth; ++i) expected_offset += header_sizes[i];
  EXPECT_EQ(result.diagnostics[0].offset, expected_offset);

  // The tree stops at depth 16; the deepest node keeps its raw value.
  const TlvNode* node = &result.nodes.at(0);
  std::size_t depth = 1;
  while (!node->children.empty()) {
    ASSERT_EQ(node->children.size(), 1u);
    node = &node->children[0];
    ++depth;
  }
  EXPECT_EQ(depth, kTlvDefaultMaxDepth);
  EXPECT_EQ(node->offset, expected_offset - header_sizes[kTlvDefaultMaxDepth - 1]);
  EXPECT_FALSE(node->value.empty());
  // Re-encoding keeps the undecoded subtree as it was.
  EXPECT_EQ(encodeTlvTree(result.nodes), data);
}

TEST(TlvDepthTest, ExactlyAtTheBoundIsFine) {
  // 15 templates + the primitive = 16 levels.
  const Bytes data = nested(15, nullptr);
  EXPECT_TRUE(decodeTlv(data).ok());
  const Bytes deeper = nested(16, nullptr);
  const TlvDecodeResult result = decodeTlv(deeper);
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_EQ(result.diagnostics[0].offset, 32u);  // 16 headers of 2 bytes
  EXPECT_EQ(result.diagnostics[0].message,
            "byte 32: data objects nested deeper than 16 levels; template 70 at byte 30 is kept "
            "undecoded");
}

TEST(TlvDepthTest, CustomBoundAndClamping) {
  const Bytes data = nested(3, nullptr);  // 70 70 70 5A: 4 levels
  TlvDecodeOptions options;
  options.max_depth = 2;
  TlvDecodeResult result = decodeTlv(data, options);
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_EQ(result.diagnostics[0].offset, 4u);
  options.max_depth = 0;  // clamped to 1: only top-level objects
  result = decodeTlv(data, options);
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_EQ(result.diagnostics[0].offset, 2u);
  EXPECT_TRUE(result.nodes[0].children.empty());
  options.max_depth = 1000;  // clamped to kTlvMaxDepthLimit
  std::vector<std::size_t> header_sizes;
  const Bytes deep = nested(100, &header_sizes);
  result = decodeTlv(deep, options);
  ASSERT_EQ(result.diagnostics.size(), 1u);
  std::size_t expected_offset = 0;
  for (std::size_t i = 0; i < kTlvMaxDepthLimit; ++i) expected_offset += header_sizes[i];
  EXPECT_EQ(result.diagnostics[0].offset, expected_offset);
  EXPECT_EQ(result.diagnostics[0].offset, 165u);  // 37 headers of 3 bytes (81 xx), 27 of 2
}

// ---- Robustness ----

// A READ RECORD response template of about 250 bytes, as a Visa card returns for SFI 1.
Bytes realisticRecord() {
  return TlvBuilder()
      .open(0x70)
      .add(0x57, hexBytes("4761739001010119D22122011758928889"))
      .add(0x5A, hexBytes("4761739001010119"))
      .add(0x5F20, asBytes("CARDHOLDER/VISA TEST CARD "))
      .add(0x5F24, hexBytes("221231"))
      .add(0x5F25, hexBytes("150101"))
      .add(0x5F28, hexBytes("0840"))
      .add(0x5F34, hexBytes("01"))
      .add(0x8C, hexBytes("9F02069F03069F1A0295055F2A029A039C019F37049F35019F4503"))
      .add(0x8D, hexBytes("8A029F02069F03069F1A0295055F2A02"))
      .add(0x8E, hexBytes("000000000000000042031E031F00"))
      .add(0x9F07, hexBytes("FF00"))
      .add(0x9F08, hexBytes("008C"))
      .add(0x9F0D, hexBytes("B050808000"))
      .add(0x9F0E, hexBytes("0000000000"))
      .add(0x9F0F, hexBytes("B070848000"))
      .add(0x9F4A, hexBytes("82"))
      .add(0x8F, hexBytes("94"))
      .add(0x92, Bytes(36, 0x5C))
      .add(0x9F32, hexBytes("03"))
      .add(0x9F49, hexBytes("9F3704"))
      .add(0x9F1F, asBytes("17589096000000"))
      .close()
      .take();
}

TEST(TlvRobustnessTest, EveryTruncationAndRandomBytesDecodeWithinBounds) {
  const Bytes record = realisticRecord();
  ASSERT_TRUE(decodeTlv(record).ok());
  for (std::size_t n = 0; n <= record.size(); ++n) {
    const Bytes cut(record.begin(), record.begin() + static_cast<std::ptrdiff_t>(n));
    const TlvDecodeResult result = decodeTlv(cut);
    expectWithin(result.nodes, cut);
  }
  std::mt19937 random(20260701);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<std::size_t> length(0, 64);
  for (int round = 0; round < 3000; ++round) {
    Bytes data(length(random));
    for (std::uint8_t& b : data) b = static_cast<std::uint8_t>(byte(random));
    // Bias towards constructed tags and plausible lengths now and then.
    if (!data.empty() && round % 3 == 0) data[0] = 0x70;
    const TlvDecodeResult result = decodeTlv(data);
    expectWithin(result.nodes, data);
    TlvReader reader(data);
    TlvItem item;
    while (reader.next(item)) {
      ASSERT_LE(item.valueOffset() + item.value.size(), data.size());
    }
  }
}

TEST(TlvRobustnessTest, MutatedRecordsDecodeReencodeAndRedecode) {
  // Byte mutations of a real record reach every header path; whatever the decoder keeps must
  // lie in the buffer and re-encode without trouble.
  const Bytes record = realisticRecord();
  std::mt19937 random(7);
  std::uniform_int_distribution<std::size_t> position(0, record.size() - 1);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> mutations(1, 4);
  for (int round = 0; round < 2000; ++round) {
    Bytes data = record;
    for (int m = mutations(random); m > 0; --m) {
      data[position(random)] = static_cast<std::uint8_t>(byte(random));
    }
    const TlvDecodeResult result = decodeTlv(data);
    expectWithin(result.nodes, data);
    for (std::size_t i = 1; i < result.diagnostics.size(); ++i) {
      EXPECT_FALSE(result.diagnostics[i].message.empty());
    }
    const Bytes again = encodeTlvTree(result.nodes);
    const TlvDecodeResult redecoded = decodeTlv(again);
    // A constructed node without decoded children re-encodes from its raw value, which may be
    // malformed; when the input decoded cleanly the re-encoding must be clean and stable.
    expectWithin(redecoded.nodes, again);
    if (result.ok()) {
      EXPECT_TRUE(redecoded.ok()) << toHex(data);
      EXPECT_EQ(encodeTlvTree(redecoded.nodes), again);
    }
    (void)collectPrimitives(result.nodes);
    (void)findTlv(result.nodes, 0x9F1F);
  }
}

// ---- Look-ups ----

TEST(TlvLookupTest, FindTlvSearchesDepthFirstInDocumentOrder) {
  // 6F { 84, A5 { 50 "A", BF0C { 50 "B" } } } 50 "C"
  const Bytes data = hexBytes("6F0F 8402A000 A509 500141 BF0C03 500142 500143");
  const TlvDecodeResult result = decodeTlv(data);
  ASSERT_TRUE(result.ok()) << result.status().toString();
  const TlvNode* label = findTlv(result.nodes, 0x50);
  ASSERT_NE(label, nullptr);
  EXPECT_EQ(toHex(label->value), "41");
  EXPECT_EQ(label->offset, 8u);
  const TlvNode* bf0c = findTlv(result.nodes, 0xBF0C);
  ASSERT_NE(bf0c, nullptr);
  EXPECT_EQ(bf0c->offset, 11u);
  EXPECT_EQ(toHex(findTlv(bf0c->children, 0x50)->value), "42");
  EXPECT_EQ(findTlv(result.nodes, 0x9F38), nullptr);
  EXPECT_EQ(findTlv({}, 0x50), nullptr);
}

TEST(TlvLookupTest, CollectPrimitivesFlattensInOrder) {
  const Bytes data = hexBytes("6F0F 8402A000 A509 500141 BF0C03 500142 500143");
  const TlvDecodeResult result = decodeTlv(data);
  const std::vector<TlvField> fields = collectPrimitives(result.nodes);
  ASSERT_EQ(fields.size(), 4u);
  EXPECT_EQ(fields[0].tag, 0x84u);
  EXPECT_EQ(toHex(fields[0].value), "A000");
  EXPECT_EQ(fields[1].tag, 0x50u);
  EXPECT_EQ(fields[1].offset, 8u);
  EXPECT_EQ(fields[2].offset, 14u);
  EXPECT_EQ(toHex(fields[2].value), "42");
  EXPECT_EQ(fields[3].offset, 17u);

  std::vector<TlvField> duplicates;
  const std::map<Tag, ByteView> map = collectPrimitiveMap(result.nodes, &duplicates);
  ASSERT_EQ(map.size(), 2u);
  EXPECT_EQ(toHex(map.at(0x50)), "41");  // first occurrence wins
  EXPECT_EQ(toHex(map.at(0x84)), "A000");
  ASSERT_EQ(duplicates.size(), 2u);
  EXPECT_EQ(duplicates[0].offset, 14u);
  EXPECT_EQ(duplicates[1].offset, 17u);
  EXPECT_EQ(collectPrimitiveMap(result.nodes).size(), 2u);
}

// ---- Encoder ----

TEST(TlvEncodeTest, Tags) {
  EXPECT_EQ(toHex(encodeTag(0x5A)), "5A");
  EXPECT_EQ(toHex(encodeTag(0x9F02)), "9F02");
  EXPECT_EQ(toHex(encodeTag(0xDF8101)), "DF8101");
  EXPECT_TRUE(isValidTag(0x70));
  EXPECT_TRUE(isValidTag(0xBF0C));
  EXPECT_TRUE(isValidTag(0xDF8101));
  EXPECT_FALSE(isValidTag(0));
  EXPECT_FALSE(isValidTag(0x1F));      // says "more bytes" but has none
  EXPECT_FALSE(isValidTag(0x9F82));    // second byte says "more"
  EXPECT_FALSE(isValidTag(0x5A01));    // single-byte tag with a second byte
  EXPECT_FALSE(isValidTag(0xDF0101));  // second byte does not say "more"
  EXPECT_FALSE(isValidTag(0xDF818101));
  EXPECT_EQ(tagByteCount(0x9F02), 2u);
}

TEST(TlvEncodeTest, LengthsShortAndLongForm) {
  EXPECT_EQ(toHex(encodeLength(0)), "00");
  EXPECT_EQ(toHex(encodeLength(127)), "7F");
  EXPECT_EQ(toHex(encodeLength(128)), "8180");
  EXPECT_EQ(toHex(encodeLength(255)), "81FF");
  EXPECT_EQ(toHex(encodeLength(256)), "820100");
  EXPECT_EQ(toHex(encodeLength(65535)), "82FFFF");
  EXPECT_EQ(toHex(encodeLength(65536)), "83010000");
  EXPECT_EQ(toHex(encodeLength(0xFFFFFF)), "83FFFFFF");
  EXPECT_EQ(toHex(encodeLength(0x1000000)), "8401000000");
  EXPECT_EQ(lengthByteCount(200), 2u);
}

TEST(TlvEncodeTest, PrimitiveConstructedAndTree) {
  EXPECT_EQ(toHex(encodeTlv(0x9F36, hexBytes("0012"))), "9F36020012");
  EXPECT_EQ(toHex(encodeTlv(0x9F10, {})), "9F1000");
  const Bytes long_value(300, 0xAB);
  const Bytes long_tlv = encodeTlv(0x9F4B, long_value);
  EXPECT_EQ(toHex(ByteView(long_tlv).first(5)), "9F4B82012C");
  EXPECT_EQ(long_tlv.size(), 305u);

  const Bytes data = hexBytes("5A0112 9F36020012");
  const TlvDecodeResult children = decodeTlv(data);
  EXPECT_EQ(toHex(encodeConstructed(0x70, children.nodes)), "70085A01129F36020012");

  // A tree with a 200-byte child: the template needs a long-form length.
  const Bytes big = TlvBuilder().open(0x70).add(0x93, Bytes(200, 0x11)).close().take();
  EXPECT_EQ(toHex(ByteView(big).first(6)), "7081CB9381C8");
  const TlvDecodeResult decoded = decodeTlv(big);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(encodeTlvTree(decoded.nodes), big);
}

TEST(TlvEncodeTest, BuilderNestsTemplates) {
  TlvBuilder builder;
  builder.open(0x6F)
      .add(0x84, hexBytes("A0000000031010"))
      .open(0xA5)
      .add(0x50, asBytes("VISA"))
      .add(0x87, {0x01})
      .close();
  EXPECT_EQ(builder.openTemplates(), 1u);
  builder.close().addRaw(hexBytes("9000"));
  EXPECT_EQ(toHex(builder.take()),
            "6F148407A0000000031010A509500456495341870101"
            "9000");
}

}  // namespace
}  // namespace posim::emv
