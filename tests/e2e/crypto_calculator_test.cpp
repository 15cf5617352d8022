// `posim crypto ...`, the payment crypto calculator, as integrators run it: every case of the
// shared vectors from the command line, bad input, --json and --help.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "posim/base/json.h"

#include "posim_runner.h"
#include "test_data.h"

namespace posim::test {
namespace {

using Strings = std::vector<std::string>;

RunResult crypto(Strings args) {
  args.insert(args.begin(), "crypto");
  return runPosim(args);
}

// The result line of a successful run (fails the test otherwise).
std::string resultOf(const Strings& args) {
  const RunResult r = crypto(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
  return lastLine(r.out);
}

// The --json document of a successful run.
Json jsonOf(Strings args) {
  args.push_back("--json");
  const RunResult r = crypto(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto doc = Json::parse(r.out);
  EXPECT_TRUE(doc.isOk()) << doc.status().toString() << "\n" << r.out;
  return doc.isOk() ? std::move(doc).value() : Json();
}

// doc.section.key as a string ("" when absent).
std::string field(const Json& doc, std::string_view section, std::string_view key) {
  const Json* s = doc.find(section);
  const Json* v = s == nullptr ? nullptr : s->find(key);
  return v != nullptr && v->isString() ? v->asString() : "";
}

std::string str(const Json& c, std::string_view key) {
  const Json* v = c.find(key);
  return v != nullptr && v->isString() ? v->asString() : "";
}

bool startsWith(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

TEST(CryptoCalculatorTest, MacOfEveryVector) {
  const Json cases = loadJson("vectors/mac_iso9797_1.json");
  ASSERT_GT(cases.size(), 0u);
  for (const Json& c : cases.asArray()) {
    SCOPED_TRACE(str(c, "id"));
    const bool alg3 = str(c, "algorithm").find("alg 3") != std::string::npos;
    const Strings args = {"mac",
                          "--alg",
                          alg3 ? "3" : "1",
                          "--padding",
                          c.find("padding_method")->numberText(),
                          "--key",
                          str(c, "key") + (alg3 ? str(c, "key_prime") : ""),
                          "--data",
                          str(c, "data")};
    EXPECT_EQ(resultOf(args), str(c, "mac8"));
    if (!str(c, "padded_data").empty()) {
      EXPECT_EQ(field(jsonOf(args), "intermediates", "padded_data"), str(c, "padded_data"));
    }
  }
}

TEST(CryptoCalculatorTest, IccMasterKeyOfEveryVectorWhoseOptionFitsThePanLength) {
  const Json cases = loadJson("vectors/emv_icc_master_key.json");
  int checked = 0;
  for (const Json& c : cases.asArray()) {
    SCOPED_TRACE(str(c, "id"));
    const bool option_b = str(c, "method").find("option B") != std::string::npos;
    // The calculator picks the option by PAN length (EMV Book 2 A1.4), as the issue says.
    if ((str(c, "pan").size() > 16) != option_b) continue;
    const Strings args = {"derive-mk",   "--imk", str(c, "imk"), "--pan",
                          str(c, "pan"), "--psn", str(c, "psn")};
    EXPECT_EQ(resultOf(args), str(c, "icc_mk"));
    const Json doc = jsonOf(args);
    EXPECT_EQ(field(doc, "intermediates", "option"), option_b ? "B" : "A");
    EXPECT_EQ(field(doc, "intermediates", "icc_mk_no_parity"), str(c, "icc_mk_raw_no_parity"));
    if (!option_b) {
      EXPECT_EQ(field(doc, "intermediates", "y"), str(c, "y"));
    }
    EXPECT_EQ(resultOf({"kcv", "--key", str(c, "imk")}), str(c, "imk_kcv"));
    ++checked;
  }
  EXPECT_GE(checked, 5);
}

TEST(CryptoCalculatorTest, SessionKeysAndTheirKcvs) {
  const Json cases = loadJson("vectors/emv_session_keys.json");
  int checked = 0;
  for (const Json& c : cases.asArray()) {
    SCOPED_TRACE(str(c, "id"));
    Strings args = {"session-key", "--mk", str(c, "icc_mk"), "--atc", str(c, "atc"), "--method"};
    if (str(c, "method") == "EMV_CSK_AC") {
      args.push_back("emv-csk");
    } else if (str(c, "method") == "MASTERCARD_SKD") {
      args.insert(args.end(), {"mc-skd", "--un", str(c, "un")});
    } else {
      continue;  // secure-messaging keys are not a calculator command
    }
    EXPECT_EQ(resultOf(args), str(c, "sk"));
    const Json doc = jsonOf(args);
    EXPECT_EQ(field(doc, "intermediates", "r"), str(c, "r"));
    EXPECT_EQ(field(doc, "intermediates", "session_key_no_parity"), str(c, "sk_raw_no_parity"));
    EXPECT_TRUE(startsWith(resultOf({"kcv", "--key", str(c, "sk")}), str(c, "sk_kcv")));
    ++checked;
  }
  EXPECT_EQ(checked, 6);
}

TEST(CryptoCalculatorTest, ApplicationCryptogramOfEveryVector) {
  const std::pair<std::string, std::string> kCvns[] = {
      {"VisaCVN10", "visa-10"},     {"VisaCVN18", "visa-18"},     {"VisaCVN22", "visa-22"},
      {"MasterCardCVN16", "mc-16"}, {"MasterCardCVN17", "mc-17"}, {"MasterCardCVN20", "mc-20"},
      {"MasterCardCVN21", "mc-21"},
  };
  const Json cases = loadJson("vectors/emv_arqc.json");
  ASSERT_GT(cases.size(), 0u);
  for (const Json& c : cases.asArray()) {
    SCOPED_TRACE(str(c, "id"));
    std::string cvn;
    for (const auto& [scheme_name, name] : kCvns) {
      if (scheme_name == str(c, "cvn")) cvn = name;
    }
    ASSERT_FALSE(cvn.empty()) << str(c, "cvn");
    std::string atc = "0000";
    std::string un;
    for (const Json& e : c.find("data_elements_in_order")->asArray()) {
      if (str(e, "tag") == "9F36") atc = str(e, "value");
      if (str(e, "tag") == "9F37") un = str(e, "value");
    }
    Strings args = {
        "arqc",        "--cvn", cvn, "--imk",  str(c, "imk_ac"),  "--pan", str(c, "pan"), "--psn",
        str(c, "psn"), "--atc", atc, "--data", str(c, "ac_input")};
    if (cvn.starts_with("mc-")) args.insert(args.end(), {"--un", un});
    EXPECT_EQ(resultOf(args), str(c, "ac"));
    const Json doc = jsonOf(args);
    EXPECT_EQ(field(doc, "intermediates", "icc_mk"), str(c, "icc_mk_ac"));
    EXPECT_EQ(field(doc, "intermediates", "ac_key"), str(c, "sk_ac"));
    EXPECT_EQ(field(doc, "intermediates", "padded_input"), str(c, "ac_input_padded"));
    if (!str(c, "r").empty()) {
      EXPECT_EQ(field(doc, "intermediates", "r"), str(c, "r"));
    }
  }
}

TEST(CryptoCalculatorTest, ArpcOfEveryVector) {
  const Json cases = loadJson("vectors/emv_arpc.json");
  ASSERT_GT(cases.size(), 0u);
  for (const Json& c : cases.asArray()) {
    SCOPED_TRACE(str(c, "id"));
    const bool method1 = c.find("method")->asInt() == 1;
    Strings args = {"arpc",        "--method", method1 ? "1" : "2", "--key",
                    str(c, "key"), "--arqc",   str(c, "arqc")};
    if (method1) {
      args.insert(args.end(), {"--arc", str(c, "arc")});
    } else {
      args.insert(args.end(), {"--csu", str(c, "csu")});
      if (!str(c, "proprietary_auth_data").empty()) {
        args.insert(args.end(), {"--prop", str(c, "proprietary_auth_data")});
      }
    }
    EXPECT_EQ(resultOf(args), str(c, "arpc"));
    const Json doc = jsonOf(args);
    EXPECT_EQ(field(doc, "intermediates", "input"), str(c, method1 ? "x" : "mac_input"));
    EXPECT_EQ(field(doc, "intermediates", "issuer_authentication_data"),
              str(c, "issuer_authentication_data_91"));
  }
}

TEST(CryptoCalculatorTest, PinBlocksOfEveryVectorClearAndEnciphered) {
  const Json cases = loadJson("vectors/pinblocks.json");
  ASSERT_GT(cases.size(), 0u);
  for (const Json& c : cases.asArray()) {
    SCOPED_TRACE(str(c, "id"));
    Strings args = {"pinblock", "--format", c.find("format")->numberText(), "--pin", str(c, "pin")};
    if (!str(c, "pan").empty()) args.insert(args.end(), {"--pan", str(c, "pan")});
    const std::string fill = str(c, "fill_digits_used") + str(c, "random_pad_8_bytes");
    if (!fill.empty()) args.insert(args.end(), {"--fill", fill});
    if (!str(c, "clear_pinblock").empty()) {
      EXPECT_EQ(resultOf(args), str(c, "clear_pinblock"));
    }
    const std::string key = str(c, "zpk") + str(c, "aes_key");
    const std::string enciphered =
        str(c, "encrypted_pinblock_tdes_ecb") + str(c, "encrypted_pinblock");
    if (key.empty() || enciphered.empty()) continue;
    args.insert(args.end(), {"--key", key});
    EXPECT_EQ(resultOf(args), enciphered);
    const Json doc = jsonOf(args);
    if (!str(c, "intermediate_block_a").empty()) {
      EXPECT_EQ(field(doc, "intermediates", "intermediate_a"), str(c, "intermediate_block_a"));
      EXPECT_EQ(field(doc, "intermediates", "intermediate_b"), str(c, "intermediate_block_b"));
      EXPECT_EQ(field(doc, "intermediates", "pin_field"), str(c, "plain_pin_field"));
    } else {
      EXPECT_EQ(field(doc, "intermediates", "clear_pin_block"), str(c, "clear_pinblock"));
    }
    // The PIN itself is never an input field of the JSON: only its length.
    EXPECT_EQ(field(doc, "inputs", "pin"), std::string(str(c, "pin").size(), '*'));
  }
}

TEST(CryptoCalculatorTest, RandomPinBlockFillIsSeededAndDocumented) {
  const Strings args = {"pinblock", "--format", "3", "--pin", "1234", "--pan", "4111111111111111"};
  const std::string first = resultOf(args);
  EXPECT_EQ(resultOf(args), first);
  Strings seeded = args;
  seeded.insert(seeded.end(), {"--seed", "0"});
  EXPECT_EQ(resultOf(seeded), first) << "the default seed is 0";
  seeded.back() = "42";
  EXPECT_NE(resultOf(seeded), first);
  const Json doc = jsonOf(seeded);
  EXPECT_EQ(doc.find("intermediates")->find("seed")->asInt(), 42);
  EXPECT_EQ(field(doc, "intermediates", "fill").size(), 10u);
  const RunResult help = crypto({"pinblock", "--help"});
  EXPECT_NE(help.out.find("(default 0)"), std::string::npos) << help.out;
}

TEST(CryptoCalculatorTest, PinIsNotEchoedInHumanOutputOrErrors) {
  // Format 0 under a key: the labelled lines show the PAN field and the clear block, never the
  // PIN field.
  const RunResult r = crypto({"pinblock", "--format", "0", "--pin", "975318", "--pan",
                              "4111111111111111", "--key", "0123456789ABCDEFFEDCBA9876543210"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("975318"), std::string::npos) << r.out;
  const RunResult bad = crypto({"pinblock", "--format", "0", "--pin", "97531864209753"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--pin"), std::string::npos) << bad.err;
  EXPECT_EQ(bad.err.find("97531864209753"), std::string::npos) << bad.err;
}

TEST(CryptoCalculatorTest, CvvOfEveryVector) {
  const Json cases = loadJson("vectors/cvv.json");
  int checked = 0;
  for (const Json& c : cases.asArray()) {
    SCOPED_TRACE(str(c, "id"));
    if (str(c, "type").find("CVC3") != std::string::npos) continue;  // dynamic: not a command
    const Strings args = {"cvv",
                          "--cvk",
                          str(c, "cvk_a") + str(c, "cvk_b"),
                          "--pan",
                          str(c, "pan"),
                          "--expiry",
                          str(c, "expiry_yymm"),
                          "--service-code",
                          str(c, "service_code")};
    EXPECT_EQ(resultOf(args), str(c, "cvv"));
    const Json doc = jsonOf(args);
    EXPECT_EQ(field(doc, "intermediates", "block1"), str(c, "block1"));
    EXPECT_EQ(field(doc, "intermediates", "block2"), str(c, "block2"));
    ++checked;
  }
  EXPECT_EQ(checked, 5);
}

TEST(CryptoCalculatorTest, KcvOfThePinKeys) {
  const Json cases = loadJson("vectors/pinblocks.json");
  for (const Json& c : cases.asArray()) {
    if (str(c, "zpk_kcv").empty()) continue;
    SCOPED_TRACE(str(c, "id"));
    EXPECT_EQ(resultOf({"kcv", "--key", str(c, "zpk")}), str(c, "zpk_kcv"));
  }
}

TEST(CryptoCalculatorTest, DukptPublishedExamples) {
  // ANSI X9.24-1:2009 test key (the worked example): transaction keys for counters 1-3.
  const std::string bdk = "0123456789ABCDEFFEDCBA9876543210";
  const std::pair<std::string, std::string> kTdes[] = {
      {"FFFF9876543210E00001", "042666B49184CFA368DE9628D0397BC9"},
      {"FFFF9876543210E00002", "C46551CEF9FD24B0AA9AD834130D3BC7"},
      {"FFFF9876543210E00003", "0DF3D9422ACA56E547676D07AD6BADFA"},
  };
  for (const auto& [ksn, key] : kTdes) {
    SCOPED_TRACE(ksn);
    EXPECT_EQ(resultOf({"dukpt", "--bdk", bdk, "--ksn", ksn}), key);
  }
  const Json tdes = jsonOf({"dukpt", "--bdk", bdk, "--ksn", "FFFF9876543210E00002"});
  EXPECT_EQ(field(tdes, "intermediates", "ipek"), "6AC292FAA1315B4D858AB3A3D7D5933A");
  EXPECT_EQ(field(tdes, "intermediates", "pin_key"), "C46551CEF9FD244FAA9AD834130D3B38");
  // ANSI X9.24-3:2017 supplement: BDK FEDC..F1F1, initial key ID 1234567890123456.
  const std::string aes_bdk = "FEDCBA9876543210F1F1F1F1F1F1F1F1";
  const std::pair<std::string, std::string> kAes[] = {
      {"123456789012345600000001", "4F21B565BAD9835E112B6465635EAE44"},
      {"123456789012345600000002", "2F34D68DE10F68D38091A73B9E7C437C"},
      {"1234567890123456FFFF0000", "F6BA59389BD14A9855BE9727E7C52E3C"},
  };
  for (const auto& [ksn, key] : kAes) {
    SCOPED_TRACE(ksn);
    EXPECT_EQ(resultOf({"dukpt", "--aes", "--bdk", aes_bdk, "--ksn", ksn}), key);
  }
  const Json aes = jsonOf({"dukpt", "--aes", "--bdk", aes_bdk, "--ksn", kAes[0].first});
  EXPECT_EQ(field(aes, "intermediates", "initial_key"), "1273671EA26AC29AFA4D1084127652A1");
  EXPECT_EQ(field(aes, "intermediates", "pin_key"), "AF8CB133A78F8DC2D1359F18527593FB");
}

TEST(CryptoCalculatorTest, RecoversTheIssuerKeysOfTheEmvUtilsVectors) {
  const Json cases = loadJson("emv-utils/emv_oda_emvutils.json");
  int checked = 0;
  for (const Json& c : cases.asArray()) {
    if (c.find("ca_modulus") == nullptr) continue;
    SCOPED_TRACE(str(c, "id"));
    Strings args = {"recover-issuer",
                    "--capk-modulus",
                    str(c, "ca_modulus"),
                    "--capk-exponent",
                    str(c, "ca_exponent"),
                    "--cert",
                    str(c, "input_tag_90_issuer_pk_certificate"),
                    "--exponent",
                    str(c, "tag_9F32_issuer_pk_exponent")};
    if (!str(c, "tag_92_issuer_pk_remainder").empty()) {
      args.insert(args.end(), {"--remainder", str(c, "tag_92_issuer_pk_remainder")});
    }
    EXPECT_EQ(resultOf(args), str(c, "issuer_pk_modulus"));
    EXPECT_EQ(field(jsonOf(args), "intermediates", "recovered"), str(c, "recovered"));
    // A certificate that is not the CA's signature fails a Book 2 check: exit 3 with the reason.
    std::string& cert = args[6];
    cert.back() = cert.back() == '0' ? '1' : '0';
    const RunResult bad = crypto(args);
    EXPECT_EQ(bad.exit_code, 3);
    EXPECT_NE(bad.err.find("trailer invalid"), std::string::npos) << bad.err;
    ++checked;
  }
  EXPECT_EQ(checked, 2);
}

TEST(CryptoCalculatorTest, GeneratedPkiIsDeterministicAndItsIssuerKeyRecovers) {
  const Strings generate = {"pki",  "generate",      "--seed", "7",          "--ca-bits",
                            "1024", "--issuer-bits", "896",    "--icc-bits", "768"};
  const RunResult first = crypto(generate);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(crypto(generate).out, first.out);
  Strings other = generate;
  other[3] = "8";
  EXPECT_NE(crypto(other).out, first.out);
  auto pki = Json::parse(first.out);
  ASSERT_TRUE(pki.isOk()) << pki.status().toString();
  const Json& tags = *pki->find("card_tags");
  EXPECT_EQ(field(*pki, "ca_key", "modulus").size(), 256u);
  Strings args = {"recover-issuer",
                  "--capk-modulus",
                  field(*pki, "ca_key", "modulus"),
                  "--capk-exponent",
                  field(*pki, "ca_key", "public_exponent"),
                  "--cert",
                  str(tags, "90"),
                  "--exponent",
                  str(tags, "9F32")};
  if (!str(tags, "92").empty()) args.insert(args.end(), {"--remainder", str(tags, "92")});
  EXPECT_EQ(resultOf(args), field(*pki, "issuer_key", "modulus"));
  const RunResult no_seed = crypto({"pki", "generate"});
  EXPECT_EQ(no_seed.exit_code, 2);
  EXPECT_NE(no_seed.err.find("--seed"), std::string::npos);
}

TEST(CryptoCalculatorTest, JsonHasInputsIntermediatesAndResult) {
  const Json doc =
      jsonOf({"session-key", "--method", "mc-skd", "--mk", "a2b3a76e839e0eb6abfd61bcdca4750b",
              "--atc", "0042", "--un", "12345678"});
  EXPECT_EQ(str(doc, "command"), "crypto session-key");
  ASSERT_NE(doc.find("inputs"), nullptr);
  EXPECT_EQ(field(doc, "inputs", "method"), "mc-skd");
  EXPECT_EQ(field(doc, "inputs", "mk"), "A2B3A76E839E0EB6ABFD61BCDCA4750B");  // normalised hex
  EXPECT_EQ(field(doc, "inputs", "un"), "12345678");
  EXPECT_EQ(field(doc, "intermediates", "r"), "0042000012345678");
  EXPECT_EQ(str(doc, "result"), field(doc, "intermediates", "session_key"));
  EXPECT_EQ(str(doc, "result").size(), 32u);
  const Json kcv = jsonOf({"kcv", "--key", "0123456789ABCDEF"});
  EXPECT_EQ(field(kcv, "intermediates", "cipher"), "DES");
  EXPECT_TRUE(startsWith(field(kcv, "intermediates", "encrypted_zero_block"), str(kcv, "result")));
}

TEST(CryptoCalculatorTest, BadInputExits2AndNamesTheArgument) {
  const std::string key = "0123456789ABCDEFFEDCBA9876543210";
  struct Case {
    Strings args;
    std::string message;
  };
  const Case cases[] = {
      {{"kcv", "--key", "0123456789ABCDE"}, "--key: odd number of hex digits"},
      {{"kcv", "--key", "0123456789ABCD"}, "--key: 7 bytes, expected 8, 16 or 24"},
      {{"kcv"}, "--key is required"},
      {{"kcv", "--key", key, "--bogus"}, "unrecognised option '--bogus'"},
      {{"mac", "--alg", "2", "--padding", "1", "--key", key, "--data", "00"}, "--alg: '2'"},
      {{"mac", "--alg", "3", "--padding", "9", "--key", key, "--data", "00"}, "--padding: '9'"},
      {{"mac", "--alg", "3", "--padding", "1", "--key", "0123456789ABCDEF", "--data", "00"},
       "--key: 8 bytes, expected 16"},
      {{"derive-mk", "--imk", key, "--pan", "47617390010100A0", "--psn", "00"},
       "--pan: only decimal digits are allowed"},
      {{"derive-mk", "--imk", key.substr(2), "--pan", "4761739001010010", "--psn", "00"},
       "--imk: 15 bytes, expected 16"},
      {{"derive-mk", "--imk", key, "--pan", "4761739001010010", "--psn", "123"}, "--psn: 3 digits"},
      {{"session-key", "--method", "visa", "--mk", key, "--atc", "0001"}, "--method: 'visa'"},
      {{"session-key", "--method", "mc-skd", "--mk", key, "--atc", "0001"}, "--un: required"},
      {{"session-key", "--method", "emv-csk", "--mk", key, "--atc", "001"},
       "--atc: odd number of hex digits"},
      {{"arqc", "--cvn", "visa-99", "--imk", key, "--pan", "4761739001010010", "--psn", "00",
        "--atc", "0001", "--data", "00"},
       "--cvn: 'visa-99'"},
      {{"arqc", "--cvn", "mc-16", "--imk", key, "--pan", "5413330089020011", "--psn", "01", "--atc",
        "0001", "--data", "00"},
       "--un: required"},
      {{"arqc", "--cvn", "visa-18", "--imk", key, "--pan", "4761739001010010", "--psn", "00",
        "--atc", "0001"},
       "--data is required"},
      {{"arpc", "--method", "3", "--key", key, "--arqc", "1122334455667788", "--arc", "3030"},
       "--method: '3'"},
      {{"arpc", "--method", "1", "--key", key, "--arqc", "11223344556677", "--arc", "3030"},
       "--arqc: 7 bytes, expected 8"},
      {{"arpc", "--method", "2", "--key", key, "--arqc", "1122334455667788", "--csu", "00000000",
        "--prop", "112233445566778899"},
       "--prop: 9 bytes"},
      {{"pinblock", "--format", "5", "--pin", "1234"}, "--format: '5'"},
      {{"pinblock", "--format", "0", "--pin", "1234"}, "--pan: required"},
      {{"pinblock", "--format", "3", "--pin", "1234", "--pan", "4111111111111111", "--fill",
        "0123456789"},
       "--fill: format 3 fill digits must be A to F"},
      {{"pinblock", "--format", "1", "--pin", "1234", "--seed", "x1"}, "--seed: 'x1'"},
      {{"pinblock", "--format", "4", "--pin", "1234", "--pan", "4111111111111111", "--key",
        "0123456789ABCDEF"},
       "--key: 8 bytes, expected 16, 24 or 32"},
      {{"cvv", "--cvk", key, "--pan", "4123456789012345", "--expiry", "871", "--service-code",
        "101"},
       "--expiry: 3 digits, expected 4"},
      {{"cvv", "--cvk", key, "--pan", "4123456789012345", "--expiry", "8701", "--service-code",
        "1O1"},
       "--service-code: only decimal digits are allowed"},
      {{"dukpt", "--bdk", key, "--ksn", "FFFF9876543210E000"}, "--ksn: 9 bytes, expected 10"},
      {{"dukpt", "--aes", "--bdk", key, "--ksn", "FFFF9876543210E00001"},
       "--ksn: 10 bytes, expected 12"},
      {{"recover-issuer", "--capk-modulus", "00", "--capk-exponent", "03", "--cert", "00",
        "--exponent", "03"},
       "--capk-modulus"},
      {{"recover-issuer", "--capk-exponent", "03", "--cert", "00", "--exponent", "03"},
       "--capk-modulus is required"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.args.front() + " -> " + c.message);
    const RunResult r = crypto(c.args);
    EXPECT_EQ(r.exit_code, 2) << r.out;
    EXPECT_NE(r.err.find("posim: " + c.message), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("usage: posim crypto " + c.args.front()), std::string::npos) << r.err;
    // No key material in error messages.
    EXPECT_EQ(r.err.find(key), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
}

TEST(CryptoCalculatorTest, EveryCommandHasHelpAndIsListed) {
  const std::vector<Strings> commands = {
      {"kcv"},      {"mac"}, {"derive-mk"}, {"session-key"},     {"arqc"},          {"arpc"},
      {"pinblock"}, {"cvv"}, {"dukpt"},     {"pki", "generate"}, {"recover-issuer"}};
  const RunResult list = runPosim({"help"});
  for (Strings command : commands) {
    std::string name = "crypto";
    for (const std::string& word : command) name += " " + word;
    SCOPED_TRACE(name);
    EXPECT_NE(list.out.find(name), std::string::npos);
    command.push_back("--help");
    const RunResult r = crypto(command);
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.out.find("usage: posim " + name), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("--json"), std::string::npos) << r.out;
  }
  const RunResult group = crypto({});
  EXPECT_EQ(group.exit_code, 2);
  EXPECT_NE(group.err.find("posim crypto arqc"), std::string::npos) << group.err;
}

}  // namespace
}  // namespace posim::test
