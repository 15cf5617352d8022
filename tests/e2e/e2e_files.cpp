#include "e2e_files.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <unistd.h>

namespace posim::test {

namespace fs = std::filesystem;

fs::path exampleSuite() {
  return fs::path(POSIM_SOURCE_DIR) / "examples" / "scenarios";
}

std::vector<fs::path> suiteFiles() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(exampleSuite())) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

ScratchDir::ScratchDir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  path_ = fs::temp_directory_path() /
          ("posim-e2e-" + std::string(info->name()) + "-" + std::to_string(::getpid()));
  fs::remove_all(path_);
  fs::create_directories(path_);
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void writeFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

Json withoutMeasuredLatencies(const Json& doc) {
  if (doc.isArray()) {
    Json out = Json::array();
    for (const Json& item : doc.asArray()) out.push(withoutMeasuredLatencies(item));
    return out;
  }
  if (!doc.isObject()) return doc;
  Json out = Json::object();
  for (const auto& [key, value] : doc.asObject()) {
    if (key == "auth_latency_ms" || key == "latency_ms" || key == "service_ms" ||
        key == "elapsed_seconds" || key == "throughput_per_second" ||
        key == "latency_histogram_us" || key == "service_histogram_us" || key == "per_second") {
      continue;
    }
    out[key] = withoutMeasuredLatencies(value);
  }
  return out;
}

}  // namespace posim::test
