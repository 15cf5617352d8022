// The journal's promise (DESIGN.md §2, DOMAIN.md §4.4): a process killed between "request sent"
// and "response handled" leaves a reversal that the next process sends, exactly once.
#include <filesystem>

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

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
    rig.makeEngine(counting);
    auto sent = rig.engine().recover();
    ASSERT_TRUE(sent.isOk()) << sent.status().toString();
    EXPECT_EQ(*sent, 1);
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
    rig.makeEngine(counting);
    auto sent = rig.engine().recover();
    ASSERT_TRUE(sent.isOk());
    EXPECT_EQ(*sent, 0);
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
  rig.makeEngine(counting);
  auto sent = rig.engine().recover();
  ASSERT_TRUE(sent.isOk());
  EXPECT_EQ(*sent, 1);
  EXPECT_EQ(counting.reversals, 1);
  EXPECT_EQ(rig.host().account("visa")->balance, yuan("5000.00"));
  EXPECT_TRUE(rig.journal().pending(true)->empty());
}

}  // namespace
}  // namespace posim::terminal
