#include "posim/pcsc/vpcd.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <regex>
#include <thread>

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

namespace posim::pcsc {
namespace {

constexpr int kPollSliceMs = 200;

bool stopped(const VpcdServeOptions& options) {
  return options.stop->load(std::memory_order_relaxed);
}

void note(const VpcdServeOptions& options, const std::string& text) {
  if (options.note) options.note(text);
}

// Sleeps `ms` in slices, returning early once stopped.
void pause(const VpcdServeOptions& options, int ms) {
  for (int waited = 0; waited < ms && !stopped(options); waited += 100) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

// Reads exactly `size` bytes. False when the peer closed, on an error, or when stopped.
bool readExact(int fd, std::uint8_t* out, std::size_t size, const VpcdServeOptions& options) {
  std::size_t got = 0;
  while (got < size) {
    if (stopped(options)) return false;
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, kPollSliceMs);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return false;
    if (ready == 0) continue;
    const ssize_t n = ::recv(fd, out + got, size - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    got += static_cast<std::size_t>(n);
  }
  return true;
}

bool writeAll(int fd, ByteView data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

// Serves one connection until vpcd closes it or the loop is stopped.
void serveConnection(int fd, VpcdCard& card, const VpcdServeOptions& options) {
  for (;;) {
    std::uint8_t header[2];
    if (!readExact(fd, header, 2, options)) return;
    const std::size_t length = (std::size_t{header[0]} << 8) | header[1];
    Bytes message(length);
    if (length > 0 && !readExact(fd, message.data(), length, options)) return;
    const std::optional<Bytes> answer = card.handle(message);
    if (options.after_message) options.after_message();
    if (options.exchanged) options.exchanged(message, answer);
    if (options.pulled_out && options.pulled_out()) {
      note(options, "card pulled out of the reader");
      return;
    }
    if (answer.has_value() && !writeAll(fd, frameVpcdMessage(*answer))) return;
  }
}

}  // namespace

Result<VpcdAddress> parseVpcdAddress(std::string_view text) {
  const std::string given(text);
  const std::regex host_port(R"(^(.+):([0-9]{1,5})$)");
  std::smatch m;
  const unsigned long port = std::regex_match(given, m, host_port) ? std::stoul(m[2].str()) : 0;
  if (port == 0 || port > 0xFFFF) {
    return invalidArgument("'" + given + "' is not HOST:PORT (port 1-65535)");
  }
  VpcdAddress address;
  address.host = m[1].str();
  if (address.host.size() > 2 && address.host.front() == '[' && address.host.back() == ']') {
    address.host = address.host.substr(1, address.host.size() - 2);
  }
  address.port = static_cast<std::uint16_t>(port);
  return address;
}

std::uint16_t configuredVpcdPort(const std::string& reader_conf) {
  std::ifstream in(reader_conf);
  const std::regex device(R"(^\s*DEVICENAME\s+\S*:(0x[0-9A-Fa-f]+|[0-9]+)\s*$)");
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (!std::regex_match(line, m, device)) continue;
    const unsigned long port = std::stoul(m[1].str(), nullptr, 0);
    if (port > 0 && port <= 0xFFFF) return static_cast<std::uint16_t>(port);
  }
  return kVpcdDefaultPort;
}

Bytes frameVpcdMessage(ByteView payload) {
  if (payload.size() > 0xFFFF) std::abort();  // REQUIRES
  Bytes out;
  out.reserve(payload.size() + 2);
  out.push_back(static_cast<std::uint8_t>(payload.size() >> 8));
  out.push_back(static_cast<std::uint8_t>(payload.size() & 0xFF));
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

Result<Bytes> VpcdCard::powerUp() {
  POSIM_ASSIGN_OR_RETURN(atr_, card_.powerOn(interface_));
  powered_ = true;
  return atr_;
}

std::optional<Bytes> VpcdCard::handle(ByteView message) {
  ++messages_;
  if (message.size() == 1) {
    switch (static_cast<VpcdControl>(message[0])) {
      case VpcdControl::kPowerOff:
        card_.powerOff();
        powered_ = false;
        return std::nullopt;
      case VpcdControl::kPowerOn:
        powerUp().status().ignoreError();  // a mute card stays unpowered; APDUs then fail
        return std::nullopt;
      case VpcdControl::kReset:
        card_.powerOff();
        powered_ = false;
        powerUp().status().ignoreError();
        return std::nullopt;
      case VpcdControl::kGetAtr: {
        if (!powered_) {
          Result<Bytes> atr = powerUp();
          if (!atr.isOk()) return Bytes{};
        }
        return atr_;
      }
    }
    return Bytes{};  // an unknown control: vpcd treats the empty answer as an error
  }
  if (!powered_ && !powerUp().isOk()) return Bytes{};
  Result<Bytes> response = card_.transceive(message);
  if (!response.isOk()) return Bytes{};
  return std::move(response).value();
}

Status serveOverVpcd(VpcdCard& card, const VpcdServeOptions& options) {
  if (options.stop == nullptr) std::abort();  // REQUIRES
  const std::string where = options.host + ":" + std::to_string(options.port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const int gai =
      ::getaddrinfo(options.host.c_str(), std::to_string(options.port).c_str(), &hints, &found);
  if (gai != 0 || found == nullptr) {
    return invalidArgument("--vpcd " + where + ": cannot resolve '" + options.host +
                           "': " + ::gai_strerror(gai));
  }
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, &::freeaddrinfo);

  bool said_waiting = false;
  while (!stopped(options)) {
    int fd = -1;
    int last_errno = 0;
    for (addrinfo* a = addresses.get(); a != nullptr && fd < 0; a = a->ai_next) {
      fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
      if (fd < 0) continue;
      if (::connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
        last_errno = errno;
        ::close(fd);
        fd = -1;
      }
    }
    if (fd < 0) {
      if (!said_waiting) {
        note(options, "waiting for vpcd at " + where + " (" + std::strerror(last_errno) +
                          "): is pcscd running with vsmartcard-vpcd installed?");
        said_waiting = true;
      }
      pause(options, options.reconnect_delay_ms);
      continue;
    }
    said_waiting = false;
    {
      Socket socket(fd);  // closed at the end of this block: vpcd then sees the card gone
      note(options, "connected to vpcd at " + where);
      serveConnection(socket.fd(), card, options);
    }
    if (card.powered()) {
      // The reader is gone: the card loses power as if pulled out.
      card.handle(Bytes{static_cast<std::uint8_t>(VpcdControl::kPowerOff)});
      if (options.after_message) options.after_message();
    }
    if (options.pulled_out && options.pulled_out()) {
      pause(options, options.reinsert_delay_ms);
      if (options.reinsert) options.reinsert();
      note(options, "card inserted again");
    } else if (!stopped(options)) {
      note(options, "vpcd closed the connection; reconnecting");
      pause(options, options.reconnect_delay_ms);
    }
  }
  return {};
}

}  // namespace posim::pcsc
