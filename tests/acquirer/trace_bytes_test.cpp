// ISO 8583 trace events carry the message bytes (TraceEvent::format "iso8583:<dialect>"): the
// embedded backend packs them with iso87-ascii when created with a dialect resolver and a sink,
// the iso8583 client backend traces what it sent and received. Never a PIN block.
#include <algorithm>
#include <chrono>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "posim/acquirer/embedded.h"
#include "posim/acquirer/iso8583_transport.h"
#include "posim/acquirer/registry.h"
#include "posim/base/clock.h"
#include "posim/base/random.h"
#include "posim/iso8583/codec.h"
#include "posim/scenarios/dialect_files.h"

#include "acquirer_test_support.h"

namespace posim::acquirer {
namespace {

using namespace std::chrono_literals;
using testing::at;
using testing::issuerConfig;
using testing::kStart;
using testing::pinBlock;
using testing::request;
using testing::visaPan;

std::shared_ptr<const iso8583::Dialect> iso87() {
  auto dialect = scenarios::resolveDialect("iso87-ascii");
  EXPECT_TRUE(dialect.isOk()) << dialect.status().toString();
  return dialect.isOk() ? *dialect : nullptr;
}

bool containsBytes(const Bytes& haystack, const Bytes& needle) {
  if (needle.empty() || needle.size() > haystack.size()) return false;
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) !=
         haystack.end();
}

Request pinSale(const std::string& stan) {
  Request sale = request(TransactionType::kSale, visaPan(), 1234, stan, at(kStart));
  sale.pin_block = pinBlock("1234", visaPan());
  return sale;
}

class TraceBytesTest : public ::testing::Test {
 protected:
  void SetUp() override { addBuiltinBackends(registry_); }

  BackendContext context(EventSink* events) {
    BackendContext c;
    c.issuer = &issuer_;
    c.random = &random_;
    c.events = events;
    c.dialects = [](std::string_view name) { return scenarios::resolveDialect(name); };
    return c;
  }

  BackendRegistry registry_;
  EmbeddedConfig issuer_ = issuerConfig();
  SeededRandom random_{1};
  RecordingEventSink events_;
};

TEST_F(TraceBytesTest, EmbeddedRequestUnpacksWithItsDialectAndHasNoPinBlock) {
  auto backend = registry_.create("embedded", context(&events_));
  ASSERT_TRUE(backend.isOk()) << backend.status().toString();
  const Request sale = pinSale("000042");
  auto response = (*backend)->send(sale);
  ASSERT_TRUE(response.isOk()) << response.status().toString();
  ASSERT_EQ(response->response_code, "00");

  ASSERT_EQ(events_.events().size(), 2u);
  const TraceEvent& req = events_.events()[0];
  const TraceEvent& rsp = events_.events()[1];
  ASSERT_EQ(req.kind, TraceKind::kIso8583Request);
  ASSERT_EQ(rsp.kind, TraceKind::kIso8583Response);
  EXPECT_EQ(req.format, "iso8583:iso87-ascii");
  EXPECT_EQ(rsp.format, "iso8583:iso87-ascii");
  ASSERT_FALSE(req.data.empty());
  ASSERT_FALSE(rsp.data.empty());

  const auto dialect = iso87();
  ASSERT_NE(dialect, nullptr);
  auto message = iso8583::unpackMessage(*dialect, req.data);
  ASSERT_TRUE(message.isOk()) << message.status().toString();
  EXPECT_EQ(message->mti(), "0200");
  EXPECT_EQ(message->get(11), "000042");
  EXPECT_EQ(message->get(4), "000000001234");
  EXPECT_EQ(message->get(2), visaPan());
  EXPECT_FALSE(message->has(52));
  EXPECT_FALSE(containsBytes(req.data, sale.pin_block));

  auto answer = iso8583::unpackMessage(*dialect, rsp.data);
  ASSERT_TRUE(answer.isOk()) << answer.status().toString();
  EXPECT_EQ(answer->mti(), "0210");
  EXPECT_EQ(answer->get(11), "000042");
  EXPECT_EQ(answer->get(39), "00");
  EXPECT_EQ(answer->get(38), response->authorization_code);
  EXPECT_FALSE(answer->has(52));
}

TEST_F(TraceBytesTest, EmbeddedWithoutDialectTracesNoBytes) {
  EmbeddedBackend backend(issuerConfig(), random_, &events_);
  ASSERT_TRUE(backend.send(pinSale("000001")).isOk());
  ASSERT_EQ(events_.events().size(), 2u);
  for (const TraceEvent& event : events_.events()) {
    EXPECT_TRUE(event.data.empty());
    EXPECT_TRUE(event.format.empty());
  }
}

TEST_F(TraceBytesTest, EmbeddedWithoutSinkStillAnswers) {
  auto backend = registry_.create("embedded", context(nullptr));
  ASSERT_TRUE(backend.isOk()) << backend.status().toString();
  auto response = (*backend)->send(pinSale("000002"));
  ASSERT_TRUE(response.isOk());
  EXPECT_EQ(response->response_code, "00");
}

TEST_F(TraceBytesTest, ClientTracesWhatItSentAndReceivedWithoutThePinBlock) {
  const auto dialect = iso87();
  ASSERT_NE(dialect, nullptr);
  RealSteadyClock steady;
  SeededRandom host_random{42};
  HostOptions host_options;
  host_options.listen_port = 0;
  host_options.dialect = dialect;
  host_options.reference_time = at(kStart);
  auto host =
      Iso8583Host::start(std::move(host_options),
                         std::make_unique<EmbeddedBackend>(issuerConfig(), host_random, nullptr),
                         nullptr, nullptr, &steady);
  ASSERT_TRUE(host.isOk()) << host.status().toString();

  ClientOptions options;
  options.host = "127.0.0.1";
  options.port = (*host)->port();
  options.dialect = dialect;
  options.response_timeout = 2000ms;
  options.connect_timeout = 1000ms;
  auto client = Iso8583ClientBackend::create(std::move(options), &events_, nullptr, &steady);
  ASSERT_TRUE(client.isOk()) << client.status().toString();
  const Request sale = pinSale("000077");
  auto response = (*client)->send(sale);
  ASSERT_TRUE(response.isOk()) << response.status().toString();
  EXPECT_EQ(response->response_code, "00");

  const TraceEvent* req = nullptr;
  const TraceEvent* rsp = nullptr;
  for (const TraceEvent& event : events_.events()) {
    if (event.kind == TraceKind::kIso8583Request) req = &event;
    if (event.kind == TraceKind::kIso8583Response) rsp = &event;
  }
  ASSERT_NE(req, nullptr);
  ASSERT_NE(rsp, nullptr);
  EXPECT_EQ(req->format, "iso8583:iso87-ascii");
  EXPECT_EQ(rsp->format, "iso8583:iso87-ascii");
  auto sent = iso8583::unpackMessage(*dialect, req->data);
  ASSERT_TRUE(sent.isOk()) << sent.status().toString();
  EXPECT_EQ(sent->mti(), "0200");
  EXPECT_EQ(sent->get(11), "000077");
  EXPECT_FALSE(sent->has(52));
  EXPECT_FALSE(containsBytes(req->data, sale.pin_block));
  auto received = iso8583::unpackMessage(*dialect, rsp->data);
  ASSERT_TRUE(received.isOk()) << received.status().toString();
  EXPECT_EQ(received->mti(), "0210");
  EXPECT_EQ(received->get(39), "00");
}

}  // namespace
}  // namespace posim::acquirer
