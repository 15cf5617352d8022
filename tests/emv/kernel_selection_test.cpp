// Application selection and GET PROCESSING OPTIONS driven by the recorded card exchanges of
// openemv/emv-utils (tests/data/emv-utils/emv_apdu_scripts_emvutils.json) through ScriptedCard.
// The terminal supports the AIDs of those tests: A0000000031010 (partial), A0000000032010
// (exact), A0000000032020 (exact), A0000000041010 (partial), A0000000043060 (partial).
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "posim/base/json.h"
#include "posim/emv/kernel.h"
#include "posim/emv/scripted_card.h"

#include "kernel_test_support.h"
#include "test_data.h"

namespace posim::emv {
namespace {

// The steps of the script called `name` whose source file contains `source` (names repeat
// across the emv-utils test files).
std::vector<ScriptedExchange> script(std::string_view name, std::string_view source = "") {
  static const Json scripts = posim::test::loadJson("emv-utils/emv_apdu_scripts_emvutils.json");
  std::vector<ScriptedExchange> out;
  for (const Json& s : scripts.asArray()) {
    if (s.find("name")->asString() != name) continue;
    if (s.find("source")->asString().find(source) == std::string::npos) continue;
    for (const Json& step : s.find("steps")->asArray()) {
      const Json* emulated = step.find("r_apdu_as_emulated");
      const std::string response =
          emulated != nullptr ? emulated->asString() : step.find("r_apdu")->asString();
      const Json* comment = step.find("c_comment");
      out.push_back({hexBytes(step.find("c_apdu")->asString()), hexBytes(response),
                     comment != nullptr ? comment->asString() : std::string()});
    }
  }
  EXPECT_FALSE(out.empty()) << "no script " << name;
  return out;
}

std::vector<ScriptedExchange> join(std::vector<ScriptedExchange> a,
                                   const std::vector<ScriptedExchange>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

TerminalProfile emvUtilsTerminal() {
  TerminalProfile p = test::quietCountertop();
  const TerminalApplication base = p.applications.front();
  auto app = [&base](std::string_view aid, bool partial) {
    TerminalApplication a = base;
    a.aid = hexBytes(aid);
    a.partial_selection = partial;
    return a;
  };
  p.applications = {app("A0000000031010", true), app("A0000000032010", false),
                    app("A0000000032020", false), app("A0000000041010", true),
                    app("A0000000043060", true)};
  return p;
}

// Records every candidate list it is shown; answers from a queue, then cancels.
class RecordingChooser final : public ApplicationChooser {
 public:
  explicit RecordingChooser(std::vector<std::optional<std::size_t>> answers = {})
      : answers_(std::move(answers)) {}
  std::optional<std::size_t> choose(const std::vector<CandidateApplication>& candidates) override {
    lists.push_back(candidates);
    if (answers_.empty()) return std::nullopt;
    auto a = answers_.front();
    answers_.erase(answers_.begin());
    return a;
  }
  std::vector<std::vector<CandidateApplication>> lists;

 private:
  std::vector<std::optional<std::size_t>> answers_;
};

std::vector<std::string> aids(const std::vector<CandidateApplication>& list) {
  std::vector<std::string> out;
  for (const auto& c : list) out.push_back(toHex(c.aid));
  return out;
}

class KernelSelectionTest : public ::testing::Test {
 protected:
  KernelResult run(ScriptedCard& card, ApplicationChooser* chooser = nullptr) {
    KernelEnvironment env;
    env.random = &random;
    env.chooser = chooser;
    Kernel kernel(profile, env);
    return kernel.run(card, test::purchase(5000));
  }
  TerminalProfile profile = emvUtilsTerminal();
  SeededRandom random{7};
};

TEST_F(KernelSelectionTest, PseCardBlockedTerminates) {
  ScriptedCard card(script("test_pse_card_blocked"));
  const KernelResult r = run(card);
  EXPECT_EQ(r.outcome, Outcome::kTerminated);
  EXPECT_TRUE(card.complete());
  EXPECT_TRUE(card.error().isOk()) << card.error().toString();
}

TEST_F(KernelSelectionTest, AidCardBlockedTerminates) {
  ScriptedCard card(script("test_aid_card_blocked"));
  EXPECT_EQ(run(card).outcome, Outcome::kTerminated);
  EXPECT_TRUE(card.complete());
}

TEST_F(KernelSelectionTest, NothingFoundIsNotAccepted) {
  for (const char* name : {"test_nothing_found", "test_pse_blocked", "test_aid_blocked",
                           "test_pse_app_not_supported"}) {
    SCOPED_TRACE(name);
    ScriptedCard card(script(name));
    const KernelResult r = run(card);
    EXPECT_EQ(r.outcome, Outcome::kNotAccepted) << r.reason;
    EXPECT_TRUE(card.complete());
    EXPECT_TRUE(card.error().isOk()) << card.error().toString();
  }
}

TEST_F(KernelSelectionTest, SingleSupportedApplicationIsSelectedWithoutAsking) {
  ScriptedCard card(script("test_pse_app_supported"));
  RecordingChooser chooser;
  const KernelResult r = run(card, &chooser);
  EXPECT_TRUE(chooser.lists.empty());
  EXPECT_TRUE(card.complete());
  // The script ends with the directory; the next command is the final SELECT of that AID.
  EXPECT_NE(card.error().message().find("00A4040007A000000003101000"), std::string::npos)
      << card.error().toString();
  EXPECT_EQ(r.outcome, Outcome::kCardError);
}

TEST_F(KernelSelectionTest, SeveralApplicationsAreOfferedByPriority) {
  ScriptedCard card(script("test_pse_multi_app_supported"));
  RecordingChooser chooser;
  const KernelResult r = run(card, &chooser);
  ASSERT_EQ(chooser.lists.size(), 1u);
  EXPECT_EQ(aids(chooser.lists[0]), (std::vector<std::string>{"A0000000032020", "A0000000032010"}));
  EXPECT_EQ(r.outcome, Outcome::kTerminated);  // the chooser cancelled
  EXPECT_TRUE(card.complete());
}

TEST_F(KernelSelectionTest, ExactMatchesByAidList) {
  ScriptedCard card(script("test_aid_multi_exact_match_app_supported"));
  RecordingChooser chooser;
  (void)run(card, &chooser);
  ASSERT_EQ(chooser.lists.size(), 1u);
  EXPECT_EQ(aids(chooser.lists[0]), (std::vector<std::string>{"A0000000032020", "A0000000032010"}));
  EXPECT_TRUE(card.complete());
}

TEST_F(KernelSelectionTest, PartialMatchesSelectNextOccurrence) {
  ScriptedCard card(script("test_aid_multi_partial_match_app_supported"));
  RecordingChooser chooser;
  (void)run(card, &chooser);
  ASSERT_EQ(chooser.lists.size(), 1u);
  EXPECT_EQ(aids(chooser.lists[0]),
            (std::vector<std::string>{"A000000004101010", "A000000004101020"}));
  EXPECT_TRUE(card.complete());
}

TEST_F(KernelSelectionTest, CandidatesSortedByPriorityThenDirectoryOrder) {
  ScriptedCard card(script("test_sorted_app_priority"));
  RecordingChooser chooser;
  (void)run(card, &chooser);
  ASSERT_EQ(chooser.lists.size(), 1u);
  std::vector<std::string> labels;
  for (const auto& c : chooser.lists[0]) labels.push_back(c.label);
  EXPECT_EQ(labels, (std::vector<std::string>{"APP 1", "APP 2", "APP 3", "APP 4", "APP 5", "APP 6",
                                              "APP 7"}));
  EXPECT_TRUE(card.complete());
}

TEST_F(KernelSelectionTest, ConfirmationRequiredAsksTheCardholder) {
  ScriptedCard card(script("test_app_cardholder_confirmation"));
  RecordingChooser chooser;
  (void)run(card, &chooser);
  ASSERT_EQ(chooser.lists.size(), 1u);
  EXPECT_TRUE(chooser.lists[0][0].confirmationRequired());
}

TEST_F(KernelSelectionTest, ConfirmationRequiredWithoutChooserIsNotAccepted) {
  ScriptedCard card(script("test_app_cardholder_confirmation"));
  EXPECT_EQ(run(card).outcome, Outcome::kNotAccepted);
  EXPECT_TRUE(card.complete());
}

// Final selection (emv_select_application_test.c): the candidate list of test_pse, then one
// SELECT. The chooser picks, and cancels when asked again.
TEST_F(KernelSelectionTest, FinalSelectNotFoundRemovesTheApplication) {
  ScriptedCard card(join(script("test_pse"), script("test_select_app1")));
  RecordingChooser chooser({0});
  (void)run(card, &chooser);
  ASSERT_EQ(chooser.lists.size(), 2u);
  EXPECT_EQ(chooser.lists[0].size(), 7u);
  EXPECT_EQ(chooser.lists[1].size(), 6u);
  EXPECT_EQ(chooser.lists[1][0].label, "APP 2");
  EXPECT_TRUE(card.complete());
}

TEST_F(KernelSelectionTest, FinalSelectBlockedApplicationWithGetResponse) {
  // APP 7 (A0000000041010) answers 6283, then 6C61 to GET RESPONSE, then its FCI.
  ScriptedCard card(join(script("test_pse"), script("test_select_app7")));
  RecordingChooser chooser({6});
  (void)run(card, &chooser);
  ASSERT_EQ(chooser.lists.size(), 2u);
  EXPECT_EQ(chooser.lists[1].size(), 6u);
  EXPECT_TRUE(card.complete()) << card.error().toString();
}

TEST_F(KernelSelectionTest, FinalSelectInvalidResponseTerminates) {
  ScriptedCard card(join(script("test_pse"), script("test_select_app4")));
  RecordingChooser chooser({3});  // APP 4 = A000000003101004
  EXPECT_EQ(run(card, &chooser).outcome, Outcome::kTerminated);
  EXPECT_TRUE(card.complete());
}

TEST_F(KernelSelectionTest, FinalSelectCardBlockedTerminates) {
  ScriptedCard card(join(script("test_pse"), script("test_select_app3")));
  RecordingChooser chooser({2});
  const KernelResult r = run(card, &chooser);
  EXPECT_EQ(r.outcome, Outcome::kTerminated);
  EXPECT_NE(r.reason.find("6A81"), std::string::npos);
}

TEST_F(KernelSelectionTest, FinalSelectInvalidFciOrDfNameMismatchTriesAgain) {
  for (auto [name, index] : {std::pair{"test_select_app5", 4}, std::pair{"test_select_app2", 1},
                             std::pair{"test_select_app6", 5}}) {
    SCOPED_TRACE(name);
    ScriptedCard card(join(script("test_pse"), script(name)));
    RecordingChooser chooser({static_cast<std::size_t>(index)});
    (void)run(card, &chooser);
    ASSERT_EQ(chooser.lists.size(), 2u);
    EXPECT_EQ(chooser.lists[1].size(), 6u);
    EXPECT_TRUE(card.complete()) << card.error().toString();
  }
}

TEST_F(KernelSelectionTest, FinalSelectSuccessGoesOnToGpo) {
  ScriptedCard card(join(script("test_pse"), script("test_select_app_success")));
  RecordingChooser chooser({2});  // APP 3 = A000000003101003
  const KernelResult r = run(card, &chooser);
  EXPECT_TRUE(card.complete());
  EXPECT_NE(card.error().message().find("80A80000"), std::string::npos) << card.error().toString();
  EXPECT_EQ(toHex(r.aid), "A000000003101003");
}

// GET PROCESSING OPTIONS (emv_initiate_application_processing_test.c): one supported AID.
class KernelGpoTest : public KernelSelectionTest {
 protected:
  void SetUp() override {
    profile.applications.resize(1);
    profile.applications[0].partial_selection = false;
    profile.capabilities = hexBytes("60F0C8");
  }
  std::vector<ScriptedExchange> selection(bool with_pdol) {
    const Bytes a5 = with_pdol ? hexBytes(
                                     "500141"
                                     "9F38039F3303")
                               : hexBytes("500141");
    Bytes fci_bytes = TlvBuilder()
                          .open(0x6F)
                          .add(0x84, hexBytes("A0000000031010"))
                          .addRaw(encodeTlv(0xA5, a5))
                          .close()
                          .take();
    append(fci_bytes, hexBytes("9000"));
    return {{hexBytes("00A404000E315041592E5359532E444446303100"), hexBytes("6A82"), "PSE"},
            {hexBytes("00A4040007A000000003101000"), fci_bytes, "SELECT"},
            {hexBytes("00A4040007A000000003101000"), fci_bytes, "final SELECT"}};
  }
};

TEST_F(KernelGpoTest, Format1ResponseThenReadsTheAfl) {
  ScriptedCard card(join(selection(false), script("test1_apdu_list", "initiate")));
  const KernelResult r = run(card);
  EXPECT_TRUE(card.complete());
  EXPECT_EQ(toHex(r.find(0x82)), "7800");
  EXPECT_EQ(toHex(r.find(0x94)), "080202001001040018010201");
  EXPECT_NE(card.error().message().find("00B2020C00"), std::string::npos)
      << card.error().toString();
}

TEST_F(KernelGpoTest, Format2Response) {
  ScriptedCard card(join(selection(false), script("test2_apdu_list", "initiate")));
  const KernelResult r = run(card);
  EXPECT_EQ(toHex(r.find(0x82)), "3900");
  EXPECT_EQ(toHex(r.find(0x94)), "1801020120020400");
  EXPECT_NE(card.error().message().find("00B2011C00"), std::string::npos)
      << card.error().toString();
}

TEST_F(KernelGpoTest, PdolDataAndConditionsNotSatisfied) {
  ScriptedCard card(join(selection(true), script("test3_apdu_list", "initiate")));
  const KernelResult r = run(card);
  EXPECT_TRUE(card.complete()) << card.error().toString();
  EXPECT_EQ(r.outcome, Outcome::kNotAccepted);
}

TEST_F(KernelGpoTest, PdolDataFormat1) {
  ScriptedCard card(join(selection(true), script("test4_apdu_list", "initiate")));
  (void)run(card);
  EXPECT_TRUE(card.complete()) << card.error().toString();
  EXPECT_NE(card.error().message().find("00B2020C00"), std::string::npos)
      << card.error().toString();
}

TEST_F(KernelGpoTest, GpoErrorTerminates) {
  ScriptedCard card(join(selection(true), script("test6_apdu_list", "initiate")));
  EXPECT_EQ(run(card).outcome, Outcome::kTerminated);
  EXPECT_TRUE(card.complete());
}

// READ RECORD (emv_read_application_data_test.c): GPO answers the AFL each case needs.
class KernelReadRecordTest : public KernelGpoTest {
 protected:
  std::vector<ScriptedExchange> upToGpo(std::string_view afl) {
    std::vector<ScriptedExchange> out = selection(false);
    Bytes gpo =
        TlvBuilder().open(0x77).add(0x82, hexBytes("4000")).add(0x94, hexBytes(afl)).close().take();
    append(gpo, hexBytes("9000"));
    out.push_back({hexBytes("80A8000002830000"), gpo, "GPO"});
    return out;
  }
};

TEST_F(KernelReadRecordTest, ErrorStatusTerminates) {
  ScriptedCard card(join(upToGpo("08020200"), script("test3_apdu_list", "read_application")));
  const KernelResult r = run(card);
  EXPECT_EQ(r.outcome, Outcome::kTerminated);
  EXPECT_TRUE(card.complete());
}

TEST_F(KernelReadRecordTest, WrongTemplateTerminates) {
  ScriptedCard card(join(upToGpo("08020200"), script("test4_apdu_list", "read_application")));
  EXPECT_EQ(run(card).outcome, Outcome::kTerminated);
  EXPECT_TRUE(card.complete());
}

TEST_F(KernelReadRecordTest, DuplicateDataObjectTerminates) {
  ScriptedCard card(
      join(upToGpo("0802020010010200"), script("test8_apdu_list", "read_application")));
  const KernelResult r = run(card);
  EXPECT_EQ(r.outcome, Outcome::kTerminated);
  EXPECT_NE(r.reason.find("8F"), std::string::npos) << r.reason;
  EXPECT_TRUE(card.complete());
}

TEST_F(KernelReadRecordTest, MissingMandatoryDataTerminates) {
  ScriptedCard card(
      join(upToGpo("0802020010010200"), script("test9_apdu_list", "read_application")));
  const KernelResult r = run(card);
  EXPECT_EQ(r.outcome, Outcome::kTerminated);
  EXPECT_NE(r.reason.find("8C"), std::string::npos) << r.reason;
}

TEST_F(KernelReadRecordTest, RecordsOfAllSfiRangesAreRead) {
  ScriptedCard card(
      join(upToGpo("080202001001020158010101"), script("test11_apdu_list", "read_application")));
  const KernelResult r = run(card);
  EXPECT_TRUE(card.complete());
  EXPECT_EQ(toHex(r.find(0x5A)), "4761739001010119");
  EXPECT_EQ(toHex(r.find(0x9F49)), "9F3704");
  // SDA was selected but the card has no issuer certificate: ICC data missing, SDA failed.
  bool seen = false;
  for (const KernelStep& step : r.steps) {
    if (step.name != "offline data authentication") continue;
    seen = true;
    EXPECT_EQ(step.tvr.toHex(), "6200000000");
  }
  EXPECT_TRUE(seen);
}

TEST_F(KernelReadRecordTest, NonTemplateOdaRecordFailsOdaWithoutTerminating) {
  ScriptedCard card(join(upToGpo("08020200600101011001020158010101"),
                         script("test10_apdu_list", "read_application")));
  const KernelResult r = run(card);
  EXPECT_NE(r.outcome, Outcome::kTerminated) << r.reason;
  EXPECT_TRUE(card.complete());
}

}  // namespace
}  // namespace posim::emv
