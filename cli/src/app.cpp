#include "app.h"

#include <algorithm>
#include <iomanip>
#include <istream>
#include <iterator>
#include <ostream>
#include <sstream>

#include "exit_codes.h"

namespace posim::cli {
namespace {

void printHelp(std::ostream& out) {
  out << "posim " POSIM_VERSION " - payment terminal simulator and test harness\n\n"
      << "Usage: posim COMMAND [ARGS...]    (posim COMMAND --help for its options)\n\n"
      << "Commands:\n";
  std::size_t width = 0;
  for (const Command& c : allCommands()) width = std::max(width, c.name.size());
  for (const Command& c : allCommands()) {
    out << "  " << std::left << std::setw(static_cast<int>(width) + 2) << c.name << c.summary
        << "\n";
  }
  out << "\nExit codes: 0 passed, 1 an expectation failed, 2 usage error, 3 invalid input,\n"
      << "4 runtime error.\n";
}

// The number of leading words of args that name `command` ("emv decode" = 2), or 0.
std::size_t matchWords(const Command& command, const Args& args) {
  std::istringstream words{std::string(command.name)};
  std::size_t n = 0;
  for (std::string w; words >> w; ++n) {
    if (n >= args.size() || args[n] != w) return 0;
  }
  return n;
}

// How many leading words of args are also leading words of the command's name, when the name
// has more words than that ("crypto" and "crypto pki" for "crypto pki generate").
std::size_t prefixWords(const Command& command, const Args& args) {
  std::istringstream words{std::string(command.name)};
  std::vector<std::string> name;
  for (std::string w; words >> w;) name.push_back(w);
  std::size_t n = 0;
  while (n < args.size() && n + 1 < name.size() && args[n] == name[n]) ++n;
  return n;
}

}  // namespace

int runApp(int argc, char** argv, Io& io) {
  Args args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
    printHelp(io.out);
    return args.empty() ? kExitUsage : kExitOk;
  }
  if (args[0] == "--version" || args[0] == "version") {
    io.out << "posim " POSIM_VERSION "\n";
    return kExitOk;
  }
  const Command* best = nullptr;
  std::size_t best_words = 0;
  for (const Command& c : allCommands()) {
    const std::size_t n = matchWords(c, args);
    if (n > best_words) {
      best = &c;
      best_words = n;
    }
  }
  if (best == nullptr) {
    // A known group with a missing or unknown subcommand: list the commands of the longest
    // group the words name ("crypto", "crypto pki").
    std::size_t group_words = 0;
    for (const Command& c : allCommands())
      group_words = std::max(group_words, prefixWords(c, args));
    if (group_words == 0) {
      io.err << "posim: unknown command '" << args[0] << "' (posim help lists the commands)\n";
      return kExitUsage;
    }
    std::string group;
    for (std::size_t i = 0; i < group_words; ++i) group += (i > 0 ? " " : "") + args[i];
    io.err << "posim: '" << group << "' needs a subcommand"
           << (args.size() > group_words ? " ('" + args[group_words] + "' is not one)" : "")
           << ":\n";
    for (const Command& c : allCommands()) {
      if (prefixWords(c, args) == group_words) io.err << "  " << c.usage << "\n";
    }
    return kExitUsage;
  }
  Args rest(args.begin() + static_cast<std::ptrdiff_t>(best_words), args.end());
  return best->run(rest, io);
}

int usageError(Io& io, const Command& command, std::string_view message) {
  io.err << "posim: " << message << "\nusage: " << command.usage << "\n";
  return kExitUsage;
}

int reportError(Io& io, const Status& status) {
  io.err << "posim: " << status.message() << "\n";
  switch (status.code()) {
    case StatusCode::kInvalidArgument: return kExitUsage;
    case StatusCode::kMalformed:
    case StatusCode::kNotFound:
    case StatusCode::kOutOfRange: return kExitInvalidInput;
    default: return kExitRuntime;
  }
}

Result<std::string> argumentOrStdin(const std::string& value, Io& io) {
  if (value != "-") return value;
  std::string text;
  char chunk[65536];
  while (io.in.read(chunk, sizeof chunk) || io.in.gcount() > 0) {
    text.append(chunk, static_cast<std::size_t>(io.in.gcount()));
    if (text.size() > kMaxStdinBytes) {
      return outOfRange("standard input: more than " + std::to_string(kMaxStdinBytes) +
                        " bytes; posim reads at most that");
    }
  }
  // The newline a file or `echo` ends with is not part of the data.
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' ||
                           text.back() == '\t')) {
    text.pop_back();
  }
  return text;
}

}  // namespace posim::cli
