// posim report merge F.json... [-o OUT]
//
// Joins the JSON reports of CI shards (each from `posim run --report`) into one suite report,
// written to OUT or standard output. Exit 3 when an input is not a posim report.
#include <ostream>
#include <vector>

#include "posim/base/json.h"
#include "posim/scenarios/report.h"

#include "commands.h"
#include "exit_codes.h"
#include "options.h"
#include "text_file.h"

namespace posim::cli {

int runReportMerge(const Args& args, Io& io) {
  const Command& self = *findCommand("report merge");
  po::options_description options("Options");
  options.add_options()("output,o", po::value<std::string>(),
                        "write the merged report here (default: standard output)");
  int early_exit = kExitOk;
  auto parsed = parseCommandLine(args, options, self, io, Positional::kSome, early_exit);
  if (!parsed) return early_exit;
  if (parsed->positional.empty()) return usageError(io, self, "no report file to merge");

  std::vector<Json> reports;
  for (const std::string& file : parsed->positional) {
    auto text = readTextFile(file);
    if (!text.isOk()) {
      io.err << "posim: " << text.status().message() << "\n";
      return kExitInvalidInput;
    }
    auto doc = Json::parse(*text);
    if (!doc.isOk()) {
      io.err << "posim: " << file << ": not JSON: " << doc.status().message() << "\n";
      return kExitInvalidInput;
    }
    reports.push_back(std::move(doc).value());
  }
  auto merged = scenarios::mergeReports(reports);
  if (!merged.isOk()) {
    io.err << "posim: " << merged.status().message() << "\n";
    return kExitInvalidInput;
  }
  const std::string text = merged->dump(2) + "\n";
  if (parsed->values.count("output") == 0) {
    io.out << text;
    return kExitOk;
  }
  const Status written = writeTextFile(parsed->values["output"].as<std::string>(), text);
  if (!written.isOk()) {
    io.err << "posim: " << written.message() << "\n";
    return kExitRuntime;
  }
  return kExitOk;
}

}  // namespace posim::cli
