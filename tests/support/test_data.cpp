#include "test_data.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace posim::test {

std::string dataDir() {
  if (const char* env = std::getenv("POSIM_TEST_DATA"); env != nullptr && *env != '\0') {
    return env;
  }
  return POSIM_TEST_DATA_DEFAULT;
}

std::string readDataFile(std::string_view relative_path) {
  const std::string path = dataDir() + "/" + std::string(relative_path);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot open test data file " << path;
    return {};
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Json loadJson(std::string_view relative_path) {
  auto parsed = Json::parse(readDataFile(relative_path));
  if (!parsed.isOk()) {
    ADD_FAILURE() << relative_path << ": " << parsed.status().toString();
    return {};
  }
  return std::move(parsed).value();
}

}  // namespace posim::test
