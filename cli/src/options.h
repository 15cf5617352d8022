// Boost.Program_options glue shared by the commands: parsing that returns a Status instead of
// throwing, and typed argument readers whose errors name the option.
#pragma once

#include <optional>
#include <string>

#include <boost/program_options.hpp>

#include "posim/base/bytes.h"
#include "posim/base/status.h"

namespace posim::acquirer {
class BackendRegistry;
}

#include "command.h"

namespace posim::cli {

namespace po = boost::program_options;

struct ParsedOptions {
  po::variables_map values;
  std::vector<std::string> positional;  // arguments that are not options, in order
  bool help = false;                    // --help was given
};

// Parses args against `options` (plus --help). Positional arguments are collected in order.
// Unknown options, missing values and the like are InvalidArgument with Boost's message.
Result<ParsedOptions> parseOptions(const Args& args, const po::options_description& options);

// Prints the command's usage line and its options to io.out.
void printCommandHelp(Io& io, const Command& command, const po::options_description& options);

// Whether a command takes arguments besides its options.
enum class Positional { kNone, kSome };

// A command's arguments, with what needs no command answered here: a parse error is a usage
// error (exit 2), --help prints the command's help (exit 0), and with Positional::kNone an
// argument that is not an option is a usage error ("unexpected argument 'X'"). Then nullopt,
// with the exit code in `early_exit`; else the parsed options.
std::optional<ParsedOptions> parseCommandLine(const Args& args,
                                              const po::options_description& options,
                                              const Command& self, Io& io, Positional positional,
                                              int& early_exit);

// The value of --name as hex bytes. Missing (when required) or bad hex is InvalidArgument that
// names the option: "--key: odd number of hex digits ...".
Result<Bytes> hexOption(const ParsedOptions& parsed, const std::string& name);
Result<std::optional<Bytes>> optionalHexOption(const ParsedOptions& parsed,
                                               const std::string& name);
// Hex of an exact length in bytes (or one of two lengths when alt_length > 0).
Result<Bytes> hexOptionOfLength(const ParsedOptions& parsed, const std::string& name,
                                std::size_t length, std::size_t alt_length = 0);

// The value of --name as decimal digits (a PAN, a PIN, a PSN); letters are InvalidArgument.
Result<std::string> digitsOption(const ParsedOptions& parsed, const std::string& name,
                                 std::size_t min_length, std::size_t max_length);

// The value of --name as a string; missing is InvalidArgument.
Result<std::string> stringOption(const ParsedOptions& parsed, const std::string& name);

// A --backend value ("embedded" or "iso8583://HOST:PORT?...") whose backend this build has;
// InvalidArgument "--backend: unknown backend 'x' (this build has: ...)" otherwise.
Status checkBackendOption(const acquirer::BackendRegistry& backends, const std::string& value);

}  // namespace posim::cli
