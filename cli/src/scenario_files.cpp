#include "scenario_files.h"

#include <algorithm>
#include <charconv>
#include <system_error>

namespace posim::cli {
namespace {

bool isScenarioFile(const std::filesystem::path& path) {
  const std::string ext = path.extension().string();
  return ext == ".yaml" || ext == ".yml";
}

Result<std::size_t> parseCount(std::string_view text) {
  std::size_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    return invalidArgument("not a number");
  }
  return value;
}

}  // namespace

Result<std::vector<std::filesystem::path>> collectScenarioFiles(
    const std::vector<std::string>& arguments) {
  std::vector<std::filesystem::path> files;
  for (const std::string& argument : arguments) {
    const std::filesystem::path path(argument);
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      std::size_t found = 0;
      std::filesystem::recursive_directory_iterator it(path, ec), end;
      for (; !ec && it != end; it.increment(ec)) {
        if (it->is_regular_file(ec) && isScenarioFile(it->path())) {
          files.push_back(it->path().lexically_normal());
          ++found;
        }
      }
      if (ec) return ioError(argument + ": cannot list the directory: " + ec.message());
      if (found == 0) return notFound(argument + ": no scenario files (*.yaml) in this directory");
    } else if (std::filesystem::exists(path, ec)) {
      files.push_back(path.lexically_normal());
    } else {
      return notFound(argument + ": no such file or directory");
    }
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  return files;
}

Result<Shard> parseShard(const std::string& text) {
  const auto slash = text.find('/');
  const Status bad =
      invalidArgument("--shard: '" + text + "' is not K/N with 1 <= K <= N (for example 1/4)");
  if (slash == std::string::npos) return bad;
  auto k = parseCount(std::string_view(text).substr(0, slash));
  auto n = parseCount(std::string_view(text).substr(slash + 1));
  if (!k.isOk() || !n.isOk() || *k < 1 || *n < 1 || *k > *n) return bad;
  return Shard{*k, *n};
}

std::vector<std::filesystem::path> selectShard(const std::vector<std::filesystem::path>& files,
                                               const Shard& shard) {
  std::vector<std::filesystem::path> selected;
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (i % shard.count == shard.index - 1) selected.push_back(files[i]);
  }
  return selected;
}

}  // namespace posim::cli
