#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "posim/acquirer/iso8583_transport.h"

namespace posim::acquirer {

Result<Bytes> readKeyFile(const std::string& path, std::size_t bytes) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return notFound("key file " + path + ": no such file");
  }
  // A key file is tiny; anything large is the wrong file (and is not read whole).
  constexpr std::uintmax_t kLargest = 4096;
  if (std::filesystem::file_size(path, ec) > kLargest || ec) {
    return invalidArgument("key file " + path + ": over " + std::to_string(kLargest) +
                           " bytes, not a key");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return ioError("key file " + path + ": cannot be read");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string digits;
  bool comment = false;
  for (const char c : text) {
    if (c == '\n') comment = false;
    if (comment || std::isspace(static_cast<unsigned char>(c)) != 0) continue;
    if (c == '#') {
      comment = true;
      continue;
    }
    if (std::isxdigit(static_cast<unsigned char>(c)) == 0) {
      return invalidArgument("key file " + path + ": a character that is not a hex digit");
    }
    digits += c;
  }
  if (digits.size() != bytes * 2) {
    return invalidArgument("key file " + path + ": " + std::to_string(digits.size()) +
                           " hex digits, expected " + std::to_string(bytes * 2));
  }
  auto key = fromHex(digits);
  std::fill(text.begin(), text.end(), '0');
  std::fill(digits.begin(), digits.end(), '0');
  if (!key.isOk()) return invalidArgument("key file " + path + ": not hex");
  return key;
}

}  // namespace posim::acquirer
