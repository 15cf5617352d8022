// Files the end-to-end tests share: a scratch directory per test, reading text back, the
// example suite, and reports without their measured fields.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "posim/base/json.h"

namespace posim::test {

// examples/scenarios of the source tree.
std::filesystem::path exampleSuite();
// Every *.yaml file of exampleSuite(), sorted.
std::vector<std::filesystem::path> suiteFiles();

// A fresh directory for a test's output files (named after the test), removed at the end.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// The whole file as text ("" when it cannot be read).
std::string readFile(const std::string& path);
// Writes `text` as the whole file.
void writeFile(const std::string& path, const std::string& text);

// The report without its measured wall-clock fields (DESIGN.md §1 "Determinism").
Json withoutMeasuredLatencies(const Json& doc);

}  // namespace posim::test
