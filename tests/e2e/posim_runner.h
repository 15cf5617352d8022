// Runs the posim binary under test with arguments and optional standard input.
#pragma once

#include <string>
#include <vector>

namespace posim::test {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `posim args...` (no shell: arguments are passed as they are) with `input` on stdin.
RunResult runPosim(const std::vector<std::string>& args, const std::string& input = "");

// The last non-empty line of text, trimmed.
std::string lastLine(const std::string& text);

}  // namespace posim::test

namespace posim::test {

// `posim args...` running in the background (a `posim host`, say): stdout and stderr go to files
// the test reads while it runs. The destructor kills it (SIGKILL) if it still runs.
class BackgroundPosim {
 public:
  explicit BackgroundPosim(const std::vector<std::string>& args);
  ~BackgroundPosim();
  BackgroundPosim(const BackgroundPosim&) = delete;
  BackgroundPosim& operator=(const BackgroundPosim&) = delete;

  // Waits up to `timeout_ms` for a stdout line containing `needle` and returns it ("" on
  // timeout or when the process ended first).
  std::string waitForLine(const std::string& needle, int timeout_ms = 10000);
  std::string out() const;
  std::string err() const;
  // Sends `signal` and waits for the exit; returns the exit code (128 + signal when killed).
  int stop(int signal);
  bool running();

 private:
  int pid_ = -1;
  int status_ = -1;
  std::string out_path_;
  std::string err_path_;
};

}  // namespace posim::test
