// PC/SC end to end, with the real parts: pcscd with vsmartcard's vpcd reader driver, `posim card
// serve` putting the virtual card into that reader, `posim emv run --reader` running the kernel
// against it through PC/SC, and an independent PC/SC client (python3-pyscard) reading it.
//
// Each test starts its own pcscd in the foreground with a private reader.conf.d (vpcd on a free
// port) and a private /run (a mount namespace: `unshare -m`, or `unshare -rm` for a user), so
// it never touches a pcscd the machine runs; PCSCLITE_CSOCK_NAME points posim and pyscard at its
// socket. Skipped only when pcscd, the vpcd driver or pyscard is not installed (scripts/setup
// installs them, so CI runs these tests).
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "posim/base/json.h"

#include "posim_runner.h"

namespace posim::test {
namespace {

namespace fs = std::filesystem;

constexpr const char* kVpcdDriver = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so";
constexpr const char* kSlot0 = "Virtual PCD 00 00";
constexpr const char* kSlot1 = "Virtual PCD 00 01";
constexpr const char* kAt = "2026-11-23T12:00:00+08:00";
constexpr const char* kVisaPan = "4761739001010010";

std::string findProgram(const std::string& name) {
  for (const char* dir : {"/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin"}) {
    const fs::path p = fs::path(dir) / name;
    if (access(p.c_str(), X_OK) == 0) return p.string();
  }
  return "";
}

bool portFree(std::uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_ANY);
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(fd);
  return ok;
}

// A port p with p and p + 1 free: vpcd listens on one port per slot (two slots).
std::uint16_t freePortPair() {
  for (int attempt = 0; attempt < 50; ++attempt) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    close(fd);
    const std::uint16_t port = ntohs(a.sin_port);
    if (port < 65000 && portFree(port) && portFree(static_cast<std::uint16_t>(port + 1))) {
      return port;
    }
  }
  return 0;
}

pid_t spawn(const std::vector<std::string>& argv, const std::string& log) {
  const pid_t pid = fork();
  if (pid == 0) {
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    std::vector<char*> args;
    std::vector<std::string> copies(argv);
    for (auto& a : copies) args.push_back(a.data());
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

std::string readFile(const fs::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

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
    pcscd_ = findProgram("pcscd");
    if (pcscd_.empty() || access(kVpcdDriver, R_OK) != 0) {
      GTEST_SKIP() << "pcscd or vsmartcard-vpcd is not installed (scripts/setup installs pcscd "
                      "and vsmartcard-vpcd)";
    }
    char tmpl[] = "/tmp/posim-pcsc-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    port_ = freePortPair();
    ASSERT_NE(port_, 0) << "no free port pair for vpcd";
    fs::create_directories(dir_ / "conf");
    fs::create_directories(dir_ / "run");
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%04X", port_);
    std::ofstream(dir_ / "conf" / "vpcd") << "FRIENDLYNAME \"Virtual PCD\"\n"
                                          << "DEVICENAME /dev/null:" << hex << "\n"
                                          << "LIBPATH " << kVpcdDriver << "\n"
                                          << "CHANNELID " << hex << "\n";
    startPcscd();
  }

  void TearDown() override {
    stopPcscd();
    unsetenv("PCSCLITE_CSOCK_NAME");
    if (!dir_.empty()) {
      std::error_code ec;
      fs::remove_all(dir_, ec);
    }
  }

  // pcscd in a private mount namespace whose /run is our run/ folder; as root without
  // namespaces, pcscd itself when the machine runs none.
  void startPcscd() {
    const std::string conf = (dir_ / "conf").string();
    const std::string script = "mount --bind '" + (dir_ / "run").string() + "' /run && exec '" +
                               pcscd_ + "' -f -a -c '" + conf + "'";
    const std::string unshare = findProgram("unshare");
    if (!unshare.empty()) {
      pid_ = spawn({unshare, geteuid() == 0 ? "-m" : "-rm", "/bin/sh", "-c", script},
                   (dir_ / "pcscd.log").string());
      socket_ = dir_ / "run" / "pcscd" / "pcscd.comm";
      if (waitForPcscd()) return;
      stopPcscd();
    }
    if (geteuid() == 0 && !fs::exists("/run/pcscd/pcscd.comm")) {
      pid_ = spawn({pcscd_, "-f", "-a", "-c", conf}, (dir_ / "pcscd.log").string());
      socket_ = "/run/pcscd/pcscd.comm";
      if (waitForPcscd()) return;
    }
    FAIL() << "could not start pcscd (no mount namespace, and not root or a pcscd already "
              "runs); its log:\n"
           << readFile(dir_ / "pcscd.log");
  }

  bool waitForPcscd() {
    setenv("PCSCLITE_CSOCK_NAME", socket_.c_str(), 1);
    for (int i = 0; i < 100; ++i) {
      if (fs::exists(socket_)) {
        const RunResult r = runPosim({"readers"});
        if (r.exit_code == 0 && r.out.find(kSlot1) != std::string::npos) return true;
      }
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
      }
      usleep(100 * 1000);
    }
    return false;
  }

  void stopPcscd() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      for (int i = 0; i < 50 && waitpid(pid_, &status, WNOHANG) == 0; ++i) usleep(100 * 1000);
      if (waitpid(pid_, &status, WNOHANG) == 0) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
      }
      pid_ = -1;
    }
  }

  std::string vpcd(int slot) const {
    return "127.0.0.1:" + std::to_string(port_ + slot);
  }
  std::string statePath(const std::string& name) const {
    return (dir_ / name).string();
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
    return readFile(dir_ / "pcscd.log");
  }

  fs::path dir_;
  std::string pcscd_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
  fs::path socket_;
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
  auto contact = serve("visa-credit", 0, "contact.json", {"--fresh"});
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
  setenv("PCSCLITE_CSOCK_NAME", (dir_ / "run" / "no-such-pcscd.comm").c_str(), 1);
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
