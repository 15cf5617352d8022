#include "posim/scenarios/schema.h"

#include <array>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace posim::scenarios {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Parses `text` (which must be valid YAML) and keeps the document alive for the test.
class SchemaTest : public ::testing::Test {
 protected:
  const Node& parse(std::string_view text) {
    Diagnostics parse_diagnostics;
    document_ = parseYaml(text, "s.yaml", parse_diagnostics);
    EXPECT_TRUE(document_) << parse_diagnostics.toString();
    if (!document_) std::abort();
    return document_->root();
  }
  // The value of `key` in a one-line document "v: <text>".
  const Node* value(std::string_view yaml_value) {
    return parse("v: " + std::string(yaml_value) + "\n").find("v");
  }
  std::vector<std::string> errors() const {
    std::vector<std::string> out;
    for (const Diagnostic& d : diagnostics_.sorted()) out.push_back(d.toString());
    return out;
  }
  // The single error, then clears.
  std::string takeError() {
    const auto all = errors();
    EXPECT_EQ(all.size(), 1u) << diagnostics_.toString();
    diagnostics_ = Diagnostics();
    return all.empty() ? std::string() : all.front();
  }

  std::shared_ptr<const Document> document_;
  Diagnostics diagnostics_;
};

TEST(SpellingTest, SuggestsTheNearestNames) {
  const std::array<std::string_view, 4> keys = {"amount", "card", "entry", "pin"};
  EXPECT_EQ(didYouMean("amout", keys), "; did you mean amount?");
  EXPECT_EQ(didYouMean("crd", keys), "; did you mean card?");
  EXPECT_EQ(didYouMean("AMOUNT", keys), "; did you mean amount?");
  EXPECT_EQ(didYouMean("zzzzzzzz", keys), "");
  const std::array<std::string_view, 3> close = {"sale", "sales", "scale"};
  EXPECT_EQ(didYouMean("sal", close), "; did you mean sale, sales or scale?");
  EXPECT_EQ(editDistance("kitten", "sitting"), 3u);
  EXPECT_THAT(
      nearestNames("visa-credt", std::array<std::string_view, 2>{"visa-debit-sda", "visa-credit"}),
      ElementsAre("visa-credit"));
}

TEST_F(SchemaTest, UnknownKeysGetADidYouMeanHintAtTheirPosition) {
  const Node& root = parse("card: visa\namout: \"12.00\"\nentry: chip\nfoo: 1\n");
  {
    MappingReader sale(root, diagnostics_, "sale");
    EXPECT_NE(sale.required("card"), nullptr);
    EXPECT_EQ(sale.required("amount"), nullptr);
    EXPECT_NE(sale.optional("entry"), nullptr);
    EXPECT_EQ(sale.optional("pin"), nullptr);
  }  // the destructor finishes
  EXPECT_THAT(errors(), ElementsAre("s.yaml:1:1: error: missing required key 'amount' in sale",
                                    "s.yaml:2:1: error: unknown key 'amout' in sale; did you mean "
                                    "amount?",
                                    "s.yaml:4:1: error: unknown key 'foo' in sale (known keys: "
                                    "amount, card, entry, pin)"));
}

TEST_F(SchemaTest, AllowedKeysAreKnownWithoutBeingRead) {
  const Node& root = parse("card: visa\nexpect: {approved: true}\n");
  MappingReader step(root, diagnostics_, "step");
  step.allow({"expect", "id"});
  EXPECT_TRUE(step.has("card"));
  (void)step.optional("card");
  step.finish();
  step.finish();
  EXPECT_THAT(errors(), IsEmpty());
}

TEST_F(SchemaTest, AMappingReaderOfANonMappingReportsOnce) {
  const Node* v = value("[1, 2]");
  MappingReader reader(*v, diagnostics_, "merchant");
  EXPECT_FALSE(reader.isMapping());
  EXPECT_EQ(reader.required("id"), nullptr);
  EXPECT_EQ(reader.optional("mcc"), nullptr);
  reader.finish();
  EXPECT_EQ(takeError(),
            "s.yaml:1:4: error: expected a mapping (key: value) for merchant, got a list");
}

TEST_F(SchemaTest, Strings) {
  EXPECT_EQ(readString(value("0123"), diagnostics_), "0123");
  EXPECT_EQ(readString(value("\"\""), diagnostics_), "");
  EXPECT_EQ(readString(nullptr, diagnostics_), std::nullopt);
  EXPECT_THAT(errors(), IsEmpty());
  EXPECT_EQ(readString(value("{a: 1}"), diagnostics_), std::nullopt);
  EXPECT_EQ(takeError(), "s.yaml:1:4: error: expected a string, got a mapping");
  EXPECT_EQ(readNonEmptyString(value("''"), diagnostics_), std::nullopt);
  EXPECT_EQ(takeError(), "s.yaml:1:4: error: expected a non-empty string, got ''");
  EXPECT_EQ(readString(value(""), diagnostics_), std::nullopt);
  EXPECT_EQ(takeError(), "s.yaml:1:1: error: expected a string, got nothing (null)");
}

TEST_F(SchemaTest, Booleans) {
  EXPECT_EQ(readBool(value("true"), diagnostics_), true);
  EXPECT_EQ(readBool(value("False"), diagnostics_), false);
  EXPECT_EQ(readBool(value("yes"), diagnostics_), true);
  EXPECT_EQ(readBool(value("off"), diagnostics_), false);
  EXPECT_THAT(errors(), IsEmpty());
  EXPECT_EQ(readBool(value("maybe"), diagnostics_), std::nullopt);
  EXPECT_EQ(takeError(), "s.yaml:1:4: error: expected true or false, got 'maybe'");
}

TEST_F(SchemaTest, IntegersWithRange) {
  EXPECT_EQ(readInteger(value("255"), diagnostics_, 0, 255), 255);
  EXPECT_EQ(readInteger(value("-3"), diagnostics_, -5, 5), -3);
  EXPECT_EQ(readInteger(value("+7"), diagnostics_, 0, 9), 7);
  EXPECT_EQ(readInteger(value("\"007\""), diagnostics_, 0, 9), 7);
  EXPECT_THAT(errors(), IsEmpty());
  EXPECT_EQ(readInteger(value("300"), diagnostics_, 0, 255), std::nullopt);
  EXPECT_EQ(takeError(), "s.yaml:1:4: error: expected an integer from 0 to 255, got '300'");
  EXPECT_EQ(readInteger(value("12.5"), diagnostics_, 0, 255), std::nullopt);
  EXPECT_EQ(takeError(), "s.yaml:1:4: error: expected an integer from 0 to 255, got '12.5'");
  EXPECT_EQ(readInteger(value("99999999999999999999"), diagnostics_, 0, 255), std::nullopt);
  EXPECT_EQ(takeError(),
            "s.yaml:1:4: error: expected an integer from 0 to 255, got '99999999999999999999'");
  EXPECT_EQ(readInteger(value("\"-\""), diagnostics_, -1, 1), std::nullopt);
  EXPECT_EQ(takeError(), "s.yaml:1:4: error: expected an integer from -1 to 1, got '-'");
  EXPECT_EQ(readInteger(value("+-1"), diagnostics_, -1, 1), std::nullopt);
  EXPECT_EQ(takeError(), "s.yaml:1:4: error: expected an integer from -1 to 1, got '+-1'");
}

TEST_F(SchemaTest, HexBytes) {
  EXPECT_EQ(readHexExact(value("9F02"), diagnostics_, 2), hexBytes("9F02"));
  EXPECT_EQ(readHex(value("\"9f 02 06\""), diagnostics_, 1, 4), hexBytes("9F0206"));
  EXPECT_THAT(errors(), IsEmpty());
  EXPECT_EQ(readHexExact(value("9F0206"), diagnostics_, 2), std::nullopt);
  EXPECT_EQ(takeError(), "s.yaml:1:4: error: expected 2 bytes of hex (like \"9F02\"), got 3 bytes");
  EXPECT_EQ(readHex(value("9F0"), diagnostics_, 1, 4), std::nullopt);
  EXPECT_EQ(takeError(),
            "s.yaml:1:4: error: expected 1 to 4 bytes of hex (like \"9F02\"), got '9F0': hex: odd "
            "number of hex digits (the digit at character 2 has no partner)");
  EXPECT_EQ(readHexExact(value("[1]"), diagnostics_, 1), std::nullopt);
  EXPECT_EQ(takeError(), "s.yaml:1:4: error: expected 1 byte of hex (like \"9F02\"), got a list");
}

TEST_F(SchemaTest, Digits) {
  EXPECT_EQ(readDigits(value("0420"), diagnostics_, 4, 12), "0420");
  EXPECT_EQ(readDigits(value("\"\""), diagnostics_, 0, 19), "");
  EXPECT_THAT(errors(), IsEmpty());
  EXPECT_EQ(readDigits(value("12a4"), diagnostics_, 4, 12), std::nullopt);
  EXPECT_EQ(takeError(), "s.yaml:1:4: error: expected 4 to 12 decimal digits, got '12a4'");
  EXPECT_EQ(readDigits(value("123"), diagnostics_, 4, 4), std::nullopt);
  EXPECT_EQ(takeError(), "s.yaml:1:4: error: expected 4 decimal digits, got '123'");
}

TEST_F(SchemaTest, MoneyAndCurrencies) {
  const Currency cny = *currencyByAlpha("CNY");
  EXPECT_EQ(readMoney(value("\"12.34\""), diagnostics_, cny), Money(1234, cny));
  EXPECT_EQ(readMoney(value("12.30"), diagnostics_, cny), Money(1230, cny));
  EXPECT_EQ(readMoneyWithCurrency(value("5.00 CNY"), diagnostics_), Money(500, cny));
  EXPECT_EQ(readCurrency(value("CNY"), diagnostics_), cny);
  EXPECT_EQ(readCurrency(value("156"), diagnostics_), cny);
  EXPECT_THAT(errors(), IsEmpty());
  EXPECT_EQ(readMoney(value("12.345"), diagnostics_, cny), std::nullopt);
  const std::string error = takeError();
  EXPECT_THAT(error, ::testing::StartsWith(
                         "s.yaml:1:4: error: expected an amount in CNY as a decimal string (like "
                         "\"12.34\"), got '12.345': "));
  EXPECT_EQ(readCurrency(value("CNX"), diagnostics_), std::nullopt);
  EXPECT_THAT(takeError(), ::testing::StartsWith("s.yaml:1:4: error: unknown currency 'CNX'; did "
                                                 "you mean "));
  EXPECT_EQ(readMoneyWithCurrency(value("12.00"), diagnostics_), std::nullopt);
  EXPECT_EQ(takeError(),
            "s.yaml:1:4: error: expected an amount and currency (like \"12.34 CNY\"), got '12.00'");
}

TEST_F(SchemaTest, TimesDatesDurationsAndTimesOfDay) {
  const auto t = readTimestamp(value("\"2026-09-30T21:30:00+08:00\""), diagnostics_);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->utc_offset, std::chrono::minutes(480));
  EXPECT_EQ(readDate(value("2026-10-08"), diagnostics_),
            Date(std::chrono::year(2026), std::chrono::October, std::chrono::day(8)));
  EXPECT_EQ(readDuration(value("2h"), diagnostics_), std::chrono::hours(2));
  EXPECT_EQ(readDuration(value("1h30m"), diagnostics_), std::chrono::minutes(90));
  EXPECT_EQ(readTimeOfDay(value("\"23:00\""), diagnostics_), 23 * 3600);
  EXPECT_THAT(errors(), IsEmpty());

  EXPECT_EQ(readTimestamp(value("yesterday"), diagnostics_), std::nullopt);
  EXPECT_THAT(takeError(), ::testing::StartsWith(
                               "s.yaml:1:4: error: expected an ISO 8601 time with offset (like "
                               "\"2026-09-30T21:30:00+08:00\"), got 'yesterday': "));
  EXPECT_EQ(readDate(value("2026-13-01"), diagnostics_), std::nullopt);
  EXPECT_THAT(takeError(), ::testing::StartsWith("s.yaml:1:4: error: expected a date (like "
                                                 "\"2026-10-08\"), got '2026-13-01': "));
  EXPECT_EQ(readDuration(value("2 weeks"), diagnostics_), std::nullopt);
  EXPECT_THAT(takeError(), ::testing::StartsWith("s.yaml:1:4: error: expected a duration (like "
                                                 "30s, 5m, 2h, 3d or 1h30m), got '2 weeks': "));
  EXPECT_EQ(readTimeOfDay(value("\"25:00\""), diagnostics_), std::nullopt);
  EXPECT_THAT(takeError(), ::testing::StartsWith("s.yaml:1:4: error: expected a time of day "
                                                 "(like \"23:00\"), got '25:00': "));
}

enum class Entry { kChip, kContactless, kSwipe };
constexpr std::array<EnumName<Entry>, 3> kEntryNames = {{
    {"chip", Entry::kChip},
    {"contactless", Entry::kContactless},
    {"swipe", Entry::kSwipe},
}};

TEST_F(SchemaTest, EnumsWithDidYouMean) {
  EXPECT_EQ(readEnum<Entry>(value("contactless"), diagnostics_, kEntryNames, "entry mode"),
            Entry::kContactless);
  EXPECT_THAT(errors(), IsEmpty());
  EXPECT_EQ(readEnum<Entry>(value("chipp"), diagnostics_, kEntryNames, "entry mode"), std::nullopt);
  EXPECT_EQ(takeError(),
            "s.yaml:1:4: error: unknown entry mode 'chipp'; did you mean chip? (expected one of: "
            "chip, contactless, swipe)");
  EXPECT_EQ(readEnum<Entry>(value("[chip]"), diagnostics_, kEntryNames, "entry mode"),
            std::nullopt);
  EXPECT_EQ(
      takeError(),
      "s.yaml:1:4: error: expected entry mode (one of: chip, contactless, swipe), got a list");
}

TEST_F(SchemaTest, ListsReadEveryItemAndReportEveryBadOne) {
  const auto read_byte = [](const Node& n, Diagnostics& d) { return readInteger(&n, d, 0, 255); };
  EXPECT_EQ(readList<std::int64_t>(value("[1, 2, 3]"), diagnostics_, read_byte),
            (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_THAT(errors(), IsEmpty());
  EXPECT_EQ(readList<std::int64_t>(value("[1, 300, x]"), diagnostics_, read_byte), std::nullopt);
  EXPECT_THAT(errors(),
              ElementsAre("s.yaml:1:8: error: expected an integer from 0 to 255, got '300'",
                          "s.yaml:1:13: error: expected an integer from 0 to 255, got 'x'"));
  diagnostics_ = Diagnostics();
  EXPECT_EQ(readList<std::int64_t>(value("7"), diagnostics_, read_byte), std::nullopt);
  EXPECT_EQ(takeError(), "s.yaml:1:4: error: expected a list, got '7'");
}

TEST_F(SchemaTest, CollectsEveryErrorOfAFile) {
  const Node& root = parse(
      "posim: 1\n"
      "name: three mistakes\n"
      "merchant:\n"
      "  id: \"123456789012345\"\n"
      "  mcc: 58x2\n"
      "  currncy: CNY\n"
      "amount: \"1.234\"\n");
  MappingReader scenario(root, diagnostics_, "scenario");
  (void)readInteger(scenario.required("posim"), diagnostics_, 1, 1);
  (void)readString(scenario.required("name"), diagnostics_);
  if (const Node* merchant = scenario.required("merchant")) {
    MappingReader m(*merchant, diagnostics_, "merchant");
    (void)readDigits(m.required("id"), diagnostics_, 15, 15);
    (void)readDigits(m.required("mcc"), diagnostics_, 4, 4);
    (void)readCurrency(m.optional("currency"), diagnostics_);
  }
  (void)readMoney(scenario.optional("amount"), diagnostics_, *currencyByAlpha("CNY"));
  scenario.finish();
  const auto all = errors();
  ASSERT_EQ(all.size(), 3u) << diagnostics_.toString();
  EXPECT_EQ(all[0], "s.yaml:5:8: error: expected 4 decimal digits, got '58x2'");
  EXPECT_EQ(all[1], "s.yaml:6:3: error: unknown key 'currncy' in merchant; did you mean currency?");
  EXPECT_THAT(all[2], ::testing::StartsWith("s.yaml:7:9: error: expected an amount in CNY"));
  EXPECT_EQ(diagnostics_.toStatus().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace posim::scenarios
