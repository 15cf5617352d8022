// The functions behind the command table (one file per command group).
#pragma once

#include "command.h"

namespace posim::cli {

// The row of a command by its full name ("emv decode"). REQUIRES: it exists.
const Command* findCommand(std::string_view name);

int runEmvDecode(const Args& args, Io& io);

}  // namespace posim::cli
