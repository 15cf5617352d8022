#include "posim/pcsc/card_state_file.h"

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "posim/base/json.h"
#include "posim/emv/card_state_json.h"

namespace posim::pcsc {

namespace fs = std::filesystem;

std::string defaultCardStatePath(const std::string& card_id) {
  fs::path base;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && *xdg != '\0') {
    base = xdg;
  } else if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    base = fs::path(home) / ".cache";
  } else {
    base = fs::temp_directory_path();
  }
  return (base / "posim" / "cards" / (card_id + ".json")).string();
}

Result<std::optional<emv::CardState>> loadCardState(const std::string& path,
                                                    const std::string& card_id) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::optional<emv::CardState>();
  std::ifstream in(path, std::ios::binary);
  if (!in) return ioError("cannot read " + path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto doc = Json::parse(text);
  if (!doc.isOk()) return malformed(path + ": " + doc.status().message());
  auto state = emv::cardStateFromJson(*doc, card_id);
  if (!state.isOk()) {
    return Status(state.status().code(), path + ": " + state.status().message());
  }
  return std::optional<emv::CardState>(std::move(state).value());
}

Status saveCardState(const std::string& path, const emv::CardState& state,
                     const std::string& card_id) {
  std::error_code ec;
  const fs::path target(path);
  if (target.has_parent_path()) fs::create_directories(target.parent_path(), ec);
  const std::string temporary = path + ".tmp";
  // Owner-only from the first byte (no umask games: other threads may be creating files).
  const std::string text = emv::cardStateToJson(state, card_id).dump(2) + "\n";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return ioError("cannot write " + temporary);
  bool written = ::fchmod(fd, 0600) == 0;
  for (std::size_t done = 0; written && done < text.size();) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    written = n > 0;
    if (written) done += static_cast<std::size_t>(n);
  }
  written = ::close(fd) == 0 && written;
  if (!written) return ioError("cannot write " + temporary);
  fs::rename(temporary, target, ec);
  if (ec) return ioError("cannot write " + path + ": " + ec.message());
  return {};
}

}  // namespace posim::pcsc
