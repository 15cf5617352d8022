// The command table of the posim CLI: every command is a row (name, usage, summary, function).
#pragma once

#include <iosfwd>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "posim/base/status.h"

namespace posim::cli {

// Where a command reads and writes. Commands never touch std::cout directly so they can be
// driven from tests.
struct Io {
  std::ostream& out;
  std::ostream& err;
  std::istream& in;
};

using Args = std::vector<std::string>;
using CommandFn = int (*)(const Args& args, Io& io);

struct Command {
  std::string_view name;     // "emv decode"
  std::string_view usage;    // "posim emv decode HEX|- [--json]"
  std::string_view summary;  // one line for `posim help`
  CommandFn run;
};

// Every command, in the order `posim help` lists them. Defined in commands.cpp (one explicit
// list, no static self-registration).
std::span<const Command> allCommands();

// Prints "posim: <message>" and the usage line of a command, and returns kExitUsage.
int usageError(Io& io, const Command& command, std::string_view message);

// Prints "posim: <status message>" and returns the exit code that fits the status:
// InvalidArgument -> 2, Malformed/NotFound -> 3, everything else -> 4.
int reportError(Io& io, const Status& status);

// Reads the value of a HEX argument: the argument itself, or standard input when it is "-".
// Standard input is read up to kMaxStdinBytes; more is an error (OutOfRange, exit 3) found
// before memory grows with it.
inline constexpr std::size_t kMaxStdinBytes = std::size_t{16} << 20;
Result<std::string> argumentOrStdin(const std::string& value, Io& io);

}  // namespace posim::cli
