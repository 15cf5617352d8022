#include "bench_limits.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "posim/base/bytes.h"
#include "posim/base/histogram.h"
#include "posim/emv/crypto/openssl_reference.h"

namespace posim::cli {
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string errnoText(const char* what) {
  return std::string(what) + ": " + std::strerror(errno);
}

// A socket file descriptor closed on scope exit.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

void setNoDelay(int fd) {
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

// A listening socket on 127.0.0.1, any free port.
Result<Fd> listenLoopback(int backlog, std::uint16_t& port) {
  Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return unavailable(errnoText("socket"));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    return unavailable(errnoText("bind 127.0.0.1:0"));
  }
  if (::listen(fd.get(), backlog) != 0) return unavailable(errnoText("listen"));
  socklen_t length = sizeof address;
  if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    return unavailable(errnoText("getsockname"));
  }
  port = ntohs(address.sin_port);
  return fd;
}

Result<Fd> connectLoopback(std::uint16_t port) {
  Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return unavailable(errnoText("socket"));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    return unavailable(errnoText("connect to 127.0.0.1"));
  }
  setNoDelay(fd.get());
  return fd;
}

bool sendAll(int fd, const std::uint8_t* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

bool recvAll(int fd, std::uint8_t* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::recv(fd, data, size, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// Blocking write of everything on a non-blocking socket (waits for room with poll semantics
// through a short blocking retry; the echo messages are far below the socket buffer).
bool writeAllNonBlocking(int fd, const std::uint8_t* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) {
      std::this_thread::yield();
      continue;
    }
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

Result<RsaSignLimit> measureRsaSignLimit(std::chrono::milliseconds budget) {
  POSIM_ASSIGN_OR_RETURN(auto signer, emv::crypto::OpensslRsaSigner::generate(1024));
  const Bytes data(36, 0x5A);  // the 36 bytes `openssl speed rsa` signs
  Bytes signature;
  for (int i = 0; i < 20; ++i) POSIM_RETURN_IF_ERROR(signer.sign(data, signature));  // warm-up
  const auto start = Clock::now();
  const auto deadline = start + budget;
  std::uint64_t count = 0;
  while (Clock::now() < deadline) {
    for (int i = 0; i < 16; ++i) POSIM_RETURN_IF_ERROR(signer.sign(data, signature));
    count += 16;
  }
  RsaSignLimit out;
  out.signatures = count;
  out.signs_per_second = static_cast<double>(count) / secondsSince(start);
  return out;
}

Result<EchoRoundTrip> measureLoopbackEcho(std::size_t message_bytes,
                                          std::chrono::milliseconds budget) {
  std::uint16_t port = 0;
  POSIM_ASSIGN_OR_RETURN(Fd listener, listenLoopback(1, port));
  std::thread echo([&listener, message_bytes] {
    Fd connection(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (connection.get() < 0) return;
    setNoDelay(connection.get());
    std::vector<std::uint8_t> buffer(message_bytes);
    while (recvAll(connection.get(), buffer.data(), buffer.size()) &&
           sendAll(connection.get(), buffer.data(), buffer.size())) {
    }
  });
  Result<Fd> client = connectLoopback(port);
  if (!client.isOk()) {
    ::shutdown(listener.get(), SHUT_RDWR);
    echo.join();
    return client.status();
  }
  std::vector<std::uint8_t> message(message_bytes, 0x30);
  std::vector<std::uint8_t> answer(message_bytes);
  LogHistogram ns;
  bool ok = true;
  for (int i = 0; i < 200 && ok; ++i) {  // warm-up
    ok = sendAll(client->get(), message.data(), message.size()) &&
         recvAll(client->get(), answer.data(), answer.size());
  }
  const auto start = Clock::now();
  const auto deadline = start + budget;
  while (ok) {
    const auto sent = Clock::now();
    if (sent >= deadline) break;
    ok = sendAll(client->get(), message.data(), message.size()) &&
         recvAll(client->get(), answer.data(), answer.size());
    ns.record(static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - sent).count()));
  }
  const double elapsed = secondsSince(start);
  client->reset();
  echo.join();
  if (!ok) return ioError("loopback echo: the connection failed during the measurement");
  EchoRoundTrip out;
  out.round_trips = ns.count();
  out.mean_us = out.round_trips > 0 ? elapsed * 1e6 / static_cast<double>(out.round_trips) : 0;
  out.p50_us = static_cast<double>(ns.valueAtPercentile(50.0)) / 1000.0;
  out.p99_us = static_cast<double>(ns.valueAtPercentile(99.0)) / 1000.0;
  return out;
}

Result<EchoThroughput> measureLoopbackEchoThroughput(int connections, std::size_t message_bytes,
                                                     std::chrono::milliseconds budget) {
  std::uint16_t port = 0;
  POSIM_ASSIGN_OR_RETURN(Fd listener, listenLoopback(connections + 16, port));
  Fd stop_event(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  Fd epoll(::epoll_create1(EPOLL_CLOEXEC));
  if (stop_event.get() < 0 || epoll.get() < 0) return unavailable(errnoText("eventfd/epoll"));

  // The echo server: one thread, one epoll set (listener, stop event, every connection).
  std::thread server([&] {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = listener.get();
    ::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, listener.get(), &ev);
    ev.data.fd = stop_event.get();
    ::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, stop_event.get(), &ev);
    std::vector<Fd> open;
    std::vector<std::uint8_t> buffer(64 * 1024);
    std::vector<epoll_event> events(256);
    for (;;) {
      const int n = ::epoll_wait(epoll.get(), events.data(), static_cast<int>(events.size()), -1);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return;
      for (int i = 0; i < n; ++i) {
        const int fd = events[static_cast<std::size_t>(i)].data.fd;
        if (fd == stop_event.get()) return;
        if (fd == listener.get()) {
          Fd accepted(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
          if (accepted.get() < 0) continue;
          setNoDelay(accepted.get());
          epoll_event add{};
          add.events = EPOLLIN;
          add.data.fd = accepted.get();
          ::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, accepted.get(), &add);
          open.push_back(std::move(accepted));
          continue;
        }
        const ssize_t got = ::recv(fd, buffer.data(), buffer.size(), 0);
        if (got > 0) {
          writeAllNonBlocking(fd, buffer.data(), static_cast<std::size_t>(got));
        } else if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
          ::epoll_ctl(epoll.get(), EPOLL_CTL_DEL, fd, nullptr);
          ::shutdown(fd, SHUT_RDWR);
        }
      }
    }
  });

  struct ClientResult {
    LogHistogram ns;
    bool ok = true;
  };
  std::vector<ClientResult> results(static_cast<std::size_t>(connections));
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::atomic<Clock::rep> deadline{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < connections; ++c) {
    clients.emplace_back([&, c] {
      ClientResult& result = results[static_cast<std::size_t>(c)];
      Result<Fd> fd = connectLoopback(port);
      std::vector<std::uint8_t> message(message_bytes, 0x31);
      std::vector<std::uint8_t> answer(message_bytes);
      auto roundTrip = [&] {
        return sendAll(fd->get(), message.data(), message.size()) &&
               recvAll(fd->get(), answer.data(), answer.size());
      };
      result.ok = fd.isOk();
      for (int i = 0; i < 20 && result.ok; ++i) result.ok = roundTrip();  // warm-up
      ready.fetch_add(1);
      while (!go.load()) std::this_thread::yield();
      const Clock::time_point end{Clock::duration(deadline.load())};
      while (result.ok) {
        const auto sent = Clock::now();
        if (sent >= end) break;
        result.ok = roundTrip();
        result.ns.record(static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - sent).count()));
      }
    });
  }
  while (ready.load() < connections) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const auto start = Clock::now();
  deadline.store((start + budget).time_since_epoch().count());
  go.store(true);
  for (std::thread& t : clients) t.join();
  const double elapsed = secondsSince(start);
  const std::uint64_t one = 1;
  [[maybe_unused]] const ssize_t written = ::write(stop_event.get(), &one, sizeof one);
  server.join();

  LogHistogram all;
  for (const ClientResult& r : results) {
    if (!r.ok) return ioError("loopback echo: a connection failed during the measurement");
    all.merge(r.ns);
  }
  EchoThroughput out;
  out.connections = connections;
  out.round_trips = all.count();
  out.round_trips_per_second = static_cast<double>(all.count()) / elapsed;
  out.p50_us = static_cast<double>(all.valueAtPercentile(50.0)) / 1000.0;
  out.p99_us = static_cast<double>(all.valueAtPercentile(99.0)) / 1000.0;
  return out;
}

double measureBytePassNs(std::size_t bytes, int passes, std::chrono::milliseconds budget) {
  std::vector<std::uint8_t> source(bytes);
  for (std::size_t i = 0; i < bytes; ++i) source[i] = static_cast<std::uint8_t>(i * 31 + 7);
  std::vector<std::uint8_t> target(bytes);
  std::uint64_t sink = 0;
  std::vector<double> samples;
  const auto slice = budget / 5;
  for (int round = 0; round < 5; ++round) {
    const auto start = Clock::now();
    std::uint64_t ops = 0;
    while (Clock::now() - start < slice) {
      for (int i = 0; i < 256; ++i) {
        for (int p = 0; p < passes; ++p) {
          std::memcpy(target.data(), source.data(), bytes);
          // Keep the copy: the compiler may not fold it into the sum below.
          asm volatile("" : : "r"(target.data()) : "memory");
          std::uint64_t sum = 0;
          for (std::uint8_t b : target) sum += b;
          sink += sum;
        }
      }
      ops += 256;
    }
    samples.push_back(secondsSince(start) * 1e9 / static_cast<double>(ops));
  }
  asm volatile("" : : "r"(sink) : "memory");
  std::sort(samples.begin(), samples.end());
  return samples[samples.size() / 2];
}

std::uint64_t residentBytes() {
  std::ifstream statm("/proc/self/statm");
  std::uint64_t size_pages = 0;
  std::uint64_t resident_pages = 0;
  if (!(statm >> size_pages >> resident_pages)) return 0;
  const long page = ::sysconf(_SC_PAGESIZE);
  return resident_pages * static_cast<std::uint64_t>(page > 0 ? page : 4096);
}

}  // namespace posim::cli
