// Crash safety with the real executables (docs/reliability.md): `posim run` and `posim host` are
// killed with SIGKILL at every crash point (posim/base/crash_point.h) and every hit count a clean
// run of tests/data/scenarios/crash-day.yaml reaches, and at seeded random moments; the terminal
// then recovers the way a user does, by running again on the same --journal (the engine sends
// what the journal holds for sending before its first transaction). After recovery:
//   - no transaction lost or duplicated: every STAN reaches the host at most once as an original
//     message; what the host approved is approved in the journal or reversed, and what the
//     journal has approved online the host approved;
//   - every reversal and advice was delivered: none is left armed or pending, each done one
//     reached the host at least once and was repeated at most once (only a message sent before
//     the kill and not yet journaled as answered is sent again, flagged as a repeat), and one
//     that was disarmed never left;
//   - batch totals balance: every settle's totals are the sum of the journal's captured
//     transactions of its batch and, while one host saw the whole day, the host (which counts
//     what it approved minus what was reversed, and applies a repeated reversal or advice once)
//     answered "balanced".
#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include "posim/terminal/journal.h"

#include "e2e_files.h"
#include "posim_runner.h"
#include "test_data.h"

namespace posim::test {
namespace {

using terminal::Journal;
using terminal::PendingMessage;
using terminal::TransactionRecord;
using terminal::TransactionType;

std::string scenarioFile() {
  return dataDir() + "/scenarios/crash-day.yaml";
}

// Sets an environment variable for the processes started while it lives.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() { ::unsetenv(name_); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
};

// A `posim host` configured from the scenario; `listen` "127.0.0.1:0" picks a free port.
class Host {
 public:
  explicit Host(const std::string& listen = "127.0.0.1:0") {
    process_ = std::make_unique<BackgroundPosim>(std::vector<std::string>{
        "host", "--listen", listen, "--seed", "1", "--config", scenarioFile()});
    const std::string line = process_->waitForLine("listening on");
    const auto at = line.find("listening on ");
    if (at != std::string::npos) {
      std::string address = line.substr(at + 13);
      address = address.substr(0, address.find(' '));
      port_ = address.substr(address.rfind(':') + 1);
    }
  }
  bool ok() const { return !port_.empty(); }
  const std::string& port() const { return port_; }
  std::string url() const {
    return "iso8583://127.0.0.1:" + port_ + "?timeout_ms=5000&connect_timeout_ms=500";
  }
  BackgroundPosim& process() { return *process_; }
  // Its log so far (kept by the caller: the file goes with the process object).
  std::string log() const { return process_->err(); }

 private:
  std::unique_ptr<BackgroundPosim> process_;
  std::string port_;
};

// One message as the host logged it: "posim host: from 127.0.0.1:P: sale 0200 DE 3 000000
// STAN 000001 terminal 12345678 card 476173******0010 DE 4 000000023600 -> 0210 00 approved".
struct HostLine {
  std::string mti;
  std::string stan;
  std::string answer_code;
};

std::vector<HostLine> parseHostLog(const std::string& log) {
  std::vector<HostLine> out;
  std::istringstream lines(log);
  std::string line;
  while (std::getline(lines, line)) {
    const auto from = line.find(": from ");
    const auto arrow = line.find(" -> ");
    if (from == std::string::npos || arrow == std::string::npos) continue;
    const auto peer_end = line.find(": ", from + 7);
    if (peer_end == std::string::npos || peer_end > arrow) continue;
    std::istringstream request(line.substr(peer_end + 2, arrow - peer_end - 2));
    std::vector<std::string> words;
    for (std::string w; request >> w;) words.push_back(w);
    HostLine h;
    for (std::size_t i = 0; i < words.size(); ++i) {
      if (words[i].size() == 4 && h.mti.empty() &&
          words[i].find_first_not_of("0123456789") == std::string::npos) {
        h.mti = words[i];
      }
      if (words[i] == "STAN" && i + 1 < words.size()) h.stan = words[i + 1];
    }
    std::istringstream answer(line.substr(arrow + 4));
    std::string answer_mti;
    answer >> answer_mti >> h.answer_code;
    if (answer_mti == "dropped" || answer_mti == "disconnected") h.answer_code.clear();
    out.push_back(std::move(h));
  }
  return out;
}

bool isRepeatMti(const std::string& mti) {
  return mti.size() == 4 && mti[3] == '1';
}

// Crash points and how often a clean run reaches each, from a POSIM_CRASH_TRACE file.
std::map<std::string, int> readCrashTrace(const std::string& path) {
  std::map<std::string, int> hits;
  std::istringstream lines(readFile(path));
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) ++hits[line];
  }
  return hits;
}

struct JournalView {
  std::vector<TransactionRecord> records;
  std::vector<PendingMessage> messages;
};

JournalView readJournal(const std::string& path) {
  JournalView view;
  auto journal = Journal::open(path);
  EXPECT_TRUE(journal.isOk()) << journal.status().toString();
  if (!journal.isOk()) return view;
  auto records = (*journal)->transactions();
  auto messages = (*journal)->allPending();
  EXPECT_TRUE(records.isOk() && messages.isOk());
  if (records.isOk()) view.records = std::move(*records);
  if (messages.isOk()) view.messages = std::move(*messages);
  return view;
}

// What openBatchTotals() counts, recomputed from the journal's records of `batch`.
acquirer::BatchTotals totalsOf(const std::vector<TransactionRecord>& records, std::uint32_t batch) {
  acquirer::BatchTotals t;
  for (const TransactionRecord& r : records) {
    if (r.batch_number != batch || !r.approved || r.reversed) continue;
    if ((r.type == TransactionType::kSale || r.type == TransactionType::kCompletion) && !r.voided) {
      ++t.debit_count;
      t.debit_amount += r.amount.minorUnits();
    } else if (r.type == TransactionType::kRefund) {
      ++t.credit_count;
      t.credit_amount += r.amount.minorUnits();
    }
  }
  return t;
}

// The invariants of the file comment, after recovery. `one_host`: a single host process saw
// everything (its totals are complete, so its settle answer must be "balanced").
void expectRecovered(const std::string& journal_path, const std::vector<std::string>& host_logs,
                     bool one_host) {
  const JournalView j = readJournal(journal_path);
  std::vector<HostLine> host;
  for (const std::string& log : host_logs) {
    for (HostLine& h : parseHostLog(log)) host.push_back(std::move(h));
  }
  ASSERT_FALSE(j.records.empty());
  ASSERT_FALSE(host.empty());

  // Every STAN reaches the host at most once as an original (non-repeat) message.
  std::map<std::string, int> originals;
  std::map<std::string, int> all;
  std::map<std::string, std::string> approved_code;  // STAN -> answer to its original message
  for (const HostLine& h : host) {
    ++all[h.stan];
    if (!isRepeatMti(h.mti)) {
      ++originals[h.stan];
      approved_code[h.stan] = h.answer_code;
    }
  }
  for (const auto& [stan, n] : originals) {
    EXPECT_LE(n, 1) << "STAN " << stan << " reached the host " << n << " times";
  }

  // Reversals and advices: none left; done ones delivered, repeated at most once; disarmed
  // ones never left.
  std::set<std::string> message_stans;
  std::set<std::int64_t> reversed_at_host;  // transactions whose reversal the host answered
  for (const PendingMessage& m : j.messages) {
    message_stans.insert(m.request.stan);
    const std::string what = std::string(terminal::pendingKindName(m.kind)) + " STAN " +
                             m.request.stan + " of #" + std::to_string(m.transaction_id);
    EXPECT_TRUE(m.state == PendingMessage::State::kDone ||
                m.state == PendingMessage::State::kCancelled)
        << what << " left " << terminal::pendingStateName(m.state);
    if (m.state == PendingMessage::State::kDone) {
      EXPECT_GE(all[m.request.stan], 1) << what << " is done but never reached the host";
      EXPECT_LE(all[m.request.stan], 2) << what << " was sent more than once again";
      if (m.kind == PendingMessage::Kind::kReversal) reversed_at_host.insert(m.transaction_id);
    } else if (m.state == PendingMessage::State::kCancelled) {
      EXPECT_EQ(all.count(m.request.stan), 0u) << what << " was disarmed but reached the host";
    }
  }

  // No transaction lost: the host's approvals are in the journal, approved or reversed; the
  // journal's online approvals were approved by the host.
  std::map<std::string, const TransactionRecord*> by_stan;
  for (const TransactionRecord& r : j.records) {
    if (!r.stan.empty() && !r.offline_approved) {
      EXPECT_EQ(by_stan.count(r.stan), 0u) << "two transactions with STAN " << r.stan;
      by_stan[r.stan] = &r;
    }
    EXPECT_FALSE(r.outcome.empty()) << "#" << r.id << " " << r.label << " has no outcome";
  }
  for (const auto& [stan, code] : approved_code) {
    if (message_stans.count(stan) > 0) continue;  // a reversal's or advice's own STAN
    auto it = by_stan.find(stan);
    ASSERT_NE(it, by_stan.end()) << "the host answered STAN " << stan << " the journal lacks";
    const TransactionRecord& r = *it->second;
    if (code != "00" || r.type == TransactionType::kSettle || r.type == TransactionType::kEcho) {
      continue;
    }
    EXPECT_TRUE((r.approved && !r.reversed) || reversed_at_host.count(r.id) > 0)
        << "#" << r.id << " " << r.label << " (STAN " << stan << ") approved by the host is "
        << r.outcome << " in the journal and was not reversed";
  }
  for (const TransactionRecord& r : j.records) {
    if (!r.approved || r.offline_approved || r.reversed || r.stan.empty() ||
        r.type == TransactionType::kSettle || r.type == TransactionType::kEcho) {
      continue;
    }
    auto code = approved_code.find(r.stan);
    EXPECT_TRUE(code != approved_code.end() && code->second == "00")
        << "#" << r.id << " " << r.label << " approved in the journal, not by the host";
  }

  // Batch totals: each settle's totals are its batch's captured transactions; one host that
  // saw everything agrees.
  const TransactionRecord* last_settle = nullptr;
  for (const TransactionRecord& r : j.records) {
    if (r.type != TransactionType::kSettle || !r.batch_totals) continue;
    if (!r.approved) continue;  // refused or unanswered: the batch stayed open
    last_settle = &r;
    const acquirer::BatchTotals expected = totalsOf(j.records, r.batch_number);
    EXPECT_EQ(r.batch_totals->debit_count, expected.debit_count) << "settle #" << r.id;
    EXPECT_EQ(r.batch_totals->debit_amount, expected.debit_amount) << "settle #" << r.id;
    EXPECT_EQ(r.batch_totals->credit_count, expected.credit_count) << "settle #" << r.id;
    EXPECT_EQ(r.batch_totals->credit_amount, expected.credit_amount) << "settle #" << r.id;
    if (one_host && r.batch_balanced) {
      EXPECT_TRUE(*r.batch_balanced) << "settle #" << r.id << " of batch " << r.batch_number;
    }
  }
  ASSERT_NE(last_settle, nullptr);
  EXPECT_EQ(last_settle->id, j.records.back().id) << "recovery ends with the settle";
  EXPECT_TRUE(last_settle->approved) << last_settle->outcome << ": " << last_settle->reason;
}

// One run of the scenario on `journal` against `url`.
RunResult runDay(const std::string& journal, const std::string& url,
                 const std::string& report = "") {
  std::vector<std::string> args = {"run",       scenarioFile(), "--quiet",   "--seed", "1",
                                   "--journal", journal,        "--backend", url};
  if (!report.empty()) {
    args.push_back("--report");
    args.push_back(report);
  }
  return runPosim(args);
}

// A clean run: the crash points (with hit counts) of `posim run` and of `posim host`.
struct CleanRun {
  std::map<std::string, int> terminal_points;
  std::map<std::string, int> host_points;
  std::string report;
};

CleanRun cleanRun() {
  CleanRun clean;
  ScratchDir dir;
  const std::string host_trace = dir.file("host.trace");
  std::unique_ptr<Host> host;
  {
    ScopedEnv trace("POSIM_CRASH_TRACE", host_trace);
    host = std::make_unique<Host>();
  }
  EXPECT_TRUE(host->ok());
  const std::string run_trace = dir.file("run.trace");
  RunResult r;
  {
    ScopedEnv trace("POSIM_CRASH_TRACE", run_trace);
    r = runDay(dir.file("journal.db"), host->url(), dir.file("report.json"));
  }
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  clean.report = readFile(dir.file("report.json"));
  clean.terminal_points = readCrashTrace(run_trace);
  clean.host_points = readCrashTrace(host_trace);
  expectRecovered(dir.file("journal.db"), {host->log()}, true);
  return clean;
}

TEST(CrashKillTest, CleanDayReachesEveryKindOfCrashPoint) {
  const CleanRun clean = cleanRun();
  // The day has what the sweep is about: an online sale, a refund, a cancel, a completion, an
  // offline approval's advice, the batch close, and the host's two points.
  for (const char* point :
       {"engine.sale.request_journaled", "engine.sale.response_received", "engine.sale.card_done",
        "engine.sale.receipt_printed", "engine.refund.request_journaled",
        "engine.refund.response_received", "engine.cancel.response_received",
        "engine.completion.response_received", "engine.preauth.response_received",
        "engine.sale.advice_queued", "engine.advice.attempt_journaled", "engine.advice.answered",
        "engine.advice.done", "engine.settle.totals_computed", "engine.settle.host_accepted",
        "engine.settle.batch_closed", "engine.settle.result_journaled", "journal.before_commit",
        "journal.after_commit"}) {
    EXPECT_GT(clean.terminal_points.count(point), 0u) << point;
  }
  EXPECT_GT(clean.host_points.count("host.request_received"), 0u);
  EXPECT_GT(clean.host_points.count("host.processed"), 0u);
  EXPECT_NE(clean.report.find("\"outcome\": \"approved_offline\""), std::string::npos)
      << "the snack should be approved offline (its advice waits for the settle)";
}

// Kills `posim run` at `point`:`hit`, recovers, checks.
void killRunAndRecover(const std::string& point, int hit) {
  SCOPED_TRACE("posim run killed at " + point + ":" + std::to_string(hit));
  ScratchDir dir;
  const std::string journal = dir.file("journal.db");
  Host host;
  ASSERT_TRUE(host.ok());
  RunResult killed;
  {
    ScopedEnv at("POSIM_CRASH_AT", point + ":" + std::to_string(hit));
    killed = runDay(journal, host.url());
  }
  ASSERT_EQ(killed.exit_code, 128 + SIGKILL) << "not killed: " << killed.out << killed.err;
  const RunResult again = runDay(journal, host.url());
  EXPECT_TRUE(again.exit_code == 0 || again.exit_code == 1) << again.err;
  expectRecovered(journal, {host.log()}, true);
}

// How many hit counts of a point the sweep tries: all of them, unless POSIM_CRASH_SWEEP_STRIDE
// thins the journal's commit points (which every step reaches) for a quicker run.
int strideFor(const std::string& point) {
  const char* stride = std::getenv("POSIM_CRASH_SWEEP_STRIDE");
  if (stride == nullptr || point.rfind("journal.", 0) != 0) return 1;
  return std::max(1, std::atoi(stride));
}

TEST(CrashKillTest, RunKilledAtEveryCrashPointRecoversWithoutLossOrDuplication) {
  const CleanRun clean = cleanRun();
  ASSERT_FALSE(clean.terminal_points.empty());
  int cases = 0;
  for (const auto& [point, hits] : clean.terminal_points) {
    const int stride = strideFor(point);
    for (int hit = 1; hit <= hits; hit += stride) {
      killRunAndRecover(point, hit);
      ++cases;
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
  std::cout << "[          ] " << cases << " kill points of posim run swept\n";
}

// Runs the day against a host that dies (crash point `point`:`hit`, or after `delay_ms` when
// the point is empty) and comes back on the same port while the terminal is still running; the
// terminal reconnects on its own. A second run on the journal then recovers what is left (the
// batch the first could not close) and the invariants are checked.
void killHostAndRecover(const std::string& point, int hit, int delay_ms) {
  SCOPED_TRACE(point.empty() ? "posim host killed after " + std::to_string(delay_ms) + " ms"
                             : "posim host killed at " + point + ":" + std::to_string(hit));
  ScratchDir dir;
  const std::string journal = dir.file("journal.db");
  std::vector<std::string> logs;
  std::unique_ptr<Host> first;
  if (!point.empty()) {
    ScopedEnv at("POSIM_CRASH_AT", point + ":" + std::to_string(hit));
    first = std::make_unique<Host>();
  } else {
    first = std::make_unique<Host>();
  }
  ASSERT_TRUE(first->ok());
  const std::string port = first->port();
  BackgroundPosim run({"run", scenarioFile(), "--quiet", "--seed", "1", "--journal", journal,
                       "--backend", first->url()});
  if (point.empty()) {
    ::usleep(static_cast<useconds_t>(delay_ms) * 1000);
    first->process().stop(SIGKILL);
  } else {
    for (int i = 0; i < 500 && first->process().running(); ++i) ::usleep(20 * 1000);
    ASSERT_FALSE(first->process().running()) << "the host did not reach " << point;
  }
  logs.push_back(first->log());
  first.reset();
  Host second("127.0.0.1:" + port);
  ASSERT_TRUE(second.ok()) << "the host did not come back on port " << port;
  for (int i = 0; i < 3000 && run.running(); ++i) ::usleep(20 * 1000);
  ASSERT_FALSE(run.running()) << "posim run did not finish after the host came back";
  const RunResult again = runDay(journal, second.url());
  EXPECT_TRUE(again.exit_code == 0 || again.exit_code == 1) << again.err;
  logs.push_back(second.log());
  expectRecovered(journal, logs, false);
}

TEST(CrashKillTest, HostKilledAtItsCrashPointsAndAtRandomMomentsTheTerminalRecovers) {
  const CleanRun clean = cleanRun();
  int cases = 0;
  for (const char* point : {"host.request_received", "host.processed"}) {
    auto it = clean.host_points.find(point);
    ASSERT_NE(it, clean.host_points.end()) << point;
    for (int hit = 1; hit <= it->second; ++hit) {
      killHostAndRecover(point, hit, 0);
      ++cases;
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
  // Kills at moments no crash point names (inside a read, a write, an accept), seeded.
  std::mt19937 random(20261110);
  std::uniform_int_distribution<int> delay_ms(0, 400);
  for (int i = 0; i < 6; ++i) {
    killHostAndRecover("", 0, delay_ms(random));
    ++cases;
    if (::testing::Test::HasFatalFailure()) return;
  }
  std::cout << "[          ] " << cases << " host kills swept\n";
}

TEST(CrashKillTest, CrashHookRejectsAMalformedSpecification) {
  ScopedEnv at("POSIM_CRASH_AT", "engine.sale.started:0");
  const RunResult r = runPosim({"--version"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("POSIM_CRASH_AT"), std::string::npos) << r.err;
}

TEST(CrashKillTest, DurabilityOptionIsCheckedAndPowerLossRuns) {
  ScratchDir dir;
  const RunResult bad = runPosim({"run", scenarioFile(), "--quiet", "--journal", dir.file("j.db"),
                                  "--durability", "sometimes"});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_NE(bad.err.find("--durability"), std::string::npos) << bad.err;
  const RunResult power = runPosim({"run", scenarioFile(), "--quiet", "--journal", dir.file("j.db"),
                                    "--durability", "power-loss"});
  EXPECT_EQ(power.exit_code, 0) << power.err;
}

}  // namespace
}  // namespace posim::test
