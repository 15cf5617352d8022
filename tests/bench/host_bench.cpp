// The DESIGN.md §10 figure "over loopback TCP against `posim host`, 64 concurrent terminals:
// >= 20,000 transactions per second on 2 cores, p99 latency <= 5 ms".
//
// An Iso8583Host with the embedded acquirer and issuer listens on 127.0.0.1 (ephemeral port) in
// this process; N client threads send authorization requests back to back (closed loop: each
// sends its next request when the answer to the previous one arrived) for a fixed wall time
// (POSIM_HOST_BENCH_SECONDS, default 5). Every request is a chip sale the way a terminal sends
// it: DE 55 with an ARQC the issuer verifies (and answers with an ARPC) and an online PIN block
// the issuer decrypts and checks. The request is taken once from a real kernel run against a
// virtual Visa credit card; each terminal then varies only its terminal id and STAN, so every
// request is processed in full (no duplicate answers).
//
//   BM_HostRawSockets/N  the host alone: the request is packed and framed once per terminal,
//                        its STAN patched in place per send, written and read with plain
//                        blocking sockets (TCP_NODELAY);
//   BM_HostClientPath/N  through the real client: N Iso8583ClientBackends, each calling
//                        send(Request) in a loop (pack, MAC-less frame, its network thread,
//                        match, unpack, map back to a Response);
//   BM_LoopbackEcho/N    the floor: the same frames echoed by one epoll thread, no ISO 8583.
//
// Counters: tx_per_s (answers per wall second), p50_us / p99_us / p999_us / max_us (latency of
// each request, send to whole answer, in microseconds: per-thread LogHistograms merged exactly),
// declined (answers other than 00), cpu_us_per_tx (CPU time of the whole process, clients
// included, per answer) and host_cpu_us_per_tx (CPU time of the host's network thread alone,
// from /proc/self/task/TID/schedstat, per answer: what one request costs the host, and the
// figure that varies least with the load of the machine). Wall time is what counts here:
// UseRealTime().
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "posim/acquirer/embedded.h"
#include "posim/acquirer/iso8583_mapping.h"
#include "posim/acquirer/iso8583_transport.h"
#include "posim/base/clock.h"
#include "posim/base/histogram.h"
#include "posim/base/random.h"
#include "posim/emv/kernel.h"
#include "posim/emv/test_cards.h"
#include "posim/emv/test_terminals.h"
#include "posim/emv/virtual_card.h"
#include "posim/iso8583/codec.h"
#include "posim/iso8583/framing.h"
#include "posim/scenarios/dialect_files.h"

namespace posim::acquirer {
namespace {

using Clock = std::chrono::steady_clock;

std::chrono::milliseconds benchWindow() {
  const char* text = std::getenv("POSIM_HOST_BENCH_SECONDS");
  const double seconds = text != nullptr ? std::atof(text) : 5.0;
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::max(seconds, 0.1) * 1000.0));
}

const LocalDateTime& when() {
  static const LocalDateTime at = *parseIso8601("2026-03-16T10:00:00+08:00");
  return at;
}

class FixedPin final : public emv::PinEntry {
 public:
  emv::PinEntryResult enterPin(const emv::PinRequest&) override {
    return emv::PinEntryResult::entered("1234");
  }
};

// Captures the online request of a kernel run and answers "unable to go online".
class CapturingAuthorizer final : public emv::OnlineAuthorizer {
 public:
  emv::OnlineResponse authorize(const emv::OnlineRequest& online) override {
    captured = online;
    return {};
  }
  std::optional<emv::OnlineRequest> captured;
};

// A chip sale with online PIN of the Visa credit test card, as the terminal engine maps it.
Result<Request> chipSale() {
  static const emv::TerminalProfile terminal = emv::countertopTerminal();
  POSIM_ASSIGN_OR_RETURN(emv::VirtualCard card, emv::VirtualCard::create(emv::visaCreditCard()));
  SeededRandom random(11);
  FixedPin pin;
  CapturingAuthorizer authorizer;
  emv::Kernel kernel(terminal, {&random, nullptr, &pin, nullptr, &authorizer});
  emv::TransactionInputs inputs;
  inputs.amount = Money(50000, terminal.currency);  // above the floor limit: online
  inputs.at = when();
  kernel.run(card, inputs);
  if (!authorizer.captured) return internalError("the kernel did not go online");
  const emv::OnlineRequest& online = *authorizer.captured;
  Request r;
  r.type = TransactionType::kSale;
  r.pan = online.pan;
  r.pan_sequence_number = online.pan_sequence_number;
  r.track2 = online.track2;
  r.expiry_yymm = online.expiry_yymm;
  r.pos_entry_mode = online.pos_entry_mode + "1";
  r.pos_condition_code = "00";
  r.pin_block = online.pin_block;
  r.icc_data = online.icc_data;
  r.amount = online.amount;
  r.stan = "000001";
  r.transmitted_at = when();
  r.terminal_id = "00000000";
  r.merchant_id = "123456789012345";
  r.merchant_category_code = "5812";
  r.batch_number = 1;
  return r;
}

std::string terminalId(int index) {
  char text[16];
  std::snprintf(text, sizeof text, "T%07d", index + 1);
  return text;
}

void formatStan(std::uint32_t stan, char* out) {
  for (int i = 5; i >= 0; --i) {
    out[i] = static_cast<char>('0' + stan % 10);
    stan /= 10;
  }
}

// The ids of this process's threads.
std::set<std::string> threadIds() {
  std::set<std::string> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/task", ec)) {
    out.insert(entry.path().filename().string());
  }
  return out;
}

// Nanoseconds a thread of this process has run (first field of its schedstat); 0 if unknown.
std::uint64_t threadCpuNs(const std::string& tid) {
  std::ifstream in("/proc/self/task/" + tid + "/schedstat");
  std::uint64_t ns = 0;
  in >> ns;
  return ns;
}

std::uint64_t processCpuNs() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  const auto us = [](const timeval& t) {
    return static_cast<std::uint64_t>(t.tv_sec) * 1000000u + static_cast<std::uint64_t>(t.tv_usec);
  };
  return (us(usage.ru_utime) + us(usage.ru_stime)) * 1000u;
}

// An issuer that knows the card (a balance that never runs out) and the countertop PIN key,
// answering without modelled latency, behind `posim host` on 127.0.0.1.
struct HostUnderTest {
  std::shared_ptr<const iso8583::Dialect> dialect;
  SeededRandom random{42};
  RealSteadyClock steady;
  std::unique_ptr<Iso8583Host> host;
  std::string network_thread;  // its thread id, for its CPU time

  Status start() {
    POSIM_ASSIGN_OR_RETURN(dialect, scenarios::resolveDialect("iso87-ascii"));
    const emv::TerminalProfile terminal = emv::countertopTerminal();
    EmbeddedConfig issuer;
    Account visa;
    visa.name = "visa";
    visa.card = emv::visaCreditCard();
    visa.online_pin = "1234";
    visa.balance = Money(std::int64_t{1} << 60, terminal.currency);
    issuer.accounts.push_back(visa);
    issuer.pin_key = terminal.online_pin_key;
    issuer.latency.kind = LatencyModel::Kind::kFixed;
    issuer.latency.a = Duration(0);
    HostOptions options;
    options.listen_address = "127.0.0.1";
    options.listen_port = 0;
    options.dialect = dialect;
    options.reference_time = when();
    auto backend = std::make_unique<EmbeddedBackend>(std::move(issuer), random, nullptr);
    const std::set<std::string> before = threadIds();
    POSIM_ASSIGN_OR_RETURN(host, Iso8583Host::start(std::move(options), std::move(backend), nullptr,
                                                    nullptr, &steady));
    for (const std::string& tid : threadIds()) {
      if (before.count(tid) == 0) network_thread = tid;
    }
    return Status::ok();
  }
};

// What each closed-loop thread measured.
struct ThreadResult {
  LogHistogram latency_us;
  std::uint64_t done = 0;
  std::uint64_t declined = 0;
  std::string error;
};

// CPU time spent during one measured window.
struct CpuWindow {
  std::uint64_t process_ns = 0;
  std::uint64_t host_ns = 0;  // 0: no host in this benchmark
};

void report(benchmark::State& state, const std::vector<ThreadResult>& results,
            Clock::duration elapsed, const CpuWindow& cpu) {
  LogHistogram all;
  std::uint64_t declined = 0;
  for (const ThreadResult& r : results) {
    if (!r.error.empty()) {
      state.SkipWithError(r.error.c_str());
      return;
    }
    all.merge(r.latency_us);
    declined += r.declined;
  }
  const double seconds = std::chrono::duration<double>(elapsed).count();
  state.counters["tx_per_s"] = static_cast<double>(all.count()) / seconds;
  state.counters["p50_us"] = static_cast<double>(all.valueAtPercentile(50));
  state.counters["p99_us"] = static_cast<double>(all.valueAtPercentile(99));
  state.counters["p999_us"] = static_cast<double>(all.valueAtPercentile(99.9));
  state.counters["max_us"] = static_cast<double>(all.max());
  state.counters["declined"] = static_cast<double>(declined);
  state.counters["transactions"] = static_cast<double>(all.count());
  if (all.count() == 0) return;
  const double answers = static_cast<double>(all.count());
  state.counters["cpu_us_per_tx"] = static_cast<double>(cpu.process_ns) / 1000.0 / answers;
  if (cpu.host_ns != 0) {
    state.counters["host_cpu_us_per_tx"] = static_cast<double>(cpu.host_ns) / 1000.0 / answers;
  }
}

struct Window {
  Clock::duration elapsed{};
  CpuWindow cpu;
};

// Runs `body(index, deadline, result)` on `threads` threads started together; returns the wall
// time from the start to the last thread's end, and the CPU time of the process and of the
// thread `host_thread` (when not empty) meanwhile.
template <typename Body>
Window runClosedLoop(int threads, const std::string& host_thread,
                     std::vector<ThreadResult>& results, Body body) {
  results.assign(static_cast<std::size_t>(threads), ThreadResult{});
  std::atomic<bool> go{false};
  std::atomic<Clock::rep> deadline_rep{0};
  std::vector<std::thread> pool;
  pool.reserve(static_cast<std::size_t>(threads));
  for (int i = 0; i < threads; ++i) {
    pool.emplace_back([&, i] {
      while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
      const Clock::time_point deadline{Clock::duration(deadline_rep.load())};
      body(i, deadline, results[static_cast<std::size_t>(i)]);
    });
  }
  const std::uint64_t process_before = processCpuNs();
  const std::uint64_t host_before = host_thread.empty() ? 0 : threadCpuNs(host_thread);
  const Clock::time_point start = Clock::now();
  deadline_rep.store((start + benchWindow()).time_since_epoch().count());
  go.store(true, std::memory_order_release);
  for (std::thread& t : pool) t.join();
  Window window;
  window.elapsed = Clock::now() - start;
  window.cpu.process_ns = processCpuNs() - process_before;
  if (!host_thread.empty()) window.cpu.host_ns = threadCpuNs(host_thread) - host_before;
  return window;
}

// --- plain sockets ---------------------------------------------------------------------------

int connectTo(std::uint16_t port, std::string& error) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    error = std::string("connect: ") + std::strerror(errno);
    if (fd >= 0) ::close(fd);
    return -1;
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

bool writeAll(int fd, const std::uint8_t* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// Reads one binary2-framed message into `body`.
bool readFrame(int fd, Bytes& buffer, Bytes& body) {
  buffer.resize(4096);
  std::size_t have = 0;
  std::size_t need = 2;
  while (have < need) {
    const ssize_t n = ::recv(fd, buffer.data() + have, buffer.size() - have, 0);
    if (n <= 0) return false;
    have += static_cast<std::size_t>(n);
    if (need == 2 && have >= 2) {
      need = 2 + ((std::size_t{buffer[0]} << 8) | buffer[1]);
      if (need > buffer.size()) buffer.resize(need);
    }
  }
  body.assign(buffer.begin() + 2, buffer.begin() + static_cast<std::ptrdiff_t>(need));
  return true;
}

// The framed request of terminal `index` and the offset of its STAN digits in the frame.
Result<std::pair<Bytes, std::size_t>> framedRequest(const iso8583::Dialect& dialect,
                                                    Request request, int index) {
  request.terminal_id = terminalId(index);
  POSIM_ASSIGN_OR_RETURN(iso8583::Message message, requestToMessage(dialect, request));
  Bytes frame;
  Bytes packed;
  std::vector<iso8583::FieldLayout> layout;
  POSIM_RETURN_IF_ERROR(iso8583::pack(dialect, message, packed, &layout));
  POSIM_RETURN_IF_ERROR(
      iso8583::appendFramePrefix(iso8583::Framing::kBinary2, packed.size(), frame));
  append(frame, packed);
  for (const iso8583::FieldLayout& field : layout) {
    if (field.field == 11 && field.size == 6 && field.prefix_size == 0) {
      return std::make_pair(frame, 2 + field.offset);
    }
  }
  return internalError("DE 11 is not 6 ASCII digits in this dialect");
}

void BM_HostRawSockets(benchmark::State& state) {
  const int terminals = static_cast<int>(state.range(0));
  HostUnderTest host;
  if (Status started = host.start(); !started.isOk()) {
    state.SkipWithError(started.toString().c_str());
    return;
  }
  auto sale = chipSale();
  if (!sale.isOk()) {
    state.SkipWithError(sale.status().toString().c_str());
    return;
  }
  const iso8583::Dialect& dialect = *host.dialect;
  const std::uint16_t port = host.host->port();
  std::vector<ThreadResult> results;
  std::uint32_t next_stan = 1;  // STANs continue across iterations: no duplicate answers
  for (auto _ : state) {
    const std::uint32_t first_stan = next_stan;
    const Window window = runClosedLoop(
        terminals, host.network_thread, results,
        [&](int index, Clock::time_point deadline, ThreadResult& out) {
          auto framed = framedRequest(dialect, *sale, index);
          if (!framed.isOk()) {
            out.error = framed.status().toString();
            return;
          }
          auto& [frame, stan_at] = *framed;
          const int fd = connectTo(port, out.error);
          if (fd < 0) return;
          Bytes buffer;
          Bytes body;
          std::uint32_t stan = first_stan;
          while (Clock::now() < deadline) {
            formatStan(stan, reinterpret_cast<char*>(frame.data() + stan_at));
            stan = stan % 999999 + 1;
            const auto sent = Clock::now();
            if (!writeAll(fd, frame.data(), frame.size()) || !readFrame(fd, buffer, body)) {
              out.error = "terminal " + terminalId(index) + ": connection lost";
              break;
            }
            const auto micros =
                std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - sent);
            out.latency_us.record(static_cast<std::uint64_t>(micros.count()));
            ++out.done;
            // Check the answer now and then (decoding every one would take CPU from the host).
            if ((out.done & 1023) == 1) {
              auto answer = iso8583::unpackMessage(dialect, body);
              if (!answer.isOk() || answer->get(39) != "00") ++out.declined;
            }
          }
          ::close(fd);
        });
    std::uint64_t most = 0;
    for (const ThreadResult& r : results) most = std::max(most, r.done);
    next_stan = static_cast<std::uint32_t>((first_stan + most) % 999999 + 1);
    report(state, results, window.elapsed, window.cpu);
  }
}
BENCHMARK(BM_HostRawSockets)
    ->Arg(1)
    ->Arg(64)
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// --- the real client -------------------------------------------------------------------------

void BM_HostClientPath(benchmark::State& state) {
  const int terminals = static_cast<int>(state.range(0));
  HostUnderTest host;
  if (Status started = host.start(); !started.isOk()) {
    state.SkipWithError(started.toString().c_str());
    return;
  }
  auto sale = chipSale();
  if (!sale.isOk()) {
    state.SkipWithError(sale.status().toString().c_str());
    return;
  }
  RealSteadyClock steady;
  std::vector<std::unique_ptr<Iso8583ClientBackend>> clients;
  for (int i = 0; i < terminals; ++i) {
    ClientOptions options;
    options.host = "127.0.0.1";
    options.port = host.host->port();
    options.dialect = host.dialect;
    options.response_timeout = std::chrono::milliseconds(30000);
    options.terminal_id = terminalId(i);
    auto client = Iso8583ClientBackend::create(std::move(options), nullptr, nullptr, &steady);
    if (!client.isOk() || !(*client)->connect().isOk()) {
      state.SkipWithError("cannot connect a client to the host");
      return;
    }
    clients.push_back(std::move(client).value());
  }
  std::vector<ThreadResult> results;
  std::uint32_t next_stan = 1;
  for (auto _ : state) {
    const std::uint32_t first_stan = next_stan;
    const Window window = runClosedLoop(
        terminals, host.network_thread, results,
        [&](int index, Clock::time_point deadline, ThreadResult& out) {
          Iso8583ClientBackend& client = *clients[static_cast<std::size_t>(index)];
          Request request = *sale;
          request.terminal_id = terminalId(index);
          request.stan = "000000";
          std::uint32_t stan = first_stan;
          while (Clock::now() < deadline) {
            formatStan(stan, request.stan.data());
            stan = stan % 999999 + 1;
            const auto sent = Clock::now();
            auto response = client.send(request);
            if (!response.isOk()) {
              out.error = "terminal " + terminalId(index) + ": " + response.status().toString();
              break;
            }
            const auto micros =
                std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - sent);
            out.latency_us.record(static_cast<std::uint64_t>(micros.count()));
            ++out.done;
            if (response->response_code != "00") ++out.declined;
          }
        });
    std::uint64_t most = 0;
    for (const ThreadResult& r : results) most = std::max(most, r.done);
    next_stan = static_cast<std::uint32_t>((first_stan + most) % 999999 + 1);
    report(state, results, window.elapsed, window.cpu);
  }
}
BENCHMARK(BM_HostClientPath)
    ->Arg(1)
    ->Arg(64)
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// --- the loopback floor ----------------------------------------------------------------------

// One epoll thread that echoes every binary2 frame it reads (assumes, as the closed loop
// guarantees, one frame at a time per connection).
class EchoServer {
 public:
  Status start() {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = 0;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    if (listener_ < 0 ||
        ::bind(listener_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listener_, 1024) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
      return unavailable(std::string("echo server: ") + std::strerror(errno));
    }
    port_ = ntohs(address.sin_port);
    epoll_ = ::epoll_create1(0);
    if (::pipe(wake_) != 0) return unavailable("echo server: pipe");
    add(listener_);
    add(wake_[0]);
    thread_ = std::thread([this] { loop(); });
    return Status::ok();
  }
  ~EchoServer() {
    if (thread_.joinable()) {
      const char byte = 0;
      if (::write(wake_[1], &byte, 1) != 1) std::abort();
      thread_.join();
    }
    for (int fd : {listener_, epoll_, wake_[0], wake_[1]}) {
      if (fd >= 0) ::close(fd);
    }
  }
  std::uint16_t port() const { return port_; }

 private:
  void add(int fd) {
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = fd;
    ::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &event);
  }
  void loop() {
    std::vector<epoll_event> events(256);
    std::vector<std::uint8_t> buffer(65536);
    for (;;) {
      const int n = ::epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), -1);
      for (int i = 0; i < n; ++i) {
        const int fd = events[static_cast<std::size_t>(i)].data.fd;
        if (fd == wake_[0]) return;
        if (fd == listener_) {
          for (int c; (c = ::accept4(listener_, nullptr, nullptr, 0)) >= 0;) {
            const int one = 1;
            ::setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            add(c);
          }
          continue;
        }
        const ssize_t got = ::recv(fd, buffer.data(), buffer.size(), 0);
        if (got <= 0) {
          ::epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr);
          ::close(fd);
          continue;
        }
        if (!writeAll(fd, buffer.data(), static_cast<std::size_t>(got))) ::close(fd);
      }
    }
  }

  int listener_ = -1;
  int epoll_ = -1;
  int wake_[2] = {-1, -1};
  std::uint16_t port_ = 0;
  std::thread thread_;
};

void BM_LoopbackEcho(benchmark::State& state) {
  const int terminals = static_cast<int>(state.range(0));
  EchoServer server;
  if (Status started = server.start(); !started.isOk()) {
    state.SkipWithError(started.toString().c_str());
    return;
  }
  // A frame the size of the chip sale request (about 400 bytes).
  Bytes frame(2 + 400, '0');
  frame[0] = 400 >> 8;
  frame[1] = 400 & 0xFF;
  std::vector<ThreadResult> results;
  for (auto _ : state) {
    const Window window = runClosedLoop(
        terminals, "", results, [&](int, Clock::time_point deadline, ThreadResult& out) {
          const int fd = connectTo(server.port(), out.error);
          if (fd < 0) return;
          Bytes buffer;
          Bytes body;
          while (Clock::now() < deadline) {
            const auto sent = Clock::now();
            if (!writeAll(fd, frame.data(), frame.size()) || !readFrame(fd, buffer, body)) {
              out.error = "echo: connection lost";
              break;
            }
            const auto micros =
                std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - sent);
            out.latency_us.record(static_cast<std::uint64_t>(micros.count()));
            ++out.done;
          }
          ::close(fd);
        });
    report(state, results, window.elapsed, window.cpu);
  }
}
BENCHMARK(BM_LoopbackEcho)
    ->Arg(1)
    ->Arg(64)
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace posim::acquirer
