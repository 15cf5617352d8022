#pragma once

#include "command.h"

namespace posim::cli {

// Finds the command named by the leading words of argv and runs it with the rest.
int runApp(int argc, char** argv, Io& io);

}  // namespace posim::cli
