#include "private_pcscd.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <vector>

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace posim::test {

namespace {

namespace fs = std::filesystem;

constexpr const char* kVpcdDriver = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so";

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
    std::vector<std::string> copies(argv);
    std::vector<char*> args;
    for (auto& a : copies) args.push_back(a.data());
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

}  // namespace

PrivatePcscd::PrivatePcscd() : pcscd_(findProgram("pcscd")) {
  char tmpl[] = "/tmp/posim-pcsc-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return;
  dir_ = tmpl;
  port_ = freePortPair();
  fs::create_directories(dir_ / "conf");
  fs::create_directories(dir_ / "run");
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%04X", port_);
  std::ofstream(dir_ / "conf" / "vpcd") << "FRIENDLYNAME \"Virtual PCD\"\n"
                                        << "DEVICENAME /dev/null:" << hex << "\n"
                                        << "LIBPATH " << kVpcdDriver << "\n"
                                        << "CHANNELID " << hex << "\n";
  socket_ = dir_ / "run" / "pcscd" / "pcscd.comm";
  setenv("PCSCLITE_CSOCK_NAME", socket_.c_str(), 1);
}

PrivatePcscd::~PrivatePcscd() {
  stop();
  unsetenv("PCSCLITE_CSOCK_NAME");
  if (!dir_.empty()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
}

std::string PrivatePcscd::missing() {
  if (findProgram("pcscd").empty()) return "pcscd is not installed (scripts/setup installs it)";
  if (access(kVpcdDriver, R_OK) != 0) {
    return "the vpcd driver is not installed (scripts/setup installs vsmartcard-vpcd)";
  }
  return "";
}

std::string PrivatePcscd::start(const std::function<bool()>& ready, bool allow_machine_socket) {
  if (dir_.empty()) return "could not make a temporary folder for pcscd";
  if (port_ == 0) return "no free port pair for vpcd";
  const std::string conf = (dir_ / "conf").string();
  const std::string log_path = (dir_ / "pcscd.log").string();
  const std::string unshare = findProgram("unshare");
  if (!unshare.empty()) {
    // pcscd in a private mount namespace whose /run is our run/ folder.
    const std::string script = "mount --bind '" + (dir_ / "run").string() + "' /run && exec '" +
                               pcscd_ + "' -f -a -c '" + conf + "'";
    pid_ = spawn({unshare, geteuid() == 0 ? "-m" : "-rm", "/bin/sh", "-c", script}, log_path);
    if (waitUntilReady(ready)) return "";
    stop();
  }
  if (allow_machine_socket && geteuid() == 0 && !fs::exists("/run/pcscd/pcscd.comm")) {
    socket_ = "/run/pcscd/pcscd.comm";
    setenv("PCSCLITE_CSOCK_NAME", socket_.c_str(), 1);
    pid_ = spawn({pcscd_, "-f", "-a", "-c", conf}, log_path);
    if (waitUntilReady(ready)) return "";
    stop();
  }
  return "could not start pcscd (no mount namespace, and not root or a pcscd already runs); "
         "its log:\n" +
         log();
}

bool PrivatePcscd::waitUntilReady(const std::function<bool()>& ready) {
  for (int i = 0; i < 100; ++i) {
    if (fs::exists(socket_) && ready()) return true;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    usleep(100 * 1000);
  }
  return false;
}

void PrivatePcscd::stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 50 && waitpid(pid_, &status, WNOHANG) == 0; ++i) usleep(100 * 1000);
  if (waitpid(pid_, &status, WNOHANG) == 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
  }
  pid_ = -1;
}

std::string PrivatePcscd::log() const {
  std::ifstream in(dir_ / "pcscd.log");
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace posim::test
