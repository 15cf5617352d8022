// ISO 8583 over TCP (DESIGN.md §4): the `iso8583` client backend and the `posim host` server,
// on Boost.Asio with optional TLS (OpenSSL). Asio and OpenSSL stay in the sources; this header
// is plain C++.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "posim/acquirer/backend.h"
#include "posim/acquirer/embedded.h"
#include "posim/acquirer/registry.h"
#include "posim/base/bytes.h"
#include "posim/base/clock.h"
#include "posim/base/event_sink.h"
#include "posim/base/status.h"
#include "posim/iso8583/dialect.h"
#include "posim/iso8583/framing.h"

namespace posim::acquirer {

// Every message that crosses the wire, for pcap files and traces. Called from the network
// thread; implementations lock.
struct WireEvent {
  bool outbound = false;      // sent by this side
  std::string local_address;  // "127.0.0.1"
  std::uint16_t local_port = 0;
  std::string remote_address;
  std::uint16_t remote_port = 0;
  std::uint64_t connection = 0;    // distinguishes connections
  Bytes bytes;                     // the framed bytes, as written or read
  std::chrono::nanoseconds at{0};  // steady time of the program
};
class WireTap {
 public:
  virtual ~WireTap() = default;
  virtual void onWire(const WireEvent& event) = 0;
};

struct TlsOptions {
  bool enabled = false;
  std::string ca_file;    // client: trust anchors (verification is always on)
  std::string cert_file;  // server: certificate chain; client: optional client certificate
  std::string key_file;
  std::string server_name;  // client: name to verify (default: the host)
};

struct ClientOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8583;
  std::shared_ptr<const iso8583::Dialect> dialect;  // REQUIRED
  iso8583::Framing framing = iso8583::Framing::kBinary2;
  std::chrono::milliseconds response_timeout{30000};
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds reconnect_backoff{200};       // doubles per failed attempt ...
  std::chrono::milliseconds reconnect_backoff_max{5000};  // ... up to this
  std::chrono::milliseconds echo_interval{0};             // 0: no keep-alive echo
  std::optional<Bytes> mac_key;  // TAK, 16 bytes: MAC generated and verified
  TlsOptions tls;
  std::string terminal_id = "POSIM001";  // for echo messages
  // The scenario's modelled host latency (EmbeddedConfig::latency) and the seed of its own
  // Random stream (one Random::nextU64() of the run, taken when the backend is created, as the
  // embedded backend does). nullopt: Response::host_time is zero.
  std::optional<LatencyModel> latency;
  std::uint64_t latency_seed = 0;
  std::size_t max_message_size = 65535;  // a larger response frame closes the connection
};

// The `iso8583` backend: one persistent connection (opened at the first send), request/response
// matching on MTI class + DE 11 + DE 41 (several requests may be outstanding), and these errors
// from send():
//   kUnavailable      the request was not delivered: connect refused or timed out (the next send
//                     reconnects after a backoff doubling from reconnect_backoff), TLS failed;
//   kDeadlineExceeded no answer within response_timeout;
//   kIoError          the connection closed after the request was written;
//   kMalformed        the answer does not decode, fails its MAC, or does not answer the request
//                     (the connection is kept unless its framing broke).
// Late answers (after their timeout) and unmatched ones (duplicates, strangers) are dropped and
// reported as kNote events with the reason and the masked PAN. Echo keep-alive while idle.
//
// Threads: the sockets live on a network thread the backend owns. send() blocks its caller and
// is safe to call from several threads (when `events` is). `events` is only called from threads
// calling send() (and the destructor): notes of the network thread wait for the next send(). `tap`
// is called from the network thread. No trace event carries message bytes (DE 52).
//
// Virtual time: the response's host_time is drawn from `latency` (the scenario's modelled host
// latency, on its own Random stream), so virtual-clock results match the embedded backend.
class Iso8583ClientBackend final : public AcquirerBackend {
 public:
  // `clock` (REQUIRED) is the steady clock timestamps of WireEvents come from and response
  // timeouts are measured on (a manual clock that does not move never times out); `events` and
  // `tap` may be null. All must outlive the backend. Errors: InvalidArgument for a missing dialect
  // or clock, a MAC key that is not 16 bytes, TLS files that cannot be loaded.
  static Result<std::unique_ptr<Iso8583ClientBackend>> create(ClientOptions options,
                                                              EventSink* events, WireTap* tap,
                                                              const SteadyClock* clock);
  ~Iso8583ClientBackend() override;
  std::string_view id() const override { return "iso8583"; }
  // Opens the connection now (the registry's factory does, so a run against an unreachable
  // host stops before its first step with exit 4). Errors: Unavailable with the reason.
  Status connect();
  Result<Response> send(const Request& request) override;

 private:
  struct Impl;
  explicit Iso8583ClientBackend(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Fault rules of `posim host` (DESIGN.md §4 fault injection, on the server side).
struct HostFaultRule {
  enum class Action { kDelay, kDrop, kDuplicate, kDisconnect, kWrongMac, kResponseCode };
  Action action = Action::kDelay;
  std::string mti;          // empty: any; else "0200", "02xx"
  std::string pan_suffix;   // empty: any; else the PAN ends with these digits
  std::string amount;       // empty: any; else DE 4 equals this (12 digits or minor units)
  std::uint32_t count = 0;  // 0: every match; else the first `count` matches only
  std::chrono::milliseconds delay{0};  // kDelay
  std::string response_code;           // kResponseCode
};
std::string_view hostFaultActionName(HostFaultRule::Action action);

// The fault SPEC of `posim host --fault`: an action, then conditions, separated by ':':
//   delay=2000ms | drop | duplicate | disconnect | wrong_mac | response_code=51
//   [:mti=0200|02xx] [:pan=DIGITS (suffix)] [:amount=DE4 digits] [:count=N]
// e.g. "drop:mti=0200:count=1", "delay=2s:pan=0010", "response_code=51:amount=000000009999".
// Errors: InvalidArgument naming the part and listing the forms.
Result<HostFaultRule> parseHostFaultRule(std::string_view spec);
// The spec parseHostFaultRule() reads back ("delay=2000ms:mti=0200").
std::string formatHostFaultRule(const HostFaultRule& rule);

// A key kept in a file instead of on the command line or in a backend URL (both show in the
// process list): `bytes` bytes as hex digits; spaces, line breaks and `#` comments are ignored.
// Errors name the file and what is wrong with it, never its content: NotFound or IoError when it
// cannot be read, InvalidArgument when it is not `bytes` bytes of hex.
Result<Bytes> readKeyFile(const std::string& path, std::size_t bytes);

struct HostOptions {
  std::string listen_address = "127.0.0.1";
  std::uint16_t listen_port = 8583;                 // 0: any free port (see Iso8583Host::port())
  std::shared_ptr<const iso8583::Dialect> dialect;  // REQUIRED
  iso8583::Framing framing = iso8583::Framing::kBinary2;
  std::optional<Bytes> mac_key;
  TlsOptions tls;
  std::vector<HostFaultRule> faults;
  // A connection with no message for this long is closed (`posim host --idle-timeout`, and the
  // desktop app's host). 0: connections may idle forever.
  std::chrono::milliseconds idle_timeout{std::chrono::minutes(5)};
  // Once the first byte of a frame is in, the whole frame must be within this, else the
  // connection closes (a client trickling a frame byte by byte holds no connection for long).
  // 0: no deadline.
  std::chrono::milliseconds frame_timeout{10000};
  // Connections served at once (0: the default, 4096). A connection beyond it evicts one: the
  // oldest that never sent a complete frame, else the one whose last frame is oldest, so a crowd
  // of silent connections cannot lock out clients that talk.
  std::size_t max_connections = 4096;
  // A larger frame closes the connection; the length prefix is checked before any buffer grows.
  std::size_t max_message_size = 8192;
  // The host's idea of "now" for the year of DE 7 (see requestFromMessage): the latest
  // transmission time seen, starting here.
  LocalDateTime reference_time;
};

// `posim host`: serves `backend` (the embedded acquirer and issuer) over TCP to many connections
// at once, on a network thread it owns. Network management (x8xx) is answered 00 (1993: 800)
// without the backend; fault rules apply to every message they match. Requests are handled one at a
// time against the backend (it is not thread-safe). A malformed message is answered 30 when it can
// be, else its connection is closed; either way the reason goes to `events`
// (TraceKind::kIso8583Response / kNote, source "host"). Such notes (malformed messages, closed
// and evicted connections) are limited to 20 per second of `clock`; the next note that gets
// through says how many were left out. A client that does not read its answers stops being read
// (at most 64 answers wait per connection). accept() failing for want of file descriptors
// (EMFILE, ENFILE) retries after 100 ms instead of spinning.
class Iso8583Host {
 public:
  // Binds, listens and starts serving. Errors: Unavailable when the address cannot be bound;
  // InvalidArgument for a missing dialect or backend, a bad address, TLS files that cannot be
  // loaded. `events` (may be null) is called from the network thread, one event at a time.
  static Result<std::unique_ptr<Iso8583Host>> start(HostOptions options,
                                                    std::unique_ptr<AcquirerBackend> backend,
                                                    EventSink* events, WireTap* tap,
                                                    const SteadyClock* clock);
  ~Iso8583Host();  // stops

  std::uint16_t port() const;   // the port actually bound
  std::string address() const;  // "127.0.0.1:8583"
  // From now on SIGINT and SIGTERM stop the host (run() returns the signal) instead of killing
  // the process. Call it before telling anyone the host listens.
  void catchSignals();
  // Blocks until stop() or SIGINT/SIGTERM (when `handle_signals`: catchSignals() if not done),
  // then closes every connection. Returns the signal number, or 0 after stop().
  int run(bool handle_signals);
  void stop();  // thread-safe
  std::uint64_t requestsServed() const;

 private:
  struct Impl;
  explicit Iso8583Host(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace posim::acquirer
