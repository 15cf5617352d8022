// `posim run --backend iso8583://...` against `posim host` (issue 7, DESIGN.md §4): the example
// suite gives the same reports over TCP as in process, a host killed in the middle of a
// transaction leads to exactly one reversal once it is back, and the wire format of a `--pcap`
// capture is what Wireshark's ISO 8583 dissector reads.
#include <algorithm>
#include <cctype>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include "posim/base/json.h"

#include "e2e_files.h"
#include "posim_runner.h"
#include "test_data.h"

namespace posim::test {
namespace {

namespace fs = std::filesystem;

const fs::path kSuite = exampleSuite();

Json readReport(const std::string& path) {
  auto doc = Json::parse(readFile(path));
  EXPECT_TRUE(doc.isOk()) << path;
  return doc.isOk() ? withoutMeasuredLatencies(*doc) : Json();
}

// A `posim host` on a free port of 127.0.0.1, configured from a scenario file.
class Host {
 public:
  explicit Host(const std::string& config, const std::vector<std::string>& extra = {},
                const std::string& listen = "127.0.0.1:0") {
    std::vector<std::string> args = {"host", "--listen", listen, "--seed", "1"};
    if (!config.empty()) {
      args.push_back("--config");
      args.push_back(config);
    }
    args.insert(args.end(), extra.begin(), extra.end());
    process_ = std::make_unique<BackgroundPosim>(args);
    line_ = process_->waitForLine("listening on");
    const auto at = line_.find("listening on ");
    if (at != std::string::npos) {
      std::string address = line_.substr(at + 13);
      address = address.substr(0, address.find(' '));
      port_ = address.substr(address.rfind(':') + 1);
    }
  }
  bool ok() const { return !port_.empty(); }
  const std::string& port() const { return port_; }
  std::string url(const std::string& dialect = "iso87-ascii") const {
    return "iso8583://127.0.0.1:" + port_ + "?dialect=" + dialect + "&timeout_ms=5000";
  }
  BackgroundPosim& process() { return *process_; }
  std::string diagnostics() const {
    return "host line: '" + line_ + "'\nstdout:\n" + process_->out() + "\nstderr:\n" +
           process_->err();
  }

 private:
  std::unique_ptr<BackgroundPosim> process_;
  std::string line_;
  std::string port_;
};

// Runs `file` in process and against a fresh `posim host` configured from it, and compares the
// two reports.
void expectSameOverTcp(const fs::path& file, const std::string& dialect) {
  SCOPED_TRACE(file.filename().string() + " over " + dialect);
  ScratchDir dir;
  const RunResult local = runPosim(
      {"run", file.string(), "--seed", "1", "--quiet", "--report", dir.file("embedded.json")});
  ASSERT_EQ(local.exit_code, 0) << local.err;

  Host host(file.string(), {"--dialect", dialect});
  ASSERT_TRUE(host.ok()) << host.diagnostics();
  const RunResult remote = runPosim({"run", file.string(), "--seed", "1", "--quiet", "--backend",
                                     host.url(dialect), "--report", dir.file("tcp.json")});
  EXPECT_EQ(remote.exit_code, 0) << remote.err << host.diagnostics();
  const Json a = readReport(dir.file("embedded.json"));
  const Json b = readReport(dir.file("tcp.json"));
  EXPECT_TRUE(a == b) << "embedded:\n" << a.dump(2) << "\niso8583:\n" << b.dump(2);
  // The messages really went over TCP: the host logged each one it answered.
  EXPECT_NE(host.process().err().find(": from 127.0.0.1:"), std::string::npos)
      << host.diagnostics();
  EXPECT_EQ(host.process().stop(SIGTERM), 0) << host.diagnostics();
}

TEST(Iso8583HostTest, EveryExampleScenarioGivesTheSameReportOverTcp) {
  const auto files = suiteFiles();
  ASSERT_GE(files.size(), 12u);
  for (const fs::path& file : files) expectSameOverTcp(file, "iso87-ascii");
}

TEST(Iso8583HostTest, OtherDialectsGiveTheSameReports) {
  for (const char* dialect : {"iso87-ascii-hex", "iso93-ascii", "cup-pos"}) {
    expectSameOverTcp(kSuite / "preauth-completion-cancel.yaml", dialect);
    expectSameOverTcp(kSuite / "sale-then-void.yaml", dialect);
    expectSameOverTcp(kSuite / "end-of-day-settlement.yaml", dialect);
  }
}

// The MAC key (TAK) read from files on both sides, so that it is in no process list: the run's
// report is the in-process one, the key is printed nowhere, and a host holding another key
// refuses every request (its MAC does not verify).
TEST(Iso8583HostTest, MacKeysFromFilesOnBothSides) {
  constexpr const char* kTak = "0123456789ABCDEFFEDCBA9876543210";
  ScratchDir dir;
  const fs::path file = kSuite / "sale-then-void.yaml";
  writeFile(dir.file("tak"), std::string("# terminal TAK\n") + kTak + "\n");
  writeFile(dir.file("other-tak"), "00112233445566778899AABBCCDDEEFF\n");
  const RunResult local = runPosim(
      {"run", file.string(), "--seed", "1", "--quiet", "--report", dir.file("embedded.json")});
  ASSERT_EQ(local.exit_code, 0) << local.err;

  Host host(file.string(), {"--mac-key-file", dir.file("tak")});
  ASSERT_TRUE(host.ok()) << host.diagnostics();
  const std::string url = host.url() + "&mac_key_file=" + dir.file("tak");
  const RunResult remote = runPosim({"run", file.string(), "--seed", "1", "--quiet", "--backend",
                                     url, "--report", dir.file("tcp.json")});
  EXPECT_EQ(remote.exit_code, 0) << remote.err << host.diagnostics();
  EXPECT_TRUE(readReport(dir.file("embedded.json")) == readReport(dir.file("tcp.json")));
  EXPECT_EQ(host.process().stop(SIGTERM), 0) << host.diagnostics();
  for (const std::string& output : {remote.out, remote.err, host.diagnostics()}) {
    EXPECT_EQ(output.find(kTak), std::string::npos) << output;
  }

  Host other(file.string(), {"--mac-key-file", dir.file("other-tak")});
  ASSERT_TRUE(other.ok()) << other.diagnostics();
  const RunResult refused =
      runPosim({"run", file.string(), "--seed", "1", "--quiet", "--backend",
                other.url() + "&mac_key_file=" + dir.file("tak"), "--report", dir.file("x.json")});
  EXPECT_NE(refused.exit_code, 0) << refused.out;
  EXPECT_NE(other.process().err().find("MAC"), std::string::npos) << other.diagnostics();
  EXPECT_EQ(other.process().stop(SIGTERM), 0) << other.diagnostics();

  // A key file that is not one: exit 3 naming the file, not its content.
  writeFile(dir.file("short"), "0123456789ABCDEF\n");
  const RunResult bad = runPosim({"host", "--mac-key-file", dir.file("short")});
  EXPECT_EQ(bad.exit_code, 3) << bad.err;
  EXPECT_EQ(bad.err, "posim: --mac-key-file: key file " + dir.file("short") +
                         ": 16 hex digits, expected 32\n");
  const RunResult both = runPosim({"host", "--mac-key", kTak, "--mac-key-file", dir.file("tak")});
  EXPECT_EQ(both.exit_code, 2) << both.err;
}

TEST(Iso8583HostTest, HostStopsCleanlyOnSigint) {
  Host host("");
  ASSERT_TRUE(host.ok()) << host.diagnostics();
  EXPECT_EQ(host.process().stop(SIGINT), 0) << host.diagnostics();
}

TEST(Iso8583HostTest, UnreachableHostIsARuntimeError) {
  // Nothing listens on port 1: the run cannot reach its acquirer and stops before its first
  // step with exit 4 (DESIGN.md §8), saying why.
  const RunResult r = runPosim({"run", dataDir() + "/scenarios/host-kill.yaml", "--quiet",
                                "--backend", "iso8583://127.0.0.1:1?connect_timeout_ms=500"});
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_NE(r.err.find("cannot connect to 127.0.0.1:1"), std::string::npos) << r.err;
}

// Lines of the host's log that record a received message with this MTI.
int countReceived(const std::string& log, const std::string& mti) {
  int n = 0;
  std::istringstream lines(log);
  std::string line;
  while (std::getline(lines, line)) {
    // "posim host: from 127.0.0.1:48516: sale 0200 DE 3 000000 ... -> 0210 00 approved"
    const auto arrow = line.find(" -> ");
    if (line.find(": from ") != std::string::npos &&
        line.substr(0, arrow).find(" " + mti + " ") != std::string::npos)
      ++n;
  }
  return n;
}

TEST(Iso8583HostTest, HostKilledMidTransactionLeadsToExactlyOneReversalAfterRestart) {
  ScratchDir dir;
  const std::string scenario = dataDir() + "/scenarios/host-kill.yaml";
  const std::string journal = dir.file("journal.db");

  // The first host holds its answer to the sale long enough to be killed while the terminal
  // waits for it.
  auto first = std::make_unique<Host>(
      scenario, std::vector<std::string>{"--fault", "delay=20000ms:mti=0200"});
  ASSERT_TRUE(first->ok()) << first->diagnostics();
  const std::string port = first->port();
  BackgroundPosim run({"run", scenario, "--quiet", "--journal", journal, "--backend",
                       "iso8583://127.0.0.1:" + port + "?timeout_ms=15000&connect_timeout_ms=500"});
  bool received = false;
  for (int i = 0; i < 500 && !received; ++i) {
    received = countReceived(first->process().err(), "0200") == 1;
    if (!received) usleep(20 * 1000);
  }
  ASSERT_TRUE(received) << first->diagnostics();
  first->process().stop(SIGKILL);
  // The terminal sees the connection drop after its request left: no answer, so it reverses;
  // the reversal finds no host and stays pending in the journal.
  for (int i = 0; i < 1000 && run.running(); ++i) usleep(20 * 1000);
  ASSERT_FALSE(run.running()) << "posim run did not finish after the host died";
  EXPECT_EQ(countReceived(first->process().err(), "0400"), 0);
  first.reset();

  // The host comes back on the same port; the next run on the same journal sends the pending
  // reversal once, before its own sale, and nothing more.
  Host second(scenario, {}, "127.0.0.1:" + port);
  ASSERT_TRUE(second.ok()) << second.diagnostics();
  const RunResult again =
      runPosim({"run", scenario, "--quiet", "--journal", journal, "--backend", second.url()});
  EXPECT_EQ(
      countReceived(second.process().err(), "0400") + countReceived(second.process().err(), "0401"),
      1)
      << second.diagnostics() << again.err;
  EXPECT_EQ(countReceived(second.process().err(), "0200"), 1) << second.diagnostics();

  // A third run finds nothing pending: still exactly one reversal.
  const RunResult third =
      runPosim({"run", scenario, "--quiet", "--journal", journal, "--backend", second.url()});
  EXPECT_EQ(
      countReceived(second.process().err(), "0400") + countReceived(second.process().err(), "0401"),
      1)
      << second.diagnostics() << third.err;
}

// Runs a shell command and returns its standard output.
std::string shellOutput(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  ::pclose(pipe);
  return out;
}

std::vector<std::string> splitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

std::vector<std::string> splitFields(const std::string& line) {
  std::vector<std::string> fields;
  std::string::size_type start = 0;
  while (true) {
    const auto bar = line.find('|', start);
    fields.push_back(line.substr(start, bar - start));
    if (bar == std::string::npos) break;
    start = bar + 1;
  }
  return fields;
}

// The primary bitmap Wireshark shows (hex) against the fields it dissected ("Bit N" entries):
// they must agree, bit for bit.
std::string bitmapOf(const std::vector<int>& fields) {
  unsigned char bits[8] = {};
  for (int f : fields) {
    if (f >= 1 && f <= 64) bits[(f - 1) / 8] |= static_cast<unsigned char>(0x80 >> ((f - 1) % 8));
  }
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bits) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A run of the chip sale against `posim host` in `dialect`, captured with --pcap and read back
// by tshark. Returns tshark's `-T fields` lines (MTI|bitmap|DE 3|4|11|39|41|42|49) and the
// fields of each message its verbose dissection shows.
struct Dissected {
  std::vector<std::vector<std::string>> messages;
  std::vector<std::vector<int>> bits;
  std::string verbose;
};

Dissected captureAndDissect(const std::string& dialect, const std::string& prefs) {
  Dissected out;
  ScratchDir dir;
  const fs::path scenario = kSuite / "chip-sale-online-pin.yaml";
  Host host(scenario.string(), {"--quiet", "--dialect", dialect});
  EXPECT_TRUE(host.ok()) << host.diagnostics();
  if (!host.ok()) return out;
  const std::string pcap = dir.file("run.pcap");
  const RunResult r = runPosim(
      {"run", scenario.string(), "--quiet", "--backend", host.url(dialect), "--pcap", pcap});
  EXPECT_EQ(r.exit_code, 0) << r.err;

  const std::string tshark = "tshark -n -r '" + pcap + "' -d tcp.port==" + host.port() +
                             ",iso8583 -o 'iso8583.len_endian:Big endian' " + prefs +
                             " -Y iso8583 ";
  const std::string fields = shellOutput(
      tshark +
      "-T fields -E separator='|' -e iso8583.mti -e iso8583.map1 -e iso8583.bit3 -e iso8583.bit4 "
      "-e iso8583.bit11 -e iso8583.bit39 -e iso8583.bit41 -e iso8583.bit42 -e iso8583.bit49 "
      "2>/dev/null");
  for (const std::string& line : splitLines(fields)) out.messages.push_back(splitFields(line));
  out.verbose = shellOutput(tshark + "-V 2>/dev/null");
  for (const std::string& line : splitLines(out.verbose)) {
    if (line.rfind("ISO 8583", 0) == 0) out.bits.emplace_back();
    if (line.rfind("    Bit ", 0) == 0 && !out.bits.empty()) {
      out.bits.back().push_back(std::atoi(line.c_str() + 8));
    }
  }
  return out;
}

bool haveTshark() {
  return std::system("tshark --version > /dev/null 2>&1") == 0;
}

// iso87-ascii-hex carries binary fields as hex text, which is how Wireshark's dissector reads
// them by default: every field of both messages decodes.
TEST(Iso8583HostTest, PcapOfARunIsWhatWiresharksDissectorReads) {
  ASSERT_TRUE(haveTshark()) << "tshark is missing: scripts/setup installs it";
  const Dissected d = captureAndDissect("iso87-ascii-hex", "");
  ASSERT_EQ(d.messages.size(), 2u) << d.verbose;  // the sale and its answer
  const auto& request = d.messages[0];
  const auto& response = d.messages[1];
  ASSERT_EQ(request.size(), 9u);
  ASSERT_EQ(response.size(), 9u);
  EXPECT_EQ(request[0], "0200");
  EXPECT_EQ(request[2], "000000");        // goods and services
  EXPECT_EQ(request[3], "000000012800");  // CNY 128.00
  EXPECT_EQ(request[4].size(), 6u);
  EXPECT_EQ(request[6], "12345678");
  EXPECT_EQ(request[7], "123456789012345");
  EXPECT_EQ(request[8], "156");
  EXPECT_EQ(response[0], "0210");
  EXPECT_EQ(response[4], request[4]);  // the STAN is echoed
  EXPECT_EQ(response[5], "00");
  EXPECT_EQ(response[6], "12345678");

  // Every field Wireshark dissected is in the bitmap it read, and nothing else is; nothing is
  // malformed.
  ASSERT_EQ(d.bits.size(), 2u) << d.verbose;
  EXPECT_EQ(bitmapOf(d.bits[0]), lower(request[1])) << d.verbose;
  EXPECT_EQ(bitmapOf(d.bits[1]), lower(response[1])) << d.verbose;
  EXPECT_NE(std::find(d.bits[0].begin(), d.bits[0].end(), 55), d.bits[0].end());
  EXPECT_EQ(d.verbose.find("MALFORMED"), std::string::npos) << d.verbose;
}

// iso87-ascii has binary bitmaps and fields (pyiso8583's `default` layout). Wireshark reads the
// MTI, the bitmap and the ASCII fields the same; it reads z and LLL binary fields (DE 35, 55)
// by other conventions, so only the fields before those are compared.
TEST(Iso8583HostTest, BinaryDialectCaptureShowsMtiBitmapAndLeadingFieldsInWireshark) {
  ASSERT_TRUE(haveTshark()) << "tshark is missing: scripts/setup installs it";
  const Dissected d =
      captureAndDissect("iso87-ascii", "-o 'iso8583.binencode:Bin data not encoded'");
  ASSERT_EQ(d.messages.size(), 2u) << d.verbose;
  ASSERT_EQ(d.messages[0].size(), 9u);
  EXPECT_EQ(d.messages[0][0], "0200");
  EXPECT_EQ(d.messages[0][1],
            "723c468020c09210");  // DE 2-4 7 11-14 18 22 23 25 35 41 42 49 52 55 60
  EXPECT_EQ(d.messages[0][2], "000000");
  EXPECT_EQ(d.messages[0][3], "000000012800");
  EXPECT_EQ(d.messages[1][0], "0210");
  EXPECT_EQ(d.messages[1][4], d.messages[0][4]);
  EXPECT_EQ(d.messages[1][5], "00");
  EXPECT_EQ(d.messages[1][6], "12345678");
}

}  // namespace
}  // namespace posim::test
