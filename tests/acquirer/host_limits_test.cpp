// The limits that keep `posim host` serving under hostile clients: the connection cap (a new
// connection evicts a silent one, never one that talks), the frame deadline (a frame trickled
// byte by byte closes its connection) and the rate limit on rejection notes.
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
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

using namespace std::chrono_literals;
using testing::at;
using testing::issuerConfig;
using testing::kStart;
using testing::visaPan;

using Client = testing::LoopbackClient;

class HostLimitsTest : public ::testing::Test {
 protected:
  void start(HostOptions options, const SteadyClock* clock = nullptr) {
    auto dialect = scenarios::resolveDialect("iso87-ascii");
    ASSERT_TRUE(dialect.isOk()) << dialect.status().toString();
    dialect_ = *dialect;
    options.listen_port = 0;
    options.dialect = dialect_;
    options.reference_time = at(kStart);
    auto host = Iso8583Host::start(
        std::move(options), std::make_unique<EmbeddedBackend>(issuerConfig(), random_, nullptr),
        &notes_, nullptr, clock != nullptr ? clock : &steady_);
    ASSERT_TRUE(host.isOk()) << host.status().toString();
    host_ = std::move(host).value();
  }

  Bytes framedSale(int stan) { return testing::framedSale(*dialect_, stan); }

  // Sends a sale and returns the answer's response code ("" when the connection ended).
  std::string sale(Client& client, int stan) {
    if (!client.write(framedSale(stan))) return "";
    auto answer = client.read();
    if (!answer) return "";
    auto message = iso8583::unpackMessage(*dialect_, *answer);
    return message.isOk() ? std::string(message->get(39)) : "(undecodable)";
  }

  std::shared_ptr<const iso8583::Dialect> dialect_;
  RealSteadyClock steady_;
  SeededRandom random_{5};
  testing::LockedSink notes_;
  std::unique_ptr<Iso8583Host> host_;
};

TEST_F(HostLimitsTest, ANewConnectionAtTheCapEvictsTheOldestSilentOne) {
  HostOptions options;
  options.max_connections = 3;
  start(options);
  Client talker(host_->port());
  ASSERT_EQ(sale(talker, 1), "00");
  Client silent1(host_->port());
  Client silent2(host_->port());
  ASSERT_TRUE(silent1.connected() && silent2.connected());
  // Let the host accept both before the fourth arrives.
  std::this_thread::sleep_for(100ms);
  Client newcomer(host_->port());
  EXPECT_EQ(sale(newcomer, 2), "00");
  EXPECT_TRUE(silent1.closedByHost());
  // The connection that talked was kept.
  EXPECT_EQ(sale(talker, 3), "00");
  EXPECT_EQ(notes_.count("evicted: 3 connections open, the limit"), 1u) << notes_.all();
}

TEST_F(HostLimitsTest, AFrameNotCompleteInTimeClosesItsConnection) {
  HostOptions options;
  options.frame_timeout = 300ms;
  start(options);
  Client slow(host_->port());
  const Bytes frame = framedSale(1);
  // The prefix and a few bytes, then one byte at a time, slower than the deadline allows.
  ASSERT_TRUE(slow.write(Bytes(frame.begin(), frame.begin() + 6)));
  bool closed = false;
  for (std::size_t i = 6; i < frame.size() && !closed; ++i) {
    std::this_thread::sleep_for(50ms);
    closed = !slow.write(Bytes{frame[i]});
  }
  EXPECT_TRUE(slow.closedByHost());
  EXPECT_EQ(notes_.count("closed: frame incomplete after 300 ms"), 1u) << notes_.all();
  // Other connections are served as before.
  Client good(host_->port());
  EXPECT_EQ(sale(good, 2), "00");
}

TEST_F(HostLimitsTest, AFrameSplitButCompleteInTimeIsAnswered) {
  HostOptions options;
  options.frame_timeout = 2000ms;
  start(options);
  Client client(host_->port());
  const Bytes frame = framedSale(1);
  const auto half = frame.begin() + static_cast<std::ptrdiff_t>(frame.size() / 2);
  ASSERT_TRUE(client.write(Bytes(frame.begin(), half)));
  std::this_thread::sleep_for(100ms);
  ASSERT_TRUE(client.write(Bytes(half, frame.end())));
  auto answer = client.read();
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(notes_.count("frame incomplete"), 0u) << notes_.all();
}

TEST_F(HostLimitsTest, RejectionNotesAreRateLimited) {
  // A clock that does not move: every note falls in one second, so at most 20 get through.
  ManualSteadyClock frozen;
  HostOptions options;
  start(options, &frozen);
  for (int i = 0; i < 60; ++i) {
    Client garbage(host_->port());
    ASSERT_TRUE(garbage.write(hexBytes("FFFF00")));
    EXPECT_TRUE(garbage.closedByHost());
  }
  EXPECT_EQ(notes_.count("exceeds the limit"), 20u) << notes_.all();
  host_.reset();
  EXPECT_EQ(notes_.count("40 note(s) left out (rate limit)"), 1u) << notes_.all();
}

TEST_F(HostLimitsTest, AClientThatNeverReadsDoesNotStopOthers) {
  start(HostOptions{});
  Client flooder(host_->port());
  // Requests without end, no reads: once the answers pile up the host stops reading from it, so
  // the socket buffers fill and a write blocks (the host does not queue answers without bound).
  Bytes many;
  for (int i = 0; i < 200; ++i) append(many, framedSale(i + 1));
  bool blocked = false;
  for (int round = 0; round < 3000 && !blocked; ++round) blocked = !flooder.write(many);
  EXPECT_TRUE(blocked) << "the host read 3000 rounds of requests nobody took the answers of";
  Client good(host_->port());
  EXPECT_EQ(sale(good, 9999), "00");
}

}  // namespace
}  // namespace posim::acquirer
