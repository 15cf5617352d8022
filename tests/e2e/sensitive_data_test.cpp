// Sensitive data (DESIGN.md §7, docs/security.md): whatever posim writes for a person or a CI
// server (reports, JUnit, CSV, traces, the summary, host and run logs, card listings) shows PANs
// masked and never a PIN, a PIN block (clear or enciphered) or key material. The test runs the
// whole example suite and the other output-producing commands, then searches every byte they wrote
// for every secret the examples and the built-in cards hold.
#include <algorithm>
#include <cctype>
#include <csignal>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "posim/base/bytes.h"
#include "posim/base/pan.h"
#include "posim/emv/crypto/pin_block.h"
#include "posim/emv/test_cards.h"

#include "e2e_files.h"
#include "posim_runner.h"

namespace posim::test {
namespace {

namespace fs = std::filesystem;

const fs::path kExamples = fs::path(POSIM_SOURCE_DIR) / "examples";

struct Secret {
  std::string what;   // for the failure message only: never the secret itself
  std::string value;  // digits, or upper-case hex
};

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

std::string withoutSpaces(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c)) == 0 && c != ':') out += c;
  }
  return out;
}

// The first 16 bytes of a long number (an RSA prime, say) are as telling as all of it.
std::string keyPrefix(ByteView key) {
  return toHex(key.subspan(0, std::min<std::size_t>(key.size(), 16)));
}

std::vector<fs::path> exampleYamlFiles() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(kExamples)) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Every secret the examples and the built-in cards carry.
class Secrets {
 public:
  Secrets() {
    for (const emv::CardProfile& card : emv::testCardProfiles()) {
      addPan(card.id, card.pan.digits());
      if (!card.offline_pin.empty()) pins_.insert(card.offline_pin);
      for (const auto& app : card.applications) {
        addKey(card.id + " IMK-AC", app.keys.imk_ac);
        addKey(card.id + " IMK-SMI", app.keys.imk_smi);
        addKey(card.id + " IMK-SMC", app.keys.imk_smc);
      }
      addRsa(card.id + " CA key", card.pki.ca_key);
      addRsa(card.id + " issuer key", card.pki.issuer_key);
      addRsa(card.id + " ICC key", card.pki.icc_key);
    }
    const std::regex digits(R"re((^|[^0-9])([0-9]{13,19})([^0-9]|$))re");
    const std::regex key(
        R"re((imk_ac|imk_smi|imk_smc|online_pin_key|pin_key|mac_key|bdk|ipek|kek|key)\s*:\s*"?([0-9A-Fa-f]{32,64}))re");
    const std::regex pin(R"re(\bpin\s*:\s*"([0-9]{4,12})")re");
    for (const fs::path& file : exampleYamlFiles()) {
      const std::string text = readFile(file.string());
      const std::string name = file.filename().string();
      for (auto it = std::sregex_iterator(text.begin(), text.end(), digits);
           it != std::sregex_iterator(); ++it) {
        if (luhnValid((*it)[2].str())) addPan(name + " PAN", (*it)[2].str());
      }
      for (auto it = std::sregex_iterator(text.begin(), text.end(), key);
           it != std::sregex_iterator(); ++it) {
        addHex(name + " " + (*it)[1].str(), upper((*it)[2].str()));
      }
      for (auto it = std::sregex_iterator(text.begin(), text.end(), pin);
           it != std::sregex_iterator(); ++it) {
        pins_.insert((*it)[1].str());
      }
    }
    addPinBlocks();
  }

  const std::vector<Secret>& pans() const { return pans_; }
  const std::vector<Secret>& keys() const { return keys_; }
  const std::set<std::string>& pins() const { return pins_; }

 private:
  void addPan(const std::string& what, const std::string& pan) {
    for (const Secret& s : pans_) {
      if (s.value == pan) return;
    }
    pans_.push_back({what + " " + maskPan(pan), pan});
  }
  void addKey(const std::string& what, ByteView key) {
    if (key.size() >= 8) addHex(what, keyPrefix(key));
  }
  void addHex(const std::string& what, const std::string& hex) {
    for (const Secret& s : keys_) {
      if (s.value == hex) return;
    }
    keys_.push_back({what, hex});
  }
  void addRsa(const std::string& what, const emv::crypto::RsaPrivateKey& key) {
    if (key.empty()) return;
    addKey(what + " d", key.privateExponent());
    addKey(what + " p", key.primeP());
    addKey(what + " q", key.primeQ());
    addKey(what + " dp", key.crtExponentP());
    addKey(what + " dq", key.crtExponentQ());
    addKey(what + " qinv", key.crtCoefficient());
  }
  // The offline PIN's VERIFY block (format 2), and for every PAN the clear ISO 0 block and that
  // block enciphered under every PIN key of the examples: none of them may show.
  void addPinBlocks() {
    namespace crypto = emv::crypto;
    std::vector<Bytes> pin_keys;
    for (const Secret& k : keys_) {
      if (k.what.find("pin_key") != std::string::npos) pin_keys.push_back(hexBytes(k.value));
    }
    for (const std::string& pin : pins_) {
      auto verify = crypto::buildClearPinBlock(crypto::PinBlockFormat::kIso2, pin, "");
      if (verify.isOk()) addHex("offline PIN block", toHex(verify->block));
      for (const Secret& pan : pans_) {
        auto clear = crypto::buildClearPinBlock(crypto::PinBlockFormat::kIso0, pin, pan.value);
        if (clear.isOk()) addHex("clear PIN block for " + pan.what, toHex(clear->block));
        for (const Bytes& k : pin_keys) {
          auto enciphered =
              crypto::encryptPinBlock(crypto::PinBlockFormat::kIso0, k, pin, pan.value);
          if (enciphered.isOk()) {
            addHex("enciphered PIN block for " + pan.what, toHex(enciphered->block));
          }
        }
      }
    }
  }

  std::vector<Secret> pans_;
  std::vector<Secret> keys_;
  std::set<std::string> pins_;
};

// What the commands wrote, by a name that says where it came from.
using Outputs = std::map<std::string, std::string>;

void addRun(Outputs& out, const std::string& name, const RunResult& r) {
  out[name + " stdout"] = r.out;
  out[name + " stderr"] = r.err;
}

void addFiles(Outputs& out, const std::string& name, const ScratchDir& dir,
              const std::vector<std::string>& files) {
  for (const std::string& f : files) out[name + " " + f] = readFile(dir.file(f));
}

// Finds every secret in every output; returns one line per leak (naming the secret, not
// showing it).
std::vector<std::string> leaks(const Secrets& secrets, const Outputs& outputs) {
  std::vector<std::string> found;
  for (const auto& [name, text] : outputs) {
    const std::string plain = upper(text);
    const std::string squeezed = withoutSpaces(plain);
    for (const Secret& pan : secrets.pans()) {
      if (plain.find(pan.value) != std::string::npos ||
          squeezed.find(pan.value) != std::string::npos) {
        found.push_back(name + ": full PAN of " + pan.what);
      }
    }
    for (const Secret& key : secrets.keys()) {
      if (plain.find(key.value) != std::string::npos ||
          squeezed.find(key.value) != std::string::npos) {
        found.push_back(name + ": " + key.what);
      }
    }
    if (plain.find("PRIVATE KEY") != std::string::npos) found.push_back(name + ": a PEM key");
  }
  return found;
}

class SensitiveDataTest : public ::testing::Test {
 protected:
  Secrets secrets_;
};

TEST_F(SensitiveDataTest, TheSecretsAreKnown) {
  // The scan below is only as good as its list: it must hold the examples' PANs, keys and PINs.
  EXPECT_GE(secrets_.pans().size(), 7u);
  EXPECT_GE(secrets_.keys().size(), 30u);
  EXPECT_FALSE(secrets_.pins().empty());
  // And it finds one when there is one (the scan itself works).
  const Secret& pan = secrets_.pans().front();
  const Secret& key = secrets_.keys().front();
  const Outputs planted = {{"planted", "card " + pan.value + " key " + key.value}};
  EXPECT_EQ(leaks(secrets_, planted).size(), 2u);
  const Outputs spaced = {{"planted", pan.value.substr(0, 4) + " " + pan.value.substr(4)}};
  EXPECT_EQ(leaks(secrets_, spaced).size(), 1u);
  const Outputs masked = {{"masked", maskPan(pan.value)}};
  EXPECT_TRUE(leaks(secrets_, masked).empty());
}

TEST_F(SensitiveDataTest, NoOutputOfTheExampleSuiteShowsAPanAPinOrAKey) {
  ScratchDir dir;
  Outputs outputs;
  const std::string suite = exampleSuite().string();

  // The whole suite in process, with every output file.
  addRun(
      outputs, "run",
      runPosim({"run", suite, "--report", dir.file("suite.json"), "--junit", dir.file("suite.xml"),
                "--csv", dir.file("suite.csv"), "--trace", dir.file("suite.trace")}));
  addFiles(outputs, "run", dir, {"suite.json", "suite.xml", "suite.csv", "suite.trace"});
  ASSERT_FALSE(outputs["run suite.trace"].empty()) << outputs["run stderr"];

  // Each file alone (a one-scenario report has its own layout).
  for (const fs::path& file : suiteFiles()) {
    const std::string stem = file.stem().string();
    addRun(outputs, "run " + stem,
           runPosim({"run", file.string(), "--report", dir.file(stem + ".json"), "--trace",
                     dir.file(stem + ".trace")}));
    addFiles(outputs, "run " + stem, dir, {stem + ".json", stem + ".trace"});
  }

  // Over ISO 8583 TCP against `posim host`, with online PIN (DE 52) on the wire: the host's log
  // and the terminal's trace both describe every message.
  const std::string pin_scenario = (exampleSuite() / "chip-sale-online-pin.yaml").string();
  BackgroundPosim host({"host", "--listen", "127.0.0.1:0", "--config", pin_scenario});
  const std::string line = host.waitForLine("listening on");
  ASSERT_FALSE(line.empty()) << host.err();
  std::string address = line.substr(line.find("listening on ") + 13);
  address = address.substr(0, address.find(' '));
  addRun(outputs, "run over tcp",
         runPosim({"run", pin_scenario, "--backend",
                   "iso8583://" + address + "?dialect=iso87-ascii&timeout_ms=5000", "--trace",
                   dir.file("tcp.trace"), "--report", dir.file("tcp.json")}));
  addFiles(outputs, "run over tcp", dir, {"tcp.trace", "tcp.json"});
  EXPECT_EQ(host.stop(SIGTERM), 0);
  outputs["host stdout"] = host.out();
  outputs["host stderr"] = host.err();
  ASSERT_NE(outputs["host stderr"].find("0200"), std::string::npos) << outputs["host stderr"];

  // A card on its own through the kernel, and the listings.
  addRun(outputs, "emv run",
         runPosim({"emv", "run", "--card", "visa-credit", "--amount", "12.34", "--pin", "1234"}));
  addRun(outputs, "emv run json",
         runPosim({"emv", "run", "--card", "visa-credit", "--amount", "12.34", "--json"}));
  addRun(outputs, "cards", runPosim({"cards"}));
  addRun(outputs, "terminals", runPosim({"terminals"}));
  addRun(outputs, "validate", runPosim({"validate", suite}));

  const std::vector<std::string> found = leaks(secrets_, outputs);
  std::string listing;
  for (const std::string& f : found) listing += "  " + f + "\n";
  EXPECT_TRUE(found.empty()) << found.size() << " leaks:\n" << listing;
  // The outputs did describe the cards, masked.
  const std::string masked = maskPan(secrets_.pans().front().value);
  std::size_t showing_masked = 0;
  for (const auto& [name, text] : outputs) {
    if (text.find(masked.substr(0, 6) + "******") != std::string::npos) ++showing_masked;
  }
  EXPECT_GT(showing_masked, 5u);
}

}  // namespace
}  // namespace posim::test
