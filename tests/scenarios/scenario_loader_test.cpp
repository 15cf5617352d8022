#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <span>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "posim/base/json.h"
#include "posim/scenarios/scenario.h"

#include "test_data.h"

namespace posim::scenarios {
namespace {

namespace fs = std::filesystem;
using acquirer::TransactionType;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

fs::path examplesDir() {
  return fs::path(test::dataDir()) / ".." / ".." / "examples";
}

fs::path scenarioData(std::string_view name) {
  return fs::path(test::dataDir()) / "scenarios" / name;
}

const Currency kCny = *currencyByAlpha("CNY");

Money cny(std::string_view text) {
  return *Money::parse(text, kCny);
}

LocalDateTime at(std::string_view text) {
  return *parseIso8601(text);
}

// The first lines of most inline scenarios; what a test adds starts at line 6.
constexpr std::string_view kHeader =
    "posim: 1\n"
    "name: t\n"
    "clock: {start: \"2026-11-02T10:00:00+08:00\"}\n"
    "cards:\n"
    "  v: visa-credit\n";

class ScenarioLoaderTest : public ::testing::Test {
 protected:
  LoadResult<Scenario> load(std::string_view text) {
    return loadScenarioText(text, "s.yaml", resolver_);
  }
  LoadResult<Scenario> loadWithHeader(std::string_view body) {
    return load(std::string(kHeader) + std::string(body));
  }
  // Every diagnostic of a load, one "file:line:col: error: message" each.
  std::vector<std::string> errorsOf(std::string_view text) {
    auto result = load(text);
    std::vector<std::string> out;
    for (const Diagnostic& d : result.diagnostics().sorted()) out.push_back(d.toString());
    return out;
  }
  std::vector<std::string> errorsWithHeader(std::string_view body) {
    return errorsOf(std::string(kHeader) + std::string(body));
  }

  Resolver resolver_{{examplesDir()}};
};

// ---- The normative examples ----

TEST_F(ScenarioLoaderTest, DesignSection6ExampleLoadsWithEveryFieldInPlace) {
  auto result = loadScenario(scenarioData("design-section6.yaml"), resolver_);
  ASSERT_TRUE(result.isOk()) << result.errorText();
  const Scenario& s = *result;
  EXPECT_TRUE(result.diagnostics().empty()) << result.errorText();
  EXPECT_EQ(s.version, 1);
  EXPECT_EQ(s.name, "National Day pre-auth, cancel and sale");
  EXPECT_EQ(s.file, scenarioData("design-section6.yaml"));
  EXPECT_EQ(formatIso8601(s.start), "2026-09-30T21:30:00+08:00");
  EXPECT_EQ(s.start.utc_offset, std::chrono::minutes(480));
  EXPECT_EQ(s.calendar.name(), "cn-2026");
  EXPECT_EQ(s.terminal.name, "countertop");
  EXPECT_EQ(s.merchant.id, "123456789012345");
  EXPECT_EQ(s.merchant.terminal_id, "12345678");
  EXPECT_EQ(s.merchant.mcc, "5812");
  EXPECT_EQ(s.merchant.currency, kCny);
  EXPECT_EQ(s.terminal.merchant_id, "123456789012345");

  EXPECT_EQ(s.acquirer.backend, "embedded");
  EXPECT_EQ(s.acquirer.backend_position.line, 8);
  EXPECT_EQ(s.acquirer.settlement.cycle.toString(), "T+1");
  EXPECT_EQ(s.acquirer.settlement.cutoff_seconds, 23 * 3600);
  EXPECT_THAT(s.acquirer.settlement.payout_seconds, ElementsAre(9 * 3600));
  EXPECT_EQ(s.acquirer.settlement.fee.rate_billionths, 6'000'000);
  EXPECT_EQ(s.settlement.fee.rate_billionths, 6'000'000);
  EXPECT_EQ(s.acquirer.issuer.pin_key, s.terminal.online_pin_key);
  EXPECT_FALSE(s.acquirer.issuer.pin_key.empty());
  EXPECT_EQ(s.acquirer.issuer.hold_expiry, std::chrono::hours(24 * 30));
  EXPECT_EQ(s.acquirer.issuer.completion_max_percent, 115);
  ASSERT_EQ(s.what_if.size(), 1u);
  EXPECT_EQ(s.what_if[0].name, "T+1");

  ASSERT_EQ(s.cards.size(), 2u);
  const ScenarioCard* visa = s.findCard("visa");
  ASSERT_NE(visa, nullptr);
  EXPECT_EQ(visa->profile.id, "visa-credit");
  EXPECT_EQ(visa->pin, "1234");
  EXPECT_EQ(visa->profile.offline_pin, "1234");
  EXPECT_EQ(visa->balance, cny("5000.00"));
  EXPECT_EQ(visa->status, acquirer::AccountStatus::kActive);
  EXPECT_EQ(visa->position.line, 11);
  const ScenarioCard* mc = s.findCard("mc");
  ASSERT_NE(mc, nullptr);
  EXPECT_EQ(mc->profile.id, "mastercard-debit");
  EXPECT_EQ(mc->pin, "1234");  // the profile's offline PIN
  EXPECT_FALSE(mc->balance.has_value());
  EXPECT_EQ(s.findCard("amex"), nullptr);

  ASSERT_EQ(s.steps.size(), 6u);
  const Step& hold = s.steps[0];
  EXPECT_EQ(hold.id, "hold");
  EXPECT_TRUE(hold.id_given);
  EXPECT_EQ(hold.position.line, 14);
  EXPECT_EQ(hold.kind, StepKind::kTransaction);
  EXPECT_EQ(hold.type, TransactionType::kPreauth);
  EXPECT_EQ(hold.card, "visa");
  EXPECT_EQ(hold.entry, emv::EntryMode::kContact);
  EXPECT_EQ(hold.amount, cny("500.00"));
  EXPECT_THAT(hold.pins, ElementsAre("1234"));
  EXPECT_TRUE(hold.pin_given);
  EXPECT_TRUE(hold.has_expect);
  EXPECT_EQ(hold.expect.approved, true);
  EXPECT_EQ(hold.expect.response_code, "00");
  EXPECT_EQ(hold.expect.cvm, "online_pin");
  EXPECT_EQ(hold.expect.position.line, 16);

  const Step& advance = s.steps[1];
  EXPECT_EQ(advance.id, "step-2");
  EXPECT_FALSE(advance.id_given);
  EXPECT_EQ(advance.kind, StepKind::kAdvance);
  EXPECT_EQ(advance.advance, std::chrono::hours(2));
  EXPECT_FALSE(advance.has_expect);

  const Step& cancel = s.steps[2];
  EXPECT_EQ(cancel.id, "step-3");
  EXPECT_EQ(cancel.type, TransactionType::kCancel);
  EXPECT_EQ(cancel.ref, "hold");
  EXPECT_TRUE(cancel.card.empty());
  EXPECT_FALSE(cancel.amount.has_value());
  EXPECT_EQ(cancel.expect.hold_released, true);

  const Step& coffee = s.steps[3];
  EXPECT_EQ(coffee.id, "coffee");
  EXPECT_EQ(coffee.type, TransactionType::kSale);
  EXPECT_EQ(coffee.card, "mc");
  EXPECT_EQ(coffee.entry, emv::EntryMode::kContactless);
  EXPECT_EQ(coffee.amount, cny("88.00"));
  EXPECT_THAT(coffee.pins, ElementsAre("1234"));
  EXPECT_FALSE(coffee.pin_given);
  ASSERT_TRUE(coffee.expect.arrival_at.has_value());
  EXPECT_EQ(formatIso8601(*coffee.expect.arrival_at), "2026-10-08T09:00:00+08:00");

  const Step& refund = s.steps[4];
  EXPECT_EQ(refund.type, TransactionType::kRefund);
  EXPECT_EQ(refund.ref, "coffee");
  EXPECT_EQ(refund.amount, cny("20.00"));

  const Step& settle = s.steps[5];
  EXPECT_EQ(settle.type, TransactionType::kSettle);
  EXPECT_EQ(settle.expect.batch_balanced, true);
  EXPECT_FALSE(s.load.has_value());

  EXPECT_EQ(s.findStep("coffee"), &s.steps[3]);
  EXPECT_EQ(s.findStep("step-2"), &s.steps[1]);
  EXPECT_EQ(s.findStep("nothing"), nullptr);
}

TEST_F(ScenarioLoaderTest, DesignWorkedExampleLoads) {
  auto result = loadScenario(scenarioData("design-worked-example.yaml"), resolver_);
  ASSERT_TRUE(result.isOk()) << result.errorText();
  EXPECT_TRUE(result.diagnostics().empty()) << result.errorText();
  const Scenario& s = *result;
  ASSERT_EQ(s.steps.size(), 8u);
  EXPECT_EQ(s.steps[0].id, "wednesday_afternoon");
  EXPECT_EQ(s.steps[0].expect.net_amount, cny("99.40"));
  EXPECT_EQ(s.steps[4].advance, std::chrono::hours(24 * 8));
  EXPECT_EQ(s.steps[6].advance, std::chrono::minutes(30));
  EXPECT_EQ(s.steps[7].id, "friday_noon");
  EXPECT_EQ(s.calendar.name(), "cn-2026");
  EXPECT_EQ(s.findCard("v")->balance, cny("100000.00"));
}

TEST_F(ScenarioLoaderTest, ThreeMistakesGiveThreeErrorsWithLineColumnAndHints) {
  const fs::path file = scenarioData("three-mistakes.yaml");
  auto result = loadScenario(file, resolver_);
  ASSERT_FALSE(result.isOk());
  const std::string f = file.lexically_normal().string();
  std::vector<std::string> errors;
  for (const Diagnostic& d : result.diagnostics().sorted()) errors.push_back(d.toString());
  EXPECT_THAT(errors,
              ElementsAre(f + ":12:37: error: unknown key 'amont' in preauth; did you mean amount?",
                          f + ":13:23: error: unknown step 'frist': ref must name an earlier step "
                              "with an id; did you mean first?",
                          f + ":14:18: error: unknown card 'w'; did you mean v?"));
}

TEST_F(ScenarioLoaderTest, ProblemsOfUnusableFilesAreReturned) {
  for (std::string_view name :
       {"not-yaml.yaml", "empty.yaml", "binary.yaml", "comments-only.yaml"}) {
    SCOPED_TRACE(name);
    auto result = loadScenario(fs::path(test::dataDir()) / "bad" / name, resolver_);
    ASSERT_FALSE(result.isOk());
    EXPECT_GE(result.diagnostics().errorCount(), 1u);
  }
  auto missing = loadScenario(scenarioData("no-such-file.yaml"), resolver_);
  ASSERT_FALSE(missing.isOk());
  EXPECT_THAT(missing.errorText(), HasSubstr("cannot read file"));

  DocumentLimits small;
  small.max_bytes = 64;
  Resolver limited({examplesDir()}, small);
  auto huge = loadScenario(scenarioData("design-section6.yaml"), limited);
  ASSERT_FALSE(huge.isOk());
  EXPECT_THAT(huge.errorText(), HasSubstr("file too large"));
}

TEST_F(ScenarioLoaderTest, EveryMistakeOfAFileIsReported) {
  const auto errors = errorsWithHeader(
      "acquirer: {backend: embedded, latncy: 10ms}\n"          // 6
      "steps:\n"                                               // 7
      "  - sale: {card: v, amount: \"1.00\", entry: chipp}\n"  // 8
      "  - advance: 2 hours\n"                                 // 9
      "  - refund: {ref: nowhere}\n"                           // 10
      "    expect: {aproved: true}\n");                        // 11
  EXPECT_THAT(
      errors,
      ElementsAre(
          "s.yaml:6:31: error: unknown key 'latncy' in acquirer; did you mean latency?",
          "s.yaml:8:44: error: unknown entry mode 'chipp'; did you mean chip? (expected one of: "
          "chip, contact, contactless, tap, swipe, magstripe)",
          "s.yaml:9:14: error: expected a duration (like 30s, 5m, 2h, 3d or 1h30m), got '2 "
          "hours': " +
              std::string(parseDuration("2 hours").status().message()),
          "s.yaml:10:19: error: unknown step 'nowhere': ref must name an earlier step with an "
          "id (no earlier step has an id; give the step to refer to an id:)",
          "s.yaml:11:14: error: unknown key 'aproved' in expect; did you mean approved?"));
}

TEST_F(ScenarioLoaderTest, EveryExampleScenarioLoads) {
  const fs::path dir = examplesDir() / "scenarios";
  if (!fs::is_directory(dir)) GTEST_SKIP() << "no " << dir;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".yaml") continue;
    SCOPED_TRACE(entry.path().string());
    auto result = loadScenario(entry.path(), resolver_);
    EXPECT_TRUE(result.isOk()) << result.errorText();
  }
}

// ---- Top level ----

TEST_F(ScenarioLoaderTest, VersionIsRequiredAndOnlyVersion1IsRead) {
  EXPECT_THAT(
      errorsOf("name: t\nclock: {start: \"2026-11-02T10:00:00+08:00\"}\nsteps: [{echo: {}}]\n"),
      ElementsAre("s.yaml:1:1: error: missing required key 'posim' in scenario: the "
                  "format version; write posim: 1"));
  EXPECT_THAT(
      errorsOf("posim: 2\nname: t\nclock: {start: \"2026-11-02T10:00:00+08:00\"}\nsteps: [{echo: "
               "{}}]\n"),
      ElementsAre("s.yaml:1:8: error: unsupported scenario format version '2'; this posim reads "
                  "version 1 (posim: 1)"));
}

TEST_F(ScenarioLoaderTest, NameClockAndStepsAreRequired) {
  EXPECT_THAT(errorsOf("posim: 1\n"),
              ElementsAre("s.yaml:1:1: error: missing required key 'name' in scenario",
                          "s.yaml:1:1: error: missing required key 'clock' in scenario",
                          "s.yaml:1:1: error: missing required key 'steps' in scenario (or a "
                          "load: block for a load run)"));
  EXPECT_THAT(errorsOf("posim: 1\nname: t\nclock: {start: \"2026-11-02 10:00\"}\nsteps: []\n"),
              ElementsAre(HasSubstr("s.yaml:3:16: error: expected an ISO 8601 time with offset"),
                          "s.yaml:4:8: error: the scenario has no steps; add at least one"));
}

TEST_F(ScenarioLoaderTest, UnknownTopLevelKeyHasAHint) {
  EXPECT_THAT(
      errorsWithHeader("stpes: []\nsteps: [{echo: }]\n"),
      ElementsAre("s.yaml:6:1: error: unknown key 'stpes' in scenario; did you mean steps?"));
}

TEST_F(ScenarioLoaderTest, DefaultsAreWeekendsOnlyAndCountertop) {
  auto result = loadWithHeader("steps: [{echo: }, {settle: {}}]\n");
  ASSERT_TRUE(result.isOk()) << result.errorText();
  EXPECT_EQ(result->calendar.name(), "weekends-only");
  EXPECT_EQ(result->terminal.name, "countertop");
  EXPECT_EQ(result->merchant.id, "123456789012345");
  EXPECT_EQ(result->merchant.currency, kCny);
  EXPECT_EQ(result->acquirer.backend, "embedded");
  EXPECT_EQ(result->steps[0].type, TransactionType::kEcho);
}

TEST_F(ScenarioLoaderTest, MerchantOverridesTheTerminalProfile) {
  auto result = loadWithHeader(
      "merchant: {id: \"M1\", terminal_id: \"T1\", mcc: \"5411\", currency: USD, name: Shop}\n"
      "steps: [{sale: {card: v, amount: \"1.25\"}}]\n");
  ASSERT_TRUE(result.isOk()) << result.errorText();
  const Scenario& s = *result;
  EXPECT_EQ(s.terminal.merchant_id, "M1");
  EXPECT_EQ(s.terminal.terminal_id, "T1");
  EXPECT_EQ(s.terminal.merchant_category_code, "5411");
  EXPECT_EQ(s.terminal.merchant_name_location, "Shop");
  EXPECT_EQ(s.terminal.currency.alpha, "USD");
  EXPECT_EQ(s.terminal.country_code, 156);  // the profile's country stays
  EXPECT_EQ(s.steps[0].amount->currency().alpha, "USD");
  EXPECT_THAT(errorsWithHeader("merchant: {terminal_id: \"123456789\", mcc: \"58\"}\n"
                               "steps: [{echo: }]\n"),
              ElementsAre("s.yaml:6:25: error: expected at most 8 characters, got '123456789'",
                          "s.yaml:6:43: error: expected 4 decimal digits, got '58'"));
}

// ---- Amounts ----

TEST_F(ScenarioLoaderTest, AYamlNumberIsAnAmountOnlyWhenExact) {
  auto result =
      loadWithHeader("steps: [{sale: {card: v, amount: 12.30}}, {sale: {card: v, amount: 7}}]\n");
  ASSERT_TRUE(result.isOk()) << result.errorText();
  EXPECT_EQ(result->steps[0].amount, cny("12.30"));
  EXPECT_EQ(result->steps[1].amount, cny("7.00"));
  const auto errors = errorsWithHeader("steps: [{sale: {card: v, amount: 12.345}}]\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0], HasSubstr("s.yaml:6:34: error: the number '12.345' is not an exact "
                                   "amount in CNY ("));
  EXPECT_THAT(errors[0], HasSubstr("); write amounts as strings, like \"12.34\""));
  EXPECT_THAT(errorsWithHeader("steps: [{sale: {card: v, amount: \"-1.00\"}}]\n"),
              ElementsAre("s.yaml:6:34: error: expected an amount that is not negative, got "
                          "'-1.00'"));
}

// ---- Cards ----

TEST_F(ScenarioLoaderTest, CardsTakeAProfileNameOrAMapping) {
  auto result = load(
      "posim: 1\nname: t\nclock: {start: \"2026-11-02T10:00:00+08:00\"}\n"
      "cards:\n"
      "  a: unionpay-debit\n"
      "  b: {profile: visa-credit, pin: \"4321\", balance: \"-5.00\", status: blocked}\n"
      "steps: [{balance: {card: b}}, {balance: {card: a}}]\n");
  ASSERT_TRUE(result.isOk()) << result.errorText();
  const ScenarioCard& a = result->cards[0];
  EXPECT_EQ(a.profile.id, "unionpay-debit");
  EXPECT_EQ(a.pin, "");
  const ScenarioCard& b = result->cards[1];
  EXPECT_EQ(b.pin, "4321");
  EXPECT_EQ(b.profile.offline_pin, "4321");
  EXPECT_EQ(b.balance, cny("-5.00"));
  EXPECT_EQ(b.status, acquirer::AccountStatus::kBlocked);
  EXPECT_THAT(result->steps[0].pins, ElementsAre("4321"));
  EXPECT_TRUE(result->steps[1].pins.empty());
}

TEST_F(ScenarioLoaderTest, CardErrorsAreReportedAndDoNotHideStepErrors) {
  const auto errors = errorsOf(
      "posim: 1\nname: t\nclock: {start: \"2026-11-02T10:00:00+08:00\"}\n"
      "cards:\n"
      "  a: {profile: visa-credit, pin: \"12\", status: frozen}\n"
      "  b: {pin: \"1234\"}\n"
      "steps: [{sale: {card: c, amount: \"1.00\"}}]\n");
  EXPECT_THAT(errors,
              ElementsAre("s.yaml:5:34: error: expected 4 to 12 decimal digits, got '12'",
                          "s.yaml:5:48: error: unknown account status 'frozen' (expected one of: "
                          "active, blocked, lost, stolen, expired)",
                          "s.yaml:6:6: error: missing required key 'profile' in card 'b'",
                          "s.yaml:7:23: error: unknown card 'c'; did you mean a or b?"));
}

TEST_F(ScenarioLoaderTest, ErrorsInReferencedFilesAreReportedWithTheirPlace) {
  const fs::path dir = fs::path(::testing::TempDir()) / "posim_scenario_refs";
  fs::create_directories(dir);
  {
    std::ofstream card(dir / "my-card.yaml");
    card << "id: my-card\npan: \"4761739001010010\"\npsn: 1\n";
    std::ofstream scenario(dir / "s.yaml");
    scenario << "posim: 1\nname: t\nclock: {start: \"2026-11-02T10:00:00+08:00\"}\n"
                "calendar: {weekend: [sat, sunday, funday]}\n"
                "cards: {a: ./my-card.yaml}\n"
                "steps: [{echo: }]\n";
  }
  auto result = loadScenario(dir / "s.yaml", resolver_);
  ASSERT_FALSE(result.isOk());
  const auto sorted = result.diagnostics().sorted();
  ASSERT_EQ(sorted.size(), 2u) << result.errorText();
  EXPECT_EQ(sorted[0].position.line, 4);
  EXPECT_THAT(sorted[0].message, HasSubstr("unknown weekday 'funday'"));
  EXPECT_THAT(sorted[1].position.file, HasSubstr("my-card.yaml"));
  EXPECT_EQ(sorted[1].position.line, 3);
}

// ---- Steps ----

TEST_F(ScenarioLoaderTest, AStepHasExactlyOneAction) {
  EXPECT_THAT(errorsWithHeader("steps:\n  - id: x\n  - sale: {card: v, amount: \"1.00\"}\n"
                               "    refund: {ref: x}\n"),
              ElementsAre("s.yaml:7:5: error: step 1 has no action; give exactly one of: sale, "
                          "preauth, completion, cancel, refund, reversal, balance, echo, settle "
                          "or advance",
                          "s.yaml:9:5: error: step 2 has more than one action (sale and refund); "
                          "a step does exactly one of: sale, preauth, completion, cancel, refund, "
                          "reversal, balance, echo, settle or advance"));
  // A misspelt action is reported once, as a misspelling.
  EXPECT_THAT(errorsWithHeader("steps:\n  - sael: {card: v, amount: \"1.00\"}\n"),
              ElementsAre("s.yaml:7:5: error: unknown key 'sael' in step 1; did you mean sale?"));
}

TEST_F(ScenarioLoaderTest, CardTransactionsNeedACardAndAnAmount) {
  EXPECT_THAT(errorsWithHeader(
                  "steps:\n  - sale: {entry: tap}\n  - balance: {card: v, amount: \"1.00\"}\n"),
              ElementsAre("s.yaml:7:11: error: missing required key 'card' in sale",
                          "s.yaml:7:11: error: missing required key 'amount' in sale",
                          "s.yaml:8:24: error: unknown key 'amount' in balance (known keys: card, "
                          "entry, force_online, pin)"));
}

TEST_F(ScenarioLoaderTest, PinsAreAStringOrAList) {
  auto result = loadWithHeader(
      "steps:\n"
      "  - sale: {card: v, amount: \"1.00\", pin: [\"0000\", \"1234\"], force_online: true}\n"
      "  - sale: {card: v, amount: \"1.00\", pin: \"\"}\n"
      "  - sale: {card: v, amount: \"1.00\", pin: timeout, entry: swipe}\n");
  ASSERT_TRUE(result.isOk()) << result.errorText();
  EXPECT_THAT(result->steps[0].pins, ElementsAre("0000", "1234"));
  EXPECT_TRUE(result->steps[0].pin_given);
  EXPECT_TRUE(result->steps[0].force_online);
  EXPECT_THAT(result->steps[1].pins, ElementsAre(""));
  EXPECT_THAT(result->steps[2].pins, ElementsAre("timeout"));
  EXPECT_EQ(result->steps[2].entry, emv::EntryMode::kMagstripe);
  EXPECT_THAT(errorsWithHeader("steps: [{sale: {card: v, amount: \"1.00\", pin: \"12a4\"}}]\n"),
              ElementsAre("s.yaml:6:47: error: expected a PIN of 4 to 12 digits, \"\" (bypass) "
                          "or \"timeout\" (no answer), got '12a4'"));
}

TEST_F(ScenarioLoaderTest, StepIdsAreUniqueAndGeneratedOnesAvoidThem) {
  EXPECT_THAT(errorsWithHeader("steps:\n  - {id: a, echo: }\n  - {id: a, settle: }\n"),
              ElementsAre("s.yaml:8:10: error: duplicate step id 'a' (first at line 7, column 10); "
                          "step ids must be unique"));
  auto result = loadWithHeader("steps:\n  - {echo: }\n  - {id: step-1, echo: }\n");
  ASSERT_TRUE(result.isOk()) << result.errorText();
  EXPECT_EQ(result->steps[0].id, "step-1-2");
  EXPECT_EQ(result->steps[1].id, "step-1");
}

TEST_F(ScenarioLoaderTest, RefsNameEarlierStepsOfAFittingType) {
  auto result = loadWithHeader(
      "steps:\n"
      "  - {id: s, sale: {card: v, amount: \"9.00\"}}\n"
      "  - {id: p, preauth: {card: v, amount: \"9.00\"}}\n"
      "  - {id: c, completion: {ref: p, amount: \"8.00\"}}\n"
      "  - {id: r, refund: {ref: c}}\n"
      "  - {cancel: {ref: s}}\n"
      "  - {reversal: {ref: r, reason: \"68\"}}\n");
  ASSERT_TRUE(result.isOk()) << result.errorText();
  EXPECT_EQ(result->steps[2].ref, "p");
  EXPECT_EQ(result->steps[2].amount, cny("8.00"));
  EXPECT_EQ(result->steps[5].reversal_reason, "68");

  EXPECT_THAT(
      errorsWithHeader("steps:\n"
                       "  - {id: s, sale: {card: v, amount: \"9.00\"}}\n"
                       "  - {completion: {ref: s}}\n"
                       "  - {refund: {ref: later}}\n"
                       "  - {id: later, sale: {card: v, amount: \"9.00\"}}\n"
                       "  - {id: wait, advance: 1h}\n"
                       "  - {cancel: {ref: wait}}\n"
                       "  - {id: self, refund: {ref: self}}\n"),
      ElementsAre("s.yaml:8:24: error: a completion cannot refer to step 's', a sale; a "
                  "completion refers to a preauth",
                  "s.yaml:9:20: error: ref 'later' names a later step (line 10); a step "
                  "can only refer to an earlier one",
                  "s.yaml:12:20: error: a cancel cannot refer to step 'wait', an advance; a "
                  "cancel refers to a sale, preauth or completion",
                  "s.yaml:13:30: error: step 'self' refers to itself; ref names an earlier "
                  "step"));
}

TEST_F(ScenarioLoaderTest, EchoAndSettleTakeNoKeys) {
  EXPECT_THAT(errorsWithHeader("steps: [{settle: {totals: yes}}, {echo: now}]\n"),
              ElementsAre("s.yaml:6:19: error: unknown key 'totals' in settle: settle takes no "
                          "keys (write settle: {})",
                          "s.yaml:6:41: error: expected {} or nothing for echo, got 'now'"));
}

TEST_F(ScenarioLoaderTest, AdvanceTakesADurationOrATime) {
  auto result = loadWithHeader(
      "steps:\n  - advance: 1h30m\n  - advance: 3d\n"
      "  - advance: {to: \"2026-11-03T09:00:00+08:00\"}\n");
  ASSERT_TRUE(result.isOk()) << result.errorText();
  EXPECT_EQ(result->steps[0].advance, std::chrono::minutes(90));
  EXPECT_EQ(result->steps[1].advance, std::chrono::hours(72));
  ASSERT_TRUE(result->steps[2].advance_to.has_value());
  EXPECT_EQ(result->steps[2].advance_to->instant, at("2026-11-03T09:00:00+08:00").instant);
  EXPECT_THAT(errorsWithHeader("steps:\n  - advance: {to: \"2026-11-01T09:00:00+08:00\"}\n"
                               "  - advance: [1h]\n"),
              ElementsAre("s.yaml:7:19: error: advance to 2026-11-01T09:00:00+08:00 goes back "
                          "before the clock start 2026-11-02T10:00:00+08:00; the clock only "
                          "moves forward",
                          "s.yaml:8:14: error: expected a duration (like 2h or 1h30m) or {to: "
                          "\"2026-10-01T09:00:00+08:00\"}, got a list"));
}

// ---- Expectations ----

TEST_F(ScenarioLoaderTest, EveryExpectationKeyIsRead) {
  auto result = loadWithHeader(
      "steps:\n"
      "  - sale: {card: v, amount: \"100.00\"}\n"
      "    expect:\n"
      "      approved: true\n"
      "      response_code: \"00\"\n"
      "      cvm: signature\n"
      "      tvr_bits_set: offline_data_auth_not_performed\n"
      "      tvr_bits_clear: [offline_data_auth_not_performed]\n"
      "      cryptogram: ARQC\n"
      "      status: approved\n"
      "      outcome: approved_online\n"
      "      arrival_at: \"2026-11-03T09:00:00+08:00\"\n"
      "      arrival_within: 1d\n"
      "      clearing_date: 2026-11-02\n"
      "      settlement_date: 2026-11-03\n"
      "      net_amount: \"99.40\"\n"
      "      fee: \"0.60\"\n"
      "      auth_latency_ms_max: 250.5\n"
      "      display_contains: APPROVED\n"
      "      receipt_contains: [SALE, \"100.00\"]\n"
      "      reversal_sent: false\n"
      "      hold_released: false\n"
      "      batch_balanced: true\n"
      "      offline: false\n"
      "      in_review: false\n"
      "      available_balance: \"900.00\"\n");
  ASSERT_TRUE(result.isOk()) << result.errorText();
  const Expectation& e = result->steps[0].expect;
  EXPECT_EQ(e.cvm, "signature");
  EXPECT_THAT(e.tvr_bits_set, ElementsAre("offline_data_auth_not_performed"));
  EXPECT_THAT(e.tvr_bits_clear, ElementsAre("offline_data_auth_not_performed"));
  EXPECT_EQ(e.cryptogram, "ARQC");
  EXPECT_EQ(e.status, "approved");
  EXPECT_EQ(e.outcome, "approved_online");
  EXPECT_EQ(e.arrival_within, std::chrono::hours(24));
  EXPECT_EQ(e.clearing_date, *parseDate("2026-11-02"));
  EXPECT_EQ(e.settlement_date, *parseDate("2026-11-03"));
  EXPECT_EQ(e.net_amount, cny("99.40"));
  EXPECT_EQ(e.fee, cny("0.60"));
  EXPECT_EQ(e.auth_latency_ms_max, 250.5);
  EXPECT_THAT(e.display_contains, ElementsAre("APPROVED"));
  EXPECT_THAT(e.receipt_contains, ElementsAre("SALE", "100.00"));
  EXPECT_EQ(e.reversal_sent, false);
  EXPECT_EQ(e.batch_balanced, true);
  EXPECT_EQ(e.in_review, false);
  EXPECT_EQ(e.available_balance, cny("900.00"));
}

TEST_F(ScenarioLoaderTest, ExpectationValuesAreChecked) {
  const auto errors = errorsWithHeader(
      "steps:\n"
      "  - sale: {card: v, amount: \"1.00\"}\n"
      "    expect:\n"
      "      tvr_bits_set: [offline_data_auth_not_performd]\n"
      "      cryptogram: ARQ\n"
      "      status: aproved\n"
      "      cvm: \"\"\n"
      "      response_code: \"5\"\n");
  EXPECT_THAT(
      errors,
      ElementsAre(
          "s.yaml:9:22: error: unknown TVR bit 'offline_data_auth_not_performd'; did you "
          "mean offline_data_auth_not_performed? (names as in `posim emv decode`, like "
          "offline_data_auth_not_performed)",
          "s.yaml:10:19: error: unknown cryptogram 'ARQ'; did you mean ARQC or AAC? (expected "
          "one of: ARQC, TC, AAC)",
          "s.yaml:11:15: error: unknown status 'aproved'; did you mean approved? "
          "(expected one of: approved, declined, voided, reversed, refunded, held, "
          "released, settled, in_review)",
          "s.yaml:12:12: error: expected a word (letters, digits and _, like online_pin), "
          "got ''",
          "s.yaml:13:22: error: expected a 2-character response code (like \"00\" or "
          "\"51\"), got '5'"));
}

// ---- Faults ----

TEST_F(ScenarioLoaderTest, FaultsAreBackendOrCardFaults) {
  auto result = loadWithHeader(
      "steps:\n"
      "  - sale: {card: v, amount: \"1.00\"}\n"
      "    faults:\n"
      "      - {kind: timeout, count: 2, latency: 30s, only: sale}\n"
      "      - {kind: host_down, for: 1h}\n"
      "      - {kind: host_down, until: \"2026-11-02T12:00:00+08:00\"}\n"
      "      - {kind: response_code, response_code: \"91\"}\n"
      "      - {kind: card_removed, at: generate_ac, occurrence: 2}\n"
      "      - {kind: card_mute}\n");
  ASSERT_TRUE(result.isOk()) << result.errorText();
  const auto& faults = result->steps[0].faults;
  ASSERT_EQ(faults.size(), 6u);
  ASSERT_TRUE(faults[0].backend.has_value());
  EXPECT_EQ(faults[0].name, "timeout");
  EXPECT_EQ(faults[0].backend->kind, acquirer::FaultKind::kTimeout);
  EXPECT_EQ(faults[0].backend->count, 2);
  EXPECT_EQ(faults[0].backend->latency, std::chrono::seconds(30));
  EXPECT_EQ(faults[0].backend->only_type, TransactionType::kSale);
  EXPECT_EQ(faults[1].backend->kind, acquirer::FaultKind::kHostDown);
  EXPECT_EQ(faults[1].for_duration, std::chrono::hours(1));
  EXPECT_FALSE(faults[1].backend->until.has_value());
  EXPECT_EQ(faults[2].backend->until, at("2026-11-02T12:00:00+08:00").instant);
  EXPECT_EQ(faults[3].backend->response_code, "91");
  ASSERT_TRUE(faults[4].card.has_value());
  EXPECT_FALSE(faults[4].backend.has_value());
  EXPECT_EQ(faults[4].card->remove_at_command, "GENERATE AC");
  EXPECT_EQ(faults[4].card->remove_at_occurrence, 2);
  EXPECT_TRUE(faults[5].card->mute);
  EXPECT_EQ(faults[5].position.line, 14);
}

TEST_F(ScenarioLoaderTest, FaultMistakes) {
  const auto errors = errorsWithHeader(
      "steps:\n"
      "  - {id: s, sale: {card: v, amount: \"1.00\"}}\n"
      "  - refund: {ref: s}\n"
      "    faults:\n"
      "      - {kind: time_out}\n"
      "      - {kind: no_answer, latency: 1s}\n"
      "      - {kind: card_mute}\n"
      "      - {kind: host_down, for: 1h, until: \"2026-11-02T12:00:00+08:00\"}\n"
      "      - {kind: added_latency}\n");
  EXPECT_THAT(
      errors,
      ElementsAre(
          "s.yaml:10:16: error: unknown fault kind 'time_out'; did you mean timeout? (backend "
          "faults: added_latency, timeout, no_answer, duplicate_response, disconnect, "
          "malformed_response, wrong_mac, host_down, response_code; card faults: card_mute, "
          "card_removed, wrong_cryptogram, bad_certificate, blocked_application, "
          "pin_tries_exceeded)",
          "s.yaml:11:27: error: 'latency' does not apply to a no_answer fault (it takes: count, "
          "only)",
          "s.yaml:12:16: error: card fault card_mute needs a step with a card (sale, preauth or "
          "balance)",
          "s.yaml:13:32: error: give until or for, not both",
          "s.yaml:14:9: error: missing required key 'latency' in fault added_latency"));
}

// ---- Acquirer ----

TEST_F(ScenarioLoaderTest, AcquirerFillsTheIssuerConfig) {
  auto result = loadWithHeader(
      "merchant: {settlement: {cycle: D+0, fee: {fixed: \"0.50\"}, hold_expiry: 7d}}\n"
      "acquirer:\n"
      "  backend: iso8583\n"
      "  options: {host: 127.0.0.1, port: 8583, tls: false}\n"
      "  settlement: {cycle: T+1, fee: {rate: 0.006}}\n"
      "  latency: \"uniform:50ms:200ms\"\n"
      "  rules:\n"
      "    - {response_code: \"51\", amount: \"*.51\", card: v, type: sale, times: 2,\n"
      "       from: \"2026-11-02T10:00:00+08:00\", until: \"2026-11-02T11:00:00+08:00\"}\n"
      "  velocity: [{max_count: 3, window: 1h, max_amount: \"1000.00\", response_code: \"65\"}]\n"
      "  scripts:\n"
      "    - {card: v, command: application_block}\n"
      "    - {command: put_data, tag_value: 9F580103, template: 71}\n"
      "    - {command: pin_change, new_pin: \"9999\"}\n"
      "  completion_max_percent: 120\n"
      "steps: [{echo: }]\n");
  ASSERT_TRUE(result.isOk()) << result.errorText();
  const Scenario& s = *result;
  EXPECT_EQ(s.acquirer.backend, "iso8583");
  EXPECT_EQ(s.acquirer.options.at("host"), "127.0.0.1");
  EXPECT_EQ(s.acquirer.options.at("port"), "8583");
  EXPECT_EQ(s.acquirer.options.at("tls"), "false");
  // The merchant override applies key by key over the acquirer's policy.
  EXPECT_EQ(s.acquirer.settlement.cycle.toString(), "T+1");
  EXPECT_EQ(s.settlement.cycle.toString(), "D+0");
  EXPECT_EQ(s.settlement.fee.rate_billionths, 6'000'000);
  EXPECT_EQ(s.settlement.fee.fixed, 50);
  EXPECT_EQ(s.acquirer.issuer.hold_expiry, std::chrono::hours(24 * 7));
  EXPECT_EQ(s.what_if[0].name, "D+0");
  const acquirer::EmbeddedConfig& issuer = s.acquirer.issuer;
  EXPECT_EQ(issuer.latency.kind, acquirer::LatencyModel::Kind::kUniform);
  ASSERT_EQ(issuer.rules.size(), 1u);
  EXPECT_EQ(issuer.rules[0].response_code, "51");
  EXPECT_EQ(issuer.rules[0].amount_pattern, "*.51");
  EXPECT_EQ(issuer.rules[0].card, "v");
  EXPECT_EQ(issuer.rules[0].type, TransactionType::kSale);
  EXPECT_EQ(issuer.rules[0].times, 2);
  EXPECT_EQ(issuer.rules[0].until, at("2026-11-02T11:00:00+08:00").instant);
  ASSERT_EQ(issuer.velocity.size(), 1u);
  EXPECT_EQ(issuer.velocity[0].max_count, 3);
  EXPECT_EQ(issuer.velocity[0].max_amount, 100000);
  EXPECT_EQ(issuer.velocity[0].window, std::chrono::hours(1));
  ASSERT_EQ(issuer.scripts.size(), 3u);
  EXPECT_EQ(issuer.scripts[0].card, "v");
  EXPECT_EQ(issuer.scripts[1].command, acquirer::ScriptRule::Command::kPutData);
  EXPECT_EQ(toHex(issuer.scripts[1].put_data_tag_value), "9F580103");
  EXPECT_EQ(issuer.scripts[1].template_tag, 0x71);
  EXPECT_EQ(issuer.scripts[2].new_pin, "9999");
  EXPECT_EQ(issuer.completion_max_percent, 120);
  EXPECT_EQ(s.acquirer.completion_max_percent, 120);
  EXPECT_EQ(issuer.pin_key, s.terminal.online_pin_key);
}

TEST_F(ScenarioLoaderTest, AcquirerMistakes) {
  EXPECT_THAT(
      errorsWithHeader("acquirer:\n"
                       "  latency: sometimes\n"
                       "  rules: [{card: w, response_code: \"51\"}]\n"
                       "  velocity: [{window: 1h}]\n"
                       "  scripts: [{command: put_data}]\n"
                       "steps: [{echo: }]\n"),
      ElementsAre(HasSubstr("s.yaml:7:12: error: "),
                  "s.yaml:8:18: error: unknown card 'w'; did you mean v?",
                  "s.yaml:9:14: error: a velocity limit needs max_count or max_amount (or both)",
                  "s.yaml:10:13: error: missing required key 'tag_value' in issuer script "
                  "put_data"));
}

// ---- what_if and load ----

TEST_F(ScenarioLoaderTest, WhatIfStartsWithTheScenarioPolicy) {
  auto result = loadWithHeader(
      "acquirer: {settlement: {cycle: T+1, fee: {rate: 0.006}}}\n"
      "what_if: [T+1, D+1, instant, d+1, {name: no fee, fee: {rate: 0}}, {cycle: T+0}]\n"
      "steps: [{echo: }]\n");
  ASSERT_TRUE(result.isOk()) << result.errorText();
  const auto& what_if = result->what_if;
  ASSERT_EQ(what_if.size(), 5u);
  EXPECT_EQ(what_if[0].name, "T+1");
  EXPECT_EQ(what_if[1].name, "D+1");
  EXPECT_EQ(what_if[1].policy.cycle.toString(), "D+1");
  EXPECT_EQ(what_if[1].policy.fee.rate_billionths, 6'000'000);
  EXPECT_EQ(what_if[2].name, "instant");
  EXPECT_EQ(what_if[3].name, "no fee");
  EXPECT_EQ(what_if[3].policy.cycle.toString(), "T+1");
  EXPECT_EQ(what_if[3].policy.fee.rate_billionths, 0);
  EXPECT_EQ(what_if[4].name, "T+0");
  // The repeated D+1 is a warning.
  ASSERT_EQ(result.diagnostics().sorted().size(), 1u);
  EXPECT_EQ(result.diagnostics().sorted()[0].severity, Severity::kWarning);
  EXPECT_THAT(
      errorsWithHeader("what_if: [T+x, {nmae: x}]\nsteps: [{echo: }]\n"),
      ElementsAre(HasSubstr("s.yaml:6:11: error: "),
                  "s.yaml:6:17: error: unknown key 'nmae' in settlement; did you mean name?"));
}

TEST_F(ScenarioLoaderTest, LoadBlock) {
  auto result = loadWithHeader(
      "load:\n"
      "  terminals: 4\n"
      "  count: 1000\n"
      "  rate: 300/m\n"
      "  mix:\n"
      "    - {type: sale, weight: 3, card: v, entry: contactless, amount: \"88.00\"}\n"
      "    - {type: balance}\n");
  ASSERT_TRUE(result.isOk()) << result.errorText();
  ASSERT_TRUE(result->load.has_value());
  const LoadSpec& load = *result->load;
  EXPECT_EQ(load.terminals, 4);
  EXPECT_EQ(load.count, 1000);
  EXPECT_FALSE(load.duration.has_value());
  EXPECT_DOUBLE_EQ(load.rate_per_second, 5.0);
  ASSERT_EQ(load.mix.size(), 2u);
  EXPECT_EQ(load.mix[0].weight, 3);
  EXPECT_EQ(load.mix[0].amount, cny("88.00"));
  EXPECT_EQ(load.mix[0].entry, emv::EntryMode::kContactless);
  EXPECT_EQ(load.mix[1].type, TransactionType::kBalance);
  EXPECT_TRUE(result->steps.empty());

  auto numeric = loadWithHeader("load: {duration: 10m, rate: 2.5, mix: [{type: echo}]}\n");
  ASSERT_TRUE(numeric.isOk()) << numeric.errorText();
  EXPECT_DOUBLE_EQ(numeric->load->rate_per_second, 2.5);
  EXPECT_EQ(numeric->load->duration, std::chrono::minutes(10));

  EXPECT_THAT(
      errorsWithHeader("load:\n"
                       "  rate: fast\n"
                       "  mix: [{type: refund}, {type: sale, card: w, amount: \"1.00\"}]\n"),
      ElementsAre("s.yaml:7:3: error: load needs count or duration (or both)",
                  "s.yaml:7:9: error: expected a rate like 5/s, 300/m, 20/h or a number "
                  "per second above zero, got 'fast'",
                  "s.yaml:8:16: error: a load mix holds sale, preauth, balance or echo; "
                  "refund needs a ref to an earlier transaction",
                  "s.yaml:8:44: error: unknown card 'w'; did you mean v?"));
}

TEST_F(ScenarioLoaderTest, RealTimeLoadKeys) {
  auto result = loadWithHeader(
      "load:\n"
      "  clock: real\n"
      "  mode: closed\n"
      "  terminals: 64\n"
      "  think_time: 5ms\n"
      "  ramp_up: 2s\n"
      "  duration: 30s\n"
      "  expect: {p99_ms: 5, p50_ms: 1.5, throughput: 1000, errors: 0, approval_rate: 0.99}\n"
      "  mix: [{type: sale, card: v, entry: contactless, amount: \"88.00\"}]\n");
  ASSERT_TRUE(result.isOk()) << result.errorText();
  const LoadSpec& load = *result->load;
  EXPECT_EQ(load.clock, LoadClock::kReal);
  EXPECT_EQ(load.mode, LoadMode::kClosed);
  EXPECT_EQ(load.think_time, std::chrono::milliseconds(5));
  EXPECT_EQ(load.ramp_up, std::chrono::seconds(2));
  EXPECT_EQ(load.expect.p99_ms, 5.0);
  EXPECT_EQ(load.expect.p50_ms, 1.5);
  EXPECT_EQ(load.expect.min_throughput, 1000.0);
  EXPECT_EQ(load.expect.max_errors, 0u);
  EXPECT_EQ(load.expect.min_approval_rate, 0.99);

  auto open = loadWithHeader("load: {count: 5, mix: [{type: echo}]}\n");
  ASSERT_TRUE(open.isOk()) << open.errorText();
  EXPECT_EQ(open->load->clock, LoadClock::kVirtual);
  EXPECT_EQ(open->load->mode, LoadMode::kOpen);

  EXPECT_THAT(
      errorsWithHeader("load:\n"
                       "  mode: closed\n"
                       "  rate: 5/s\n"
                       "  clock: wall\n"
                       "  count: 5\n"
                       "  expect: {p99: 5, approval_rate: 2}\n"
                       "  mix: [{type: echo}]\n"),
      ElementsAre("s.yaml:7:9: error: mode: closed needs clock: real (a closed loop waits for "
                  "real answers)",
                  "s.yaml:8:9: error: rate does not apply to mode: closed (each terminal sends as "
                  "soon as it can; use think_time to slow it down)",
                  HasSubstr("s.yaml:9:10: error: unknown load clock 'wall'"),
                  HasSubstr("s.yaml:11:12: error: unknown key 'p99' in load expect; did you mean "
                            "p99_ms?"),
                  "s.yaml:11:35: error: expected a share between 0 and 1, like 0.99, got '2'"));
  EXPECT_THAT(errorsWithHeader("load: {count: 5, think_time: 5ms, mix: [{type: echo}]}\n"),
              ElementsAre(HasSubstr("think_time applies to mode: closed only")));
}

// ---- The JSON Schema ----

std::set<std::string> propertiesOf(const Json& object) {
  std::set<std::string> out;
  const Json* properties = object.find("properties");
  if (properties == nullptr || !properties->isObject()) return out;
  for (const auto& [key, value] : properties->asObject()) out.insert(key);
  return out;
}

std::set<std::string> keysOf(std::span<const std::string_view> keys) {
  return {keys.begin(), keys.end()};
}

TEST(ScenarioSchemaTest, TheSchemaListsExactlyTheKeysTheLoaderReads) {
  const fs::path file =
      fs::path(test::dataDir()) / ".." / ".." / "scenarios" / "scenario.schema.json";
  std::ifstream in(file);
  ASSERT_TRUE(in.good()) << file;
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto parsed = Json::parse(text);
  ASSERT_TRUE(parsed.isOk()) << parsed.status().message();
  const Json& schema = *parsed;
  ASSERT_NE(schema.find("$schema"), nullptr);
  EXPECT_EQ(schema.find("$schema")->asString(), "https://json-schema.org/draft/2020-12/schema");
  const Json& defs = *schema.find("$defs");

  EXPECT_EQ(propertiesOf(schema), keysOf(scenarioKeys()));
  EXPECT_EQ(propertiesOf(*defs.find("expectation")), keysOf(expectationKeys()));
  std::set<std::string> step_keys = keysOf(stepActionKeys());
  for (std::string_view key : stepCommonKeys()) step_keys.insert(std::string(key));
  EXPECT_EQ(propertiesOf(*defs.find("step")), step_keys);
  EXPECT_EQ(propertiesOf(*defs.find("fault")), keysOf(faultKeys()));
  EXPECT_EQ(propertiesOf(*schema.find("properties")->find("acquirer")), keysOf(acquirerKeys()));
  EXPECT_EQ(propertiesOf(*schema.find("properties")->find("load")), keysOf(loadKeys()));

  // Every key where unknown keys are errors is closed, and says what it is for.
  EXPECT_EQ(schema.find("additionalProperties")->asBool(), false);
  for (const auto& [key, value] : schema.find("properties")->asObject()) {
    EXPECT_NE(value.find("description"), nullptr) << key;
  }
  for (const auto& [key, value] : defs.find("expectation")->find("properties")->asObject()) {
    EXPECT_NE(value.find("description"), nullptr) << key;
  }
}

}  // namespace
}  // namespace posim::scenarios

namespace posim::scenarios {
namespace {

TEST(ScenarioLoaderWarningsTest, TwoCardsWithOnePanShareAnAccountAndSaySo) {
  Resolver resolver{{examplesDir()}};
  auto result = loadScenarioText(
      "posim: 1\n"
      "name: t\n"
      "clock: {start: \"2026-11-02T10:00:00+08:00\"}\n"
      "cards:\n"
      "  a: visa-credit\n"
      "  b: {profile: visa-credit, status: expired}\n"
      "steps:\n"
      "  - sale: {card: b, entry: chip, amount: \"1.00\"}\n",
      "s.yaml", resolver);
  ASSERT_TRUE(result.isOk()) << result.diagnostics().toString();
  const std::string text = result.diagnostics().toString();
  EXPECT_NE(text.find("s.yaml:6:3: warning: card 'b' has the same PAN as card 'a' (s.yaml:5:3)"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace posim::scenarios
