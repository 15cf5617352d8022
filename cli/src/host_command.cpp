// posim host [--listen 127.0.0.1:8583] [--dialect NAME|FILE] [--framing NAME] [--config F]
//            [--seed N] [--mac-key HEX | --mac-key-file F] [--tls-cert F --tls-key F [--tls-ca F]]
//            [--fault SPEC]... [--pcap F] [--quiet] [--idle-timeout D] [--frame-timeout D]
//            [--max-connections N] [--max-message-size N]
//
// The embedded acquirer and issuer behind an ISO 8583 TCP server (DESIGN.md §4), until SIGINT
// or SIGTERM. Prints one line "posim host: listening on ADDR:PORT (dialect D, framing F)" on
// stdout once bound, and one line per request (masked PAN) on stderr unless --quiet.
// Exit 0 after a signal, 2 usage, 3 invalid configuration (scenario, dialect, TLS files), 4
// when it cannot listen.
//
// Hostile clients (docs/reliability.md): a connection that sends no complete frame for
// --idle-timeout (default 5m) closes, a frame must complete within --frame-timeout (default
// 10s), at most --max-connections (default 4096) are served at once (the least active one is
// evicted for a new one), and a length prefix above --max-message-size closes the connection
// before any buffer grows. The soft limit of open files is raised to the hard limit at start so
// thousands of sockets fit.
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <sys/resource.h>

#include "posim/acquirer/embedded.h"
#include "posim/acquirer/iso8583_transport.h"
#include "posim/acquirer/pcap.h"
#include "posim/base/clock.h"
#include "posim/base/event_sink.h"
#include "posim/base/random.h"
#include "posim/iso8583/framing.h"
#include "posim/scenarios/dialect_files.h"
#include "posim/scenarios/host_setup.h"
#include "posim/scenarios/resolver.h"
#include "posim/scenarios/scenario.h"

#include "commands.h"
#include "exit_codes.h"
#include "options.h"

namespace posim::cli {
namespace {

// One line per host event on stderr ("posim host: from 127.0.0.1:50312: sale 0200 ... -> 0210
// 00 approved"). The host calls it from its network thread, one event at a time.
class HostLogSink final : public EventSink {
 public:
  explicit HostLogSink(std::ostream& err) : err_(err) {}
  void onEvent(const TraceEvent& event) override {
    std::string summary = event.summary;
    for (char& c : summary) {
      if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    }
    std::lock_guard lock(mutex_);
    err_ << "posim host: " << summary << std::endl;
  }

 private:
  std::ostream& err_;
  std::mutex mutex_;
};

struct ListenAddress {
  std::string address;
  std::uint16_t port = 0;
};

// "127.0.0.1:8583", "[::1]:8583", "0.0.0.0:0" (any free port), ":8583" (127.0.0.1).
Result<ListenAddress> parseListen(const std::string& text) {
  const auto colon = text.rfind(':');
  const std::string bad = "--listen: '" + text + "' is not ADDRESS:PORT (e.g. 127.0.0.1:8583)";
  if (colon == std::string::npos) return invalidArgument(bad);
  ListenAddress out;
  out.address = text.substr(0, colon);
  if (out.address.size() >= 2 && out.address.front() == '[' && out.address.back() == ']') {
    out.address = out.address.substr(1, out.address.size() - 2);
  }
  if (out.address.empty()) out.address = "127.0.0.1";
  const std::string port = text.substr(colon + 1);
  if (!isDigits(port) || port.size() > 5 || std::stoul(port) > 65535) return invalidArgument(bad);
  out.port = static_cast<std::uint16_t>(std::stoul(port));
  return out;
}

// Raises the soft RLIMIT_NOFILE to the hard limit (a default soft limit of 1024 would make the
// host refuse connections long before --max-connections). Returns the soft limit in force.
rlim_t raiseOpenFileLimit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) return raised.rlim_cur;
  }
  return limit.rlim_cur;
}

Result<std::chrono::milliseconds> durationOption(const po::variables_map& values,
                                                 const char* name) {
  auto d = parseDuration(values[name].as<std::string>());
  if (!d.isOk()) return invalidArgument(std::string("--") + name + ": " + d.status().message());
  if (d->count() < 0) return invalidArgument(std::string("--") + name + ": negative");
  return std::chrono::duration_cast<std::chrono::milliseconds>(*d);
}

}  // namespace

int runHost(const Args& args, Io& io) {
  const Command& self = *findCommand("host");
  po::options_description options("Options");
  options.add_options()("listen", po::value<std::string>()->default_value("127.0.0.1:8583"),
                        "ADDRESS:PORT to listen on (port 0: any free port, printed)")(
      "dialect", po::value<std::string>()->default_value("iso87-ascii"),
      "built-in dialect id (posim dialects) or a dialect YAML file")(
      "framing", po::value<std::string>()->default_value("binary2"),
      "length prefix of each message: binary2, ascii4, bcd2 or none")(
      "config", po::value<std::string>(),
      "a scenario file whose cards, accounts and issuer rules configure the issuer (default: "
      "the built-in test cards, 10,000.00 each; unknown cards are declined 14)")(
      "seed", po::value<std::uint64_t>()->default_value(1),
      "run seed: authorization codes and modelled latency, as `posim run --seed`")(
      "mac-key", po::value<std::string>(),
      "MAC key (TAK, 32 hex digits): requests must carry a valid DE 64/128 MAC, answers get one")(
      "mac-key-file", po::value<std::string>(),
      "the MAC key read from this file (32 hex digits; out of the process list)")(
      "tls-cert", po::value<std::string>(), "serve TLS with this certificate chain (PEM)")(
      "tls-key", po::value<std::string>(), "the private key of --tls-cert (PEM)")(
      "tls-ca", po::value<std::string>(),
      "ask clients for a certificate and verify it against these CAs (PEM)")(
      "fault", po::value<std::vector<std::string>>()->composing(),
      "inject a fault (repeatable): ACTION[:COND]... with ACTION one of delay=2000ms, drop, "
      "duplicate, disconnect, wrong_mac, response_code=51 and COND mti=0200|02xx, pan=DIGITS "
      "(PAN suffix), amount=DE4 (minor units), count=N (first N matches only); e.g. "
      "drop:mti=0200:count=1, delay=2000ms:pan=0010, response_code=51:amount=000000009999")(
      "pcap", po::value<std::string>(),
      "write the traffic to a pcap file (read it with: tshark -r F -d tcp.port==PORT,iso8583 "
      "-o 'iso8583.len_endian:Big endian' -o 'iso8583.binencode:Bin data not encoded' -V)")(
      "idle-timeout", po::value<std::string>()->default_value("5m"),
      "close a connection that sends no complete message for this long (0s: never)")(
      "frame-timeout", po::value<std::string>()->default_value("10s"),
      "close a connection whose started message is not complete within this (0s: never)")(
      "max-connections", po::value<std::size_t>()->default_value(4096),
      "connections served at once; a new one beyond evicts the least active")(
      "max-message-size", po::value<std::size_t>()->default_value(8192),
      "largest message (bytes after the length prefix); a larger one closes the connection")(
      "quiet,q", "do not log requests on stderr");
  int early_exit = kExitOk;
  auto parsed = parseCommandLine(args, options, self, io, Positional::kNone, early_exit);
  if (!parsed) return early_exit;
  const auto& values = parsed->values;

  acquirer::HostOptions host;
  auto listen = parseListen(values["listen"].as<std::string>());
  if (!listen.isOk()) return usageError(io, self, listen.status().message());
  host.listen_address = listen->address;
  host.listen_port = listen->port;
  const std::string framing = values["framing"].as<std::string>();
  const auto framing_value = iso8583::framingByName(framing);
  if (!framing_value) {
    return usageError(io, self,
                      "--framing: '" + framing + "' is not one of binary2, ascii4, bcd2, none");
  }
  host.framing = *framing_value;
  auto idle_timeout = durationOption(values, "idle-timeout");
  if (!idle_timeout.isOk()) return usageError(io, self, idle_timeout.status().message());
  host.idle_timeout = *idle_timeout;
  auto frame_timeout = durationOption(values, "frame-timeout");
  if (!frame_timeout.isOk()) return usageError(io, self, frame_timeout.status().message());
  host.frame_timeout = *frame_timeout;
  host.max_connections = values["max-connections"].as<std::size_t>();
  host.max_message_size = values["max-message-size"].as<std::size_t>();
  if (host.max_connections == 0) return usageError(io, self, "--max-connections: at least 1");
  if (host.max_message_size < 16 || host.max_message_size > 65535) {
    return usageError(io, self, "--max-message-size: between 16 and 65535 bytes");
  }
  auto mac_key = optionalHexOption(*parsed, "mac-key");
  if (!mac_key.isOk()) return usageError(io, self, mac_key.status().message());
  if (*mac_key && (*mac_key)->size() != 16) {
    return usageError(io, self, "--mac-key: a double-length TDES key (32 hex digits) is needed");
  }
  host.mac_key = *mac_key;
  if (values.count("mac-key-file") > 0) {
    if (host.mac_key) return usageError(io, self, "give --mac-key or --mac-key-file, not both");
    auto key = acquirer::readKeyFile(values["mac-key-file"].as<std::string>(), 16);
    if (!key.isOk()) {
      io.err << "posim: --mac-key-file: " << key.status().message() << "\n";
      return kExitInvalidInput;
    }
    host.mac_key = *key;
  }
  if ((values.count("tls-cert") > 0) != (values.count("tls-key") > 0)) {
    return usageError(io, self, "--tls-cert and --tls-key go together");
  }
  if (values.count("tls-cert") > 0) {
    host.tls.enabled = true;
    host.tls.cert_file = values["tls-cert"].as<std::string>();
    host.tls.key_file = values["tls-key"].as<std::string>();
    if (values.count("tls-ca") > 0) host.tls.ca_file = values["tls-ca"].as<std::string>();
  } else if (values.count("tls-ca") > 0) {
    return usageError(io, self, "--tls-ca needs --tls-cert and --tls-key");
  }
  if (values.count("fault") > 0) {
    for (const std::string& spec : values["fault"].as<std::vector<std::string>>()) {
      auto rule = acquirer::parseHostFaultRule(spec);
      if (!rule.isOk()) return usageError(io, self, "--fault: " + rule.status().message());
      host.faults.push_back(*rule);
    }
  }

  const std::string dialect_name = values["dialect"].as<std::string>();
  auto dialect = scenarios::resolveDialect(dialect_name);
  if (!dialect.isOk()) {
    if (dialect.status().code() == StatusCode::kMalformed) {
      // The file's diagnostics, one file:line:column line each, as for --config.
      io.err << dialect.status().message() << "\nposim: --dialect: invalid dialect file\n";
    } else {
      io.err << "posim: --dialect: " << dialect.status().message() << "\n";
    }
    return kExitInvalidInput;
  }
  host.dialect = *dialect;

  // The issuer: the scenario's, or the built-in test cards.
  acquirer::EmbeddedConfig issuer;
  if (values.count("config") > 0) {
    scenarios::Resolver resolver;
    auto scenario = scenarios::loadScenario(values["config"].as<std::string>(), resolver);
    io.err << scenario.errorText();
    if (!scenario.isOk()) {
      io.err << "posim: --config: invalid scenario file\n";
      return kExitInvalidInput;
    }
    issuer = scenarios::issuerConfigFor(*scenario);
    host.reference_time = scenario->start;
  } else {
    issuer = scenarios::defaultHostIssuer();
    // The shell reads the real clock: DE 7 carries no year, the host takes the nearest one.
    host.reference_time =
        LocalDateTime{std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now()),
                      std::chrono::minutes(0)};
  }
  SeededRandom random(scenarios::hostRandomSeed(values["seed"].as<std::uint64_t>()));

  std::unique_ptr<acquirer::PcapWriter> pcap;
  if (values.count("pcap") > 0) {
    auto writer = acquirer::PcapWriter::open(values["pcap"].as<std::string>());
    if (!writer.isOk()) return reportError(io, writer.status());
    pcap = std::move(writer).value();
  }

  const bool quiet = values.count("quiet") > 0;
  HostLogSink log(io.err);
  // Quiet: no sink at all, so the host does not even build the text of each event.
  EventSink* events = quiet ? nullptr : &log;
  // Each connection is a descriptor; a few are the process's own (files, pcap, the listener).
  const rlim_t open_files = raiseOpenFileLimit();
  if (open_files != 0 && open_files != RLIM_INFINITY && open_files < host.max_connections + 64 &&
      !quiet) {
    io.err << "posim host: note: the open file limit (" << open_files
           << ") is below --max-connections " << host.max_connections
           << "; connections beyond it evict idle ones" << std::endl;
  }
  const RealSteadyClock steady;
  const std::string dialect_id = host.dialect->id;
  auto backend = std::make_unique<acquirer::EmbeddedBackend>(std::move(issuer), random, nullptr);
  auto server = acquirer::Iso8583Host::start(std::move(host), std::move(backend), events,
                                             pcap.get(), &steady);
  if (!server.isOk()) {
    io.err << "posim: " << server.status().message() << "\n";
    return server.status().code() == StatusCode::kUnavailable ? kExitRuntime : kExitInvalidInput;
  }
  // A signal sent once the line is out stops the host cleanly, however soon it comes.
  (*server)->catchSignals();
  io.out << "posim host: listening on " << (*server)->address() << " (dialect " << dialect_id
         << ", framing " << iso8583::framingName(*framing_value) << ")" << std::endl;
  const int signal = (*server)->run(true);
  const std::uint64_t served = (*server)->requestsServed();
  server->reset();
  if (!quiet) {
    io.err << "posim host: stopped" << (signal != 0 ? " by signal " + std::to_string(signal) : "")
           << " after " << served << " request(s)" << std::endl;
  }
  if (pcap) {
    const Status closed = pcap->close();
    if (!closed.isOk()) return reportError(io, closed);
  }
  return kExitOk;
}

}  // namespace posim::cli
