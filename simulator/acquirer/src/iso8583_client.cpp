// The `iso8583` client backend: one persistent TCP (optionally TLS) connection to a host, driven
// by an io_context on a background thread. send() posts the request to that thread and waits for
// its answer; everything that touches sockets, timers and the table of outstanding requests runs
// on the network thread only.
#include <algorithm>
#include <atomic>
#include <deque>
#include <exception>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <openssl/ssl.h>

#include "posim/acquirer/iso8583_mapping.h"
#include "posim/acquirer/iso8583_transport.h"
#include "posim/base/pan.h"
#include "posim/base/random.h"
#include "posim/iso8583/codec.h"
#include "posim/iso8583/framing.h"

#include "asio_stream.h"
#include "trace_message.h"

namespace posim::acquirer {
namespace {

namespace asio = boost::asio;
using net::pemProblem;
using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr std::string_view kSource = "acquirer:iso8583";
// Bytes asked for per read: a few typical messages.
constexpr std::size_t kReadChunk = 4096;

std::string endpointAddress(const tcp::endpoint& endpoint) {
  return endpoint.address().to_string();
}

// Requests and their responses share a key: version, class and the request's function digit of
// the MTI ("020" for 0200/0210, "040" for 0400/0401/0410), DE 11 and DE 41.
std::string requestKey(const iso8583::Message& message) {
  const std::string& mti = message.mti();
  std::string cls = mti.size() >= 3 ? mti.substr(0, 3) : mti;
  return cls + "|" + std::string(message.get(11)) + "|" + std::string(message.get(41));
}
std::optional<std::string> responseKey(const iso8583::Message& message) {
  const std::string& mti = message.mti();
  if (mti.size() != 4 || mti[2] < '1' || mti[2] > '9') return std::nullopt;
  std::string cls = mti.substr(0, 2);
  cls += static_cast<char>(mti[2] - 1);
  return cls + "|" + std::string(message.get(11)) + "|" + std::string(message.get(41));
}

std::string describeMessage(const iso8583::Message& message) {
  std::string out = message.mti().empty() ? std::string("(no MTI)") : message.mti();
  if (message.has(11)) out += " STAN " + std::string(message.get(11));
  if (message.has(41)) out += " terminal " + std::string(message.get(41));
  if (message.has(2)) out += " card " + maskPan(message.get(2));
  if (message.has(39)) out += " DE 39 " + std::string(message.get(39));
  return out;
}

std::string describeRequest(const Request& request, std::string_view mti) {
  std::string out = std::string(mti) + " " + std::string(transactionTypeName(request.type));
  out += request.kind == MessageKind::kAdvice ? " advice" : " request";
  if (request.repeat) out += " (repeat)";
  if (!request.stan.empty()) out += " STAN " + request.stan;
  if (!request.terminal_id.empty()) out += " terminal " + request.terminal_id;
  if (!request.pan.empty()) out += " card " + request.pan.masked();
  if (request.amount.minorUnits() != 0) out += " amount " + request.amount.toString();
  return out;
}

// A connection: a TCP socket, optionally wrapped in TLS.
struct Connection : net::TcpOrTlsStream {
  Connection(asio::io_context& io, asio::ssl::context* tls_context, std::uint64_t connection_id)
      : id(connection_id) {
    if (tls_context != nullptr) {
      tls = std::make_unique<asio::ssl::stream<tcp::socket>>(io, *tls_context);
    } else {
      plain = std::make_unique<tcp::socket>(io);
    }
  }

  std::uint64_t id = 0;
  bool open = false;
  std::string local_address;
  std::uint16_t local_port = 0;
  std::string remote_address;
  std::uint16_t remote_port = 0;
  std::deque<Bytes> writes;  // framed messages; the front one is being written
  Bytes inbox;               // bytes read and not yet handled (a partial frame at most)
  std::size_t inbox_used = 0;
};

// One request waiting for its answer (or an echo of the keep-alive).
struct Pending {
  std::string key;
  std::string summary;  // masked, for notes
  bool echo = false;
  bool written = false;
  std::shared_ptr<Connection> connection;
  std::chrono::nanoseconds deadline{
      0};  // on the injected clock: no answer by then, kDeadlineExceeded
  std::function<void(Result<iso8583::Message>)> done;
};

}  // namespace

struct Iso8583ClientBackend::Impl {
  Impl(ClientOptions client_options, EventSink* event_sink, WireTap* wire_tap,
       const SteadyClock* steady_clock)
      : options(std::move(client_options)),
        events(event_sink),
        tap(wire_tap),
        clock(steady_clock),
        latency_random(options.latency_seed),
        work(asio::make_work_guard(io)),
        resolver(io),
        backoff_timer(io),
        echo_timer(io),
        deadline_timer(io),
        backoff(options.reconnect_backoff) {}

  ClientOptions options;
  EventSink* events;
  WireTap* tap;
  const SteadyClock* clock;
  std::mutex latency_mutex;
  SeededRandom latency_random;  // under latency_mutex

  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work;
  std::unique_ptr<asio::ssl::context> tls_context;
  std::thread thread;

  // Network thread only.
  tcp::resolver resolver;
  asio::steady_timer backoff_timer;
  asio::steady_timer echo_timer;
  // One timer for the response timeouts of every outstanding request: armed for the earliest
  // deadline, and only moved when a new deadline comes before it (a timer per request cost a
  // timerfd system call per request).
  asio::steady_timer deadline_timer;
  std::optional<std::chrono::nanoseconds> deadline_armed;
  std::shared_ptr<Connection> connection;
  bool connecting = false;
  std::vector<std::function<void(Status)>> connect_waiters;
  std::chrono::milliseconds backoff;
  std::chrono::nanoseconds next_attempt{0};
  std::uint64_t next_connection_id = 1;
  std::map<std::string, std::shared_ptr<Pending>> pending;
  std::map<std::string, std::string> expired;  // timed-out keys -> summary, for "late"
  std::deque<std::string> expired_order;
  std::deque<std::string> answered;  // recently answered keys, for "duplicate"
  std::chrono::nanoseconds last_activity{0};
  std::uint32_t echo_stan = 0;

  // Notes from the network thread, handed to `events` on the caller's thread (the sink is not
  // required to be thread-safe).
  std::mutex notes_mutex;
  std::vector<TraceEvent> notes;
  std::atomic<std::int64_t> virtual_now_us{0};  // latest transmission time, for notes
  std::atomic<std::int64_t> virtual_offset_min{0};
  std::atomic<std::int64_t> virtual_steady_ns{0};

  std::chrono::nanoseconds now() const { return clock->elapsed(); }

  LocalDateTime virtualNow() const {
    const auto since = now() - std::chrono::nanoseconds(virtual_steady_ns.load());
    return LocalDateTime{
        Instant(Duration(virtual_now_us.load())) +
            std::chrono::duration_cast<Duration>(std::max(since, std::chrono::nanoseconds(0))),
        std::chrono::minutes(virtual_offset_min.load())};
  }

  void note(std::string summary) {
    TraceEvent event;
    event.kind = TraceKind::kNote;
    event.at = Instant(Duration(virtual_now_us.load()));
    event.source = std::string(kSource);
    event.summary = std::move(summary);
    std::lock_guard lock(notes_mutex);
    notes.push_back(std::move(event));
  }

  void flushNotes() {
    std::vector<TraceEvent> taken;
    {
      std::lock_guard lock(notes_mutex);
      taken.swap(notes);
    }
    if (events == nullptr) return;
    for (const TraceEvent& event : taken) events->onEvent(event);
  }

  // `message`, when given, is packed (without DE 52 and keys) into the event's data.
  void trace(TraceKind kind, Instant at, std::string summary,
             const iso8583::Message* message = nullptr) {
    if (events == nullptr) return;
    TraceEvent event;
    event.kind = kind;
    event.at = at;
    event.source = std::string(kSource);
    event.summary = std::move(summary);
    if (message != nullptr) {
      event.data = traceBytes(*options.dialect, *message);
      if (!event.data.empty()) event.format = traceFormat(*options.dialect);
    }
    events->onEvent(event);
  }

  void wire(const Connection& c, bool outbound, ByteView bytes) {
    if (tap == nullptr) return;
    WireEvent event;
    event.outbound = outbound;
    event.local_address = c.local_address;
    event.local_port = c.local_port;
    event.remote_address = c.remote_address;
    event.remote_port = c.remote_port;
    event.connection = c.id;
    event.bytes.assign(bytes.begin(), bytes.end());
    event.at = now();
    tap->onWire(event);
  }

  std::string peer() const { return options.host + ":" + std::to_string(options.port); }

  // --- connecting -------------------------------------------------------------------------

  void ensureConnected(std::function<void(Status)> then) {
    if (connection && connection->open) {
      then(Status::ok());
      return;
    }
    connect_waiters.push_back(std::move(then));
    if (connecting) return;
    connecting = true;
    const auto wait = next_attempt - now();
    if (wait > std::chrono::nanoseconds(0)) {
      backoff_timer.expires_after(wait);
      backoff_timer.async_wait([this](const error_code& ec) {
        if (ec == asio::error::operation_aborted) return;
        startConnect();
      });
    } else {
      startConnect();
    }
  }

  void startConnect() {
    resolver.async_resolve(
        options.host, std::to_string(options.port),
        [this](const error_code& ec, const tcp::resolver::results_type& results) {
          if (ec) {
            finishConnect(nullptr, unavailable("cannot resolve host '" + options.host +
                                               "': " + ec.message()));
            return;
          }
          auto c = std::make_shared<Connection>(io, tls_context.get(), next_connection_id++);
          auto timer = std::make_shared<asio::steady_timer>(io);
          auto timed_out = std::make_shared<bool>(false);
          timer->expires_after(options.connect_timeout);
          timer->async_wait([c, timed_out](const error_code& timer_ec) {
            if (timer_ec) return;
            *timed_out = true;
            error_code ignored;
            c->socket().close(ignored);
          });
          asio::async_connect(
              c->socket(), results,
              [this, c, timer, timed_out](const error_code& connect_ec, const tcp::endpoint&) {
                if (connect_ec) {
                  timer->cancel();
                  finishConnect(
                      nullptr,
                      unavailable(*timed_out
                                      ? "cannot connect to " + peer() + ": no answer within " +
                                            std::to_string(options.connect_timeout.count()) +
                                            " ms (connect_timeout_ms)"
                                      : "cannot connect to " + peer() + ": " +
                                            connect_ec.message()));
                  return;
                }
                error_code ep_ec;
                const auto local = c->socket().local_endpoint(ep_ec);
                const auto remote = c->socket().remote_endpoint(ep_ec);
                c->local_address = endpointAddress(local);
                c->local_port = local.port();
                c->remote_address = endpointAddress(remote);
                c->remote_port = remote.port();
                c->socket().set_option(tcp::no_delay(true), ep_ec);
                if (!c->tls) {
                  timer->cancel();
                  finishConnect(c, Status::ok());
                  return;
                }
                const std::string name =
                    options.tls.server_name.empty() ? options.host : options.tls.server_name;
                // SNI, and the certificate must name the host (RFC 6125 via OpenSSL).
                SSL_ctrl(c->tls->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME,
                         TLSEXT_NAMETYPE_host_name, const_cast<char*>(name.c_str()));
                c->tls->set_verify_callback(asio::ssl::host_name_verification(name), ep_ec);
                c->tls->async_handshake(
                    asio::ssl::stream_base::client,
                    [this, c, timer, timed_out, name](const error_code& hs_ec) {
                      timer->cancel();
                      if (hs_ec) {
                        std::string why = hs_ec.message();
                        if (*timed_out) {
                          why = "no handshake within " +
                                std::to_string(options.connect_timeout.count()) + " ms";
                        }
                        finishConnect(
                            nullptr, unavailable("TLS handshake with " + peer() + " failed: " +
                                                 why + " (the certificate must chain to " +
                                                 (options.tls.ca_file.empty()
                                                      ? std::string("the system's CAs; see ca_file")
                                                      : "ca_file '" + options.tls.ca_file + "'") +
                                                 " and name '" + name + "'; see server_name)"));
                        return;
                      }
                      finishConnect(c, Status::ok());
                    });
              });
        });
  }

  void finishConnect(std::shared_ptr<Connection> c, Status status) {
    connecting = false;
    if (status.isOk()) {
      backoff = options.reconnect_backoff;
      next_attempt = std::chrono::nanoseconds(0);
      c->open = true;
      connection = c;
      last_activity = now();
      readNext(c);
      scheduleEcho(options.echo_interval);
    } else {
      next_attempt = now() + backoff;
      backoff = std::min(backoff * 2, options.reconnect_backoff_max);
    }
    auto waiters = std::move(connect_waiters);
    connect_waiters.clear();
    for (auto& waiter : waiters) waiter(status);
  }

  void closeConnection(std::shared_ptr<Connection> c, const std::string& reason) {
    if (!c->open) return;
    c->open = false;
    error_code ignored;
    c->socket().shutdown(tcp::socket::shutdown_both, ignored);
    c->socket().close(ignored);
    if (connection == c) connection.reset();
    note("connection " + std::to_string(c->id) + " to " + peer() + " closed: " + reason);
    std::vector<std::shared_ptr<Pending>> lost;
    for (auto it = pending.begin(); it != pending.end();) {
      if (it->second->connection == c) {
        lost.push_back(it->second);
        it = pending.erase(it);
      } else {
        ++it;
      }
    }
    for (auto& p : lost) {
      if (p->written) {
        p->done(ioError("connection to " + peer() + " closed before the answer to " + p->summary +
                        " arrived: " + reason));
      } else {
        p->done(unavailable("connection to " + peer() + " lost before " + p->summary +
                            " was sent: " + reason));
      }
    }
  }

  // --- writing ---------------------------------------------------------------------------

  void write(const std::shared_ptr<Connection>& c, Bytes frame) {
    c->writes.push_back(std::move(frame));
    if (c->writes.size() == 1) writeFront(c);
  }

  void writeFront(const std::shared_ptr<Connection>& c) {
    if (!c->open || c->writes.empty()) return;
    wire(*c, true, c->writes.front());
    c->asyncWrite(asio::buffer(c->writes.front()), [this, c](const error_code& ec, std::size_t) {
      if (ec) {
        closeConnection(c, "write failed: " + ec.message());
        return;
      }
      c->writes.pop_front();
      last_activity = now();
      writeFront(c);
    });
  }

  // --- reading ---------------------------------------------------------------------------

  void readNext(const std::shared_ptr<Connection>& c) {
    if (!c->open) return;
    if (options.framing == iso8583::Framing::kNone) {
      c->inbox.resize(options.max_message_size);
      c->asyncReadSome(asio::buffer(c->inbox), [this, c](const error_code& ec, std::size_t n) {
        if (ec) {
          closeConnection(c, readError(ec));
          return;
        }
        const ByteView message(c->inbox.data(), n);
        onFrame(c, message, message);
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
      if (length.isOk() && length->has_value()) wanted = std::max(wanted, prefix_size + **length);
    }
    if (c->inbox.size() < wanted) c->inbox.resize(wanted);
    c->asyncReadSome(asio::buffer(c->inbox.data() + c->inbox_used, c->inbox.size() - c->inbox_used),
                     [this, c](const error_code& ec, std::size_t n) {
                       if (ec) {
                         closeConnection(c, readError(ec));
                         return;
                       }
                       c->inbox_used += n;
                       if (handleFrames(c)) readNext(c);
                     });
  }

  // Handles every complete frame in the connection's inbox and keeps the rest; false when the
  // connection was closed (a bad prefix, a frame above the limit).
  bool handleFrames(const std::shared_ptr<Connection>& c) {
    const std::size_t prefix_size = iso8583::framingPrefixSize(options.framing);
    std::size_t at = 0;
    while (c->open && c->inbox_used - at >= prefix_size) {
      const ByteView prefix(c->inbox.data() + at, prefix_size);
      auto length = iso8583::readFramePrefix(options.framing, prefix);
      if (!length.isOk() || !length->has_value()) {
        wire(*c, false, prefix);
        closeConnection(c, "bad frame length prefix " + toHex(prefix) +
                               (length.isOk() ? "" : ": " + length.status().message()));
        return false;
      }
      const std::size_t size = **length;
      if (size > options.max_message_size) {
        wire(*c, false, prefix);
        closeConnection(c, "frame of " + std::to_string(size) + " bytes exceeds the limit of " +
                               std::to_string(options.max_message_size));
        return false;
      }
      if (c->inbox_used - at < prefix_size + size) break;
      const ByteView framed(c->inbox.data() + at, prefix_size + size);
      at += prefix_size + size;
      onFrame(c, framed, framed.subspan(prefix_size));
    }
    if (!c->open) return false;
    if (at > 0) {  // keep a partial frame at the front
      std::copy(c->inbox.begin() + static_cast<std::ptrdiff_t>(at),
                c->inbox.begin() + static_cast<std::ptrdiff_t>(c->inbox_used), c->inbox.begin());
      c->inbox_used -= at;
    }
    return true;
  }

  static std::string readError(const error_code& ec) {
    if (ec == asio::error::eof) return "closed by the host";
    return "read failed: " + ec.message();
  }

  void onFrame(const std::shared_ptr<Connection>& c, ByteView framed, ByteView body) {
    wire(*c, false, framed);
    last_activity = now();
    iso8583::Unpacked partial = iso8583::unpack(*options.dialect, body);
    const std::optional<std::string> key = responseKey(partial.message);
    auto it = key ? pending.find(*key) : pending.end();
    if (it == pending.end() && !key) {
      // Not even an MTI: if exactly one request is outstanding on this connection, it is the
      // answer to that one.
      std::shared_ptr<Pending> only;
      int count = 0;
      for (auto& [k, p] : pending) {
        if (p->connection == c) {
          only = p;
          ++count;
        }
      }
      if (count == 1) it = pending.find(only->key);
    }
    if (it == pending.end()) {
      std::string what = describeMessage(partial.message);
      if (key && expired.count(*key) != 0) {
        note("late response " + what + " to " + expired[*key] +
             " (arrived after its timeout): dropped");
        expired.erase(*key);
      } else if (key && std::find(answered.begin(), answered.end(), *key) != answered.end()) {
        note("unmatched response " + what +
             ": its request was already answered (duplicate response): dropped");
      } else {
        note("unmatched response " + what + ": no outstanding request with this MTI class, " +
             "DE 11 and DE 41: dropped" +
             (partial.ok() ? "" : " (undecodable: " + partial.diagnostics.front().message + ")"));
      }
      return;
    }
    std::shared_ptr<Pending> p = it->second;
    pending.erase(it);
    answered.push_back(p->key);
    if (answered.size() > 256) answered.pop_front();
    if (!options.mac_key && partial.ok()) {
      // Already decoded whole, and there is no MAC to check: no second decode.
      p->done(std::move(partial.message));
      return;
    }
    auto full = unpackWithMac(*options.dialect, body, options.mac_key);
    if (!full.isOk()) {
      p->done(malformed("response to " + p->summary + ": " + full.status().message()));
      return;
    }
    p->done(std::move(full).value());
  }

  // --- response timeouts -----------------------------------------------------------------

  // Makes sure the deadline timer fires no later than `deadline` (a time of the injected steady
  // clock; the timer waits the difference).
  void armDeadline(std::chrono::nanoseconds deadline) {
    if (deadline_armed && *deadline_armed <= deadline) return;
    deadline_armed = deadline;
    deadline_timer.expires_after(
        std::max(std::chrono::nanoseconds(0), deadline - clock->elapsed()));
    deadline_timer.async_wait([this](const error_code& ec) {
      if (ec) return;  // moved earlier (a new wait is set) or cancelled
      deadline_armed.reset();
      expireRequests();
    });
  }

  // Fails every request whose deadline has passed, then arms the timer for the next one.
  void expireRequests() {
    const std::chrono::nanoseconds now_steady = clock->elapsed();
    std::vector<std::shared_ptr<Pending>> late;
    std::optional<std::chrono::nanoseconds> next;
    for (const auto& [key, p] : pending) {
      if (p->deadline <= now_steady) {
        late.push_back(p);
      } else if (!next || p->deadline < *next) {
        next = p->deadline;
      }
    }
    for (const auto& p : late) {
      pending.erase(p->key);
      expired[p->key] = p->summary;
      expired_order.push_back(p->key);
      if (expired_order.size() > 1024) {
        expired.erase(expired_order.front());
        expired_order.pop_front();
      }
    }
    if (next) armDeadline(*next);
    for (const auto& p : late) {
      p->done(Status(StatusCode::kDeadlineExceeded,
                     "no answer from " + peer() + " to " + p->summary + " within " +
                         std::to_string(options.response_timeout.count()) + " ms (timeout_ms)"));
    }
  }

  // --- requests --------------------------------------------------------------------------

  // Network thread: connects when needed, registers the request and writes it.
  void submit(std::shared_ptr<Pending> p, Bytes frame) {
    ensureConnected([this, p, frame = std::move(frame)](Status status) mutable {
      if (!status.isOk()) {
        p->done(std::move(status));
        return;
      }
      if (pending.count(p->key) != 0) {
        p->done(failedPrecondition(p->summary +
                                   ": a request with the same MTI class, STAN and terminal id is "
                                   "still waiting for its answer"));
        return;
      }
      p->connection = connection;
      pending[p->key] = p;
      p->deadline = clock->elapsed() + options.response_timeout;
      armDeadline(p->deadline);
      p->written = true;  // queued on an open connection: as good as sent for reversal rules
      write(connection, std::move(frame));
    });
  }

  // Checks again when the connection will have been idle for echo_interval.
  void scheduleEcho(std::chrono::nanoseconds wait) {
    if (options.echo_interval.count() <= 0) return;
    echo_timer.expires_after(wait);
    echo_timer.async_wait([this](const error_code& ec) {
      if (ec) return;
      if (!connection || !connection->open) return;
      const std::chrono::nanoseconds interval = options.echo_interval;
      const auto idle = now() - last_activity;
      if (idle < interval) {
        scheduleEcho(interval - idle);
        return;
      }
      if (pending.empty()) sendEcho();
      scheduleEcho(interval);
    });
  }

  void sendEcho() {
    echo_stan = echo_stan % 99999 + 1;
    std::string stan = std::to_string(echo_stan);
    stan = "9" + std::string(5 - std::min<std::size_t>(5, stan.size()), '0') + stan;
    iso8583::Message message =
        echoRequest(*options.dialect, stan, virtualNow(), options.terminal_id);
    auto packed = packWithMac(*options.dialect, message, options.mac_key);
    if (!packed.isOk()) {
      note("echo not sent: " + packed.status().message());
      return;
    }
    Bytes frame;
    if (!iso8583::appendFramePrefix(options.framing, packed->size(), frame).isOk()) return;
    append(frame, *packed);
    auto p = std::make_shared<Pending>();
    p->key = requestKey(message);
    p->summary = "echo " + message.mti() + " STAN " + stan;
    p->echo = true;
    std::weak_ptr<Connection> on = connection;
    p->done = [this, on, summary = p->summary](Result<iso8583::Message> answer) {
      if (answer.isOk()) return;
      note("keep-alive " + summary + " failed: " + answer.status().message());
      if (auto c = on.lock(); c && answer.status().code() == StatusCode::kDeadlineExceeded) {
        closeConnection(c, "keep-alive echo unanswered");
      }
    };
    submit(p, std::move(frame));
  }
};

Iso8583ClientBackend::Iso8583ClientBackend(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Iso8583ClientBackend::~Iso8583ClientBackend() {
  Impl& s = *impl_;
  asio::post(s.io, [&s] {
    s.backoff_timer.cancel();
    s.echo_timer.cancel();
    s.deadline_timer.cancel();
    s.resolver.cancel();
    if (s.connection) s.closeConnection(s.connection, "backend closed");
  });
  s.work.reset();
  if (s.thread.joinable()) {
    // Let the close run, then stop whatever is still waiting.
    asio::post(s.io, [&s] { s.io.stop(); });
    s.thread.join();
  }
  s.flushNotes();
}

Result<std::unique_ptr<Iso8583ClientBackend>> Iso8583ClientBackend::create(
    ClientOptions options, EventSink* events, WireTap* tap, const SteadyClock* clock) {
  if (options.dialect == nullptr) return invalidArgument("backend iso8583: no dialect given");
  if (clock == nullptr) return invalidArgument("backend iso8583: no steady clock given");
  if (options.host.empty()) return invalidArgument("backend iso8583: option host: empty");
  if (options.mac_key && options.mac_key->size() != 16) {
    return invalidArgument(
        "backend iso8583: option mac_key: a double-length TDES key (16 bytes, "
        "32 hex digits) is needed, got " +
        std::to_string(options.mac_key->size()) + " bytes");
  }
  if (options.response_timeout.count() <= 0 || options.connect_timeout.count() <= 0) {
    return invalidArgument("backend iso8583: timeouts must be positive");
  }
  if (options.reconnect_backoff.count() <= 0)
    options.reconnect_backoff = std::chrono::milliseconds(1);
  try {
    auto impl = std::make_unique<Impl>(std::move(options), events, tap, clock);
    const TlsOptions& tls = impl->options.tls;
    if (tls.enabled) {
      auto context = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
      error_code ec;
      context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                               asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                               asio::ssl::context::no_tlsv1_1,
                           ec);
      context->set_verify_mode(asio::ssl::verify_peer, ec);
      if (!tls.ca_file.empty()) {
        context->load_verify_file(tls.ca_file, ec);
        if (ec) {
          return invalidArgument("backend iso8583: option ca_file: cannot load '" + tls.ca_file +
                                 "': " + pemProblem(tls.ca_file, ec));
        }
      } else {
        context->set_default_verify_paths(ec);
      }
      if (!tls.cert_file.empty()) {
        context->use_certificate_chain_file(tls.cert_file, ec);
        if (ec) {
          return invalidArgument("backend iso8583: option cert_file: cannot load '" +
                                 tls.cert_file + "': " + pemProblem(tls.cert_file, ec));
        }
        context->use_private_key_file(tls.key_file.empty() ? tls.cert_file : tls.key_file,
                                      asio::ssl::context::pem, ec);
        if (ec) {
          return invalidArgument("backend iso8583: option key_file: cannot load '" + tls.key_file +
                                 "': " + pemProblem(tls.key_file, ec));
        }
      }
      impl->tls_context = std::move(context);
    }
    Impl* raw = impl.get();
    impl->thread = std::thread([raw] {
      for (;;) {
        try {
          raw->io.run();
          return;
        } catch (const std::exception& e) {
          raw->note(std::string("network thread: ") + e.what());
        } catch (...) {
          raw->note("network thread: unknown exception");
        }
      }
    });
    return std::unique_ptr<Iso8583ClientBackend>(new Iso8583ClientBackend(std::move(impl)));
  } catch (const std::exception& e) {
    return internalError(std::string("backend iso8583: cannot start: ") + e.what());
  }
}

Status Iso8583ClientBackend::connect() {
  Impl& s = *impl_;
  auto done = std::make_shared<std::promise<Status>>();
  auto result = done->get_future();
  asio::post(s.io, [&s, done] {
    s.ensureConnected([done](Status status) { done->set_value(std::move(status)); });
  });
  Status status = result.get();
  s.flushNotes();
  return status;
}

Result<Response> Iso8583ClientBackend::send(const Request& request) {
  Impl& s = *impl_;
  s.flushNotes();
  s.virtual_now_us.store(request.transmitted_at.instant.time_since_epoch().count());
  s.virtual_offset_min.store(request.transmitted_at.utc_offset.count());
  s.virtual_steady_ns.store(s.now().count());

  POSIM_ASSIGN_OR_RETURN(iso8583::Message message, requestToMessage(*s.options.dialect, request));
  const std::string summary = describeRequest(request, message.mti());
  std::string key = requestKey(message);
  POSIM_ASSIGN_OR_RETURN(Bytes packed,
                         packWithMac(*s.options.dialect, std::move(message), s.options.mac_key));
  Bytes frame;
  frame.reserve(iso8583::framingPrefixSize(s.options.framing) + packed.size());
  POSIM_RETURN_IF_ERROR(iso8583::appendFramePrefix(s.options.framing, packed.size(), frame));
  append(frame, packed);

  if (s.events != nullptr) {
    // The request as sent (its MAC included), read back from the packed bytes.
    auto sent = iso8583::unpackMessage(*s.options.dialect, packed);
    s.trace(TraceKind::kIso8583Request, request.transmitted_at.instant, summary,
            sent.isOk() ? &*sent : nullptr);
  }
  auto promise = std::make_shared<std::promise<Result<iso8583::Message>>>();
  auto future = promise->get_future();
  auto p = std::make_shared<Pending>();
  p->key = std::move(key);
  p->summary = summary;
  p->done = [promise](Result<iso8583::Message> answer) { promise->set_value(std::move(answer)); };
  asio::post(s.io, [&s, p, frame = std::move(frame)]() mutable { s.submit(p, std::move(frame)); });

  Result<iso8583::Message> answer = future.get();
  s.flushNotes();
  if (!answer.isOk()) {
    s.trace(TraceKind::kNote, request.transmitted_at.instant,
            summary + ": " + answer.status().message());
    return answer.status();
  }
  auto response = responseFromMessage(*s.options.dialect, *answer, request);
  if (!response.isOk()) {
    const Status bad = malformed("response to " + summary + ": " + response.status().message());
    s.trace(TraceKind::kNote, request.transmitted_at.instant, bad.message());
    return bad;
  }
  if (s.options.latency) {
    std::lock_guard lock(s.latency_mutex);
    response->host_time = s.options.latency->sample(s.latency_random);
  }
  if (s.events != nullptr) {
    std::string text = std::string(transactionTypeName(request.type)) + " response " +
                       answer->mti() + " " + response->response_code + " " +
                       std::string(responseCodeMeaning(response->response_code));
    if (!response->authorization_code.empty()) {
      text += ", auth code " + response->authorization_code;
    }
    if (!response->rrn.empty()) text += ", RRN " + response->rrn;
    s.trace(TraceKind::kIso8583Response, request.transmitted_at.instant + response->host_time, text,
            &*answer);
  }
  return response;
}

}  // namespace posim::acquirer
