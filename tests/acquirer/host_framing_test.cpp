// How `posim host` cuts the byte stream into frames: a read may bring several frames (pipelined
// requests) or part of one (a frame split across TCP segments); every complete frame is answered,
// in order, and a partial one waits for the rest.
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "posim/acquirer/iso8583_mapping.h"
#include "posim/acquirer/iso8583_transport.h"
#include "posim/iso8583/codec.h"
#include "posim/iso8583/framing.h"
#include "posim/scenarios/dialect_files.h"

#include "acquirer_test_support.h"
#include "loopback_client.h"

namespace posim::acquirer {
namespace {

using testing::at;
using testing::issuerConfig;
using testing::kStart;
using testing::visaPan;

class HostFramingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dialect = scenarios::resolveDialect("iso87-ascii");
    ASSERT_TRUE(dialect.isOk()) << dialect.status().toString();
    dialect_ = *dialect;
    HostOptions options;
    options.listen_port = 0;
    options.dialect = dialect_;
    options.reference_time = at(kStart);
    auto host = Iso8583Host::start(
        std::move(options), std::make_unique<EmbeddedBackend>(issuerConfig(), random_, nullptr),
        nullptr, nullptr, &steady_);
    ASSERT_TRUE(host.isOk()) << host.status().toString();
    host_ = std::move(host).value();
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(host_->port());
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    timeval timeout{5, 0};  // a missing answer fails the test instead of hanging it
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  void TearDown() override {
    if (fd_ >= 0) ::close(fd_);
  }

  // A framed 0200 sale with this STAN.
  Bytes framedSale(int stan) { return testing::framedSale(*dialect_, stan); }

  void write(const Bytes& bytes) {
    ASSERT_EQ(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(bytes.size()));
  }

  // The next answer's STAN and response code ("" when the connection ends first).
  std::pair<std::string, std::string> readAnswer() {
    std::uint8_t prefix[2];
    if (!readExactly(prefix, 2)) return {};
    Bytes body(static_cast<std::size_t>((prefix[0] << 8) | prefix[1]));
    if (!readExactly(body.data(), body.size())) return {};
    auto message = iso8583::unpackMessage(*dialect_, body);
    if (!message.isOk()) return {"(undecodable)", message.status().message()};
    return {std::string(message->get(11)), std::string(message->get(39))};
  }

  bool readExactly(std::uint8_t* data, std::size_t size) {
    while (size > 0) {
      const ssize_t n = ::recv(fd_, data, size, 0);
      if (n <= 0) return false;
      data += n;
      size -= static_cast<std::size_t>(n);
    }
    return true;
  }

  std::shared_ptr<const iso8583::Dialect> dialect_;
  RealSteadyClock steady_;
  SeededRandom random_{5};
  std::unique_ptr<Iso8583Host> host_;
  int fd_ = -1;
};

TEST_F(HostFramingTest, FramesSentInOneWriteAreEachAnsweredInOrder) {
  Bytes three;
  for (int stan : {11, 12, 13}) append(three, framedSale(stan));
  write(three);
  for (const char* stan : {"000011", "000012", "000013"}) {
    const auto [answered, code] = readAnswer();
    EXPECT_EQ(answered, stan);
    EXPECT_EQ(code, "00");
  }
  EXPECT_EQ(host_->requestsServed(), 3u);
}

TEST_F(HostFramingTest, AFrameSplitAcrossWritesIsAnsweredOnceComplete) {
  const Bytes frame = framedSale(21);
  const Bytes next = framedSale(22);
  // The prefix alone, then half the body, then the rest with the whole next frame.
  write(Bytes(frame.begin(), frame.begin() + 1));
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  const auto half = frame.begin() + static_cast<std::ptrdiff_t>(frame.size() / 2);
  write(Bytes(frame.begin() + 1, half));
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_EQ(host_->requestsServed(), 0u);
  Bytes rest(half, frame.end());
  append(rest, next);
  write(rest);
  EXPECT_EQ(readAnswer(), std::make_pair(std::string("000021"), std::string("00")));
  EXPECT_EQ(readAnswer(), std::make_pair(std::string("000022"), std::string("00")));
}

TEST_F(HostFramingTest, AFrameAboveTheLimitClosesTheConnectionAfterTheFramesBeforeIt) {
  Bytes bytes = framedSale(31);
  bytes.push_back(0xFF);  // a prefix of 65,535 bytes, above the 8,192 limit
  bytes.push_back(0xFF);
  write(bytes);
  EXPECT_EQ(readAnswer(), std::make_pair(std::string("000031"), std::string("00")));
  EXPECT_EQ(readAnswer(), std::make_pair(std::string(), std::string()));  // closed
}

}  // namespace
}  // namespace posim::acquirer
