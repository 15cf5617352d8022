// `posim emv run`: one transaction between a virtual card and the kernel, as a user runs it.
#include <fstream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "posim/base/json.h"
#include "posim/emv/tlv.h"

#include "posim_runner.h"

namespace posim::test {
namespace {

constexpr const char* kAt = "2026-11-23T12:00:00+08:00";

Json runJson(std::vector<std::string> args) {
  args.insert(args.begin(), {"emv", "run"});
  args.insert(args.end(), {"--at", kAt, "--json"});
  const RunResult r = runPosim(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto doc = Json::parse(r.out);
  EXPECT_TRUE(doc.isOk()) << r.out;
  return doc.isOk() ? *doc : Json();
}

// The value of `key:` in an example card file (the issuer master key lives there).
std::string exampleCardField(const std::string& card, const std::string& key) {
  std::ifstream in(std::string(POSIM_SOURCE_DIR) + "/examples/cards/" + card + ".yaml");
  for (std::string line; std::getline(in, line);) {
    const auto pos = line.find(key + ":");
    if (pos != std::string::npos) {
      std::string value = line.substr(pos + key.size() + 1);
      value.erase(0, value.find_first_not_of(" \""));
      value.erase(value.find_last_not_of(" \"") + 1);
      return value;
    }
  }
  ADD_FAILURE() << "no " << key << " in " << card;
  return {};
}

TEST(EmvRunTest, EveryExampleCardCompletesATransaction) {
  struct Case {
    const char* card;
    const char* entry;
    const char* cvm;
  };
  for (const Case& c : {Case{"visa-credit", "chip", "online PIN"},
                        Case{"visa-debit-sda", "chip", "offline plaintext PIN"},
                        Case{"mastercard-debit", "chip", "offline enciphered PIN"},
                        Case{"unionpay-debit", "chip", "online PIN"},
                        Case{"visa-dual-app", "chip", "offline plaintext PIN"},
                        Case{"mastercard-credit-contactless", "contactless", nullptr},
                        Case{"amex-like-magstripe", "swipe", nullptr}}) {
    SCOPED_TRACE(c.card);
    const Json doc =
        runJson({"--card", c.card, "--amount", "12.34", "--pin", "1234", "--entry", c.entry});
    ASSERT_TRUE(doc.isObject());
    EXPECT_TRUE(doc.find("approved")->asBool()) << doc.dump(2);
    EXPECT_EQ(doc.find("response_code")->asString(), "00");
    if (c.cvm != nullptr) {
      EXPECT_EQ(doc.find("cvm")->asString(), c.cvm);
    }
    // PANs are masked everywhere in the output.
    EXPECT_EQ(doc.dump().find(exampleCardField(c.card, "pan")), std::string::npos);
  }
}

// The card's ARQC, recomputed by the independent calculator from the DE 55 data of the trace and
// the issuer master key of the card profile, must be the same.
TEST(EmvRunTest, CardArqcVerifiesWithTheCryptoCalculator) {
  struct Case {
    const char* card;
    const char* cvn;
  };
  for (const Case& c : {Case{"visa-credit", "visa-18"}, Case{"mastercard-debit", "mc-16"},
                        Case{"unionpay-debit", nullptr}}) {
    SCOPED_TRACE(c.card);
    const Json doc = runJson({"--card", c.card, "--amount", "88.00", "--pin", "1234"});
    ASSERT_TRUE(doc.isObject());
    ASSERT_TRUE(doc.find("icc_data")->isString()) << doc.dump(2);
    const Bytes icc = hexBytes(doc.find("icc_data")->asString());
    const auto decoded = emv::decodeTlv(icc);
    ASSERT_TRUE(decoded.ok());
    const auto tags = emv::collectPrimitiveMap(decoded.nodes);
    auto tag = [&](emv::Tag t) {
      auto it = tags.find(t);
      return it == tags.end() ? std::string() : toHex(it->second);
    };
    std::string data;
    for (emv::Tag t :
         {0x9F02u, 0x9F03u, 0x9F1Au, 0x95u, 0x5F2Au, 0x9Au, 0x9Cu, 0x9F37u, 0x82u, 0x9F36u}) {
      data += tag(t);
    }
    const std::string iad = tag(0x9F10);
    std::string cvn = c.cvn != nullptr ? c.cvn : exampleCardField(c.card, "cvn");
    if (cvn == "visa-18" || cvn == "visa-22") {
      data += iad;
    } else if (cvn == "visa-10") {
      data += iad.substr(6, 8);
    } else if (cvn == "mc-16" || cvn == "mc-20") {
      data += iad.substr(4, 12);
    }
    // The PAN sequence number as the card sent it (5F34 in DE 55), else the profile default.
    const std::string psn = tag(0x5F34).empty() ? "01" : tag(0x5F34);
    std::vector<std::string> args = {"crypto", "arqc",
                                     "--cvn",  cvn,
                                     "--imk",  exampleCardField(c.card, "imk_ac"),
                                     "--pan",  exampleCardField(c.card, "pan"),
                                     "--psn",  psn,
                                     "--atc",  tag(0x9F36),
                                     "--data", data};
    if (cvn.rfind("mc-", 0) == 0) {
      args.push_back("--un");
      args.push_back(tag(0x9F37));
    }
    const RunResult arqc = runPosim(args);
    ASSERT_EQ(arqc.exit_code, 0) << arqc.err;
    EXPECT_EQ(lastLine(arqc.out), doc.find("arqc")->asString());
    EXPECT_EQ(tag(0x9F26), doc.find("arqc")->asString());
  }
}

// qVSDC: the card computes its ARQC in GET PROCESSING OPTIONS, before the online PIN; the
// issuer verifies it from DE 55, which must carry the TVR the card saw.
TEST(EmvRunTest, ContactlessArqcAboveTheCvmLimitVerifiesAtTheIssuer) {
  const Json doc = runJson(
      {"--card", "visa-credit", "--amount", "500.00", "--pin", "1234", "--entry", "contactless"});
  ASSERT_TRUE(doc.isObject());
  EXPECT_EQ(doc.find("cvm")->asString(), "online PIN");
  EXPECT_TRUE(doc.find("approved")->asBool()) << doc.dump(2);
  EXPECT_EQ(doc.find("response_code")->asString(), "00");
}

TEST(EmvRunTest, TraceShowsTheDialogueWithoutPinsOrPans) {
  const RunResult r = runPosim({"emv", "run", "--card", "visa-debit-sda", "--amount", "12.34",
                                "--pin", "1234", "--trace", "--at", kAt});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("== application selection"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("GET PROCESSING OPTIONS"), std::string::npos);
  EXPECT_NE(r.out.find("VERIFY"), std::string::npos);
  EXPECT_NE(r.out.find("GENERATE AC"), std::string::npos);
  EXPECT_NE(r.out.find("outcome      approved online"), std::string::npos);
  EXPECT_EQ(r.out.find("4761739001010119"), std::string::npos);  // the card's PAN
  EXPECT_EQ(r.out.find("241234FF"), std::string::npos);          // a format 2 PIN block
}

TEST(EmvRunTest, FaultsGiveWhatARealTerminalWould) {
  // A wrong cryptogram: the issuer cannot verify it and declines.
  const Json wrong = runJson({"--card", "visa-credit", "--amount", "12.34", "--pin", "1234",
                              "--fault", "wrong-cryptogram"});
  ASSERT_TRUE(wrong.isObject());
  EXPECT_FALSE(wrong.find("approved")->asBool());
  EXPECT_EQ(wrong.find("response_code")->asString(), "05");

  // A mute chip or a card pulled out mid-transaction: exit 4 with the reason.
  const RunResult mute = runPosim(
      {"emv", "run", "--card", "visa-credit", "--amount", "1", "--fault", "mute", "--at", kAt});
  EXPECT_EQ(mute.exit_code, 4);
  EXPECT_NE(mute.err.find("swipe"), std::string::npos) << mute.err;
  const RunResult removed = runPosim({"emv", "run", "--card", "visa-credit", "--amount", "1",
                                      "--fault", "removed:GENERATE AC", "--at", kAt});
  EXPECT_EQ(removed.exit_code, 4);
  EXPECT_NE(removed.err.find("removed"), std::string::npos) << removed.err;
}

TEST(EmvRunTest, BadProfilesAndArgumentsAreReported) {
  const RunResult unknown = runPosim({"emv", "run", "--card", "no-such-card", "--amount", "1"});
  EXPECT_EQ(unknown.exit_code, 3);
  EXPECT_NE(unknown.err.find("no-such-card"), std::string::npos) << unknown.err;
  EXPECT_EQ(runPosim({"emv", "run", "--amount", "1"}).exit_code, 2);
  EXPECT_EQ(runPosim({"emv", "run", "--card", "visa-credit", "--amount", "1.234"}).exit_code, 2);
  EXPECT_EQ(runPosim({"emv", "run", "--card", "visa-credit", "--amount", "1", "--entry", "nfc"})
                .exit_code,
            2);
  EXPECT_EQ(
      runPosim({"emv", "run", "--card", "visa-credit", "--amount", "1", "--pin", "12ab"}).exit_code,
      2);
}

}  // namespace
}  // namespace posim::test
