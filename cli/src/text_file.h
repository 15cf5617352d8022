// Reading and writing the files a command names (reports, traces): errors are IoError values
// that name the file and the reason.
#pragma once

#include <string>

#include "posim/base/status.h"

namespace posim::cli {

// Reads a whole file. IoError "cannot read F: reason" when it cannot be opened or read.
Result<std::string> readTextFile(const std::string& path);

// Replaces the file's content with text. IoError "cannot write F: reason".
Status writeTextFile(const std::string& path, const std::string& text);

}  // namespace posim::cli
