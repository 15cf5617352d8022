// Backends by name (DESIGN.md §1 "registries, not switch statements"): a descriptor per backend
// with its id, description, options and factory, added to a registry the application creates and
// fills from one explicit list (addBuiltinBackends). An integrator's backend registers the same
// way.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "posim/acquirer/backend.h"
#include "posim/acquirer/embedded.h"
#include "posim/base/clock.h"
#include "posim/base/event_sink.h"
#include "posim/base/random.h"
#include "posim/base/status.h"

namespace posim::iso8583 {
struct Dialect;
}

namespace posim::acquirer {

class WireTap;  // iso8583_transport.h

// Finds a dialect by id or loads it from a file (filled by scenarios/, which reads YAML).
using DialectResolver =
    std::function<Result<std::shared_ptr<const iso8583::Dialect>>(std::string_view name_or_file)>;

struct BackendOption {
  std::string name;           // "host"
  std::string description;    // "host name or address of the acquirer"
  std::string default_value;  // empty: required when `required`
  bool required = false;
};

// What a backend is created with: its options as text (from `--backend URL?k=v` or the
// scenario's `acquirer:` block) and the run's shared objects.
struct BackendContext {
  std::map<std::string, std::string> options;
  const EmbeddedConfig* issuer = nullptr;  // accounts and rules (embedded; `posim host`)
  Random* random = nullptr;                // REQUIRED
  EventSink* events = nullptr;
  DialectResolver dialects;             // iso8583: REQUIRED
  WireTap* wire_tap = nullptr;          // iso8583: every framed message, for --pcap
  const SteadyClock* steady = nullptr;  // iso8583: REQUIRED (timeouts, wire timestamps)
};

struct BackendDescriptor {
  std::string id;
  std::string description;
  std::vector<BackendOption> options;
  std::function<Result<std::unique_ptr<AcquirerBackend>>(const BackendContext&)> factory;
};

class BackendRegistry {
 public:
  // Errors: InvalidArgument when the id is taken or the descriptor has no factory.
  Status add(BackendDescriptor descriptor);
  const BackendDescriptor* find(std::string_view id) const;
  std::vector<const BackendDescriptor*> list() const;  // by id

  // Checks the options against the descriptor (unknown option: error with the nearest name;
  // missing required option: error), fills defaults, and calls the factory.
  Result<std::unique_ptr<AcquirerBackend>> create(std::string_view id,
                                                  BackendContext context) const;

 private:
  std::map<std::string, BackendDescriptor, std::less<>> descriptors_;
};

// The backends of this build, added in one explicit list: `embedded` and `iso8583` (options:
// host, port, dialect, framing, timeout_ms, connect_timeout_ms, echo_interval_ms, mac_key,
// tls, ca_file, cert_file, key_file, server_name).
void addBuiltinBackends(BackendRegistry& registry);

}  // namespace posim::acquirer
