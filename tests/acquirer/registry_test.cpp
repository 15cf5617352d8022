#include "posim/acquirer/registry.h"

#include <gtest/gtest.h>

#include "posim/base/clock.h"
#include "posim/base/random.h"
#include "posim/iso8583/dialect.h"

#include "acquirer_test_support.h"

namespace posim::acquirer {
namespace {

using testing::at;
using testing::issuerConfig;
using testing::kStart;
using testing::request;
using testing::visaPan;

class RegistryTest : public ::testing::Test {
 protected:
  void SetUp() override { addBuiltinBackends(registry_); }
  BackendContext context(std::map<std::string, std::string> options = {}) {
    BackendContext c;
    c.options = std::move(options);
    c.issuer = &issuer_;
    c.random = &random_;
    c.events = &events_;
    return c;
  }

  BackendRegistry registry_;
  EmbeddedConfig issuer_ = issuerConfig();
  SeededRandom random_{1};
  RecordingEventSink events_;
};

TEST_F(RegistryTest, BuiltinsListEmbeddedAndIso8583) {
  const auto all = registry_.list();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0]->id, "embedded");
  EXPECT_FALSE(all[0]->description.empty());
  ASSERT_EQ(all[0]->options.size(), 1u);
  EXPECT_EQ(all[0]->options[0].name, "latency");
  EXPECT_FALSE(all[0]->options[0].required);
  EXPECT_EQ(registry_.find("embedded"), all[0]);
  EXPECT_EQ(all[1]->id, "iso8583");
  EXPECT_EQ(registry_.find("iso8583"), all[1]);
  std::map<std::string, std::string> defaults;
  for (const BackendOption& o : all[1]->options) defaults[o.name] = o.default_value;
  EXPECT_EQ(defaults.at("dialect"), "iso87-ascii");
  EXPECT_EQ(defaults.at("framing"), "binary2");
  EXPECT_EQ(defaults.at("port"), "8583");
  EXPECT_EQ(defaults.at("connect"), "eager");
}

TEST_F(RegistryTest, Iso8583BackendOptionsAreChecked) {
  BackendContext c = context({{"host", "127.0.0.1"}, {"timeout_ms", "abc"}});
  c.dialects = [](std::string_view) -> Result<std::shared_ptr<const iso8583::Dialect>> {
    return std::make_shared<const iso8583::Dialect>();
  };
  const ManualSteadyClock steady;
  c.steady = &steady;
  auto bad_timeout = registry_.create("iso8583", c);
  ASSERT_FALSE(bad_timeout.isOk());
  EXPECT_NE(bad_timeout.status().message().find("timeout_ms: 'abc' is not a number"),
            std::string::npos)
      << bad_timeout.status().message();
  c.options = {{"host", "127.0.0.1"}, {"connect", "sometimes"}};
  auto bad_connect = registry_.create("iso8583", c);
  ASSERT_FALSE(bad_connect.isOk());
  EXPECT_NE(bad_connect.status().message().find("connect"), std::string::npos);
  // Nothing listens on port 1: an eager backend reports the host unreachable at once.
  c.options = {{"host", "127.0.0.1"}, {"port", "1"}, {"connect_timeout_ms", "500"}};
  auto unreachable = registry_.create("iso8583", c);
  ASSERT_FALSE(unreachable.isOk());
  EXPECT_EQ(unreachable.status().code(), StatusCode::kUnavailable)
      << unreachable.status().toString();
}

TEST_F(RegistryTest, CreatesAWorkingEmbeddedBackend) {
  auto backend = registry_.create("embedded", context());
  ASSERT_TRUE(backend.isOk()) << backend.status().toString();
  EXPECT_EQ((*backend)->id(), "embedded");
  auto response =
      (*backend)->send(request(TransactionType::kSale, visaPan(), 100, "000001", at(kStart)));
  ASSERT_TRUE(response.isOk());
  EXPECT_EQ(response->response_code, "00");
  EXPECT_EQ(response->host_time, std::chrono::milliseconds(120));
  EXPECT_EQ(events_.events().size(), 2u);  // the context's sink is used
}

TEST_F(RegistryTest, LatencyOptionOverridesTheIssuerConfiguration) {
  auto backend = registry_.create("embedded", context({{"latency", "2s"}}));
  ASSERT_TRUE(backend.isOk()) << backend.status().toString();
  auto response = (*backend)->send(request(TransactionType::kEcho, "", 0, "000001", at(kStart)));
  ASSERT_TRUE(response.isOk());
  EXPECT_EQ(response->host_time, std::chrono::seconds(2));

  auto bad = registry_.create("embedded", context({{"latency", "slow"}}));
  ASSERT_FALSE(bad.isOk());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("latency"), std::string::npos);
  EXPECT_NE(bad.status().message().find("slow"), std::string::npos);
}

TEST_F(RegistryTest, UnknownBackendGetsAHint) {
  auto backend = registry_.create("embeded", context());
  ASSERT_FALSE(backend.isOk());
  EXPECT_EQ(backend.status().code(), StatusCode::kNotFound);
  EXPECT_NE(backend.status().message().find("'embeded'"), std::string::npos)
      << backend.status().message();
  EXPECT_NE(backend.status().message().find("did you mean embedded?"), std::string::npos)
      << backend.status().message();
}

TEST_F(RegistryTest, UnknownOptionGetsAHint) {
  auto backend = registry_.create("embedded", context({{"latncy", "1s"}}));
  ASSERT_FALSE(backend.isOk());
  EXPECT_EQ(backend.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(backend.status().message().find("unknown option 'latncy'; did you mean latency?"),
            std::string::npos)
      << backend.status().message();
}

TEST_F(RegistryTest, EmbeddedNeedsAnIssuerAndEveryBackendARandom) {
  BackendContext no_issuer = context();
  no_issuer.issuer = nullptr;
  auto a = registry_.create("embedded", no_issuer);
  ASSERT_FALSE(a.isOk());
  EXPECT_NE(a.status().message().find("issuer"), std::string::npos);
  BackendContext no_random = context();
  no_random.random = nullptr;
  auto b = registry_.create("embedded", no_random);
  ASSERT_FALSE(b.isOk());
  EXPECT_NE(b.status().message().find("Random"), std::string::npos);
}

TEST_F(RegistryTest, AddRejectsDuplicatesAndDescriptorsWithoutFactory) {
  BackendDescriptor again;
  again.id = "embedded";
  again.factory = [](const BackendContext&) -> Result<std::unique_ptr<AcquirerBackend>> {
    return unimplemented("never");
  };
  EXPECT_EQ(registry_.add(again).code(), StatusCode::kInvalidArgument);
  BackendDescriptor no_factory;
  no_factory.id = "nothing";
  EXPECT_EQ(registry_.add(no_factory).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(registry_.add(BackendDescriptor{}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(registry_.list().size(), 2u);
}

TEST_F(RegistryTest, RequiredOptionsAndDefaults) {
  std::map<std::string, std::string> seen;
  BackendDescriptor tcp;
  tcp.id = "tcp-test";
  tcp.description = "an integrator's backend";
  tcp.options = {{"host", "host name of the acquirer", "", true},
                 {"port", "TCP port", "8583", false}};
  tcp.factory = [&seen](const BackendContext& c) -> Result<std::unique_ptr<AcquirerBackend>> {
    seen = c.options;
    return unavailable("connection refused");
  };
  ASSERT_TRUE(registry_.add(tcp).isOk());
  auto missing = registry_.create("tcp-test", context());
  ASSERT_FALSE(missing.isOk());
  EXPECT_NE(missing.status().message().find("'host' is required"), std::string::npos)
      << missing.status().message();
  auto created = registry_.create("tcp-test", context({{"host", "127.0.0.1"}}));
  EXPECT_EQ(created.status().code(), StatusCode::kUnavailable);  // the factory's own error
  EXPECT_EQ(seen.at("host"), "127.0.0.1");
  EXPECT_EQ(seen.at("port"), "8583");
  ASSERT_EQ(registry_.list().size(), 3u);
  EXPECT_EQ(registry_.list()[0]->id, "embedded");  // by id
  EXPECT_EQ(registry_.list()[1]->id, "iso8583");
  EXPECT_EQ(registry_.list()[2]->id, "tcp-test");
}

}  // namespace
}  // namespace posim::acquirer
