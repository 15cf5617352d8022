// The shared, independently encoded messages (testdata/vectors/iso8583_default*.json, pyiso8583)
// against the built-in dialects iso87-ascii and iso87-ascii-hex: decode every field, encode byte
// for byte, framed and unframed, and the MAC of every message that carries one.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "posim/emv/crypto/mac.h"
#include "posim/iso8583/framing.h"

#include "iso8583_test_util.h"

namespace posim::iso8583 {
namespace {

using testing::builtin;
using testing::messageFromVector;
using testing::vectorForm;

const Bytes kTak = hexBytes("89ABCDEF01234567FEDCBA9876543210");

struct VectorSet {
  const char* file;
  const char* dialect;
};

class VectorTest : public ::testing::TestWithParam<VectorSet> {
 protected:
  const Dialect& dialect() const { return builtin(GetParam().dialect); }
  Json vectors() const { return test::loadJson(std::string("vectors/") + GetParam().file); }
};

TEST_P(VectorTest, DecodesEveryFieldOfEveryMessage) {
  const Json cases = vectors();
  ASSERT_EQ(cases.size(), 13u);
  for (const Json& c : cases.asArray()) {
    SCOPED_TRACE(c.find("id")->asString());
    const Bytes encoded = hexBytes(c.find("encoded_hex")->asString());
    const Unpacked unpacked = unpack(dialect(), encoded);
    ASSERT_TRUE(unpacked.ok()) << unpacked.diagnostics.front().message;
    EXPECT_EQ(unpacked.message.mti(), c.find("mti")->asString());
    const Json::Array& present = c.find("present_fields")->asArray();
    std::vector<int> want_fields;
    for (const Json& f : present) {
      if (f.asInt() != 1) want_fields.push_back(static_cast<int>(f.asInt()));
    }
    std::vector<int> got_fields;
    for (const auto& [field, value] : unpacked.message.fields()) got_fields.push_back(field);
    EXPECT_EQ(got_fields, want_fields);
    for (const auto& [key, value] : c.find("fields")->asObject()) {
      if (key == "t" || key == "p" || key == "1") continue;
      EXPECT_EQ(vectorForm(dialect(), unpacked.message, std::stoi(key)), value.asString())
          << "field " << key;
    }
  }
}

TEST_P(VectorTest, DecodedLayoutMatchesThePerFieldEncoding) {
  const Json cases = vectors();
  for (const Json& c : cases.asArray()) {
    SCOPED_TRACE(c.find("id")->asString());
    const Bytes encoded = hexBytes(c.find("encoded_hex")->asString());
    const Unpacked unpacked = unpack(dialect(), encoded);
    ASSERT_TRUE(unpacked.ok());
    const Json* encodings = c.find("field_encoding");
    for (const FieldLayout& element : unpacked.layout) {
      if (element.field < 2) continue;
      const Json* want = encodings->find(std::to_string(element.field));
      ASSERT_NE(want, nullptr) << "field " << element.field;
      const ByteView bytes(encoded);
      EXPECT_EQ(toHex(bytes.subspan(element.offset, element.prefix_size)),
                want->find("len_prefix_hex")->asString());
      EXPECT_EQ(toHex(bytes.subspan(element.offset + element.prefix_size, element.size)),
                want->find("data_hex")->asString());
    }
  }
}

TEST_P(VectorTest, EncodesEveryMessageByteForByte) {
  const Json cases = vectors();
  for (const Json& c : cases.asArray()) {
    SCOPED_TRACE(c.find("id")->asString());
    const Message message = messageFromVector(dialect(), c);
    auto packed = pack(dialect(), message);
    ASSERT_TRUE(packed.isOk()) << packed.status().toString();
    EXPECT_EQ(toHex(*packed), c.find("encoded_hex")->asString());
    EXPECT_EQ(packed->size(), static_cast<std::size_t>(c.find("encoded_length")->asInt()));
  }
}

TEST_P(VectorTest, FramedWithTwoByteLengthBothWays) {
  const Json cases = vectors();
  for (const Json& c : cases.asArray()) {
    SCOPED_TRACE(c.find("id")->asString());
    const Message message = messageFromVector(dialect(), c);
    // Encode: the frame prefix goes first into the same buffer.
    auto packed = pack(dialect(), message);
    ASSERT_TRUE(packed.isOk());
    auto framed = frame(Framing::kBinary2, *packed);
    ASSERT_TRUE(framed.isOk());
    EXPECT_EQ(toHex(*framed), c.find("framed_2byte_len_hex")->asString());
    // Decode: read the prefix, then the message after it.
    const Bytes wire = hexBytes(c.find("framed_2byte_len_hex")->asString());
    auto length = readFramePrefix(Framing::kBinary2, wire);
    ASSERT_TRUE(length.isOk());
    ASSERT_TRUE(length->has_value());
    ASSERT_EQ(**length + 2, wire.size());
    const Unpacked unpacked = unpack(dialect(), ByteView(wire).subspan(2, **length));
    ASSERT_TRUE(unpacked.ok());
    EXPECT_EQ(unpacked.message, message);
  }
}

TEST_P(VectorTest, MacOfEveryMessageVerifies) {
  int macs = 0;
  const Json cases = vectors();
  for (const Json& c : cases.asArray()) {
    SCOPED_TRACE(c.find("id")->asString());
    const Message message = messageFromVector(dialect(), c);
    const int mac_field = macField(dialect(), message);
    if (!message.has(mac_field)) continue;
    ++macs;
    // Recompute over the bytes with the MAC field as a placeholder, as a sender does.
    Message placeholder = message;
    placeholder.setBytes(mac_field, Bytes(8, 0));
    Bytes packed;
    std::vector<FieldLayout> layout;
    ASSERT_TRUE(pack(dialect(), placeholder, packed, &layout).isOk());
    auto input = macInput(packed, layout, mac_field);
    ASSERT_TRUE(input.has_value());
    auto mac = emv::crypto::macAlgorithm3(kTak, *input, emv::crypto::MacPadding::kMethod1);
    ASSERT_TRUE(mac.isOk());
    EXPECT_EQ(toHex(*mac), toHex(message.bytes(mac_field)));
    // The MAC input is the same bytes in the message as received.
    const Bytes received = hexBytes(c.find("encoded_hex")->asString());
    const Unpacked unpacked = unpack(dialect(), received);
    auto received_input = macInput(received, unpacked.layout, mac_field);
    ASSERT_TRUE(received_input.has_value());
    EXPECT_EQ(toHex(*received_input), toHex(*input));
  }
  EXPECT_EQ(macs, 7);
}

INSTANTIATE_TEST_SUITE_P(Vectors, VectorTest,
                         ::testing::Values(VectorSet{"iso8583_default.json", "iso87-ascii"},
                                           VectorSet{"iso8583_default_ascii.json",
                                                     "iso87-ascii-hex"}),
                         [](const auto& test_info) {
                           return std::string(test_info.param.dialect) == "iso87-ascii" ? "Binary"
                                                                                        : "Hex";
                         });

TEST(MacField, IsDerivedFromTheFieldsPresentUnlessTheDialectSaysSo) {
  const Dialect& iso87 = builtin("iso87-ascii");
  Message message("0200");
  message.set(3, "000000");
  EXPECT_EQ(macField(iso87, message), 64);
  message.set(70, "301");
  EXPECT_EQ(macField(iso87, message), 128);
  EXPECT_EQ(macField(builtin("cup-pos"), message), 64);
}

TEST(MacInput, IsEmptyWithoutTheMacFieldInTheLayout) {
  const Dialect& iso87 = builtin("iso87-ascii");
  Message message("0800");
  message.set(11, "000001");
  Bytes packed;
  std::vector<FieldLayout> layout;
  ASSERT_TRUE(pack(iso87, message, packed, &layout).isOk());
  EXPECT_FALSE(macInput(packed, layout, 64).has_value());
}

}  // namespace
}  // namespace posim::iso8583
