#include "posim_runner.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace posim::test {
namespace {

std::string readAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string tempPath(const char* tag) {
  std::string tmpl = std::string("/tmp/posim-e2e-") + tag + "-XXXXXX";
  const int fd = mkstemp(tmpl.data());
  if (fd >= 0) close(fd);
  return tmpl;
}

// Starts `posim args...` with standard input, output and error from and to these files.
pid_t spawnPosim(const std::vector<std::string>& args, const std::string& in_path,
                 const std::string& out_path, const std::string& err_path) {
  const pid_t pid = fork();
  if (pid == 0) {
    const int in_fd = open(in_path.c_str(), O_RDONLY);
    const int out_fd = open(out_path.c_str(), O_WRONLY | O_TRUNC);
    const int err_fd = open(err_path.c_str(), O_WRONLY | O_TRUNC);
    dup2(in_fd, 0);
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    std::vector<char*> argv;
    std::string binary = POSIM_BINARY;
    argv.push_back(binary.data());
    std::vector<std::string> copies(args);
    for (auto& a : copies) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

}  // namespace

RunResult runPosim(const std::vector<std::string>& args, const std::string& input) {
  const std::string in_path = tempPath("in");
  const std::string out_path = tempPath("out");
  const std::string err_path = tempPath("err");
  {
    std::ofstream in(in_path, std::ios::binary);
    in << input;
  }
  RunResult result;
  const pid_t pid = spawnPosim(args, in_path, out_path, err_path);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = readAll(out_path);
  result.err = readAll(err_path);
  std::remove(in_path.c_str());
  std::remove(out_path.c_str());
  std::remove(err_path.c_str());
  return result;
}

std::string lastLine(const std::string& text) {
  std::istringstream lines(text);
  std::string line;
  std::string last;
  while (std::getline(lines, line)) {
    const auto b = line.find_first_not_of(" \t\r");
    if (b == std::string::npos) continue;
    const auto e = line.find_last_not_of(" \t\r");
    last = line.substr(b, e - b + 1);
  }
  return last;
}

}  // namespace posim::test

namespace posim::test {

BackgroundPosim::BackgroundPosim(const std::vector<std::string>& args) {
  out_path_ = tempPath("bg-out");
  err_path_ = tempPath("bg-err");
  pid_ = spawnPosim(args, "/dev/null", out_path_, err_path_);
}

BackgroundPosim::~BackgroundPosim() {
  if (running()) stop(SIGKILL);
  std::remove(out_path_.c_str());
  std::remove(err_path_.c_str());
}

bool BackgroundPosim::running() {
  if (pid_ <= 0 || status_ >= 0) return false;
  int status = 0;
  const pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return false;
  }
  return true;
}

std::string BackgroundPosim::waitForLine(const std::string& needle, int timeout_ms) {
  for (int waited = 0; waited <= timeout_ms; waited += 20) {
    std::istringstream lines(readAll(out_path_));
    std::string line;
    while (std::getline(lines, line)) {
      if (line.find(needle) != std::string::npos) return line;
    }
    if (!running()) return "";
    usleep(20 * 1000);
  }
  return "";
}

std::string BackgroundPosim::out() const {
  return readAll(out_path_);
}
std::string BackgroundPosim::err() const {
  return readAll(err_path_);
}

int BackgroundPosim::stop(int signal) {
  if (running()) {
    kill(pid_, signal);
    int status = 0;
    waitpid(pid_, &status, 0);
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  return status_;
}

}  // namespace posim::test
