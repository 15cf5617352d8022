// posim run SCENARIO... [--report F.json] [--junit F.xml] [--csv F.csv] [--trace F] [--seed N]
//           [--pcap F]
//                      [--backend ID|URL] [--shard K/N] [--journal F]
//                      [--durability process|power-loss] [--reader CARD=READER]...
//                      [--wait SECONDS] [--quiet]
//
// Validates every scenario file first (nothing runs when one is invalid: exit 3), runs the
// selected ones on the virtual clock, writes the reports asked for and prints the summary.
// Exit 0 when every expectation held, 1 when one failed, 4 on a runtime error (backend
// unreachable, a file that cannot be written).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <ostream>
#include <vector>

#include <unistd.h>

#include "posim/acquirer/pcap.h"
#include "posim/acquirer/registry.h"
#include "posim/base/clock.h"
#include "posim/base/event_sink.h"
#include "posim/scenarios/report.h"
#include "posim/scenarios/runner.h"
#include "posim/scenarios/scenario.h"

#include "commands.h"
#include "exit_codes.h"
#include "load_progress.h"
#include "options.h"
#include "pcsc_support.h"
#include "scenario_files.h"
#include "text_file.h"

namespace posim::cli {
namespace {

// Writes one line per event: "<virtual time> <kind> <source> <summary>". Raw bytes (APDUs,
// messages) are never written: the summaries are the masked, human reading of them.
class TraceFileSink final : public EventSink {
 public:
  explicit TraceFileSink(std::ostream& out) : out_(out) {}

  // Events are stamped in the time zone of the scenario that is running.
  void startScenario(const scenarios::Scenario& scenario) {
    offset_ = scenario.start.utc_offset;
    out_ << "# " << scenario.file.string() << ": " << scenario.name << "\n";
  }

  void onEvent(const TraceEvent& event) override {
    std::string summary = event.summary;
    for (char& c : summary) {
      if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    }
    out_ << formatIso8601(LocalDateTime{event.at, offset_}) << ' ' << traceKindName(event.kind)
         << ' ' << (event.source.empty() ? "-" : event.source) << ' ' << summary << '\n';
  }

 private:
  std::ostream& out_;
  std::chrono::minutes offset_{0};
};

// "\r[2/12] preauth-completion-cancel.yaml  step 3/7" on a terminal; nothing in a CI log.
class ProgressLine {
 public:
  explicit ProgressLine(Io& io) : io_(io), enabled_(isatty(STDERR_FILENO) == 1) {}

  void show(std::size_t scenario, std::size_t scenarios, const std::string& file, std::size_t done,
            std::size_t total) {
    if (!enabled_) return;
    std::string line = "[" + std::to_string(scenario) + "/" + std::to_string(scenarios) + "] " +
                       file + "  step " + std::to_string(done) + "/" + std::to_string(total);
    if (line.size() > 78) line = line.substr(0, 78);
    const std::size_t pad = width_ > line.size() ? width_ - line.size() : 0;
    io_.err << '\r' << line << std::string(pad, ' ') << std::flush;
    width_ = line.size();
  }

  void clear() {
    if (!enabled_ || width_ == 0) return;
    io_.err << '\r' << std::string(width_, ' ') << '\r' << std::flush;
    width_ = 0;
  }

 private:
  Io& io_;
  bool enabled_;
  std::size_t width_ = 0;
};

}  // namespace

int runRun(const Args& args, Io& io) {
  const Command& self = *findCommand("run");
  po::options_description options("Options");
  options.add_options()("report", po::value<std::string>(),
                        "write the JSON report (DESIGN.md §7) to this file")(
      "junit", po::value<std::string>(), "write JUnit XML (one testcase per step) to this file")(
      "csv", po::value<std::string>(), "write one CSV row per transaction to this file")(
      "trace", po::value<std::string>(),
      "write the trace (one line per event: time, kind, source, summary) to this file")(
      "seed", po::value<std::uint64_t>()->default_value(1),
      "seed of card unpredictable numbers, random selection and modelled latencies")(
      "backend", po::value<std::string>(),
      "override the scenarios' backend: embedded, or "
      "iso8583://HOST:PORT?dialect=NAME&framing=NAME")(
      "shard", po::value<std::string>(),
      "run part K of N (K/N): the files whose position in the sorted list, modulo N, is K-1")(
      "pcap", po::value<std::string>(),
      "write the ISO 8583 TCP exchanges (iso8583 backends) as a pcap capture to this file")(
      "journal", po::value<std::string>(),
      "keep the terminal journal in this SQLite file (one scenario only; default: in memory); "
      "a journal left by a killed run is recovered by the next run on it: its queued reversals "
      "and advices are sent before the first transaction")(
      "durability", po::value<std::string>()->default_value("process"),
      "what a journal commit survives: process (a killed posim; SQLite synchronous=NORMAL) or "
      "power-loss (also an operating system crash; synchronous=FULL, an fsync per commit)")(
      "reader", po::value<std::vector<std::string>>()->composing(),
      "CARD=READER: the scenarios' card CARD is the physical card in this PC/SC reader (a full "
      "name or a unique part of it); its profile still gives the issuer keys and the PIN; "
      "repeatable")("wait", po::value<double>()->default_value(0),
                    "with --reader: seconds to wait for each card to be inserted")(
      "quiet,q", "do not print the summary");
  int early_exit = kExitOk;
  auto parsed = parseCommandLine(args, options, self, io, Positional::kSome, early_exit);
  if (!parsed) return early_exit;
  if (parsed->positional.empty()) return usageError(io, self, "no scenario file or directory");
  const auto& values = parsed->values;

  std::optional<Shard> shard;
  if (values.count("shard") > 0) {
    auto s = parseShard(values["shard"].as<std::string>());
    if (!s.isOk()) return usageError(io, self, s.status().message());
    shard = *s;
  }
  acquirer::BackendRegistry backends;
  acquirer::addBuiltinBackends(backends);
  scenarios::RunOptions run_options;
  run_options.seed = values["seed"].as<std::uint64_t>();
  if (values.count("backend") > 0) {
    run_options.backend = values["backend"].as<std::string>();
    if (const Status known = checkBackendOption(backends, run_options.backend); !known.isOk()) {
      return usageError(io, self, known.message());
    }
  }

  auto files = collectScenarioFiles(parsed->positional);
  if (!files.isOk()) return reportError(io, files.status());
  std::vector<std::filesystem::path> selected = shard ? selectShard(*files, *shard) : *files;
  if (values.count("journal") > 0) {
    if (selected.size() > 1) {
      return usageError(io, self, "--journal needs exactly one scenario (each run has its own)");
    }
    run_options.journal_path = values["journal"].as<std::string>();
  }
  const std::string durability = values["durability"].as<std::string>();
  if (durability == "power-loss") {
    run_options.journal_durability = terminal::Durability::kPowerLoss;
  } else if (durability != "process") {
    return usageError(io, self, "--durability: '" + durability + "' is not process or power-loss");
  }

  // Validate everything before running anything.
  scenarios::Resolver resolver;
  std::vector<scenarios::Scenario> loaded;
  bool invalid = false;
  for (const auto& file : selected) {
    auto scenario = scenarios::loadScenario(file, resolver);
    io.err << scenario.errorText();
    if (!scenario.isOk()) {
      invalid = true;
      continue;
    }
    loaded.push_back(std::move(scenario).value());
  }
  if (invalid) {
    io.err << "posim: invalid scenario files; nothing was run\n";
    return kExitInvalidInput;
  }

  // Physical cards in PC/SC readers, for the scenarios' cards they stand for.
  std::vector<ReaderCard> reader_cards;
  if (values.count("reader") > 0) {
    const double wait_seconds = values["wait"].as<double>();
    if (!(wait_seconds >= 0 && wait_seconds <= 3600)) {
      return usageError(io, self, "--wait: seconds between 0 and 3600");
    }
    for (const std::string& given : values["reader"].as<std::vector<std::string>>()) {
      const auto equals = given.find('=');
      if (equals == std::string::npos || equals == 0 || equals + 1 == given.size()) {
        return usageError(io, self, "--reader: '" + given + "' is not CARD=READER");
      }
      const std::string card = given.substr(0, equals);
      const bool known = std::any_of(loaded.begin(), loaded.end(), [&](const auto& scenario) {
        return std::any_of(scenario.cards.begin(), scenario.cards.end(),
                           [&](const scenarios::ScenarioCard& c) { return c.name == card; });
      });
      if (!known) return usageError(io, self, "--reader: no scenario has a card '" + card + "'");
      if (run_options.reader_cards.contains(card)) {
        return usageError(io, self, "--reader: card '" + card + "' is given twice");
      }
      auto opened =
          openReaderCard(given.substr(equals + 1),
                         std::chrono::milliseconds(static_cast<long>(wait_seconds * 1000)));
      if (!opened.isOk()) {
        return reportError(io, opened.status().code() == StatusCode::kNotFound
                                   ? unavailable(opened.status().message())
                                   : opened.status());
      }
      for (const ReaderCard& other : reader_cards) {
        if (other.reader == opened->reader) {
          return usageError(io, self, "--reader: two cards in reader '" + other.reader + "'");
        }
      }
      run_options.reader_cards.emplace(card, opened->card.get());
      reader_cards.push_back(std::move(*opened));
    }
  } else if (!values["wait"].defaulted()) {
    return usageError(io, self, "--wait goes with --reader");
  }

  std::ofstream trace_file;
  std::unique_ptr<TraceFileSink> trace;
  if (values.count("trace") > 0) {
    const std::string path = values["trace"].as<std::string>();
    trace_file.open(path, std::ios::trunc);
    if (!trace_file) return reportError(io, ioError("cannot write " + path));
    trace = std::make_unique<TraceFileSink>(trace_file);
    run_options.events = trace.get();
  }

  std::unique_ptr<acquirer::PcapWriter> pcap;
  if (values.count("pcap") > 0) {
    auto opened = acquirer::PcapWriter::open(values["pcap"].as<std::string>());
    if (!opened.isOk()) return reportError(io, opened.status());
    pcap = std::move(opened).value();
    run_options.wire_tap = pcap.get();
  }

  // The shell owns the real clock; the core only measures latencies with it.
  const RealSteadyClock steady;
  run_options.steady = &steady;
  ProgressLine progress(io);
  LoadProgressLine load_progress(io);
  // A signal ends a real-time load run early, with a report of what finished; other runs keep
  // the default action (the process ends).
  std::optional<StopOnSignal> stop;
  for (const scenarios::Scenario& s : loaded) {
    if (s.load && s.load->clock == scenarios::LoadClock::kReal && !stop) {
      stop.emplace();
      run_options.stop_load = stop->flag();
    }
  }
  std::vector<scenarios::RunResult> runs;
  for (std::size_t i = 0; i < loaded.size(); ++i) {
    const scenarios::Scenario& scenario = loaded[i];
    const std::string file = scenario.file.filename().string();
    run_options.progress = [&, i](std::size_t done, std::size_t total) {
      progress.show(i + 1, loaded.size(), file, done, total);
    };
    run_options.load_progress = [&](const scenarios::LoadProgress& p) {
      progress.clear();
      load_progress.show(p);
    };
    if (trace) trace->startScenario(scenario);
    // A real-time load without --journal: file journals in a temporary directory, so that memory
    // stays flat over a long run (in memory they grow with every transaction).
    std::optional<TemporaryDirectory> scratch;
    scenarios::RunOptions options_for_run = run_options;
    if (options_for_run.journal_path.empty() && scenario.load &&
        scenario.load->clock == scenarios::LoadClock::kReal) {
      auto made = TemporaryDirectory::create("posim-run-");
      if (!made.isOk()) return reportError(io, made.status());
      scratch.emplace(std::move(*made));
      options_for_run.journal_path = (scratch->path() / "journal.db").string();
    }
    auto run = scenarios::runScenario(scenario, options_for_run, backends);
    if (!run.isOk()) {
      progress.clear();
      io.err << "posim: " << scenario.file.string() << ": " << run.status().message() << "\n";
      return kExitRuntime;
    }
    load_progress.clear();
    runs.push_back(std::move(run).value());
  }
  progress.clear();
  if (pcap) {
    const Status closed = pcap->close();
    if (!closed.isOk()) return reportError(io, closed);
  }
  if (trace_file.is_open()) {
    trace_file.close();
    if (!trace_file) return reportError(io, ioError("cannot write the trace file"));
  }

  bool passed = true;
  for (const auto& run : runs) passed = passed && run.passed;
  if (values.count("quiet") == 0) io.out << scenarios::textSummary(runs);

  int exit_code = passed ? kExitOk : kExitExpectationFailed;
  auto write = [&](const char* option, const std::string& text) {
    if (values.count(option) == 0) return;
    const Status written = writeTextFile(values[option].as<std::string>(), text);
    if (!written.isOk()) {
      io.err << "posim: --" << option << ": " << written.message() << "\n";
      exit_code = kExitRuntime;
    }
  };
  if (values.count("report") > 0) {
    const Json report =
        runs.size() == 1 ? scenarios::runReport(runs[0]) : scenarios::suiteReport(runs);
    write("report", report.dump(2) + "\n");
  }
  if (values.count("junit") > 0) write("junit", scenarios::junitReport(runs));
  if (values.count("csv") > 0) write("csv", scenarios::csvReport(runs));
  return exit_code;
}

}  // namespace posim::cli
