// posim bench [--long] [--json] [--only NAME,...] [--quiet]
//
// Measures the figures of DESIGN.md §10 end to end, in process, and prints each next to its
// target and the physical limit measured on the same machine (bench_limits.h): a table, or with
// --json one object. The default run takes well under a minute; --long runs each figure longer
// or more often and reports the median. Progress lines go to stderr unless --quiet.
// Exit 0 when every selected figure was measured or is not there yet (a NOT MET figure is a
// result, not an error), 2 usage, 4 when a figure could not be measured.
#include <chrono>
#include <ostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "posim/base/clock.h"
#include "posim/base/json.h"

#include "bench_figures.h"
#include "commands.h"
#include "exit_codes.h"
#include "options.h"

namespace posim::cli {
namespace {

std::string figureNames() {
  std::string out;
  for (const BenchFigure& f : benchFigures()) {
    if (!out.empty()) out += ", ";
    out += f.name;
  }
  return out;
}

// The figures named by --only values ("tlv,iso8583", repeatable), in table order.
Result<std::vector<const BenchFigure*>> selectFigures(const std::vector<std::string>& only) {
  std::vector<bool> wanted(benchFigures().size(), only.empty());
  for (const std::string& value : only) {
    std::stringstream list(value);
    std::string name;
    bool any = false;
    while (std::getline(list, name, ',')) {
      if (name.empty()) continue;
      any = true;
      bool found = false;
      for (std::size_t i = 0; i < benchFigures().size(); ++i) {
        if (benchFigures()[i].name == name) {
          wanted[i] = true;
          found = true;
        }
      }
      if (!found) {
        return invalidArgument("--only: unknown figure '" + name + "' (figures: " + figureNames() +
                               ")");
      }
    }
    if (!any) return invalidArgument("--only: no figure named (figures: " + figureNames() + ")");
  }
  std::vector<const BenchFigure*> out;
  for (std::size_t i = 0; i < benchFigures().size(); ++i) {
    if (wanted[i]) out.push_back(&benchFigures()[i]);
  }
  return out;
}

std::string padded(const std::string& text, std::size_t width) {
  // Widths count UTF-8 code points, not bytes.
  std::size_t shown = 0;
  for (char c : text) shown += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return shown >= width ? text + " " : text + std::string(width - shown, ' ');
}

void printTable(std::ostream& out, const std::vector<BenchRow>& rows) {
  constexpr std::size_t kFigure = 38;
  constexpr std::size_t kTarget = 22;
  constexpr std::size_t kMeasured = 16;
  constexpr std::size_t kStatus = 14;
  out << padded("figure", kFigure) << padded("target", kTarget) << padded("measured", kMeasured)
      << padded("status", kStatus) << "limit (same machine)\n";
  for (const BenchRow& row : rows) {
    out << padded(row.figure, kFigure) << padded(row.target_text, kTarget)
        << padded(row.measured_text, kMeasured) << padded(row.status(), kStatus) << row.limit_text
        << "\n";
  }
  bool heading = false;
  for (const BenchRow& row : rows) {
    if (row.note.empty()) continue;
    if (!heading) out << "\nnotes:\n";
    heading = true;
    std::string figure = row.figure;
    while (!figure.empty() && figure.front() == ' ') figure.erase(figure.begin());
    out << "  " << figure << ": " << row.note << "\n";
  }
}

}  // namespace

int runBench(const Args& args, Io& io) {
  const Command& self = *findCommand("bench");
  po::options_description options("Options");
  options.add_options()("long", "run each figure longer or more often and report the median")(
      "json", "print one JSON object instead of the table")(
      "only", po::value<std::vector<std::string>>()->composing(),
      ("measure only these figures, comma-separated: " + figureNames()).c_str())(
      "quiet,q", "no progress lines on stderr");
  auto parsed = parseOptions(args, options);
  if (!parsed.isOk()) return usageError(io, self, parsed.status().message());
  if (parsed->help) {
    printCommandHelp(io, self, options);
    io.out << "\nFigures (DESIGN.md §10):\n";
    for (const BenchFigure& f : benchFigures()) {
      io.out << "  " << padded(std::string(f.name), 9) << f.summary << "\n";
    }
    return kExitOk;
  }
  if (!parsed->positional.empty()) {
    return usageError(io, self, "unexpected argument '" + parsed->positional.front() + "'");
  }
  const auto& values = parsed->values;
  std::vector<std::string> only;
  if (values.count("only") > 0) only = values["only"].as<std::vector<std::string>>();
  auto figures = selectFigures(only);
  if (!figures.isOk()) return usageError(io, self, figures.status().message());

  BenchSettings settings;
  settings.long_run = values.count("long") > 0;
  if (values.count("quiet") == 0) settings.progress = &io.err;
  const bool json = values.count("json") > 0;

  // The shell reads the real clock: when the run was, and how long it took.
  const auto started_at = std::chrono::system_clock::now();
  const auto start = std::chrono::steady_clock::now();
  std::vector<BenchRow> rows;
  std::vector<std::string> names;
  for (const BenchFigure* figure : *figures) {
    for (BenchRow& row : figure->run(settings)) {
      rows.push_back(std::move(row));
      names.emplace_back(figure->name);
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  bool failed = false;
  for (const BenchRow& row : rows) failed |= row.failed;
  const std::string when = formatIso8601(
      LocalDateTime{std::chrono::time_point_cast<Duration>(
                        std::chrono::time_point_cast<std::chrono::seconds>(started_at)),
                    std::chrono::minutes(0)});
  if (json) {
    Json doc = Json::object();
    doc["posim_bench"] = 1;
    doc["started_at"] = when;
    doc["mode"] = settings.long_run ? "long" : "default";
    doc["cpus"] = static_cast<std::uint64_t>(std::thread::hardware_concurrency());
    doc["seconds"] = seconds;
    Json list = Json::array();
    for (std::size_t i = 0; i < rows.size(); ++i) {
      Json row = benchRowJson(rows[i]);
      Json named = Json::object();
      named["name"] = names[i];
      for (auto& [key, value] : row.asObject()) named[key] = std::move(value);
      list.push(std::move(named));
    }
    doc["figures"] = std::move(list);
    doc["limits"] = benchLimitsJson();
    io.out << doc.dump(2) << "\n";
  } else {
    printTable(io.out, rows);
    io.out << "\n"
           << (settings.long_run ? "long" : "default") << " run, " << rows.size()
           << " figure(s) in " << formatDecimal(seconds, 1) << " s on "
           << std::thread::hardware_concurrency() << " CPU(s), started " << when << "\n";
  }
  return failed ? kExitRuntime : kExitOk;
}

}  // namespace posim::cli
