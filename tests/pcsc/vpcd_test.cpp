// The vpcd protocol of pcsc::VpcdCard and pcsc::serveOverVpcd, against a virtual card and a
// stand-in for vpcd listening on a loopback port (no pcscd needed).
#include "posim/pcsc/vpcd.h"

#include <atomic>
#include <cstdio>
#include <fstream>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "posim/emv/test_cards.h"
#include "posim/emv/virtual_card.h"

namespace posim::pcsc {
namespace {

emv::VirtualCard visaCard() {
  auto card = emv::VirtualCard::create(emv::visaCreditCard());
  EXPECT_TRUE(card.isOk());
  return std::move(card).value();
}

TEST(VpcdTest, FramesCarryATwoByteBigEndianLength) {
  EXPECT_EQ(toHex(frameVpcdMessage(hexBytes("04"))), "000104");
  EXPECT_EQ(toHex(frameVpcdMessage(Bytes(0x0102, 0xAA))).substr(0, 6), "0102AA");
  EXPECT_EQ(toHex(frameVpcdMessage({})), "0000");
}

TEST(VpcdTest, ControlMessagesPowerTheCardAndApdusReachIt) {
  emv::VirtualCard card = visaCard();
  VpcdCard served(card);
  EXPECT_EQ(served.handle(hexBytes("01")), std::nullopt);  // power on: no answer
  EXPECT_TRUE(served.powered());
  EXPECT_EQ(served.handle(hexBytes("04")), emv::VirtualCard::answerToReset());
  const std::optional<Bytes> fci =
      served.handle(hexBytes("00A404000E315041592E5359532E444446303100"));
  ASSERT_TRUE(fci.has_value());
  EXPECT_EQ(toHex(*fci).substr(toHex(*fci).size() - 4), "9000");
  EXPECT_EQ(served.handle(hexBytes("02")), std::nullopt);  // reset
  EXPECT_TRUE(served.powered());
  EXPECT_EQ(served.handle(hexBytes("00")), std::nullopt);  // power off
  EXPECT_FALSE(served.powered());
  // The ATR of an unpowered card powers it up first, as vpcd expects.
  EXPECT_EQ(served.handle(hexBytes("04")), emv::VirtualCard::answerToReset());
  EXPECT_EQ(served.messages(), 6u);
}

TEST(VpcdTest, AMuteCardAnswersEmptyMessages) {
  emv::VirtualCard card = visaCard();
  emv::CardFault mute;
  mute.mute = true;
  card.setFault(mute);
  VpcdCard served(card);
  EXPECT_EQ(served.handle(hexBytes("01")), std::nullopt);
  EXPECT_FALSE(served.powered());
  EXPECT_EQ(served.handle(hexBytes("04")), Bytes{});
  EXPECT_EQ(served.handle(hexBytes("00A4040000")), Bytes{});
}

// A one-connection-at-a-time stand-in for vpcd on 127.0.0.1.
class FakeVpcd {
 public:
  FakeVpcd() {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    const int one = 1;
    setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    socklen_t len = sizeof a;
    getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    EXPECT_EQ(listen(listener_, 1), 0);
  }
  ~FakeVpcd() {
    if (client_ >= 0) close(client_);
    close(listener_);
  }
  std::uint16_t port() const { return port_; }

  void accept() {
    if (client_ >= 0) close(client_);
    client_ = ::accept(listener_, nullptr, nullptr);
    ASSERT_GE(client_, 0);
  }
  void closeClient() {
    close(client_);
    client_ = -1;
  }
  void send(ByteView message) {
    const Bytes framed = frameVpcdMessage(message);
    ASSERT_EQ(::send(client_, framed.data(), framed.size(), 0),
              static_cast<ssize_t>(framed.size()));
  }
  Bytes receive() {
    std::uint8_t header[2];
    if (!readExact(header, 2)) return {};
    Bytes out((std::size_t{header[0]} << 8) | header[1]);
    if (!out.empty() && !readExact(out.data(), out.size())) return {};
    return out;
  }

 private:
  bool readExact(std::uint8_t* out, std::size_t n) {
    std::size_t got = 0;
    while (got < n) {
      const ssize_t r = recv(client_, out + got, n - got, 0);
      if (r <= 0) return false;
      got += static_cast<std::size_t>(r);
    }
    return true;
  }

  int listener_ = -1;
  int client_ = -1;
  std::uint16_t port_ = 0;
};

TEST(VpcdTest, ServesOverTcpReconnectsWhenVpcdClosesAndStopsOnTheFlag) {
  emv::VirtualCard card = visaCard();
  VpcdCard served(card);
  FakeVpcd vpcd;
  std::atomic<bool> stop{false};
  std::atomic<int> after{0};
  VpcdServeOptions options;
  options.port = vpcd.port();
  options.stop = &stop;
  options.reconnect_delay_ms = 100;
  options.after_message = [&] { ++after; };
  // Written by the server thread, read after it is joined.
  std::vector<std::pair<std::string, std::string>> exchanges;
  options.exchanged = [&](ByteView message, const std::optional<Bytes>& answer) {
    exchanges.emplace_back(toHex(message), answer ? toHex(*answer) : "none");
  };
  Status result;
  std::thread server([&] { result = serveOverVpcd(served, options); });

  vpcd.accept();
  vpcd.send(hexBytes("01"));
  vpcd.send(hexBytes("04"));
  EXPECT_EQ(vpcd.receive(), emv::VirtualCard::answerToReset());
  vpcd.send(hexBytes("00A404000E315041592E5359532E444446303100"));
  const Bytes fci = vpcd.receive();
  ASSERT_GE(fci.size(), 2u);
  EXPECT_EQ(toHex(fci).substr(toHex(fci).size() - 4), "9000");

  // vpcd goes away (pcscd restarted): the card loses power and connects again.
  vpcd.closeClient();
  vpcd.accept();
  vpcd.send(hexBytes("04"));
  EXPECT_EQ(vpcd.receive(), emv::VirtualCard::answerToReset());

  stop = true;
  server.join();
  EXPECT_TRUE(result.isOk()) << result.toString();
  EXPECT_GE(after.load(), 4);
  // Each message with its answer, in order: power on (no answer), the ATR, the SELECT and its
  // FCI, then, after the reconnection, the ATR again.
  ASSERT_GE(exchanges.size(), 4u);
  EXPECT_EQ(exchanges[0], std::make_pair(std::string("01"), std::string("none")));
  EXPECT_EQ(exchanges[1].first, "04");
  EXPECT_EQ(exchanges[1].second, toHex(emv::VirtualCard::answerToReset()));
  EXPECT_EQ(exchanges[2].first, "00A404000E315041592E5359532E444446303100");
  EXPECT_EQ(exchanges[2].second, toHex(fci));
  EXPECT_EQ(exchanges.back().first, "04");
}

TEST(VpcdTest, WaitsForVpcdThatDoesNotListenYetAndSaysSo) {
  emv::VirtualCard card = visaCard();
  VpcdCard served(card);
  std::uint16_t port = 0;
  {
    FakeVpcd closed;  // a port nobody listens on once this is gone
    port = closed.port();
  }
  std::atomic<bool> stop{false};
  std::vector<std::string> notes;
  VpcdServeOptions options;
  options.port = port;
  options.stop = &stop;
  options.reconnect_delay_ms = 100;
  options.note = [&](const std::string& text) {
    notes.push_back(text);
    stop = true;
  };
  EXPECT_TRUE(serveOverVpcd(served, options).isOk());
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("waiting for vpcd at 127.0.0.1:" + std::to_string(port)),
            std::string::npos)
      << notes[0];
}

TEST(VpcdTest, AHostThatDoesNotResolveIsAnError) {
  emv::VirtualCard card = visaCard();
  VpcdCard served(card);
  std::atomic<bool> stop{false};
  VpcdServeOptions options;
  options.host = "no-such-host.invalid";
  options.stop = &stop;
  const Status s = serveOverVpcd(served, options);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
}

}  // namespace
TEST(VpcdTest, AddressesAndTheConfiguredPort) {
  auto v4 = parseVpcdAddress("127.0.0.1:35964");
  ASSERT_TRUE(v4.isOk());
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 35964);
  auto v6 = parseVpcdAddress("[::1]:35963");
  ASSERT_TRUE(v6.isOk());
  EXPECT_EQ(v6->host, "::1");
  for (const char* bad : {"localhost", ":35963", "host:0", "host:65536", "host:port", ""}) {
    auto refused = parseVpcdAddress(bad);
    ASSERT_FALSE(refused.isOk()) << bad;
    EXPECT_EQ(refused.status().message(),
              std::string("'") + bad + "' is not HOST:PORT (port 1-65535)");
  }
  // Debian's /etc/reader.conf.d/vpcd names the port in hex; a missing file or line: 35963.
  const std::string conf = ::testing::TempDir() + "/posim-vpcd-conf";
  std::ofstream(conf) << "FRIENDLYNAME \"Virtual PCD\"\nDEVICENAME /dev/null:0x8C7C\n"
                         "LIBPATH /usr/lib/pcsc/drivers/serial/libifdvpcd.so\n";
  EXPECT_EQ(configuredVpcdPort(conf), 0x8C7C);
  std::ofstream(conf) << "FRIENDLYNAME \"Virtual PCD\"\n";
  EXPECT_EQ(configuredVpcdPort(conf), kVpcdDefaultPort);
  EXPECT_EQ(configuredVpcdPort(conf + ".missing"), kVpcdDefaultPort);
  std::remove(conf.c_str());
}

}  // namespace posim::pcsc
