// `posim host`: an ISO 8583 TCP (optionally TLS) server in front of an AcquirerBackend. One
// io_context on one network thread serves every connection; the backend is called under a mutex.
// Nothing thrown by Asio, OpenSSL or the backend leaves a handler.
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <deque>
#include <exception>
#include <filesystem>
#include <future>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include "posim/acquirer/iso8583_mapping.h"
#include "posim/acquirer/iso8583_transport.h"
#include "posim/base/pan.h"
#include "posim/iso8583/codec.h"
#include "posim/iso8583/framing.h"

#include "asio_stream.h"

namespace posim::acquirer {
namespace {

namespace asio = boost::asio;
using net::pemProblem;
using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr std::string_view kSource = "host";
// Bytes asked for per read: a few typical messages (a chip sale request is about 400 bytes).
constexpr std::size_t kReadChunk = 4096;
constexpr std::size_t kDefaultMaxConnections = 4096;
// Answers waiting to be written to one connection before the host stops reading from it: a
// client that sends and never reads cannot grow the host's memory.
constexpr std::size_t kMaxQueuedAnswers = 64;
// Notes about rejected input per second of the clock; a hostile client could cause thousands.
constexpr int kNotesPerSecond = 20;
// accept() without a free file descriptor and nothing to evict: wait this long, then retry.
constexpr std::chrono::milliseconds kAcceptRetry{100};

struct HostConnection : net::TcpOrTlsStream {
  std::uint64_t id = 0;
  std::unique_ptr<asio::steady_timer> idle_timer;
  // Armed while part of a frame waits for the rest; frame_deadline tells a stale expiry apart.
  std::unique_ptr<asio::steady_timer> frame_timer;
  std::uint64_t frame_deadline = 0;
  bool open = true;
  bool read_paused = false;    // too many answers wait to be written
  std::uint64_t frames = 0;    // complete frames received
  std::uint64_t activity = 0;  // host-wide sequence number of the accept or the last frame
  std::string local_address;
  std::uint16_t local_port = 0;
  std::string remote_address;
  std::uint16_t remote_port = 0;
  std::deque<Bytes> writes;
  // Bytes read and not yet handled: each read takes what the socket has (often one whole frame,
  // sometimes several), and every complete frame in it is answered before the next read.
  Bytes inbox;
  std::size_t inbox_used = 0;

  std::string peer() const { return remote_address + ":" + std::to_string(remote_port); }
};

bool mtiMatches(std::string_view pattern, std::string_view mti) {
  if (pattern.empty()) return true;
  if (pattern.size() != mti.size()) return false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char p = pattern[i];
    if (p != 'x' && p != 'X' && p != mti[i]) return false;
  }
  return true;
}

bool amountMatches(std::string_view wanted, std::string_view de4) {
  if (wanted.empty()) return true;
  if (!isDigits(wanted) || !isDigits(de4)) return wanted == de4;
  auto strip = [](std::string_view s) {
    const auto first = s.find_first_not_of('0');
    return first == std::string_view::npos ? std::string_view("0") : s.substr(first);
  };
  return strip(wanted) == strip(de4);
}

std::string describeRequestMessage(const iso8583::Message& m) {
  std::string out = m.mti().empty() ? std::string("(no MTI)") : m.mti();
  if (m.has(3)) out += " DE 3 " + std::string(m.get(3));
  if (m.has(11)) out += " STAN " + std::string(m.get(11));
  if (m.has(41)) out += " terminal " + std::string(m.get(41));
  if (m.has(2)) out += " card " + maskPan(m.get(2));
  if (m.has(4)) out += " DE 4 " + std::string(m.get(4));
  return out;
}

}  // namespace

std::string_view hostFaultActionName(HostFaultRule::Action action) {
  switch (action) {
    case HostFaultRule::Action::kDelay: return "delay";
    case HostFaultRule::Action::kDrop: return "drop";
    case HostFaultRule::Action::kDuplicate: return "duplicate";
    case HostFaultRule::Action::kDisconnect: return "disconnect";
    case HostFaultRule::Action::kWrongMac: return "wrong_mac";
    case HostFaultRule::Action::kResponseCode: return "response_code";
  }
  return "?";
}

Result<HostFaultRule> parseHostFaultRule(std::string_view spec) {
  const std::string forms =
      " (forms: delay=2000ms, drop, duplicate, disconnect, wrong_mac, response_code=51; then "
      ":mti=0200, :pan=0010, :amount=000000009999, :count=N)";
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const std::size_t colon = spec.find(':', start);
    parts.push_back(
        spec.substr(start, colon == std::string_view::npos ? spec.npos : colon - start));
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  HostFaultRule rule;
  const std::string_view head = parts.front();
  const std::size_t eq = head.find('=');
  const std::string_view action = head.substr(0, eq);
  const std::string_view value = eq == std::string_view::npos ? "" : head.substr(eq + 1);
  const std::string where = "fault '" + std::string(spec) + "': ";
  if (action == "delay") {
    rule.action = HostFaultRule::Action::kDelay;
    auto d = parseDuration(value);
    if (value.empty() || !d.isOk() || d->count() < 0) {
      return invalidArgument(where + "delay needs a duration, e.g. delay=2000ms" + forms);
    }
    rule.delay = std::chrono::duration_cast<std::chrono::milliseconds>(*d);
  } else if (action == "response_code") {
    rule.action = HostFaultRule::Action::kResponseCode;
    if (value.size() < 2 || value.size() > 3) {
      return invalidArgument(where + "response_code needs a code, e.g. response_code=51" + forms);
    }
    rule.response_code = std::string(value);
  } else {
    if (action == "drop") {
      rule.action = HostFaultRule::Action::kDrop;
    } else if (action == "duplicate") {
      rule.action = HostFaultRule::Action::kDuplicate;
    } else if (action == "disconnect") {
      rule.action = HostFaultRule::Action::kDisconnect;
    } else if (action == "wrong_mac") {
      rule.action = HostFaultRule::Action::kWrongMac;
    } else {
      return invalidArgument(where + "unknown action '" + std::string(action) + "'" + forms);
    }
    if (!value.empty()) {
      return invalidArgument(where + std::string(action) + " takes no value" + forms);
    }
  }
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const std::string_view part = parts[i];
    const std::size_t e = part.find('=');
    const std::string_view key = part.substr(0, e);
    const std::string_view v = e == std::string_view::npos ? "" : part.substr(e + 1);
    if (v.empty())
      return invalidArgument(where + "'" + std::string(part) + "' needs a value" + forms);
    if (key == "mti") {
      if (v.size() != 4) return invalidArgument(where + "mti: 4 characters, e.g. 0200 or 02xx");
      rule.mti = std::string(v);
    } else if (key == "pan") {
      if (!isDigits(v)) return invalidArgument(where + "pan: the last digits of the PAN");
      rule.pan_suffix = std::string(v);
    } else if (key == "amount") {
      if (!isDigits(v)) return invalidArgument(where + "amount: DE 4 digits (minor units)");
      rule.amount = std::string(v);
    } else if (key == "count") {
      if (!isDigits(v) || v.size() > 9) return invalidArgument(where + "count: a number");
      rule.count = static_cast<std::uint32_t>(std::stoul(std::string(v)));
    } else {
      return invalidArgument(where + "unknown condition '" + std::string(key) + "'" + forms);
    }
  }
  return rule;
}

std::string formatHostFaultRule(const HostFaultRule& rule) {
  std::string out(hostFaultActionName(rule.action));
  if (rule.action == HostFaultRule::Action::kDelay) {
    out += "=" + std::to_string(rule.delay.count()) + "ms";
  }
  if (rule.action == HostFaultRule::Action::kResponseCode) out += "=" + rule.response_code;
  if (!rule.mti.empty()) out += ":mti=" + rule.mti;
  if (!rule.pan_suffix.empty()) out += ":pan=" + rule.pan_suffix;
  if (!rule.amount.empty()) out += ":amount=" + rule.amount;
  if (rule.count != 0) out += ":count=" + std::to_string(rule.count);
  return out;
}

struct Iso8583Host::Impl {
  Impl(HostOptions host_options, std::unique_ptr<AcquirerBackend> acquirer, EventSink* sink,
       WireTap* wire_tap, const SteadyClock* steady_clock)
      : options(std::move(host_options)),
        backend(std::move(acquirer)),
        events(sink),
        tap(wire_tap),
        clock(steady_clock),
        io(1),
        work(asio::make_work_guard(io)),
        acceptor(io),
        accept_timer(io),
        signals(io),
        fault_counts(options.faults.size(), 0),
        reference_time(options.reference_time) {}

  HostOptions options;
  std::unique_ptr<AcquirerBackend> backend;
  EventSink* events;
  WireTap* tap;
  const SteadyClock* clock;

  asio::io_context io;  // run by the network thread only (concurrency hint 1)
  asio::executor_work_guard<asio::io_context::executor_type> work;
  std::unique_ptr<asio::ssl::context> tls_context;
  tcp::acceptor acceptor;
  asio::steady_timer accept_timer;
  asio::signal_set signals;
  bool catching_signals = false;  // catchSignals() ran (touched by the caller's thread only)
  std::thread thread;
  std::uint16_t bound_port = 0;
  std::string bound_address;

  // Network thread only.
  std::set<std::shared_ptr<HostConnection>> connections;
  std::uint64_t next_connection_id = 1;
  std::uint64_t activity_counter = 0;
  std::uint64_t frame_deadlines = 0;
  std::chrono::nanoseconds notes_window{0};
  int notes_in_window = 0;
  std::uint64_t notes_left_out = 0;
  std::vector<std::uint32_t> fault_counts;
  LocalDateTime reference_time;

  std::mutex backend_mutex;
  std::mutex events_mutex;
  std::atomic<std::uint64_t> served{0};

  std::mutex state_mutex;
  std::condition_variable state_changed;
  bool stopped = false;
  int signal_number = 0;

  void report(TraceKind kind, std::string summary) {
    if (events == nullptr) return;
    TraceEvent event;
    event.kind = kind;
    event.at = reference_time.instant;
    event.source = std::string(kSource);
    event.summary = std::move(summary);
    std::lock_guard lock(events_mutex);
    events->onEvent(event);
  }

  // A note about input the host rejects (a malformed message, a closed or evicted connection):
  // rate-limited, since every hostile connection or frame could cause one.
  void rejection(std::string summary) {
    if (events == nullptr) return;
    if (clock != nullptr) {
      const std::chrono::nanoseconds now = clock->elapsed();
      if (now - notes_window >= std::chrono::seconds(1)) {
        notes_window = now;
        notes_in_window = 0;
      }
      if (notes_in_window >= kNotesPerSecond) {
        ++notes_left_out;
        return;
      }
      ++notes_in_window;
    }
    if (notes_left_out > 0) {
      summary += " (" + std::to_string(notes_left_out) + " similar note(s) left out before this)";
      notes_left_out = 0;
    }
    report(TraceKind::kNote, std::move(summary));
  }

  void wire(const HostConnection& c, bool outbound, ByteView bytes) {
    if (tap == nullptr) return;
    WireEvent event;
    event.outbound = outbound;
    event.local_address = c.local_address;
    event.local_port = c.local_port;
    event.remote_address = c.remote_address;
    event.remote_port = c.remote_port;
    event.connection = c.id;
    event.bytes.assign(bytes.begin(), bytes.end());
    event.at = clock != nullptr ? clock->elapsed() : std::chrono::nanoseconds(0);
    tap->onWire(event);
  }

  // --- lifecycle -------------------------------------------------------------------------

  void requestStop(int signal) {
    {
      std::lock_guard lock(state_mutex);
      if (stopped) return;
      stopped = true;
      signal_number = signal;
    }
    asio::post(io, [this] {
      error_code ignored;
      acceptor.close(ignored);
      accept_timer.cancel();
      signals.cancel(ignored);
      auto open = connections;
      for (const auto& c : open) close(c, "host stopping", false);
      if (notes_left_out > 0) {
        report(TraceKind::kNote, std::to_string(notes_left_out) + " note(s) left out (rate limit)");
        notes_left_out = 0;
      }
    });
    state_changed.notify_all();
  }

  // --- accepting -------------------------------------------------------------------------

  std::size_t maxConnections() const {
    return options.max_connections == 0 ? kDefaultMaxConnections : options.max_connections;
  }

  static bool outOfDescriptors(const error_code& ec) {
    return ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space ||
           ec == asio::error::no_memory ||
           ec == error_code(ENFILE, boost::system::system_category());
  }

  // Closes the connection least worth keeping: the oldest that never sent a complete frame, else
  // the one whose last frame is oldest. False when there is none.
  bool evictOne(const std::string& why) {
    std::shared_ptr<HostConnection> victim;
    for (const auto& c : connections) {
      if (!victim || std::make_pair(c->frames > 0, c->activity) <
                         std::make_pair(victim->frames > 0, victim->activity)) {
        victim = c;
      }
    }
    if (!victim) return false;
    close(victim, "evicted: " + why, true);
    return true;
  }

  void accept() {
    acceptor.async_accept([this](const error_code& ec, tcp::socket socket) {
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
        rejection("accept failed: " + ec.message());
        // Out of descriptors, the pending connection stays in the backlog and accept() fails
        // again at once: free a descriptor, or wait, rather than spin.
        if (outOfDescriptors(ec) &&
            !evictOne("no file descriptor left for a new connection (" + ec.message() + ")")) {
          accept_timer.expires_after(kAcceptRetry);
          accept_timer.async_wait([this](const error_code& wait_ec) {
            if (!wait_ec && acceptor.is_open()) accept();
          });
          return;
        }
        accept();
        return;
      }
      if (connections.size() >= maxConnections()) {
        evictOne(std::to_string(connections.size()) + " connections open, the limit");
      }
      auto c = std::make_shared<HostConnection>();
      c->id = next_connection_id++;
      c->activity = ++activity_counter;
      error_code ep_ec;
      const auto local = socket.local_endpoint(ep_ec);
      const auto remote = socket.remote_endpoint(ep_ec);
      c->local_address = local.address().to_string();
      c->local_port = local.port();
      c->remote_address = remote.address().to_string();
      c->remote_port = remote.port();
      socket.set_option(tcp::no_delay(true), ep_ec);
      if (tls_context) {
        c->tls = std::make_unique<asio::ssl::stream<tcp::socket>>(std::move(socket), *tls_context);
      } else {
        c->plain = std::make_unique<tcp::socket>(std::move(socket));
      }
      connections.insert(c);
      if (c->tls) {
        c->tls->async_handshake(asio::ssl::stream_base::server, [this, c](const error_code& hs) {
          if (hs) {
            close(c, "TLS handshake failed: " + hs.message(), true);
            return;
          }
          armIdle(c);
          readNext(c);
        });
      } else {
        armIdle(c);
        readNext(c);
      }
      accept();
    });
  }

  void close(std::shared_ptr<HostConnection> c, const std::string& reason, bool tell) {
    if (!c->open) return;
    c->open = false;
    // Reported before the socket closes, so whoever sees the close finds the reason logged.
    if (tell) rejection("connection from " + c->peer() + " closed: " + reason);
    error_code ignored;
    if (c->idle_timer) c->idle_timer->cancel();
    if (c->frame_timer) c->frame_timer->cancel();
    c->socket().shutdown(tcp::socket::shutdown_both, ignored);
    c->socket().close(ignored);
    connections.erase(c);
  }

  void armIdle(const std::shared_ptr<HostConnection>& c) {
    if (options.idle_timeout.count() <= 0) return;
    if (!c->idle_timer) c->idle_timer = std::make_unique<asio::steady_timer>(io);
    c->idle_timer->expires_after(options.idle_timeout);
    c->idle_timer->async_wait([this, c](const error_code& ec) {
      if (ec) return;
      close(c, "idle for " + std::to_string(options.idle_timeout.count()) + " ms", true);
    });
  }

  // Starts the deadline of the partial frame at the front of the inbox (again when `restart`,
  // i.e. a new frame began), or ends it when the inbox is empty.
  void trackPartialFrame(const std::shared_ptr<HostConnection>& c, bool restart) {
    if (options.frame_timeout.count() <= 0) return;
    if (c->inbox_used == 0) {
      if (c->frame_deadline != 0) {
        c->frame_deadline = 0;
        c->frame_timer->cancel();
      }
      return;
    }
    if (c->frame_deadline != 0 && !restart) return;
    if (!c->frame_timer) c->frame_timer = std::make_unique<asio::steady_timer>(io);
    const std::uint64_t deadline = ++frame_deadlines;
    c->frame_deadline = deadline;
    c->frame_timer->expires_after(options.frame_timeout);
    c->frame_timer->async_wait([this, c, deadline](const error_code& ec) {
      if (ec || c->frame_deadline != deadline) return;
      close(c,
            "frame incomplete after " + std::to_string(options.frame_timeout.count()) + " ms (" +
                std::to_string(c->inbox_used) + " byte(s) received)",
            true);
    });
  }

  // --- reading ---------------------------------------------------------------------------

  void readNext(const std::shared_ptr<HostConnection>& c) {
    if (!c->open) return;
    if (c->writes.size() >= kMaxQueuedAnswers) {
      c->read_paused = true;  // writeFront() reads again once the client takes its answers
      return;
    }
    if (options.framing == iso8583::Framing::kNone) {
      c->inbox.resize(options.max_message_size);
      c->asyncReadSome(asio::buffer(c->inbox), [this, c](const error_code& ec, std::size_t n) {
        if (ec) {
          close(c, readError(ec), ec != asio::error::eof);
          return;
        }
        const ByteView message(c->inbox.data(), n);
        guardedFrame(c, message, message);
        readNext(c);
      });
      return;
    }
    // Room for at least a whole prefix, or the whole frame whose prefix is in already.
    const std::size_t prefix_size = iso8583::framingPrefixSize(options.framing);
    std::size_t wanted = std::max<std::size_t>(kReadChunk, c->inbox_used + prefix_size);
    if (c->inbox_used >= prefix_size) {
      auto length =
          iso8583::readFramePrefix(options.framing, ByteView(c->inbox.data(), prefix_size));
      if (length.isOk() && length->has_value()) {
        wanted = std::max(wanted, prefix_size + **length);
      }
    }
    if (c->inbox.size() < wanted) c->inbox.resize(wanted);
    c->asyncReadSome(asio::buffer(c->inbox.data() + c->inbox_used, c->inbox.size() - c->inbox_used),
                     [this, c](const error_code& ec, std::size_t n) {
                       if (ec) {
                         close(c, readError(ec),
                               ec != asio::error::eof && ec != asio::error::operation_aborted);
                         return;
                       }
                       c->inbox_used += n;
                       if (handleFrames(c)) readNext(c);
                     });
  }

  // Answers every complete frame in the connection's inbox and keeps the rest; false when the
  // connection was closed (a bad prefix, a frame above the limit, a fault).
  bool handleFrames(const std::shared_ptr<HostConnection>& c) {
    const std::size_t prefix_size = iso8583::framingPrefixSize(options.framing);
    std::size_t at = 0;
    while (c->open && c->inbox_used - at >= prefix_size) {
      const ByteView prefix(c->inbox.data() + at, prefix_size);
      auto length = iso8583::readFramePrefix(options.framing, prefix);
      if (!length.isOk() || !length->has_value()) {
        wire(*c, false, prefix);
        close(c,
              "bad frame length prefix " + toHex(prefix) +
                  (length.isOk() ? "" : ": " + length.status().message()),
              true);
        return false;
      }
      const std::size_t size = **length;
      if (size > options.max_message_size) {
        wire(*c, false, prefix);
        close(c,
              "frame of " + std::to_string(size) + " bytes exceeds the limit of " +
                  std::to_string(options.max_message_size),
              true);
        return false;
      }
      if (c->inbox_used - at < prefix_size + size) break;
      const ByteView framed(c->inbox.data() + at, prefix_size + size);
      at += prefix_size + size;
      guardedFrame(c, framed, framed.subspan(prefix_size));
    }
    if (!c->open) return false;
    // Keep the partial frame at the front (rare: a frame split across reads).
    if (at > 0) {
      std::copy(c->inbox.begin() + static_cast<std::ptrdiff_t>(at),
                c->inbox.begin() + static_cast<std::ptrdiff_t>(c->inbox_used), c->inbox.begin());
      c->inbox_used -= at;
    }
    trackPartialFrame(c, at > 0);
    // A large buffer was for one large frame; do not keep it for an idle connection.
    if (c->inbox_used == 0 && c->inbox.size() > kReadChunk) Bytes().swap(c->inbox);
    return true;
  }

  static std::string readError(const error_code& ec) {
    if (ec == asio::error::eof) return "closed by the peer";
    return "read failed: " + ec.message();
  }

  void guardedFrame(const std::shared_ptr<HostConnection>& c, ByteView framed, ByteView body) {
    try {
      ++c->frames;
      c->activity = ++activity_counter;
      armIdle(c);
      onFrame(c, framed, body);
    } catch (const std::exception& e) {
      report(TraceKind::kNote, "message from " + c->peer() + " failed: " + e.what());
      close(c, "internal error", true);
    } catch (...) {
      report(TraceKind::kNote, "message from " + c->peer() + " failed: unknown exception");
      close(c, "internal error", true);
    }
  }

  // --- answering -------------------------------------------------------------------------

  std::vector<const HostFaultRule*> matchingFaults(const iso8583::Message& m) {
    std::vector<const HostFaultRule*> out;
    for (std::size_t i = 0; i < options.faults.size(); ++i) {
      const HostFaultRule& rule = options.faults[i];
      if (!mtiMatches(rule.mti, m.mti())) continue;
      if (!rule.pan_suffix.empty()) {
        const std::string_view pan = m.get(2);
        if (pan.size() < rule.pan_suffix.size() ||
            pan.substr(pan.size() - rule.pan_suffix.size()) != rule.pan_suffix) {
          continue;
        }
      }
      if (!rule.amount.empty() && !amountMatches(rule.amount, m.get(4))) continue;
      if (rule.count != 0 && fault_counts[i] >= rule.count) continue;
      ++fault_counts[i];
      out.push_back(&rule);
    }
    return out;
  }

  // The answer to an echo, sign-on or other network management message: 00 (1993: 800).
  iso8583::Message networkAnswer(const iso8583::Message& request) {
    iso8583::Message answer(iso8583::Message::responseMti(request.mti()));
    answer.setTpdu(request.tpdu());
    answer.setHeader(request.header());
    for (int field : {7, 11, 12, 13, 24, 32, 33, 41, 42, 53, 70}) {
      if (request.has(field) && options.dialect->field(field) != nullptr) {
        answer.set(field, std::string(request.get(field)));
      }
    }
    const iso8583::FieldSpec* de39 = options.dialect->field(39);
    if (de39 != nullptr) answer.set(39, de39->max_length == 3 ? "800" : "00");
    return answer;
  }

  void answerMalformed(const std::shared_ptr<HostConnection>& c, const iso8583::Message& partial,
                       const std::string& reason) {
    rejection("malformed message from " + c->peer() + ": " + reason);
    std::optional<iso8583::Message> answer;
    try {
      answer = formatErrorResponse(*options.dialect, partial);
    } catch (...) {
      answer.reset();
    }
    if (!answer) {
      close(c, "cannot answer a message this malformed", true);
      return;
    }
    auto packed = packWithMac(*options.dialect, *answer, options.mac_key);
    if (!packed.isOk()) {
      close(c, "cannot pack the format error answer: " + packed.status().message(), true);
      return;
    }
    send(c, *packed, 1, std::chrono::milliseconds(0));
  }

  void onFrame(const std::shared_ptr<HostConnection>& c, ByteView framed, ByteView body) {
    wire(*c, false, framed);
    auto unpacked = unpackWithMac(*options.dialect, body, options.mac_key);
    if (!unpacked.isOk()) {
      // What could be decoded, for the format error answer.
      answerMalformed(c, iso8583::unpack(*options.dialect, body).message,
                      unpacked.status().message());
      return;
    }
    const iso8583::Message& message = *unpacked;
    const std::string& mti = message.mti();
    if (mti.size() != 4 || !isDigits(mti) || mti[2] == '9' || (mti[2] - '0') % 2 != 0) {
      answerMalformed(c, message, "MTI '" + mti + "' is not a request or advice");
      return;
    }
    const std::vector<const HostFaultRule*> faults = matchingFaults(message);
    // The request in words, for events: only built when someone listens.
    const bool tracing = events != nullptr;
    std::string description;
    const auto describe = [&] {
      return "from " + c->peer() + ": " + describeRequestMessage(message);
    };
    if (tracing) description = describe();
    iso8583::Message answer;
    if (isNetworkManagement(mti)) {
      answer = networkAnswer(message);
    } else {
      auto request = requestFromMessage(*options.dialect, message, reference_time);
      if (!request.isOk()) {
        answerMalformed(c, message, request.status().message());
        return;
      }
      if (request->transmitted_at.instant > reference_time.instant) {
        reference_time = request->transmitted_at;
      }
      Result<Response> response = internalError("no answer");
      {
        std::lock_guard lock(backend_mutex);
        try {
          response = backend->send(*request);
        } catch (const std::exception& e) {
          response = internalError(std::string("backend threw: ") + e.what());
        }
      }
      Response answered;
      if (response.isOk()) {
        answered = std::move(response).value();
      } else {
        report(TraceKind::kNote, describe() + ": backend error: " + response.status().message());
        answered.response_code = "96";
        answered.message = response.status().message();
      }
      for (const HostFaultRule* f : faults) {
        if (f->action == HostFaultRule::Action::kResponseCode) {
          answered.response_code = f->response_code;
          if (!answered.approved()) answered.authorization_code.clear();
        }
      }
      answer = responseToMessage(*options.dialect, message, answered);
      if (tracing) {
        description = "from " + c->peer() + ": " + std::string(transactionTypeName(request->type)) +
                      " " + describeRequestMessage(message);
      }
    }
    bool wrong_mac = false;
    bool drop = false;
    bool disconnect = false;
    int copies = 1;
    std::chrono::milliseconds delay{0};
    std::string fault_names;
    for (const HostFaultRule* f : faults) {
      fault_names += (fault_names.empty() ? "" : ", ") + formatHostFaultRule(*f);
      switch (f->action) {
        case HostFaultRule::Action::kDelay: delay += f->delay; break;
        case HostFaultRule::Action::kDrop: drop = true; break;
        case HostFaultRule::Action::kDuplicate: copies = 2; break;
        case HostFaultRule::Action::kDisconnect: disconnect = true; break;
        case HostFaultRule::Action::kWrongMac: wrong_mac = true; break;
        case HostFaultRule::Action::kResponseCode: break;
      }
    }
    const int mac_field = iso8583::macField(*options.dialect, answer);
    if (wrong_mac && !options.mac_key) {
      // No key to compute one with: carry a MAC that cannot verify.
      answer.set(mac_field, std::string(8, '\xA5'));
    }
    std::string outcome;
    if (tracing) {
      outcome = "-> " + answer.mti() + " " + std::string(answer.get(39));
      if (answer.has(39)) outcome += " " + std::string(responseCodeMeaning(answer.get(39)));
      if (!fault_names.empty()) outcome += " [fault " + fault_names + "]";
    }
    auto packed = packWithMac(*options.dialect, std::move(answer), options.mac_key);
    if (!packed.isOk()) {
      report(TraceKind::kNote,
             describe() + ": cannot pack the answer: " + packed.status().message());
      close(c, "cannot pack the answer", true);
      return;
    }
    if (wrong_mac && options.mac_key && !packed->empty()) {
      std::uint8_t& last = packed->back();
      const bool hex_char = (last >= '0' && last <= '9') || (last >= 'A' && last <= 'F');
      const iso8583::FieldSpec* spec = options.dialect->field(mac_field);
      if (hex_char && spec != nullptr && spec->data_encoding == iso8583::DataEncoding::kHex) {
        last = last == '0' ? '1' : '0';
      } else {
        last ^= 0x01;
      }
    }
    served.fetch_add(1);
    if (disconnect) {
      report(TraceKind::kIso8583Response,
             description + " -> disconnected, no answer [fault " + fault_names + "]");
      close(c, "fault disconnect", false);
      return;
    }
    if (drop) {
      report(TraceKind::kIso8583Response,
             description + " -> dropped, no answer [fault " + fault_names + "]");
      return;
    }
    if (tracing) report(TraceKind::kIso8583Response, description + " " + outcome);
    send(c, *packed, copies, delay);
  }

  void send(const std::shared_ptr<HostConnection>& c, const Bytes& packed, int copies,
            std::chrono::milliseconds delay) {
    Bytes frame;
    frame.reserve(iso8583::framingPrefixSize(options.framing) + packed.size());
    const Status prefixed = iso8583::appendFramePrefix(options.framing, packed.size(), frame);
    if (!prefixed.isOk()) {
      close(c, prefixed.message(), true);
      return;
    }
    append(frame, packed);
    if (delay.count() > 0) {
      auto timer = std::make_shared<asio::steady_timer>(io);
      timer->expires_after(delay);
      timer->async_wait([this, c, frame, copies, timer](const error_code& ec) {
        if (ec) return;
        for (int i = 0; i < copies; ++i) write(c, frame);
      });
      return;
    }
    for (int i = 0; i < copies; ++i) write(c, frame);
  }

  void write(const std::shared_ptr<HostConnection>& c, Bytes frame) {
    if (!c->open) return;
    c->writes.push_back(std::move(frame));
    if (c->writes.size() == 1) writeFront(c);
  }

  void writeFront(const std::shared_ptr<HostConnection>& c) {
    if (!c->open || c->writes.empty()) return;
    wire(*c, true, c->writes.front());
    c->asyncWrite(asio::buffer(c->writes.front()), [this, c](const error_code& ec, std::size_t) {
      if (ec) {
        close(c, "write failed: " + ec.message(), ec != asio::error::operation_aborted);
        return;
      }
      c->writes.pop_front();
      if (c->read_paused && c->writes.size() <= kMaxQueuedAnswers / 2) {
        c->read_paused = false;
        readNext(c);
      }
      writeFront(c);
    });
  }
};

Iso8583Host::Iso8583Host(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Iso8583Host::~Iso8583Host() {
  Impl& s = *impl_;
  s.requestStop(0);
  s.work.reset();
  if (s.thread.joinable()) {
    asio::post(s.io, [&s] { s.io.stop(); });
    s.thread.join();
  }
}

Result<std::unique_ptr<Iso8583Host>> Iso8583Host::start(HostOptions options,
                                                        std::unique_ptr<AcquirerBackend> backend,
                                                        EventSink* events, WireTap* tap,
                                                        const SteadyClock* clock) {
  if (options.dialect == nullptr) return invalidArgument("host: no dialect given");
  if (backend == nullptr) return invalidArgument("host: no backend given");
  if (options.mac_key && options.mac_key->size() != 16) {
    return invalidArgument("host: the MAC key must be 16 bytes (32 hex digits)");
  }
  if (options.max_message_size == 0) options.max_message_size = 8192;
  try {
    auto impl = std::make_unique<Impl>(std::move(options), std::move(backend), events, tap, clock);
    const HostOptions& o = impl->options;
    error_code ec;
    if (o.tls.enabled) {
      auto context = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
      context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                               asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                               asio::ssl::context::no_tlsv1_1,
                           ec);
      context->use_certificate_chain_file(o.tls.cert_file, ec);
      if (ec) {
        return invalidArgument("host: TLS certificate '" + o.tls.cert_file +
                               "' cannot be loaded: " + pemProblem(o.tls.cert_file, ec));
      }
      context->use_private_key_file(o.tls.key_file.empty() ? o.tls.cert_file : o.tls.key_file,
                                    asio::ssl::context::pem, ec);
      if (ec) {
        return invalidArgument("host: TLS key '" + o.tls.key_file +
                               "' cannot be loaded: " + pemProblem(o.tls.key_file, ec));
      }
      if (!o.tls.ca_file.empty()) {
        // Client certificates are asked for and checked against this CA.
        context->load_verify_file(o.tls.ca_file, ec);
        if (ec) {
          return invalidArgument("host: TLS CA file '" + o.tls.ca_file +
                                 "' cannot be loaded: " + pemProblem(o.tls.ca_file, ec));
        }
        context->set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert,
                                 ec);
      }
      impl->tls_context = std::move(context);
    }
    const std::string where = o.listen_address + ":" + std::to_string(o.listen_port);
    const auto address = asio::ip::make_address(o.listen_address, ec);
    if (ec) {
      return invalidArgument("host: listen address '" + o.listen_address +
                             "' is not an IP address");
    }
    const tcp::endpoint endpoint(address, o.listen_port);
    impl->acceptor.open(endpoint.protocol(), ec);
    if (!ec) impl->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) impl->acceptor.bind(endpoint, ec);
    if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return unavailable("host: cannot listen on " + where + ": " + ec.message());
    const tcp::endpoint bound = impl->acceptor.local_endpoint(ec);
    impl->bound_port = bound.port();
    impl->bound_address = bound.address().to_string();
    impl->accept();
    Impl* raw = impl.get();
    impl->thread = std::thread([raw] {
      for (;;) {
        try {
          raw->io.run();
          return;
        } catch (const std::exception& e) {
          raw->report(TraceKind::kNote, std::string("network thread: ") + e.what());
        } catch (...) {
          raw->report(TraceKind::kNote, "network thread: unknown exception");
        }
      }
    });
    return std::unique_ptr<Iso8583Host>(new Iso8583Host(std::move(impl)));
  } catch (const std::exception& e) {
    return unavailable(std::string("host: cannot start: ") + e.what());
  }
}

std::uint16_t Iso8583Host::port() const {
  return impl_->bound_port;
}

std::string Iso8583Host::address() const {
  const std::string& a = impl_->bound_address;
  return (a.find(':') != std::string::npos ? "[" + a + "]" : a) + ":" +
         std::to_string(impl_->bound_port);
}

void Iso8583Host::catchSignals() {
  Impl& s = *impl_;
  if (s.catching_signals) return;
  s.catching_signals = true;
  // Registered on the io thread (the signal set is its object); back when it is done, so that a
  // signal sent after this returns is caught.
  auto registered = std::make_shared<std::promise<void>>();
  asio::post(s.io, [&s, registered] {
    error_code ec;
    s.signals.add(SIGINT, ec);
    s.signals.add(SIGTERM, ec);
    s.signals.async_wait([&s](const error_code& wait_ec, int signal) {
      if (wait_ec) return;
      s.requestStop(signal);
    });
    registered->set_value();
  });
  // (Unless the host stops meanwhile, and its io thread with it.)
  const std::future<void> done = registered->get_future();
  while (done.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready) {
    std::lock_guard lock(s.state_mutex);
    if (s.stopped) return;
  }
}

int Iso8583Host::run(bool handle_signals) {
  Impl& s = *impl_;
  if (handle_signals) catchSignals();
  std::unique_lock lock(s.state_mutex);
  s.state_changed.wait(lock, [&s] { return s.stopped; });
  return s.signal_number;
}

void Iso8583Host::stop() {
  impl_->requestStop(0);
}

std::uint64_t Iso8583Host::requestsServed() const {
  return impl_->served.load();
}

}  // namespace posim::acquirer
