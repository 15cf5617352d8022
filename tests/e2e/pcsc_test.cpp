// PC/SC end to end, with the real parts: pcscd with vsmartcard's vpcd reader driver, `posim card
// serve` putting the virtual card into that reader, `posim emv run --reader` running the kernel
// against it through PC/SC, and an independent PC/SC client (python3-pyscard) reading it.
//
// Each test starts its own pcscd (tests/support/private_pcscd.h): a private reader.conf.d with
// vpcd on a free port, a private /run, PCSCLITE_CSOCK_NAME pointing posim and pyscard at it.
// Skipped only when pcscd, the vpcd driver or pyscard is not installed (scripts/setup installs
// them, so CI runs these tests).
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "posim/base/json.h"

#include "e2e_files.h"
#include "posim_runner.h"
#include "private_pcscd.h"

namespace posim::test {
namespace {

namespace fs = std::filesystem;

constexpr const char* kSlot0 = kVpcdSlot0;
constexpr const char* kSlot1 = kVpcdSlot1;
constexpr const char* kAt = "2026-11-23T12:00:00+08:00";
constexpr const char* kVisaPan = "4761739001010010";

// Runs a shell command, returns its exit code and output (stdout and stderr).
std::pair<int, std::string> shell(const std::string& command) {
  std::string output;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return {-1, ""};
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

class PcscTest : public ::testing::Test {
 protected:
  void SetUp() override {
#ifndef POSIM_WITH_PCSC
    GTEST_SKIP() << "posim was built without pcsc-lite (libpcsclite-dev, scripts/setup)";
#endif
    if (const std::string why = PrivatePcscd::missing(); !why.empty()) GTEST_SKIP() << why;
    pcscd_ = std::make_unique<PrivatePcscd>();
    // Ready once `posim readers` sees both slots.
    const std::string error = pcscd_->start([] {
      const RunResult r = runPosim({"readers"});
      return r.exit_code == 0 && r.out.find(kSlot1) != std::string::npos;
    });
    ASSERT_EQ(error, "");
  }

  void TearDown() override {
    pcscd_.reset();
  }

  void stopPcscd() {
    pcscd_->stop();
  }

  std::string vpcd(int slot) const {
    return pcscd_->vpcd(slot);
  }
  std::string statePath(const std::string& name) const {
    return (pcscd_->dir() / name).string();
  }

  // `posim card serve` into a slot; waits until pcscd sees the card.
  std::unique_ptr<BackgroundPosim> serve(const std::string& card, int slot,
                                         const std::string& state,
                                         std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"card",   "serve",    "--card",  card,
                                     "--vpcd", vpcd(slot), "--state", statePath(state)};
    args.insert(args.end(), extra.begin(), extra.end());
    auto served = std::make_unique<BackgroundPosim>(args);
    EXPECT_NE(served->waitForLine("connected to vpcd"), "") << served->out() << served->err();
    waitForCard(slot == 0 ? kSlot0 : kSlot1);
    return served;
  }

  // Waits until pcscd reports a card in the reader (or none, with present = false): pcscd
  // polls vpcd, so a card served or stopped shows after a few hundred milliseconds.
  void waitForCard(const std::string& reader, bool present = true) {
    for (int i = 0; i < 100; ++i) {
      const RunResult r = runPosim({"readers"});
      const auto at = r.out.find(reader);
      const bool card =
          at != std::string::npos && r.out.compare(at + reader.size(), 7, "  card,") == 0;
      if (at != std::string::npos && card == present) return;
      usleep(100 * 1000);
    }
    ADD_FAILURE() << "pcscd never saw " << (present ? "a card" : "no card") << " in " << reader;
  }

  std::string pcscdLog() const {
    return pcscd_->log();
  }

  std::unique_ptr<PrivatePcscd> pcscd_;
};

Json emvRun(std::vector<std::string> args, int expected_exit = 0) {
  args.insert(args.begin(), {"emv", "run"});
  args.insert(args.end(), {"--at", kAt, "--seed", "7", "--json"});
  const RunResult r = runPosim(args);
  EXPECT_EQ(r.exit_code, expected_exit) << r.err;
  auto doc = Json::parse(r.out);
  EXPECT_TRUE(doc.isOk()) << r.out << r.err;
  return doc.isOk() ? *doc : Json();
}

// The whole result of a transaction, apart from the reader's name.
std::string withoutReader(Json doc) {
  if (!doc.isObject()) return "";
  Json::Object& o = doc.asObject();
  std::erase_if(o, [](const auto& entry) { return entry.first == "reader"; });
  return doc.dump(2);
}

// The kernel against the served card through pcscd gives the very result of the in-process run:
// outcome, cryptograms, TVR, TSI, every APDU of every step.
TEST_F(PcscTest, TransactionThroughVpcdMatchesTheInProcessCard) {
  struct Case {
    const char* card;
    const char* entry;
    const char* pin;
    int slot;
  };
  for (const Case& c :
       {Case{"visa-credit", "chip", "1234", 0}, Case{"mastercard-debit", "chip", "1234", 0},
        Case{"visa-credit", "contactless", nullptr, 1}}) {
    SCOPED_TRACE(std::string(c.card) + " " + c.entry);
    std::vector<std::string> extra = {"--fresh"};
    if (std::string(c.entry) == "contactless") extra.push_back("--contactless");
    auto served = serve(c.card, c.slot, std::string(c.card) + "-" + c.entry + ".json", extra);
    std::vector<std::string> args = {"--card", c.card, "--amount", "12.34", "--entry", c.entry};
    if (c.pin != nullptr) args.insert(args.end(), {"--pin", c.pin});
    const Json in_process = emvRun(args);
    args.insert(args.end(), {"--reader", c.slot == 0 ? kSlot0 : kSlot1});
    const Json through_pcsc = emvRun(args);
    ASSERT_TRUE(in_process.isObject());
    ASSERT_TRUE(through_pcsc.isObject());
    EXPECT_EQ(through_pcsc.find("reader")->asString(), c.slot == 0 ? kSlot0 : kSlot1);
    EXPECT_TRUE(in_process.find("approved")->asBool()) << in_process.dump(2);
    EXPECT_FALSE(in_process.find("cryptogram")->isNull());
    EXPECT_EQ(through_pcsc.find("outcome")->asString(), in_process.find("outcome")->asString());
    EXPECT_EQ(through_pcsc.find("cryptogram")->asString(),
              in_process.find("cryptogram")->asString());
    EXPECT_EQ(through_pcsc.find("tvr")->asString(), in_process.find("tvr")->asString());
    EXPECT_EQ(withoutReader(through_pcsc), withoutReader(in_process));
    EXPECT_EQ(served->stop(SIGTERM), 0) << served->err();
    waitForCard(c.slot == 0 ? kSlot0 : kSlot1, false);
  }
}

// An independent PC/SC client, pyscard, reads the served card: PPSE and PSE (each on its
// interface), the application, GPO and every record of the AFL, with the PAN among them.
TEST_F(PcscTest, IndependentClientReadsTheServedCard) {
  std::string python;
  for (const char* candidate : {"/usr/bin/python3", "python3"}) {
    if (shell(std::string(candidate) + " -c 'import smartcard'").first == 0) {
      python = candidate;
      break;
    }
  }
  if (python.empty()) GTEST_SKIP() << "python3-pyscard is not installed (scripts/setup does)";
  auto contact = serve("visa-credit", 0, "contact.json", {"--fresh", "--trace"});
  auto tapped = serve("visa-credit", 1, "contactless.json", {"--fresh", "--contactless"});
  const std::string script = std::string(POSIM_SOURCE_DIR) + "/tests/pcsc/read_card.py";
  for (const auto& [reader, interface] :
       {std::pair{kSlot0, "contact"}, std::pair{kSlot1, "contactless"}}) {
    const auto [code, output] = shell(python + " '" + script + "' '" + reader + "' " + interface);
    EXPECT_EQ(code, 0) << output << pcscdLog();
    EXPECT_NE(output.find(std::string("read_card: ok ") + interface + " aid=A0000000031010"),
              std::string::npos)
        << output;
    EXPECT_NE(output.find("pan=476173******0010"), std::string::npos) << output;
    EXPECT_EQ(output.find(kVisaPan), std::string::npos) << "PAN in clear: " << output;
  }
  // --trace: what the client sent and the card answered, decoded, the PAN masked.
  const std::string trace = contact->out();
  for (const char* seen : {"power on", "SELECT 1PAY.SYS.DDF01", "READ RECORD SFI 1 record 1",
                           "SELECT A0000000031010", "GET PROCESSING OPTIONS", "476173******0010"}) {
    EXPECT_NE(trace.find(seen), std::string::npos) << seen << " not in:\n" << trace;
  }
  EXPECT_EQ(trace.find(kVisaPan), std::string::npos) << "PAN in clear: " << trace;
}

// ATC, counters and PIN tries live on in the state file from one `card serve` to the next.
TEST_F(PcscTest, CardStatePersistsAcrossServeSessions) {
  const std::string state = statePath("persist.json");
  const std::vector<std::string> txn = {"--reader", kSlot0, "--card", "visa-credit",
                                        "--amount", "5.00", "--pin",  "1234"};
  {
    auto served = serve("visa-credit", 0, "persist.json", {"--fresh"});
    EXPECT_EQ(emvRun(txn).find("atc")->asString(), "0001");
    EXPECT_EQ(served->stop(SIGINT), 0) << served->err();
    EXPECT_NE(served->out().find("stopped"), std::string::npos) << served->out();
    waitForCard(kSlot0, false);
  }
  struct stat st {};
  ASSERT_EQ(stat(state.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "the state file holds the offline PIN";
  const std::string saved = readFile(state);
  EXPECT_NE(saved.find("\"atc\": 1"), std::string::npos) << saved;
  {
    auto served = serve("visa-credit", 0, "persist.json");
    EXPECT_EQ(emvRun(txn).find("atc")->asString(), "0002");
    EXPECT_EQ(emvRun(txn).find("atc")->asString(), "0003");
    EXPECT_EQ(served->stop(SIGTERM), 0) << served->err();
  }
  // Another card's state is refused, not silently reused.
  const RunResult wrong = runPosim(
      {"card", "serve", "--card", "mastercard-debit", "--vpcd", vpcd(0), "--state", state});
  EXPECT_EQ(wrong.exit_code, 3) << wrong.out;
  EXPECT_NE(wrong.err.find("visa-credit"), std::string::npos) << wrong.err;
}

// A scenario's card as the physical card in a reader (`posim run --reader CARD=READER`): the
// report is the in-process one, every transaction's cryptogram included, and the served card
// counted each one.
TEST_F(PcscTest, ScenarioRunWithTheCardInAReaderGivesTheInProcessReport) {
  const std::string scenario = (exampleSuite() / "sale-then-void.yaml").string();
  const std::string in_process = statePath("in-process.json");
  const RunResult local = runPosim({"run", scenario, "--quiet", "--report", in_process});
  ASSERT_EQ(local.exit_code, 0) << local.err;
  auto served = serve("visa-credit", 0, "scenario.json", {"--fresh"});
  const std::string through_pcsc = statePath("pcsc.json");
  const RunResult remote = runPosim({"run", scenario, "--quiet", "--reader",
                                     std::string("visa=") + kSlot0, "--report", through_pcsc});
  EXPECT_EQ(remote.exit_code, 0) << remote.err;
  auto a = Json::parse(readFile(in_process));
  auto b = Json::parse(readFile(through_pcsc));
  ASSERT_TRUE(a.isOk() && b.isOk());
  EXPECT_TRUE(withoutMeasuredLatencies(*a) == withoutMeasuredLatencies(*b))
      << "in process:\n"
      << a->dump(2) << "\nthrough pcscd:\n"
      << b->dump(2);
  EXPECT_EQ(served->stop(SIGTERM), 0) << served->err();
  const std::string state = readFile(statePath("scenario.json"));
  EXPECT_NE(state.find("\"atc\": 2"), std::string::npos) << state;  // the sale and the void
}

// What a card in a reader cannot do in a scenario is refused, each with its reason.
TEST_F(PcscTest, ScenarioRunRefusesWhatAReaderCannotDo) {
  const std::string scenario = (exampleSuite() / "sale-then-void.yaml").string();
  RunResult r = runPosim({"run", scenario, "--reader", "visa"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("'visa' is not CARD=READER"), std::string::npos) << r.err;
  r = runPosim({"run", scenario, "--reader", std::string("amex=") + kSlot0});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no scenario has a card 'amex'"), std::string::npos) << r.err;
  r = runPosim({"run", scenario, "--reader", std::string("visa=") + kSlot1});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find("no card in reader 'Virtual PCD 00 01'"), std::string::npos) << r.err;

  auto served = serve("visa-credit", 0, "refusals.json", {"--fresh"});
  const std::string refusals = statePath("refusals.yaml");
  std::ofstream(refusals) << "posim: 1\n"
                             "name: What a reader cannot do\n"
                             "clock: {start: \"2026-11-02T10:00:00+08:00\"}\n"
                             "calendar: cn-2026\n"
                             "terminal: countertop\n"
                             "merchant: {id: \"123456789012345\", terminal_id: \"12345678\", "
                             "mcc: \"5812\", currency: CNY}\n"
                             "acquirer: {backend: embedded}\n"
                             "cards:\n"
                             "  visa: {profile: visa-credit, pin: \"1234\"}\n"
                             "steps:\n"
                             "  - id: swiped\n"
                             "    sale: {card: visa, entry: swipe, amount: \"1.00\"}\n"
                             "  - id: mute\n"
                             "    sale: {card: visa, entry: chip, amount: \"1.00\"}\n"
                             "    faults: [{kind: card_mute}]\n"
                             "  - id: inserted\n"
                             "    sale: {card: visa, entry: chip, amount: \"1.00\"}\n"
                             "    expect: {approved: true}\n";
  const std::string report = statePath("refusals.json.report");
  r = runPosim(
      {"run", refusals, "--quiet", "--reader", std::string("visa=") + kSlot0, "--report", report});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto doc = Json::parse(readFile(report));
  ASSERT_TRUE(doc.isOk());
  const Json::Array& steps = doc->find("steps")->asArray();
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps[0].find("error")->asString(),
            "card visa is in a card reader, which reads chips, not stripes");
  EXPECT_EQ(steps[1].find("error")->asString(),
            "faults: card visa is in a card reader; card faults are injected into virtual cards "
            "only");
  EXPECT_TRUE(steps[2].find("passed")->asBool()) << steps[2].dump(2);  // the chip sale ran
  EXPECT_EQ(served->stop(SIGTERM), 0) << served->err();
}

TEST_F(PcscTest, ReadersListsTheVpcdSlotsAndTheServedCard) {
  auto served = serve("visa-credit", 0, "list.json", {"--fresh"});
  const RunResult text = runPosim({"readers"});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find(std::string(kSlot0) + "  card, ATR 3B6500002063CB6600"),
            std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find(std::string(kSlot1) + "  no card"), std::string::npos) << text.out;
  const RunResult list = runPosim({"emv", "run", "--reader", "list", "--json"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  auto doc = Json::parse(list.out);
  ASSERT_TRUE(doc.isOk()) << list.out;
  ASSERT_EQ(doc->size(), 2u);
  EXPECT_EQ(doc->asArray()[0].find("name")->asString(), kSlot0);
  EXPECT_TRUE(doc->asArray()[0].find("card_present")->asBool());
  EXPECT_FALSE(doc->asArray()[1].find("card_present")->asBool());
}

TEST_F(PcscTest, ClearErrorsForNoCardUnknownReaderAndRemovedCard) {
  // No card in the second slot.
  RunResult r = runPosim({"emv", "run", "--reader", kSlot1, "--amount", "1.00"});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find("no card in reader 'Virtual PCD 00 01'"), std::string::npos) << r.err;
  r = runPosim({"emv", "run", "--reader", kSlot1, "--amount", "1.00", "--wait", "0.5"});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find("no card"), std::string::npos) << r.err;
  // A reader that is not there: the message lists those that are.
  r = runPosim({"emv", "run", "--reader", "Gemalto", "--amount", "1.00"});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find("no reader 'Gemalto'; the readers are: 'Virtual PCD 00 00', "
                       "'Virtual PCD 00 01'"),
            std::string::npos)
      << r.err;
  // The card pulled out in the middle of the transaction: the kernel reports a card error.
  auto served =
      serve("visa-credit", 0, "removed.json", {"--fresh", "--fault", "removed:READ RECORD"});
  r = runPosim({"emv", "run", "--reader", kSlot0, "--card", "visa-credit", "--amount", "1.00",
                "--pin", "1234"});
  EXPECT_EQ(r.exit_code, 4) << r.out;
  EXPECT_NE(r.out.find("card error"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("card removed from reader 'Virtual PCD 00 00'"), std::string::npos) << r.err;
  EXPECT_NE(served->waitForLine("card inserted again"), "") << served->out();
}

TEST_F(PcscTest, PcscdNotRunningIsExit4NamingPcscd) {
  stopPcscd();
  setenv("PCSCLITE_CSOCK_NAME", (pcscd_->dir() / "run" / "no-such-pcscd.comm").c_str(), 1);
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"readers"},
        std::vector<std::string>{"emv", "run", "--reader", kSlot0, "--amount", "1.00"}}) {
    const RunResult r = runPosim(args);
    EXPECT_EQ(r.exit_code, 4) << args[0];
    EXPECT_NE(r.err.find("pcscd is not running"), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace posim::test
