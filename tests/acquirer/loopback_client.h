// What the host tests send as a raw TCP client: a blocking loopback socket with timeouts (a
// missing answer fails instead of hanging) and the framed sale they send through it.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "posim/acquirer/iso8583_mapping.h"
#include "posim/base/bytes.h"
#include "posim/iso8583/codec.h"
#include "posim/iso8583/framing.h"

#include "acquirer_test_support.h"

namespace posim::acquirer::testing {

// A client socket for bytes no real client would send (or sends too slowly, or never reads).
class LoopbackClient {
 public:
  explicit LoopbackClient(std::uint16_t port, int receive_timeout_seconds = 10)
      : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    timeval timeout{receive_timeout_seconds, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    // A host that stopped reading makes a write fail after this instead of blocking the test.
    timeval send_timeout{2, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout);
  }
  ~LoopbackClient() { ::close(fd_); }
  LoopbackClient(const LoopbackClient&) = delete;
  LoopbackClient& operator=(const LoopbackClient&) = delete;

  bool connected() const { return connected_; }
  bool write(const Bytes& bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(bytes.size());
  }
  // The body of the next binary2 frame, or nullopt when the host closed the connection.
  std::optional<Bytes> read() {
    Bytes prefix = readExactly(2);
    if (prefix.size() != 2) return std::nullopt;
    Bytes body = readExactly(static_cast<std::size_t>(prefix[0] << 8 | prefix[1]));
    return body;
  }
  // True when the host closed the connection (end of stream before the timeout).
  bool closedByHost() {
    std::uint8_t byte = 0;
    return ::recv(fd_, &byte, 1, 0) == 0;
  }

 private:
  Bytes readExactly(std::size_t n) {
    Bytes out(n);
    std::size_t got = 0;
    while (got < n) {
      const ssize_t r = ::recv(fd_, out.data() + got, n - got, 0);
      if (r <= 0) break;
      got += static_cast<std::size_t>(r);
    }
    out.resize(got);
    return out;
  }

  int fd_;
  bool connected_ = false;
};

// A 0200 sale of the Visa test card with this STAN, packed in `dialect` and framed binary2.
inline Bytes framedSale(const iso8583::Dialect& dialect, int stan) {
  char text[8];
  std::snprintf(text, sizeof text, "%06d", stan);
  const Request sale = request(TransactionType::kSale, visaPan(), 1000, text,
                               plus(at(kStart), std::chrono::seconds(stan)));
  auto message = requestToMessage(dialect, sale);
  EXPECT_TRUE(message.isOk()) << message.status().toString();
  auto packed = iso8583::pack(dialect, *message);
  EXPECT_TRUE(packed.isOk()) << packed.status().toString();
  auto framed = iso8583::frame(iso8583::Framing::kBinary2, *packed);
  EXPECT_TRUE(framed.isOk());
  return framed.valueOr(Bytes{});
}

}  // namespace posim::acquirer::testing
