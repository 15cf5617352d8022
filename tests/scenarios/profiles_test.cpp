#include "posim/scenarios/profiles.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "posim/emv/test_cards.h"
#include "posim/emv/test_terminals.h"

#include "test_data.h"

namespace posim::scenarios {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

fs::path examplesDir() {
  return fs::path(test::dataDir()) / ".." / ".." / "examples";
}

Resolver examplesResolver() {
  return Resolver({examplesDir()});
}

void expectSameKey(const emv::crypto::RsaPrivateKey& yaml, const emv::crypto::RsaPrivateKey& cpp,
                   std::string_view name) {
  SCOPED_TRACE(name);
  EXPECT_TRUE(yaml.publicKey() == cpp.publicKey());
  EXPECT_EQ(toHex(yaml.privateExponent()), toHex(cpp.privateExponent()));
  EXPECT_EQ(toHex(yaml.primeP()), toHex(cpp.primeP()));
  EXPECT_EQ(toHex(yaml.primeQ()), toHex(cpp.primeQ()));
}

void expectSamePki(const emv::CardPki& yaml, const emv::CardPki& cpp) {
  EXPECT_EQ(yaml.capk_index, cpp.capk_index);
  expectSameKey(yaml.ca_key, cpp.ca_key, "ca_key");
  expectSameKey(yaml.issuer_key, cpp.issuer_key, "issuer_key");
  expectSameKey(yaml.icc_key, cpp.icc_key, "icc_key");
  EXPECT_EQ(yaml.issuer_certificate_expiry, cpp.issuer_certificate_expiry);
  EXPECT_EQ(toHex(yaml.issuer_certificate_serial), toHex(cpp.issuer_certificate_serial));
  EXPECT_EQ(yaml.icc_certificate_expiry, cpp.icc_certificate_expiry);
  EXPECT_EQ(toHex(yaml.icc_certificate_serial), toHex(cpp.icc_certificate_serial));
  EXPECT_EQ(toHex(yaml.data_authentication_code), toHex(cpp.data_authentication_code));
}

void expectSameApplication(const emv::CardApplication& yaml, const emv::CardApplication& cpp) {
  SCOPED_TRACE("application " + toHex(cpp.aid));
  EXPECT_EQ(toHex(yaml.aid), toHex(cpp.aid));
  EXPECT_EQ(yaml.label, cpp.label);
  EXPECT_EQ(yaml.preferred_name, cpp.preferred_name);
  EXPECT_EQ(yaml.priority, cpp.priority);
  EXPECT_EQ(yaml.language_preference, cpp.language_preference);
  EXPECT_EQ(toHex(yaml.pdol), toHex(cpp.pdol));
  EXPECT_EQ(toHex(yaml.aip), toHex(cpp.aip));
  EXPECT_EQ(yaml.oda, cpp.oda);
  EXPECT_EQ(yaml.response_format, cpp.response_format);
  EXPECT_EQ(toHex(yaml.cdol1), toHex(cpp.cdol1));
  EXPECT_EQ(toHex(yaml.cdol2), toHex(cpp.cdol2));
  EXPECT_EQ(toHex(yaml.ddol), toHex(cpp.ddol));
  EXPECT_EQ(toHex(yaml.cvm_list), toHex(cpp.cvm_list));
  EXPECT_EQ(toHex(yaml.iac_default), toHex(cpp.iac_default));
  EXPECT_EQ(toHex(yaml.iac_denial), toHex(cpp.iac_denial));
  EXPECT_EQ(toHex(yaml.iac_online), toHex(cpp.iac_online));
  EXPECT_EQ(toHex(yaml.auc), toHex(cpp.auc));
  EXPECT_EQ(toHex(yaml.application_version), toHex(cpp.application_version));
  EXPECT_EQ(yaml.issuer_country, cpp.issuer_country);
  EXPECT_EQ(yaml.application_currency, cpp.application_currency);
  EXPECT_EQ(yaml.application_currency_exponent, cpp.application_currency_exponent);
  EXPECT_EQ(yaml.lower_consecutive_offline_limit, cpp.lower_consecutive_offline_limit);
  EXPECT_EQ(yaml.upper_consecutive_offline_limit, cpp.upper_consecutive_offline_limit);
  EXPECT_EQ(yaml.cumulative_offline_limit, cpp.cumulative_offline_limit);
  EXPECT_EQ(yaml.issuer_authentication_mandatory, cpp.issuer_authentication_mandatory);
  EXPECT_EQ(toHex(yaml.log_format), toHex(cpp.log_format));
  EXPECT_EQ(yaml.keys.cvn, cpp.keys.cvn);
  EXPECT_EQ(yaml.keys.derivation_key_index, cpp.keys.derivation_key_index);
  EXPECT_EQ(toHex(yaml.keys.imk_ac), toHex(cpp.keys.imk_ac));
  EXPECT_EQ(toHex(yaml.keys.imk_smi), toHex(cpp.keys.imk_smi));
  EXPECT_EQ(toHex(yaml.keys.imk_smc), toHex(cpp.keys.imk_smc));
  EXPECT_EQ(yaml.contactless.enabled, cpp.contactless.enabled);
  EXPECT_EQ(yaml.contactless.kernel, cpp.contactless.kernel);
  EXPECT_EQ(toHex(yaml.contactless.pdol), toHex(cpp.contactless.pdol));
  EXPECT_EQ(toHex(yaml.contactless.aip), toHex(cpp.contactless.aip));
  EXPECT_EQ(toHex(yaml.contactless.ctq), toHex(cpp.contactless.ctq));
  EXPECT_EQ(yaml.contactless.cdcvm, cpp.contactless.cdcvm);
  EXPECT_EQ(yaml.contactless.offline_allowed, cpp.contactless.offline_allowed);
  EXPECT_EQ(yaml.contact, cpp.contact);
  ASSERT_EQ(yaml.records.size(), cpp.records.size());
  for (std::size_t i = 0; i < cpp.records.size(); ++i) {
    EXPECT_EQ(yaml.records[i].sfi, cpp.records[i].sfi);
    EXPECT_EQ(yaml.records[i].number, cpp.records[i].number);
    EXPECT_EQ(toHex(yaml.records[i].content), toHex(cpp.records[i].content));
    EXPECT_EQ(yaml.records[i].offline_data_authentication,
              cpp.records[i].offline_data_authentication);
  }
}

void expectSameCard(const emv::CardProfile& yaml, const emv::CardProfile& cpp) {
  EXPECT_EQ(yaml.id, cpp.id);
  EXPECT_EQ(yaml.description, cpp.description);
  EXPECT_EQ(yaml.pan, cpp.pan);
  EXPECT_EQ(yaml.psn, cpp.psn);
  EXPECT_EQ(yaml.expiry, cpp.expiry);
  EXPECT_EQ(yaml.effective, cpp.effective);
  EXPECT_EQ(yaml.cardholder_name, cpp.cardholder_name);
  EXPECT_EQ(yaml.offline_pin, cpp.offline_pin);
  EXPECT_EQ(yaml.pin_try_limit, cpp.pin_try_limit);
  EXPECT_EQ(yaml.has_chip, cpp.has_chip);
  EXPECT_EQ(yaml.pse, cpp.pse);
  expectSamePki(yaml.pki, cpp.pki);
  EXPECT_EQ(yaml.magstripe.present, cpp.magstripe.present);
  EXPECT_EQ(yaml.magstripe.service_code, cpp.magstripe.service_code);
  EXPECT_EQ(yaml.magstripe.track2_discretionary, cpp.magstripe.track2_discretionary);
  ASSERT_EQ(yaml.applications.size(), cpp.applications.size());
  for (std::size_t i = 0; i < cpp.applications.size(); ++i) {
    expectSameApplication(yaml.applications[i], cpp.applications[i]);
  }
}

TEST(ProfilesTest, EveryExampleCardEqualsItsCppTwin) {
  const auto cards = emv::testCardProfiles();
  ASSERT_EQ(cards.size(), 7u);
  Resolver resolver = examplesResolver();
  for (const emv::CardProfile& cpp : cards) {
    SCOPED_TRACE(cpp.id);
    auto yaml = loadCardProfile(cpp.id, resolver);
    ASSERT_TRUE(yaml.isOk()) << yaml.errorText();
    expectSameCard(*yaml, cpp);
  }
  // And no example card is without a twin.
  EXPECT_EQ(resolver.availableNames(kCardReference).size(), cards.size());
}

void expectSameTerminalApplication(const emv::TerminalApplication& yaml,
                                   const emv::TerminalApplication& cpp) {
  SCOPED_TRACE("application " + toHex(cpp.aid));
  EXPECT_EQ(toHex(yaml.aid), toHex(cpp.aid));
  EXPECT_EQ(yaml.name, cpp.name);
  EXPECT_EQ(yaml.partial_selection, cpp.partial_selection);
  EXPECT_EQ(toHex(yaml.app_version), toHex(cpp.app_version));
  EXPECT_EQ(toHex(yaml.tac_denial), toHex(cpp.tac_denial));
  EXPECT_EQ(toHex(yaml.tac_online), toHex(cpp.tac_online));
  EXPECT_EQ(toHex(yaml.tac_default), toHex(cpp.tac_default));
  EXPECT_EQ(yaml.floor_limit, cpp.floor_limit);
  EXPECT_EQ(yaml.random_selection.threshold, cpp.random_selection.threshold);
  EXPECT_EQ(yaml.random_selection.target_percent, cpp.random_selection.target_percent);
  EXPECT_EQ(yaml.random_selection.max_target_percent, cpp.random_selection.max_target_percent);
  EXPECT_EQ(toHex(yaml.default_ddol), toHex(cpp.default_ddol));
  EXPECT_EQ(toHex(yaml.default_tdol), toHex(cpp.default_tdol));
  EXPECT_EQ(yaml.contactless.transaction_limit, cpp.contactless.transaction_limit);
  EXPECT_EQ(yaml.contactless.cvm_required_limit, cpp.contactless.cvm_required_limit);
  EXPECT_EQ(yaml.contactless.floor_limit, cpp.contactless.floor_limit);
  EXPECT_EQ(toHex(yaml.ttq), toHex(cpp.ttq));
  EXPECT_EQ(yaml.contactless_enabled, cpp.contactless_enabled);
}

void expectSameTerminal(const emv::TerminalProfile& yaml, const emv::TerminalProfile& cpp) {
  EXPECT_EQ(yaml.name, cpp.name);
  EXPECT_EQ(yaml.terminal_type, cpp.terminal_type);
  EXPECT_EQ(toHex(yaml.capabilities), toHex(cpp.capabilities));
  EXPECT_EQ(toHex(yaml.additional_capabilities), toHex(cpp.additional_capabilities));
  EXPECT_EQ(yaml.country_code, cpp.country_code);
  EXPECT_EQ(yaml.currency.alpha, cpp.currency.alpha);
  EXPECT_EQ(yaml.currency.numeric, cpp.currency.numeric);
  EXPECT_EQ(yaml.currency.exponent, cpp.currency.exponent);
  ASSERT_EQ(yaml.applications.size(), cpp.applications.size());
  for (std::size_t i = 0; i < cpp.applications.size(); ++i) {
    expectSameTerminalApplication(yaml.applications[i], cpp.applications[i]);
  }
  ASSERT_EQ(yaml.ca_keys.size(), cpp.ca_keys.size());
  for (std::size_t i = 0; i < cpp.ca_keys.size(); ++i) {
    const auto& a = yaml.ca_keys.keys()[i];
    const auto& b = cpp.ca_keys.keys()[i];
    SCOPED_TRACE("CA key " + toHex(b.rid));
    EXPECT_EQ(toHex(a.rid), toHex(b.rid));
    EXPECT_EQ(a.index, b.index);
    EXPECT_TRUE(a.key == b.key);
    EXPECT_EQ(a.expiry, b.expiry);
    EXPECT_EQ(toHex(a.checksum), toHex(b.checksum));
  }
  EXPECT_EQ(yaml.revoked_certificates.empty(), cpp.revoked_certificates.empty());
  EXPECT_EQ(yaml.merchant_category_code, cpp.merchant_category_code);
  EXPECT_EQ(yaml.merchant_id, cpp.merchant_id);
  EXPECT_EQ(yaml.terminal_id, cpp.terminal_id);
  EXPECT_EQ(yaml.merchant_name_location, cpp.merchant_name_location);
  EXPECT_EQ(yaml.ifd_serial_number, cpp.ifd_serial_number);
  EXPECT_EQ(yaml.online_capable, cpp.online_capable);
  EXPECT_EQ(yaml.attended, cpp.attended);
  EXPECT_EQ(yaml.pin_pad_present, cpp.pin_pad_present);
  EXPECT_EQ(yaml.cardholder_selection_supported, cpp.cardholder_selection_supported);
  EXPECT_EQ(toHex(yaml.online_pin_key), toHex(cpp.online_pin_key));
}

TEST(ProfilesTest, EveryExampleTerminalEqualsItsCppTwin) {
  Resolver resolver = examplesResolver();
  for (const emv::TerminalProfile& cpp : {emv::countertopTerminal(), emv::unattendedTerminal()}) {
    SCOPED_TRACE(cpp.name);
    auto yaml = loadTerminalProfile(cpp.name, resolver);
    ASSERT_TRUE(yaml.isOk()) << yaml.errorText();
    expectSameTerminal(*yaml, cpp);
  }
  EXPECT_EQ(resolver.availableNames(kTerminalReference).size(), 2u);
}

TEST(ProfilesTest, LoadsByPath) {
  auto card = loadCardProfile(examplesDir() / "cards" / "visa-credit.yaml");
  ASSERT_TRUE(card.isOk()) << card.errorText();
  EXPECT_EQ(card->id, "visa-credit");
  auto terminal = loadTerminalProfile(examplesDir() / "terminals" / "unattended.yaml");
  ASSERT_TRUE(terminal.isOk()) << terminal.errorText();
  EXPECT_FALSE(terminal->attended);
}

// Loads `text` as a card profile file placed in the examples' cards folder (so that
// `pki: posim-test-pki` resolves) and returns its diagnostics.
std::string cardErrors(std::string_view text) {
  Resolver resolver = examplesResolver();
  Diagnostics diagnostics;
  const std::string name =
      (examplesDir() / "cards" / "inline-test.yaml").lexically_normal().string();
  if (auto opened = resolver.openText(text, name, diagnostics)) {
    EXPECT_FALSE(readCardProfile(opened->node(), resolver, diagnostics).has_value());
  }
  std::string out = diagnostics.toString();
  // Report positions relative to the file name only.
  for (std::size_t at = out.find(name); at != std::string::npos; at = out.find(name)) {
    out.replace(at, name.size(), "c.yaml");
  }
  return out;
}

TEST(ProfilesTest, ReportsEveryMistakeOfACardFileWithItsPosition) {
  EXPECT_EQ(cardErrors("id: broken\n"
                       "pan: \"4761739001010011\"\n"
                       "pki: posim-test-pki\n"
                       "applications:\n"
                       "  - aid: A0000000031010\n"
                       "    lable: VISA\n"
                       "    oda: dda2\n"
                       "    cvm_list:\n"
                       "      rules:\n"
                       "        - {cvm: online_pin, if: terminal_supprts}\n"
                       "    keys: {cvn: visa-19, imk_ac: 0011}\n"),
            "c.yaml:2:6: error: the PAN '476173******0011' fails the Luhn check (last digit "
            "wrong?)\n"
            "c.yaml:5:5: error: missing required key 'label' in card application\n"
            "c.yaml:6:5: error: unknown key 'lable' in card application; did you mean label?\n"
            "c.yaml:7:10: error: unknown offline data authentication method 'dda2'; did you mean "
            "dda, sda or cda? (expected one of: none, sda, dda, cda)\n"
            "c.yaml:10:33: error: unknown CVM condition 'terminal_supprts'; did you mean "
            "terminal_supports? (expected one of: always, unattended_cash, not_cash_or_cashback, "
            "terminal_supports, manual_cash, cashback, under_x, over_x, under_y, over_y)\n"
            "c.yaml:11:17: error: unknown cryptogram version 'visa-19'; did you mean visa-10, "
            "visa-18 or visa-22? (expected one of: visa-10, visa-18, visa-22, mc-16, mc-17, mc-20, "
            "mc-21)\n"
            "c.yaml:11:34: error: expected 16 bytes of hex (like \"9F02\"), got 2 bytes\n");
}

TEST(ProfilesTest, AnOverlongLabelIsAWarning) {
  Resolver resolver = examplesResolver();
  // The example card with its label made one character longer than tag 50 allows.
  std::ifstream in(examplesDir() / "cards" / "mastercard-credit-contactless.yaml");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto label = text.find("label: MC CREDIT");
  ASSERT_NE(label, std::string::npos);
  text.replace(label, 16, "label: MASTERCARD CREDIT");
  {
    Diagnostics card_diagnostics;
    auto card_doc = resolver.openText(text, "mc.yaml", card_diagnostics);
    ASSERT_TRUE(card_doc.has_value()) << card_diagnostics.toString();
    auto card = readCardProfile(card_doc->node(), resolver, card_diagnostics);
    ASSERT_TRUE(card.has_value()) << card_diagnostics.toString();
    EXPECT_FALSE(card_diagnostics.hasErrors());
    EXPECT_THAT(card_diagnostics.toString(),
                HasSubstr("mc.yaml:10:12: warning: expected at most 16 characters, got 17 in "
                          "'MASTERCARD CREDIT'; terminals may cut it short"));
  }
  Diagnostics diagnostics;
  auto opened = resolver.openText(
      "name: t\nmerchant: {terminal_id: \"123456789\"}\n"
      "applications: []\n",
      "t.yaml", diagnostics);
  ASSERT_TRUE(opened.has_value());
  EXPECT_FALSE(readTerminalProfile(opened->node(), resolver, diagnostics).has_value());
  EXPECT_EQ(diagnostics.toString(),
            "t.yaml:2:25: error: expected at most 8 characters, got 9 in '123456789'\n");
}

TEST(ProfilesTest, ReportsAnUnknownKeySet) {
  EXPECT_THAT(cardErrors("id: x\npan: \"4761739001010010\"\npki: posim-test-pkk\n"),
              HasSubstr("c.yaml:3:6: error: unknown key set 'posim-test-pkk': no file "
                        "posim-test-pkk next to c.yaml and no pki/posim-test-pkk.yaml in the "
                        "example roots ("));
  EXPECT_THAT(cardErrors("id: x\npan: \"4761739001010010\"\npki: posim-test-pkk\n"),
              HasSubstr("; did you mean posim-test-pki?"));
}

TEST(ProfilesTest, ReportsBadKeyMaterial) {
  EXPECT_EQ(
      cardErrors("id: x\npan: \"4761739001010010\"\n"
                 "pki:\n"
                 "  ca_key: {public_exponent: \"03\", p: \"0B\"}\n"
                 "  issuer_key: {public_exponent: \"03\"}\n"
                 "  icc_key: {public_exponent: \"03\", p: \"0B\", q: \"0B\"}\n"),
      "c.yaml:4:11: error: ca_key: give both primes p and q, or neither\n"
      "c.yaml:5:15: error: issuer_key: expected private_exponent (with modulus) or the "
      "primes p and q\n"
      "c.yaml:6:12: error: icc_key: " +
          emv::crypto::RsaPrivateKey::fromPrimes(hexBytes("0B"), hexBytes("0B"), hexBytes("03"))
              .status()
              .message() +
          "\n");
}

TEST(ProfilesTest, TerminalApplicationsInheritAndOverrideTheDefaults) {
  Resolver resolver = examplesResolver();
  Diagnostics diagnostics;
  auto opened = resolver.openText(
      "name: t\ncurrency: USD\n"
      "application_defaults: {floor_limit: \"50.00\", ttq: \"36004000\"}\n"
      "applications:\n"
      "  - {aid: A0000000031010}\n"
      "  - {aid: A0000000041010, floor_limit: \"0.00\", contactless: {transaction_limit: ~}}\n",
      "t.yaml", diagnostics);
  ASSERT_TRUE(opened.has_value());
  auto terminal = readTerminalProfile(opened->node(), resolver, diagnostics);
  ASSERT_TRUE(terminal.has_value()) << diagnostics.toString();
  EXPECT_EQ(terminal->currency.alpha, "USD");
  ASSERT_EQ(terminal->applications.size(), 2u);
  EXPECT_EQ(terminal->applications[0].floor_limit, 5000);
  EXPECT_EQ(terminal->applications[1].floor_limit, 0);
  EXPECT_EQ(toHex(terminal->applications[1].ttq), "36004000");
  EXPECT_FALSE(terminal->applications[1].contactless.transaction_limit.has_value());
}

TEST(ProfilesTest, ReportsTerminalMistakes) {
  Resolver resolver = examplesResolver();
  Diagnostics diagnostics;
  auto opened = resolver.openText(
      "name: t\nterminal_type: \"2\"\ncurrency: CNY\n"
      "applications:\n"
      "  - {aid: A0000000031010, floor_limit: \"1.234\"}\n"
      "  - {name: no aid}\n"
      "ca_keys:\n"
      "  - {rid: A000000999, index: E1, from: posim-test-pki, checksum: "
      "0000000000000000000000000000000000000000}\n",
      "t.yaml", diagnostics);
  ASSERT_TRUE(opened.has_value());
  EXPECT_FALSE(readTerminalProfile(opened->node(), resolver, diagnostics).has_value());
  const auto all = diagnostics.sorted();
  ASSERT_EQ(all.size(), 4u) << diagnostics.toString();
  EXPECT_EQ(all[0].toString(),
            "t.yaml:2:16: error: expected 1 byte of hex (like \"9F02\"), got '2': hex: odd number "
            "of hex digits (the digit at character 0 has no partner)");
  EXPECT_THAT(all[1].toString(), ::testing::StartsWith("t.yaml:5:40: error: expected an amount in "
                                                       "CNY as a decimal string"));
  EXPECT_EQ(all[2].toString(),
            "t.yaml:6:5: error: missing required key 'aid' in terminal application");
  EXPECT_THAT(all[3].toString(), ::testing::StartsWith("t.yaml:8:5: error: "));
  EXPECT_THAT(all[3].toString(), HasSubstr("checksum"));
}

}  // namespace
}  // namespace posim::scenarios
