// `posim host` under hostile clients (docs/reliability.md): garbage bytes, random binary frames,
// oversized length headers, slowloris frames and a thousand connections held open. During and
// after each attack a well-formed client (`posim run --backend iso8583://...` on a sale) gets its
// approval, the host never exits, its memory stays within a bound, and its log neither floods
// nor shows a PAN.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "e2e_files.h"
#include "posim_runner.h"

namespace posim::test {
namespace {

using namespace std::chrono_literals;

// Memory the host may grow by over its size once it serves (generous: the attacks below would
// take hundreds of MiB if the host buffered what they announce or send).
constexpr long kMemoryBoundKib = 64 * 1024;
constexpr const char* kTestPan = "4761739001010010";

// A sale the host approves however often it runs: a large balance, one small amount, and a
// clock start of its own for each run (the issuer declines a second request with the same
// terminal, STAN and transmission time 94, duplicate transmission).
std::string saleScenario(int run) {
  char start[64];
  std::snprintf(start, sizeof start, "2026-11-02T%02d:%02d:00+08:00", 10 + run / 60, run % 60);
  return std::string(R"(posim: 1
name: Hostile host test sale
clock: {start: ")") +
         start + R"("}
calendar: cn-2026
terminal: countertop
merchant: {id: "123456789012345", terminal_id: "12345678", mcc: "5812", currency: CNY}
acquirer: {backend: embedded}
cards:
  visa: {profile: visa-credit, pin: "1234", balance: "900000.00"}
steps:
  - id: sale
    sale: {card: visa, entry: chip, amount: "1.00", pin: "1234"}
    expect: {approved: true, response_code: "00"}
)";
}

// Raises this process's open file limit (the test holds a thousand sockets itself).
void raiseOpenFileLimit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

long statusField(int pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
  }
  return -1;
}

// `posim host` on a free port, with its pid (for /proc) and its output in files.
class HostProcess {
 public:
  // `open_files`: when not 0, the host's soft and hard RLIMIT_NOFILE (it cannot raise it).
  HostProcess(const std::string& dir, const std::vector<std::string>& extra,
              rlim_t open_files = 0) {
    out_path_ = dir + "/host.out";
    err_path_ = dir + "/host.err";
    std::vector<std::string> args = {"host", "--listen", "127.0.0.1:0", "--config",
                                     dir + "/sale.yaml"};
    args.insert(args.end(), extra.begin(), extra.end());
    pid_ = ::fork();
    if (pid_ == 0) {
      if (open_files != 0) {
        const rlimit limit{open_files, open_files};
        ::setrlimit(RLIMIT_NOFILE, &limit);
      }
      const int in_fd = ::open("/dev/null", O_RDONLY);
      const int out_fd = ::open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      const int err_fd = ::open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(in_fd, 0);
      ::dup2(out_fd, 1);
      ::dup2(err_fd, 2);
      std::string binary = POSIM_BINARY;
      std::vector<char*> argv{binary.data()};
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(binary.c_str(), argv.data());
      _exit(127);
    }
    for (int i = 0; i < 200 && port_ == 0 && running(); ++i) {
      const std::string out = readFile(out_path_);
      const auto at = out.find("listening on 127.0.0.1:");
      if (at != std::string::npos) {
        port_ = static_cast<std::uint16_t>(std::stoi(out.substr(at + 23)));
      } else {
        std::this_thread::sleep_for(50ms);
      }
    }
  }
  ~HostProcess() {
    if (running()) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  HostProcess(const HostProcess&) = delete;
  HostProcess& operator=(const HostProcess&) = delete;

  std::uint16_t port() const { return port_; }
  int pid() const { return pid_; }
  bool running() {
    if (exited_) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      exited_ = true;
      exit_status_ = status;
      return false;
    }
    return true;
  }
  std::string err() const { return readFile(err_path_); }
  long rssKib() const { return statusField(pid_, "VmRSS"); }
  long peakRssKib() const { return statusField(pid_, "VmHWM"); }
  std::string url() const {
    return "iso8583://127.0.0.1:" + std::to_string(port_) + "?dialect=iso87-ascii&timeout_ms=20000";
  }
  // SIGTERM and the exit code (the host must stop cleanly after all of it).
  int stop() {
    if (!running()) return -1;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    exited_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

 private:
  int pid_ = -1;
  std::uint16_t port_ = 0;
  bool exited_ = false;
  int exit_status_ = 0;
  std::string out_path_;
  std::string err_path_;
};

// A raw TCP connection to the host.
class Socket {
 public:
  explicit Socket(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = fd_ >= 0 &&
                 ::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    timeval timeout{20, 0};  // only to detect a hang
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  }
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  bool connected() const { return connected_; }
  bool send(const std::string& bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(bytes.size());
  }
  // Reads until the host closes the connection (or the timeout); true when it closed it.
  bool drainUntilClosed() {
    char buffer[4096];
    for (;;) {
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n == 0) return true;
      if (n < 0) return errno == ECONNRESET;
    }
  }

 private:
  int fd_;
  bool connected_ = false;
};

std::string randomBytes(std::mt19937& random, std::size_t n) {
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(random() & 0xFF);
  return out;
}

std::size_t lineCount(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

class HostHostileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    raiseOpenFileLimit();
    std::ofstream(dir_.file("sale.yaml")) << saleScenario(0);
  }

  // `url_options` go on the well-formed client's backend URL ("&framing=ascii4").
  void startHost(const std::vector<std::string>& extra = {}, const std::string& url_options = "",
                 rlim_t open_files = 0) {
    url_options_ = url_options;
    host_ = std::make_unique<HostProcess>(dir_.file(""), extra, open_files);
    ASSERT_NE(host_->port(), 0) << host_->err();
    // A first sale loads everything the host needs; the memory bound is over that.
    expectWellFormedClientServed("before the attack");
    baseline_kib_ = host_->rssKib();
    ASSERT_GT(baseline_kib_, 0);
  }

  // A real ISO 8583 sale through `posim run`, approved.
  void expectWellFormedClientServed(const std::string& when) {
    SCOPED_TRACE(when);
    const std::string file = dir_.file("sale-" + std::to_string(++runs_) + ".yaml");
    std::ofstream(file) << saleScenario(runs_);
    const RunResult run =
        runPosim({"run", "--quiet", "--seed", "1", "--backend", host_->url() + url_options_, file});
    EXPECT_EQ(run.exit_code, 0) << run.out << run.err << "\nhost:\n" << host_->err();
  }

  void expectHealthy(const std::string& when) {
    SCOPED_TRACE(when);
    ASSERT_TRUE(host_->running()) << host_->err();
    expectWellFormedClientServed(when);
    EXPECT_LT(host_->peakRssKib(), baseline_kib_ + kMemoryBoundKib)
        << "baseline " << baseline_kib_ << " KiB";
  }

  void TearDown() override {
    if (!host_) return;
    const std::string log = host_->err();
    EXPECT_EQ(log.find(kTestPan), std::string::npos) << "a full PAN in the host's log";
    EXPECT_EQ(host_->stop(), 0) << log;
  }

  ScratchDir dir_;
  std::unique_ptr<HostProcess> host_;
  long baseline_kib_ = 0;
  int runs_ = 0;
  std::string url_options_;
};

TEST_F(HostHostileTest, GarbageBytesAndRandomFramesCloseOnlyTheirConnections) {
  startHost();
  std::mt19937 random(20261206);
  std::vector<std::unique_ptr<Socket>> attackers;
  for (int i = 0; i < 200; ++i) {
    auto s = std::make_unique<Socket>(host_->port());
    ASSERT_TRUE(s->connected());
    if (i % 2 == 0) {
      s->send(randomBytes(random, 1 + random() % 4096));  // any bytes at all
    } else {
      // A plausible prefix and a random body: decoded, found malformed, answered 30 or closed.
      const std::size_t n = 1 + random() % 600;
      s->send(std::string{static_cast<char>(n >> 8), static_cast<char>(n & 0xFF)} +
              randomBytes(random, n));
    }
    attackers.push_back(std::move(s));
  }
  expectHealthy("during garbage");
  attackers.clear();
  expectHealthy("after garbage");
  // 200 rejected connections, but the log is rate-limited (20 notes a second).
  EXPECT_LT(lineCount(host_->err()), 150u) << host_->err();
}

TEST_F(HostHostileTest, OversizedLengthHeadersAreRejectedBeforeAnyBufferGrows) {
  startHost();
  for (int i = 0; i < 300; ++i) {
    Socket s(host_->port());
    ASSERT_TRUE(s.connected());
    // 0xFFFF announced, 60 KiB sent: closed at the prefix, nothing buffered for it.
    s.send("\xFF\xFF" + std::string(i % 2 == 0 ? 16 : 61440, '0'));
    EXPECT_TRUE(s.drainUntilClosed());
  }
  expectHealthy("after 0xFFFF headers");
  EXPECT_NE(host_->err().find("frame of 65535 bytes exceeds the limit of 8192"), std::string::npos)
      << host_->err();
}

TEST_F(HostHostileTest, AsciiLengthHeadersAboveTheLimitAreRejected) {
  startHost({"--framing", "ascii4"}, "&framing=ascii4");
  // Too large, a non-digit byte, a sign, blanks.
  for (const std::string header : {"9999", "99\xFF\x39", "-001", "    "}) {
    Socket s(host_->port());
    ASSERT_TRUE(s.connected());
    ASSERT_TRUE(s.send(header + std::string(32, 'A')));
    EXPECT_TRUE(s.drainUntilClosed()) << header;
  }
  expectHealthy("after ASCII length headers");
  EXPECT_NE(host_->err().find("frame of 9999 bytes exceeds the limit of 8192"), std::string::npos)
      << host_->err();
}

TEST_F(HostHostileTest, SlowlorisFramesAreCutAtTheFrameDeadline) {
  startHost({"--frame-timeout", "2s"});
  constexpr int kSlow = 50;
  std::vector<std::unique_ptr<Socket>> slow;
  for (int i = 0; i < kSlow; ++i) {
    slow.push_back(std::make_unique<Socket>(host_->port()));
    ASSERT_TRUE(slow.back()->connected());
    slow.back()->send(std::string("\x01\x00", 2));  // announces 256 bytes
  }
  // One byte every 100 ms on every connection until the host closes them.
  std::atomic<int> cut{0};
  std::thread trickle([&] {
    for (int tick = 0; tick < 100 && cut.load() < kSlow; ++tick) {
      std::this_thread::sleep_for(100ms);
      for (auto& s : slow) {
        if (s && !s->send("0")) {
          s.reset();
          cut.fetch_add(1);
        }
      }
    }
  });
  expectHealthy("during slowloris");
  trickle.join();
  EXPECT_EQ(cut.load(), kSlow) << "slow connections still open after 10 s";
  expectHealthy("after slowloris");
  EXPECT_NE(host_->err().find("closed: frame incomplete after 2000 ms"), std::string::npos)
      << host_->err();
}

TEST_F(HostHostileTest, AThousandConnectionsHeldOpen) {
  startHost();
  std::vector<std::unique_ptr<Socket>> idle;
  for (int i = 0; i < 1000; ++i) {
    idle.push_back(std::make_unique<Socket>(host_->port()));
    ASSERT_TRUE(idle.back()->connected()) << i;
    if (i % 4 == 0) idle.back()->send(std::string("\x00", 1));  // half a prefix, too
  }
  expectHealthy("with 1,000 connections open");
  idle.clear();
  expectHealthy("after 1,000 connections");
}

TEST_F(HostHostileTest, ConnectionsBeyondTheCapEvictSilentOnesNotClients) {
  startHost({"--max-connections", "100"});
  std::vector<std::unique_ptr<Socket>> idle;
  for (int i = 0; i < 400; ++i) {
    idle.push_back(std::make_unique<Socket>(host_->port()));
    ASSERT_TRUE(idle.back()->connected()) << i;
  }
  expectHealthy("with 400 connections against a cap of 100");
  EXPECT_NE(host_->err().find("evicted: 100 connections open, the limit"), std::string::npos)
      << host_->err();
  EXPECT_LT(lineCount(host_->err()), 150u) << host_->err();
}

TEST_F(HostHostileTest, RunningOutOfFileDescriptorsEvictsInsteadOfSpinning) {
#if defined(__SANITIZE_ADDRESS__)
  // The sanitizer runtime inside `posim host` probes memory through a pipe (UBSan's vptr check):
  // with every descriptor taken on purpose it cannot, and reports a false "invalid vptr".
  GTEST_SKIP()
      << "exhausts the file descriptors the sanitizer runtime needs; runs in the normal build";
#endif
  // 64 descriptors: a few dozen connections exhaust them, accept() fails with EMFILE.
  startHost({}, "", 64);
  EXPECT_NE(host_->err().find("the open file limit (64) is below --max-connections 4096"),
            std::string::npos)
      << host_->err();
  std::vector<std::unique_ptr<Socket>> idle;
  for (int i = 0; i < 200; ++i) {
    idle.push_back(std::make_unique<Socket>(host_->port()));
    ASSERT_TRUE(idle.back()->connected()) << i;
  }
  expectHealthy("with more connections than file descriptors");
  EXPECT_NE(host_->err().find("closed: evicted: no file descriptor left for a new connection"),
            std::string::npos)
      << host_->err();
  idle.clear();
  expectHealthy("after running out of file descriptors");
}

}  // namespace
}  // namespace posim::test
