// The journal's promise (DESIGN.md §2, DOMAIN.md §4.4): a process killed between "request sent"
// and "response handled" leaves a reversal that the next process sends, exactly once. Also: the
// journal's SQLite settings (WAL, synchronous by durability) and a kill at a named crash point
// (posim/base/crash_point.h) in a refund. The sweep over every crash point of a whole day, with
// the real executables, is tests/e2e/crash_kill_test.cpp.
#include <filesystem>
#include <string_view>

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "posim/base/crash_point.h"

#include "engine_fixture.h"

namespace posim::terminal {
namespace {

namespace fs = std::filesystem;
using test::TerminalRig;
using test::yuan;

// Lets the host process the request, then kills the process before the answer is handled.
class KillAfterSend final : public acquirer::AcquirerBackend {
 public:
  explicit KillAfterSend(acquirer::AcquirerBackend& inner) : inner_(inner) {}
  std::string_view id() const override { return "kill-after-send"; }
  Result<acquirer::Response> send(const acquirer::Request& request) override {
    (void)inner_.send(request);
    ::kill(::getpid(), SIGKILL);
    return unavailable("unreachable");
  }

 private:
  acquirer::AcquirerBackend& inner_;
};

// Counts what reaches the host.
class CountingBackend final : public acquirer::AcquirerBackend {
 public:
  explicit CountingBackend(acquirer::AcquirerBackend& inner) : inner_(inner) {}
  std::string_view id() const override { return "counting"; }
  Result<acquirer::Response> send(const acquirer::Request& request) override {
    if (request.type == TransactionType::kReversal) {
      ++reversals;
      if (request.original) reversed_stans.push_back(request.original->stan);
    } else {
      ++others;
    }
    return inner_.send(request);
  }
  int reversals = 0;
  int others = 0;
  std::vector<std::string> reversed_stans;

 private:
  acquirer::AcquirerBackend& inner_;
};

// Builds the engine on `rig` with `counting` as its host and runs the recovery a restarted
// terminal runs: how many queued requests it sent (-1, with a test failure, when it failed).
int recoverWith(TerminalRig& rig, CountingBackend& counting) {
  rig.makeEngine(counting);
  auto sent = rig.engine().recover();
  EXPECT_TRUE(sent.isOk()) << sent.status().toString();
  return sent.isOk() ? *sent : -1;
}

class CrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("posim-crash-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string journalPath() const { return (dir_ / "terminal.db").string(); }

  // Runs `body` in a child process and returns how it ended.
  template <typename Body>
  int runChild(Body body) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      body();
      ::_exit(0);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return status;
  }

  fs::path dir_;
};

TEST_F(CrashTest, KilledBetweenSendAndResponseTheReversalIsSentOnceAfterRestart) {
  const std::string path = journalPath();
  const int status = runChild([&] {
    TerminalRig rig(path);
    ASSERT_TRUE(rig.sale("20.00").isOk());  // a completed sale first: nothing to reverse
    KillAfterSend killer(rig.host());
    rig.makeEngine(killer);
    (void)rig.sale("100.00");
  });
  ASSERT_TRUE(WIFSIGNALED(status)) << "the child should have been killed";
  ASSERT_EQ(WTERMSIG(status), SIGKILL);

  std::string killed_stan;
  {
    TerminalRig rig(path);
    auto records = rig.journal().transactions();
    ASSERT_TRUE(records.isOk()) << records.status().toString();
    ASSERT_EQ(records->size(), 2u);
    killed_stan = records->back().stan;
    EXPECT_TRUE(records->front().approved);
    EXPECT_FALSE(records->back().approved) << "its response was never handled";
    auto armed = rig.journal().pending(/*include_armed=*/true);
    ASSERT_EQ(armed->size(), 1u) << "the reversal was written before the request went out";
    EXPECT_EQ(armed->front().state, PendingMessage::State::kArmed);
    EXPECT_EQ(armed->front().request.original->stan, killed_stan);

    CountingBackend counting(rig.host());
    EXPECT_EQ(recoverWith(rig, counting), 1);
    EXPECT_EQ(counting.reversals, 1);
    ASSERT_EQ(counting.reversed_stans.size(), 1u);
    EXPECT_EQ(counting.reversed_stans.front(), killed_stan);
    auto killed = rig.journal().find(records->back().id);
    EXPECT_TRUE(killed->reversed);
    EXPECT_TRUE(killed->reversal_sent);
    // A later transaction does not send it again.
    ASSERT_TRUE(rig.sale("5.00").isOk());
    EXPECT_EQ(counting.reversals, 1);
  }
  {
    // A second restart finds nothing to send.
    TerminalRig rig(path);
    CountingBackend counting(rig.host());
    EXPECT_EQ(recoverWith(rig, counting), 0);
    EXPECT_EQ(counting.reversals, 0);
    EXPECT_TRUE(rig.journal().pending(true)->empty());
    EXPECT_EQ(*rig.journal().nextStan(), "000007") << "counters survive: 5 used before";
  }
}

TEST_F(CrashTest, KilledBeforeTheRequestLeftStillReversesSafely) {
  // The reversal is armed, then the process dies before sending: the host never saw the
  // request, the reversal of an unknown original is answered (25) and ends the matter.
  const std::string path = journalPath();
  class KillBeforeSend final : public acquirer::AcquirerBackend {
   public:
    std::string_view id() const override { return "kill-before-send"; }
    Result<acquirer::Response> send(const acquirer::Request&) override {
      ::kill(::getpid(), SIGKILL);
      return unavailable("unreachable");
    }
  };
  const int status = runChild([&] {
    TerminalRig rig(path);
    KillBeforeSend killer;
    rig.makeEngine(killer);
    (void)rig.sale("100.00");
  });
  ASSERT_TRUE(WIFSIGNALED(status));
  TerminalRig rig(path);
  CountingBackend counting(rig.host());
  EXPECT_EQ(recoverWith(rig, counting), 1);
  EXPECT_EQ(counting.reversals, 1);
  EXPECT_EQ(rig.host().account("visa")->balance, yuan("5000.00"));
  EXPECT_TRUE(rig.journal().pending(true)->empty());
}

TEST_F(CrashTest, FileJournalIsWalWithSynchronousFromTheDurabilityOption) {
  // synchronous is a per-connection setting: only the journal's own connection can tell.
  {
    auto journal = Journal::open(journalPath());  // the default: survives a killed process
    ASSERT_TRUE(journal.isOk()) << journal.status().toString();
    EXPECT_EQ(*(*journal)->pragma("journal_mode"), "wal");
    EXPECT_EQ(*(*journal)->pragma("synchronous"), "1") << "NORMAL";
  }
  {
    auto journal = Journal::open(journalPath(), {Durability::kPowerLoss});
    ASSERT_TRUE(journal.isOk()) << journal.status().toString();
    EXPECT_EQ(*(*journal)->pragma("journal_mode"), "wal");
    EXPECT_EQ(*(*journal)->pragma("synchronous"), "2") << "FULL";
  }
  {
    auto journal = Journal::open(journalPath(), {Durability::kProcessCrash});
    ASSERT_TRUE(journal.isOk());
    EXPECT_EQ(*(*journal)->pragma("synchronous"), "1") << "reopened: the option, not the file";
  }
  auto journal = Journal::open(journalPath());
  ASSERT_TRUE(journal.isOk());
  EXPECT_EQ((*journal)->pragma("synchronous; DROP TABLE meta").status().code(),
            StatusCode::kInvalidArgument);
}

// The crash point the child dies at (set before the fork).
std::string_view g_kill_at;

void killAtPoint(std::string_view name) {
  if (name == g_kill_at) ::kill(::getpid(), SIGKILL);
}

// A 100.00 sale on the journal at `path`, in a child process killed at crash point `point`;
// whether the child was killed there.
template <typename RunChild>
bool saleKilledAt(RunChild run_child, const std::string& path, std::string_view point) {
  g_kill_at = point;
  const int status = run_child([&] {
    TerminalRig rig(path);
    setCrashHook(&killAtPoint);
    (void)rig.sale("100.00");
  });
  return WIFSIGNALED(status);
}

TEST_F(CrashTest, RefundKilledAfterTheHostAnsweredIsReversedNotLost) {
  // The host approves the refund (credits the card, counts it in its batch); the terminal dies
  // before the answer is on record. Unreversed, the host's batch would hold a credit the
  // terminal's does not: the refund's armed reversal undoes it on restart, once.
  const std::string path = journalPath();
  g_kill_at = "engine.refund.response_received";
  const int status = runChild([&] {
    TerminalRig rig(path);
    auto sale = rig.sale("100.00");
    ASSERT_TRUE(sale.isOk() && sale->approved);
    setCrashHook(&killAtPoint);
    (void)rig.referenced(TransactionType::kRefund, sale->id, "40.00");
  });
  ASSERT_TRUE(WIFSIGNALED(status)) << "the child should have been killed";
  ASSERT_EQ(WTERMSIG(status), SIGKILL);

  TerminalRig rig(path);
  auto armed = rig.journal().pending(/*include_armed=*/true);
  ASSERT_TRUE(armed.isOk());
  ASSERT_EQ(armed->size(), 1u) << "the refund's reversal was armed before it left";
  EXPECT_EQ(armed->front().request.original->type, TransactionType::kRefund);
  CountingBackend counting(rig.host());
  EXPECT_EQ(recoverWith(rig, counting), 1);
  EXPECT_EQ(counting.reversals, 1);
  auto records = rig.journal().transactions();
  ASSERT_EQ(records->size(), 2u);
  const TransactionRecord& refund = records->back();
  EXPECT_EQ(refund.outcome, "interrupted");
  EXPECT_FALSE(refund.approved);
  EXPECT_TRUE(refund.reversed);
  EXPECT_TRUE(records->front().refunded.isZero()) << "the sale was never marked refunded";
  auto totals = rig.engine().openBatchTotals();
  ASSERT_TRUE(totals.isOk());
  EXPECT_EQ(totals->debit_count, 1u);
  EXPECT_EQ(totals->credit_count, 0u);
  EXPECT_TRUE(rig.journal().pending(true)->empty());
  // The sale can still be refunded in full.
  auto again = rig.referenced(TransactionType::kRefund, records->front().id, "100.00");
  ASSERT_TRUE(again.isOk());
  EXPECT_TRUE(again->approved) << again->reason;
}

TEST_F(CrashTest, AnApprovalIsOnRecordBeforeTheReceiptSaysSo) {
  // Killed once the receipt is printed: the sale is approved in the journal and its reversal
  // disarmed, so the restart reverses nothing the customer holds a receipt for.
  const std::string path = journalPath();
  ASSERT_TRUE(saleKilledAt([this](auto body) { return runChild(body); }, path,
                           "engine.sale.receipt_printed"))
      << "the child should have been killed";
  TerminalRig rig(path);
  auto records = rig.journal().transactions();
  ASSERT_TRUE(records.isOk());
  ASSERT_EQ(records->size(), 1u);
  EXPECT_TRUE(records->front().approved);
  EXPECT_EQ(records->front().outcome, "approved_online");
  EXPECT_TRUE(rig.journal().pending(/*include_armed=*/true)->empty());
  CountingBackend counting(rig.host());
  EXPECT_EQ(recoverWith(rig, counting), 0);
  EXPECT_EQ(counting.reversals, 0);
}

TEST_F(CrashTest, KilledAfterTheCardsLastWordTheSaleIsInterruptedAndReversed) {
  // The host approved and the card gave its final answer, but nothing of it is on record: the
  // sale did not happen (no receipt was printed), and the request is reversed once.
  const std::string path = journalPath();
  ASSERT_TRUE(
      saleKilledAt([this](auto body) { return runChild(body); }, path, "engine.sale.card_done"))
      << "the child should have been killed";
  TerminalRig rig(path);
  CountingBackend counting(rig.host());
  EXPECT_EQ(recoverWith(rig, counting), 1);
  EXPECT_EQ(counting.reversals, 1);
  auto records = rig.journal().transactions();
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ(records->front().outcome, "interrupted");
  EXPECT_FALSE(records->front().approved);
  EXPECT_TRUE(records->front().reversed);
  EXPECT_TRUE(rig.journal().pending(true)->empty());
}

TEST_F(CrashTest, TheHostAppliesARepeatedAdviceOnce) {
  // An advice sent again after a kill (0221) carries its resend's transmission time (DE 7): the
  // host knows it by terminal, STAN, type and amount and applies it once, answering 00 again.
  TerminalRig rig;
  acquirer::EmbeddedBackend& host = rig.host();
  acquirer::Request advice;
  advice.type = TransactionType::kSale;
  advice.kind = acquirer::MessageKind::kAdvice;
  advice.stan = "000042";
  advice.terminal_id = "12345678";
  advice.pan = rig.card("visa").profile().pan;
  advice.amount = yuan("12.50");
  advice.batch_number = 1;
  advice.transmitted_at = rig.clock().localNow();
  auto first = host.send(advice);
  ASSERT_TRUE(first.isOk());
  EXPECT_EQ(first->response_code, "00");
  EXPECT_EQ(host.account("visa")->balance, yuan("4987.50"));

  advice.repeat = true;
  rig.clock().advance(std::chrono::hours(1));
  advice.transmitted_at = rig.clock().localNow();
  auto again = host.send(advice);
  ASSERT_TRUE(again.isOk());
  EXPECT_EQ(again->response_code, "00");
  EXPECT_EQ(host.account("visa")->balance, yuan("4987.50")) << "applied twice";
}

}  // namespace
}  // namespace posim::terminal
