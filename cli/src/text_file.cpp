#include "text_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include <stdlib.h>

namespace posim::cli {
namespace {

std::string reason() {
  return errno != 0 ? std::strerror(errno) : "unknown error";
}

}  // namespace

Result<std::string> readTextFile(const std::string& path) {
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) return ioError("cannot read " + path + ": " + reason());
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return ioError("cannot read " + path + ": " + reason());
  return text;
}

Status writeTextFile(const std::string& path, const std::string& text) {
  errno = 0;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return ioError("cannot write " + path + ": " + reason());
  out << text;
  out.close();
  if (!out) return ioError("cannot write " + path + ": " + reason());
  return Status();
}

Result<TemporaryDirectory> TemporaryDirectory::create(const std::string& prefix) {
  std::error_code ec;
  std::filesystem::path base = std::filesystem::temp_directory_path(ec);
  if (ec) base = "/tmp";
  std::string pattern = (base / (prefix + "XXXXXX")).string();
  if (mkdtemp(pattern.data()) == nullptr) {
    return ioError("cannot make a temporary directory under " + base.string());
  }
  return TemporaryDirectory(pattern);
}

TemporaryDirectory::TemporaryDirectory(TemporaryDirectory&& other) noexcept
    : path_(std::move(other.path_)) {
  other.path_.clear();
}

TemporaryDirectory::~TemporaryDirectory() {
  if (path_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace posim::cli
