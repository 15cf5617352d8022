// Reading and writing the files a command names (reports, traces): errors are IoError values
// that name the file and the reason.
#pragma once

#include <filesystem>
#include <string>

#include "posim/base/status.h"

namespace posim::cli {

// Reads a whole file. IoError "cannot read F: reason" when it cannot be opened or read.
Result<std::string> readTextFile(const std::string& path);

// Replaces the file's content with text. IoError "cannot write F: reason".
Status writeTextFile(const std::string& path, const std::string& text);

// A directory made with mkdtemp under $TMPDIR (or /tmp), removed with its files at the end: the
// journals of a real-time load run when the user named none.
class TemporaryDirectory {
 public:
  // IoError when it cannot be made.
  static Result<TemporaryDirectory> create(const std::string& prefix);
  TemporaryDirectory(TemporaryDirectory&& other) noexcept;
  TemporaryDirectory& operator=(TemporaryDirectory&&) = delete;
  ~TemporaryDirectory();
  const std::filesystem::path& path() const { return path_; }

 private:
  explicit TemporaryDirectory(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
};

}  // namespace posim::cli
