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
