// posim validate SCENARIO...
//
// Loads every scenario file (and the cards, terminals and calendars it refers to) without running
// it, and prints every diagnostic as file:line:column: error|warning: message, then "<file>: ok"
// for each valid file. Exit 3 when a file is invalid, else 0.
#include <ostream>

#include "posim/scenarios/scenario.h"

#include "commands.h"
#include "exit_codes.h"
#include "options.h"
#include "scenario_files.h"

namespace posim::cli {

int runValidate(const Args& args, Io& io) {
  const Command& self = *findCommand("validate");
  po::options_description options("Options");
  int early_exit = kExitOk;
  auto parsed = parseCommandLine(args, options, self, io, Positional::kSome, early_exit);
  if (!parsed) return early_exit;
  if (parsed->positional.empty()) return usageError(io, self, "no scenario file or directory");
  auto files = collectScenarioFiles(parsed->positional);
  if (!files.isOk()) return reportError(io, files.status());

  scenarios::Resolver resolver;
  std::size_t invalid = 0;
  for (const auto& file : *files) {
    auto scenario = scenarios::loadScenario(file, resolver);
    io.out << scenario.errorText();
    if (scenario.isOk()) {
      io.out << file.string() << ": ok\n";
    } else {
      ++invalid;
    }
  }
  if (invalid > 0) {
    io.err << "posim: " << invalid << " of " << files->size() << " scenario file"
           << (files->size() == 1 ? "" : "s") << " invalid\n";
    return kExitInvalidInput;
  }
  return kExitOk;
}

}  // namespace posim::cli
