// The iso8583 client backend against `posim host` over real sockets on 127.0.0.1 (ephemeral
// ports), the host's fault rules, TLS and the pcap writer.
#include "posim/acquirer/iso8583_transport.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "posim/acquirer/iso8583_mapping.h"
#include "posim/acquirer/pcap.h"
#include "posim/acquirer/registry.h"
#include "posim/base/pan.h"
#include "posim/iso8583/codec.h"
#include "posim/scenarios/dialect_files.h"

#include "acquirer_test_support.h"
#include "loopback_client.h"
#include "test_data.h"

namespace posim::acquirer {
namespace {

using namespace std::chrono_literals;
using testing::at;
using testing::issuerConfig;
using testing::kStart;
using testing::LockedSink;
using testing::visaPan;

// The iso87-ascii dialect, read from its example file (the same YAML the built-in one embeds).
std::shared_ptr<const iso8583::Dialect> iso87() {
  static const std::shared_ptr<const iso8583::Dialect> dialect = [] {
    // tests/data/../../examples: __FILE__ may be relative to the build folder (ccache base_dir).
    const auto file = std::filesystem::path(test::dataDir()) / ".." / ".." / "examples" /
                      "dialects" / "iso87-ascii.yaml";
    auto loaded = scenarios::loadDialect(file);
    EXPECT_TRUE(loaded.isOk()) << loaded.status().toString();
    return loaded.isOk() ? std::make_shared<const iso8583::Dialect>(*loaded) : nullptr;
  }();
  return dialect;
}

std::filesystem::path tempDir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("posim-transport-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

bool haveProgram(const std::string& name) {
  return std::system(("command -v " + name + " >/dev/null 2>&1").c_str()) == 0;
}

class TransportTest : public ::testing::Test {
 protected:
  void startHost(std::vector<HostFaultRule> faults = {}, std::uint16_t port = 0,
                 std::optional<Bytes> mac_key = std::nullopt, TlsOptions tls = {},
                 WireTap* tap = nullptr) {
    HostOptions options;
    options.listen_port = port;
    options.dialect = dialect_;
    options.faults = std::move(faults);
    options.mac_key = std::move(mac_key);
    options.tls = std::move(tls);
    options.reference_time = at(kStart);
    auto backend = std::make_unique<EmbeddedBackend>(issuerConfig(), host_random_, nullptr);
    auto host =
        Iso8583Host::start(std::move(options), std::move(backend), &host_events_, tap, &steady_);
    ASSERT_TRUE(host.isOk()) << host.status().toString();
    host_ = std::move(host).value();
    port_ = host_->port();
  }

  ClientOptions clientOptions() const {
    ClientOptions options;
    options.host = "127.0.0.1";
    options.port = port_;
    options.dialect = dialect_;
    options.response_timeout = 2000ms;
    options.connect_timeout = 1000ms;
    options.reconnect_backoff = 20ms;
    options.reconnect_backoff_max = 100ms;
    options.latency = issuerConfig().latency;
    options.latency_seed = 7;
    return options;
  }

  std::unique_ptr<Iso8583ClientBackend> client(ClientOptions options, WireTap* tap = nullptr) {
    auto created = Iso8583ClientBackend::create(std::move(options), &client_events_, tap, &steady_);
    EXPECT_TRUE(created.isOk()) << created.status().toString();
    return created.isOk() ? std::move(created).value() : nullptr;
  }

  Request sale(int stan, std::int64_t amount = 1000) {
    char text[8];
    std::snprintf(text, sizeof text, "%06d", stan);
    return testing::request(TransactionType::kSale, visaPan(), amount, text,
                            testing::plus(at(kStart), std::chrono::seconds(stan)));
  }

  std::shared_ptr<const iso8583::Dialect> dialect_ = iso87();
  RealSteadyClock steady_;
  SeededRandom host_random_{42};
  LockedSink host_events_;
  LockedSink client_events_;
  std::unique_ptr<Iso8583Host> host_;
  std::uint16_t port_ = 0;
};

TEST_F(TransportTest, SaleIsApprovedOverTcp) {
  startHost();
  auto backend = client(clientOptions());
  ASSERT_NE(backend, nullptr);
  EXPECT_EQ(backend->id(), "iso8583");
  auto response = backend->send(sale(1));
  ASSERT_TRUE(response.isOk()) << response.status().toString();
  EXPECT_EQ(response->response_code, "00");
  EXPECT_EQ(response->authorization_code.size(), 6u);
  EXPECT_EQ(response->rrn.size(), 12u);
  EXPECT_EQ(response->host_time, Duration(120ms));  // the modelled latency, not the real one
  EXPECT_EQ(host_->requestsServed(), 1u);
  EXPECT_TRUE(host_events_.contains(maskPan(visaPan()))) << host_events_.all();
  EXPECT_FALSE(host_events_.contains(visaPan()));
  EXPECT_FALSE(client_events_.contains(visaPan()));
  // A second request on the same connection, and a decline of an unknown card.
  auto second = backend->send(sale(2, 2000));
  ASSERT_TRUE(second.isOk()) << second.status().toString();
  EXPECT_EQ(second->response_code, "00");
  Request unknown = sale(3);
  unknown.pan = Pan("4000000000000002");
  auto declined = backend->send(unknown);
  ASSERT_TRUE(declined.isOk()) << declined.status().toString();
  EXPECT_EQ(declined->response_code, "14");
}

TEST_F(TransportTest, SameSeedGivesSameVirtualTimes) {
  startHost();
  ClientOptions options = clientOptions();
  options.latency = LatencyModel{LatencyModel::Kind::kUniform, Duration(50ms), Duration(500ms)};
  auto a = client(options);
  auto b = client(options);
  for (int i = 1; i <= 3; ++i) {
    auto ra = a->send(sale(10 + i));
    auto rb = b->send(sale(20 + i));
    ASSERT_TRUE(ra.isOk() && rb.isOk());
    EXPECT_EQ(ra->host_time, rb->host_time);
  }
}

TEST_F(TransportTest, DroppedAnswerTimesOut) {
  startHost({*parseHostFaultRule("drop:mti=0200:count=1")});
  ClientOptions options = clientOptions();
  options.response_timeout = 200ms;
  auto backend = client(options);
  const auto before = steady_.elapsed();
  auto response = backend->send(sale(1));
  const auto took = steady_.elapsed() - before;
  ASSERT_FALSE(response.isOk());
  EXPECT_EQ(response.status().code(), StatusCode::kDeadlineExceeded)
      << response.status().toString();
  EXPECT_GE(took, 190ms);
  EXPECT_LT(took, 1500ms);
  EXPECT_TRUE(host_events_.contains("dropped")) << host_events_.all();
  auto next = backend->send(sale(2));  // the rule was for one message only
  ASSERT_TRUE(next.isOk()) << next.status().toString();
}

TEST_F(TransportTest, HostDownThenUpReconnects) {
  startHost();
  const std::uint16_t port = port_;
  host_.reset();  // the port is free again: connection refused
  auto backend = client(clientOptions());
  auto refused = backend->send(sale(1));
  ASSERT_FALSE(refused.isOk());
  EXPECT_EQ(refused.status().code(), StatusCode::kUnavailable) << refused.status().toString();
  EXPECT_NE(refused.status().message().find("127.0.0.1:" + std::to_string(port)),
            std::string::npos);
  startHost({}, port);
  auto answered = backend->send(sale(2));
  ASSERT_TRUE(answered.isOk()) << answered.status().toString();
  EXPECT_EQ(answered->response_code, "00");
  // The host goes away under an open connection; it comes back; the client reconnects.
  host_.reset();
  auto lost = backend->send(sale(3));
  EXPECT_FALSE(lost.isOk());
  startHost({}, port);
  std::this_thread::sleep_for(150ms);  // past the backoff
  auto again = backend->send(sale(4));
  ASSERT_TRUE(again.isOk()) << again.status().toString();
}

TEST_F(TransportTest, LateAnswerIsReportedAndDropped) {
  startHost({*parseHostFaultRule("delay=400ms:count=1")});
  ClientOptions options = clientOptions();
  options.response_timeout = 150ms;
  auto backend = client(options);
  auto late = backend->send(sale(1));
  ASSERT_FALSE(late.isOk());
  EXPECT_EQ(late.status().code(), StatusCode::kDeadlineExceeded);
  std::this_thread::sleep_for(500ms);
  auto next = backend->send(sale(2));
  ASSERT_TRUE(next.isOk()) << next.status().toString();
  EXPECT_TRUE(client_events_.contains("late response")) << client_events_.all();
  EXPECT_TRUE(client_events_.contains("STAN 000001")) << client_events_.all();
}

TEST_F(TransportTest, DuplicateAnswerIsReportedUnmatched) {
  startHost({*parseHostFaultRule("duplicate:count=1")});
  auto backend = client(clientOptions());
  auto first = backend->send(sale(1));
  ASSERT_TRUE(first.isOk()) << first.status().toString();
  std::this_thread::sleep_for(100ms);
  auto second = backend->send(sale(2));
  ASSERT_TRUE(second.isOk()) << second.status().toString();
  EXPECT_TRUE(client_events_.contains("unmatched response")) << client_events_.all();
  EXPECT_TRUE(client_events_.contains("duplicate")) << client_events_.all();
}

TEST_F(TransportTest, MacIsCheckedBothWays) {
  const Bytes tak = hexBytes("0123456789ABCDEFFEDCBA9876543210");
  startHost({*parseHostFaultRule("wrong_mac:count=1")}, 0, tak);
  ClientOptions options = clientOptions();
  options.mac_key = tak;
  auto backend = client(options);
  auto bad = backend->send(sale(1));
  ASSERT_FALSE(bad.isOk());
  EXPECT_EQ(bad.status().code(), StatusCode::kMalformed) << bad.status().toString();
  auto good = backend->send(sale(2));  // the connection was kept
  ASSERT_TRUE(good.isOk()) << good.status().toString();
  EXPECT_EQ(good->response_code, "00");
  // A client without the key: the host cannot verify the request and answers 30 (or closes).
  auto keyless = client(clientOptions());
  auto refused = keyless->send(sale(3));
  if (refused.isOk()) {
    EXPECT_EQ(refused->response_code, "30");
  }
  EXPECT_TRUE(host_events_.contains("malformed message")) << host_events_.all();
}

TEST_F(TransportTest, EchoKeepsTheConnectionAlive) {
  startHost();
  ClientOptions options = clientOptions();
  options.echo_interval = 60ms;
  auto backend = client(options);
  ASSERT_TRUE(backend->send(sale(1)).isOk());
  std::this_thread::sleep_for(400ms);
  EXPECT_GE(host_->requestsServed(), 3u);
  EXPECT_TRUE(host_events_.contains("0800")) << host_events_.all();
  ASSERT_TRUE(backend->send(sale(2)).isOk());
}

// Raw bytes no client would send; a missing answer fails within 2 s.
using testing::LoopbackClient;

Bytes framed(ByteView message) {
  Bytes out = writeBigEndian(message.size(), 2);
  append(out, message);
  return out;
}

TEST_F(TransportTest, MalformedMessagesAreAnsweredOrClosedAndTheHostGoesOn) {
  startHost();
  {
    // Enough to answer (MTI, DE 11, DE 41) but not a sale: 30 format error.
    iso8583::Message partial("0200");
    partial.set(11, "000123");
    partial.set(41, "12345678");
    auto packed = iso8583::pack(*dialect_, partial);
    ASSERT_TRUE(packed.isOk()) << packed.status().toString();
    LoopbackClient raw(port_, 2);
    ASSERT_TRUE(raw.connected());
    ASSERT_TRUE(raw.write(framed(*packed)));
    auto answer = raw.read();
    ASSERT_TRUE(answer.has_value());
    auto decoded = iso8583::unpackMessage(*dialect_, *answer);
    ASSERT_TRUE(decoded.isOk()) << decoded.status().toString();
    EXPECT_EQ(decoded->mti(), "0210");
    EXPECT_EQ(decoded->get(39), "30");
    EXPECT_EQ(decoded->get(11), "000123");
  }
  {
    LoopbackClient raw(port_, 2);  // garbage: answered 30 if anything was decoded, else closed
    ASSERT_TRUE(raw.write(framed(asBytes("HELLO, HOST"))));
    auto answer = raw.read();
    if (answer) {
      auto decoded = iso8583::unpackMessage(*dialect_, *answer);
      EXPECT_TRUE(decoded.isOk() && decoded->get(39) == "30");
    }
  }
  {
    LoopbackClient raw(port_, 2);  // a frame larger than max_message_size: closed
    ASSERT_TRUE(raw.write(concat(hexBytes("FFFF"), Bytes(16, 0x30))));
    EXPECT_FALSE(raw.read().has_value());
  }
  EXPECT_TRUE(host_events_.contains("malformed message")) << host_events_.all();
  EXPECT_TRUE(host_events_.contains("exceeds the limit")) << host_events_.all();
  auto backend = client(clientOptions());
  auto response = backend->send(sale(1));
  ASSERT_TRUE(response.isOk()) << response.status().toString();
  EXPECT_EQ(response->response_code, "00");
}

TEST_F(TransportTest, ManyConnectionsAtOnce) {
  startHost();
  constexpr int kThreads = 16;
  constexpr int kRequests = 50;
  std::atomic<int> answered{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto created = Iso8583ClientBackend::create(clientOptions(), nullptr, nullptr, &steady_);
      if (!created.isOk()) return;
      auto& backend = *created;
      for (int i = 1; i <= kRequests; ++i) {
        Request r = sale(i, 100);
        r.terminal_id = "TERM00" + std::string(t < 10 ? "0" : "") + std::to_string(t);
        auto response = backend->send(r);
        if (response.isOk() && response->response_code.size() == 2) answered.fetch_add(1);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(answered.load(), kThreads * kRequests);
  EXPECT_EQ(host_->requestsServed(), static_cast<std::uint64_t>(kThreads * kRequests));
}

// openssl req -x509 ...: a self-signed certificate for localhost and 127.0.0.1.
bool makeCertificate(const std::filesystem::path& dir, const std::string& name) {
  const std::string cmd =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost "
      "-addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout " +
      (dir / (name + ".key")).string() + " -out " + (dir / (name + ".pem")).string() +
      " >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

TEST_F(TransportTest, TlsVerifiesTheHostCertificate) {
  if (!haveProgram("openssl")) GTEST_SKIP() << "no openssl command";
  const auto dir = tempDir("tls");
  ASSERT_TRUE(makeCertificate(dir, "host"));
  ASSERT_TRUE(makeCertificate(dir, "other"));
  TlsOptions server;
  server.enabled = true;
  server.cert_file = (dir / "host.pem").string();
  server.key_file = (dir / "host.key").string();
  startHost({}, 0, std::nullopt, server);

  ClientOptions trusted = clientOptions();
  trusted.tls.enabled = true;
  trusted.tls.ca_file = (dir / "host.pem").string();
  auto good = client(trusted);
  auto response = good->send(sale(1));
  ASSERT_TRUE(response.isOk()) << response.status().toString();
  EXPECT_EQ(response->response_code, "00");

  ClientOptions untrusted = trusted;
  untrusted.tls.ca_file = (dir / "other.pem").string();
  auto bad = client(untrusted);
  auto refused = bad->send(sale(2));
  ASSERT_FALSE(refused.isOk());
  EXPECT_EQ(refused.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(refused.status().message().find("TLS handshake"), std::string::npos)
      << refused.status().message();

  // By default (no ca_file) the system trust store decides, and it does not know a self-signed
  // test host: verification is on without being asked for.
  ClientOptions system_store = trusted;
  system_store.tls.ca_file.clear();
  auto defaults = client(system_store);
  auto refused_default = defaults->send(sale(5));
  ASSERT_FALSE(refused_default.isOk());
  EXPECT_EQ(refused_default.status().code(), StatusCode::kUnavailable);

  ClientOptions wrong_name = trusted;
  wrong_name.tls.server_name = "acquirer.example.com";
  auto misnamed = client(wrong_name);
  auto refused_name = misnamed->send(sale(3));
  ASSERT_FALSE(refused_name.isOk());
  EXPECT_EQ(refused_name.status().code(), StatusCode::kUnavailable);

  ClientOptions plain = clientOptions();  // no TLS against a TLS host: no answer
  plain.response_timeout = 300ms;
  auto cleartext = client(plain);
  EXPECT_FALSE(cleartext->send(sale(4)).isOk());
  std::filesystem::remove_all(dir);
}

std::uint32_t le32(const Bytes& b, std::size_t at) {
  return static_cast<std::uint32_t>(b[at] | b[at + 1] << 8 | b[at + 2] << 16 | b[at + 3] << 24);
}

std::uint16_t checksum(ByteView data, std::uint32_t sum = 0) {
  for (std::size_t i = 0; i + 1 < data.size(); i += 2) {
    sum += static_cast<std::uint32_t>(data[i] << 8 | data[i + 1]);
  }
  if (data.size() % 2) sum += static_cast<std::uint32_t>(data.back() << 8);
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xFFFF);
}

TEST_F(TransportTest, PcapHasAHandshakeAndValidChecksums) {
  const auto dir = tempDir("pcap");
  const auto path = (dir / "capture.pcap").string();
  auto writer = PcapWriter::open(path);
  ASSERT_TRUE(writer.isOk()) << writer.status().toString();
  startHost({}, 0, std::nullopt, {}, writer->get());
  auto backend = client(clientOptions());
  ASSERT_TRUE(backend->send(sale(1)).isOk());
  ASSERT_TRUE(backend->send(sale(2)).isOk());
  backend.reset();
  host_.reset();
  ASSERT_TRUE((*writer)->close().isOk());
  EXPECT_EQ((*writer)->packetsWritten(), 3u + 4u + 3u);  // handshake, 4 messages, FIN

  std::ifstream in(path, std::ios::binary);
  const Bytes file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GE(file.size(), 24u);
  EXPECT_EQ(le32(file, 0), 0xA1B2C3D4u);
  EXPECT_EQ(le32(file, 20), PcapWriter::kLinkTypeRaw);
  std::size_t offset = 24;
  int packets = 0;
  std::vector<std::uint8_t> flags;
  while (offset + 16 <= file.size()) {
    const std::uint32_t length = le32(file, offset + 8);
    ASSERT_EQ(length, le32(file, offset + 12));
    ASSERT_LE(offset + 16 + length, file.size());
    const ByteView ip(file.data() + offset + 16, length);
    EXPECT_EQ(ip[0], 0x45);
    EXPECT_EQ(ip[9], 6);
    EXPECT_EQ(readBigEndian(ip.subspan(2, 2)), length);
    EXPECT_EQ(checksum(ip.subspan(0, 20)), 0);
    const ByteView tcp = ip.subspan(20);
    Bytes pseudo(ip.begin() + 12, ip.begin() + 20);
    append(pseudo, hexBytes("0006"));
    append(pseudo, writeBigEndian(tcp.size(), 2));
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i < pseudo.size(); i += 2) {
      sum += static_cast<std::uint32_t>(pseudo[i] << 8 | pseudo[i + 1]);
    }
    EXPECT_EQ(checksum(tcp, sum), 0);
    flags.push_back(tcp[13]);
    offset += 16 + length;
    ++packets;
  }
  EXPECT_EQ(offset, file.size());
  EXPECT_EQ(packets, 10);
  ASSERT_GE(flags.size(), 3u);
  EXPECT_EQ(flags[0], 0x02);  // SYN
  EXPECT_EQ(flags[1], 0x12);  // SYN ACK
  EXPECT_EQ(flags[2], 0x10);  // ACK

  if (haveProgram("tshark")) {
    const std::string cmd = "tshark -r " + path + " -d tcp.port==" + std::to_string(port_) +
                            ",iso8583 -o 'iso8583.len_endian:Big endian' "
                            "-o 'iso8583.binencode:Bin data not encoded' -V 2>&1";
    std::FILE* pipe = ::popen(cmd.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    std::string text;
    char buffer[4096];
    while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) text += buffer;
    ::pclose(pipe);
    EXPECT_NE(text.find("ISO 8583"), std::string::npos) << text.substr(0, 3000);
    EXPECT_NE(text.find("0200"), std::string::npos) << text.substr(0, 3000);
    EXPECT_NE(text.find("0210"), std::string::npos) << text.substr(0, 3000);
    EXPECT_EQ(text.find("Malformed"), std::string::npos) << text.substr(0, 3000);
  }
  if (std::getenv("POSIM_KEEP_PCAP") == nullptr) std::filesystem::remove_all(dir);
}

TEST(HostFaultRuleTest, ParsesAndFormatsSpecs) {
  auto drop = parseHostFaultRule("drop:mti=0200:count=1");
  ASSERT_TRUE(drop.isOk()) << drop.status().toString();
  EXPECT_EQ(drop->action, HostFaultRule::Action::kDrop);
  EXPECT_EQ(drop->mti, "0200");
  EXPECT_EQ(drop->count, 1u);
  EXPECT_EQ(formatHostFaultRule(*drop), "drop:mti=0200:count=1");
  auto delay = parseHostFaultRule("delay=2000ms:pan=0010");
  ASSERT_TRUE(delay.isOk());
  EXPECT_EQ(delay->delay, 2000ms);
  EXPECT_EQ(delay->pan_suffix, "0010");
  auto code = parseHostFaultRule("response_code=51:amount=000000009999");
  ASSERT_TRUE(code.isOk());
  EXPECT_EQ(code->response_code, "51");
  EXPECT_EQ(code->amount, "000000009999");
  for (const char* spec : {"duplicate", "disconnect:count=1", "wrong_mac"}) {
    EXPECT_TRUE(parseHostFaultRule(spec).isOk()) << spec;
  }
  for (const char* spec : {"explode", "delay", "drop=1", "drop:colour=red", "drop:count=x",
                           "response_code", "drop:mti="}) {
    auto bad = parseHostFaultRule(spec);
    EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument) << spec;
  }
}

TEST(Iso8583RegistryTest, OptionsAreCheckedWithClearErrors) {
  BackendRegistry registry;
  addBuiltinBackends(registry);
  ASSERT_NE(registry.find("iso8583"), nullptr);
  SeededRandom random(1);
  RealSteadyClock steady;
  BackendContext context;
  context.random = &random;
  context.steady = &steady;
  context.dialects = [](std::string_view name) -> Result<std::shared_ptr<const iso8583::Dialect>> {
    if (name == "iso87-ascii") return iso87();
    return notFound("unknown dialect '" + std::string(name) + "'");
  };
  context.options = {{"host", "127.0.0.1"}, {"timeout_ms", "abc"}};
  auto bad = registry.create("iso8583", context);
  ASSERT_FALSE(bad.isOk());
  EXPECT_EQ(bad.status().message(), "backend iso8583: option timeout_ms: 'abc' is not a number");
  context.options = {{"host", "127.0.0.1"}, {"framing", "morse"}};
  EXPECT_FALSE(registry.create("iso8583", context).isOk());
  context.options = {{"host", "127.0.0.1"}, {"dialect", "no-such-dialect"}};
  EXPECT_FALSE(registry.create("iso8583", context).isOk());
  // The MAC key from a file (tests/e2e runs one); the key itself or its file, not both.
  context.options = {{"host", "127.0.0.1"}, {"mac_key_file", "/no/such/tak"}};
  EXPECT_EQ(registry.create("iso8583", context).status().message(),
            "backend iso8583: option mac_key_file: key file /no/such/tak: no such file");
  context.options = {{"host", "127.0.0.1"},
                     {"mac_key", "0123456789ABCDEFFEDCBA9876543210"},
                     {"mac_key_file", "/no/such/tak"}};
  EXPECT_EQ(registry.create("iso8583", context).status().message(),
            "backend iso8583: give mac_key or mac_key_file, not both");
  // Lazy: created without a host to talk to; eager (the default): unreachable at once.
  context.options = {
      {"host", "127.0.0.1"}, {"port", "1"}, {"connect_timeout_ms", "200"}, {"connect", "lazy"}};
  auto created = registry.create("iso8583", context);
  ASSERT_TRUE(created.isOk()) << created.status().toString();
  EXPECT_EQ((*created)->id(), "iso8583");
  context.options = {{"host", "127.0.0.1"}, {"port", "1"}, {"connect_timeout_ms", "200"}};
  EXPECT_EQ(registry.create("iso8583", context).status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace posim::acquirer
