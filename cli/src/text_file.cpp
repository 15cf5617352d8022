#include "text_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

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

}  // namespace posim::cli
