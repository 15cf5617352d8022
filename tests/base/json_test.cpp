#include "posim/base/json.h"

#include <gtest/gtest.h>

namespace posim {
namespace {

TEST(JsonTest, ParsesEveryKind) {
  auto j = Json::parse(R"({"a": [1, -2.5e3, true, false, null], "s": "x\"\u00e9\n", "o": {}})");
  ASSERT_TRUE(j.isOk()) << j.status().toString();
  const Json& a = *j->find("a");
  ASSERT_TRUE(a.isArray());
  EXPECT_EQ(a.asArray()[0].asInt(), 1);
  EXPECT_DOUBLE_EQ(a.asArray()[1].asDouble(), -2500.0);
  EXPECT_TRUE(a.asArray()[2].asBool());
  EXPECT_TRUE(a.asArray()[4].isNull());
  EXPECT_EQ(j->find("s")->asString(), "x\"\xC3\xA9\n");
  EXPECT_TRUE(j->find("o")->isObject());
  EXPECT_EQ(j->find("missing"), nullptr);
}

TEST(JsonTest, KeepsKeyOrderAndBigIntegersExactly) {
  auto j = Json::parse(R"({"z":1,"a":18446744073709551615})");
  ASSERT_TRUE(j.isOk());
  EXPECT_EQ(j->dump(), R"({"z":1,"a":18446744073709551615})");
}

TEST(JsonTest, BuildsAndPrettyPrints) {
  Json doc = Json::object();
  doc["name"] = "visa";
  doc["list"].push(1);
  doc["list"].push("two");
  doc["nested"]["ok"] = true;
  EXPECT_EQ(doc.dump(), R"({"name":"visa","list":[1,"two"],"nested":{"ok":true}})");
  EXPECT_EQ(Json::parse(doc.dump(2))->dump(), doc.dump());
  EXPECT_NE(doc.dump(2).find("\n  \"name\": \"visa\""), std::string::npos);
}

TEST(JsonTest, ErrorsNameLineAndColumn) {
  auto bad = Json::parse("{\n  \"a\": tru\n}");
  ASSERT_FALSE(bad.isOk());
  EXPECT_NE(bad.status().message().find("2:8"), std::string::npos) << bad.status().message();
  EXPECT_FALSE(Json::parse("[1,]").isOk());
  EXPECT_FALSE(Json::parse("\"unterminated").isOk());
  EXPECT_FALSE(Json::parse("1 2").isOk());
  EXPECT_FALSE(Json::parse("").isOk());
}

TEST(JsonTest, DeepNestingIsAnErrorNotACrash) {
  std::string deep(100000, '[');
  auto r = Json::parse(deep);
  ASSERT_FALSE(r.isOk());
  EXPECT_NE(r.status().message().find("nesting"), std::string::npos);
}

TEST(JsonTest, EscapesControlCharacters) {
  std::string out;
  appendJsonString(out, std::string("a\x01"
                                    "b",
                                    3));
  EXPECT_EQ(out, "\"a\\u0001b\"");
}

}  // namespace
}  // namespace posim
