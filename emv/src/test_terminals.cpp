#include "posim/emv/test_terminals.h"

#include <cstdlib>
#include <utility>

#include "posim/base/bytes.h"

namespace posim::emv {
namespace {

// tests/data/vectors/emv_oda_own_chain.json "ca_key" (RID A000000999, index E1, e = 3).
constexpr const char* kOwnChainCaModulus =
    "DF6ED6AB495F651E2DD805365BD3E8122830490F6D060BA6A6AC3773674F5186F65A52ACF0075C12EE6A3AC38005C6"
    "DE955192AED835F3285DC6299C0E17E3D82A2F967EC91276C0372927017D60B1FAAE41D91699B46333F4FCC325D62E"
    "CD83E95629662373664346179E0802EBCDEB4D70606D1DA77B5C9CBD79F6464C6BC39E81D160EE750D7ABF0C3F1EE1"
    "976B1A5EC15413B35899D04ACE23BE91A1BE187CB11F6A59BB7FBBF7938FFBAE907E67";
constexpr const char* kOwnChainCaExponent = "03";
constexpr const char* kOwnChainCaChecksum = "DDD2DB4EA98FE477FCF3B36468F1CFAC391D2FA4";
constexpr std::uint8_t kTestCapkIndex = 0xE1;

crypto::CaPublicKey caKeyFor(std::string_view rid_hex, bool with_checksum) {
  Result<crypto::CaPublicKey> key = crypto::CaPublicKey::create(
      hexBytes(rid_hex), kTestCapkIndex, hexBytes(kOwnChainCaModulus),
      hexBytes(kOwnChainCaExponent), with_checksum ? hexBytes(kOwnChainCaChecksum) : Bytes{});
  if (!key.isOk()) std::abort();  // a constant of this file is wrong
  return std::move(key).value();
}

void addTestKeys(TerminalProfile& profile) {
  for (std::string_view rid :
       {"A000000999", "A000000003", "A000000004", "A000000333", "A000000025"}) {
    // The published checksum covers RID A000000999 only; the copies get theirs computed.
    Status status = profile.ca_keys.add(caKeyFor(rid, rid == "A000000999"));
    if (!status.isOk()) std::abort();
  }
}

TerminalApplication application(std::string_view aid_hex, std::string name, bool partial) {
  TerminalApplication app;
  app.aid = hexBytes(aid_hex);
  app.name = std::move(name);
  app.partial_selection = partial;
  return app;
}

// Typical acquirer TACs: deny nothing by itself, go online on ODA failure, expiry, CVM failure,
// floor limit, velocity; decline offline on the same when unable to go online.
void setTacs(TerminalApplication& app) {
  app.tac_denial = hexBytes("0010000000");
  app.tac_online = hexBytes("DC4004F800");
  app.tac_default = hexBytes("DC4000A800");
}

std::vector<TerminalApplication> standardApplications(std::int64_t floor_limit,
                                                      const RandomSelection& random,
                                                      const ContactlessLimits& contactless,
                                                      const Bytes& ttq) {
  std::vector<TerminalApplication> apps = {
      application("A0000000031010", "Visa Credit/Debit", true),
      application("A0000000032010", "Visa Electron", false),
      application("A0000000032020", "V PAY", false),
      application("A0000000041010", "Mastercard", true),
      application("A0000000043060", "Maestro", true),
      application("A000000333010101", "UnionPay Debit", true),
      application("A000000333010102", "UnionPay Credit", true),
      application("A00000002501", "American Express", true),
      application("A0000009991010", "posim test scheme", true),
  };
  for (TerminalApplication& app : apps) {
    setTacs(app);
    app.floor_limit = floor_limit;
    app.random_selection = random;
    app.contactless = contactless;
    app.ttq = ttq;
  }
  // Application versions (Book 3 §10.4.1): Visa 0096 (the default), Mastercard 0002,
  // UnionPay 0030, Amex 0001.
  for (TerminalApplication& app : apps) {
    if (app.aid[4] == 0x04) app.app_version = hexBytes("0002");
    if (app.aid[4] == 0x33) app.app_version = hexBytes("0030");
    if (app.aid[4] == 0x25) app.app_version = hexBytes("0001");
  }
  return apps;
}

}  // namespace

crypto::CaPublicKey testCaPublicKey() {
  return caKeyFor("A000000999", true);
}

TerminalProfile countertopTerminal() {
  TerminalProfile profile;
  profile.name = "countertop";
  profile.terminal_type = 0x22;
  profile.capabilities = hexBytes("E0F8C8");
  profile.additional_capabilities = hexBytes("F000F0A001");
  profile.country_code = 156;
  profile.currency = Currency{"CNY", 156, 2, "Chinese yuan"};
  profile.applications = standardApplications(
      /*floor_limit=*/10000, RandomSelection{2000, 10, 50},
      ContactlessLimits{/*transaction=*/100000, /*cvm_required=*/30000, /*floor=*/10000},
      hexBytes("36004000"));
  addTestKeys(profile);
  profile.merchant_category_code = "5812";
  profile.merchant_id = "123456789012345";
  profile.terminal_id = "12345678";
  profile.merchant_name_location = "POSIM TEST MERCHANT, SHANGHAI";
  profile.ifd_serial_number = "POSIM001";
  profile.online_capable = true;
  profile.attended = true;
  profile.pin_pad_present = true;
  profile.cardholder_selection_supported = true;
  profile.online_pin_key = hexBytes("0123456789ABCDEFFEDCBA9876543210");
  return profile;
}

TerminalProfile unattendedTerminal() {
  TerminalProfile profile;
  profile.name = "unattended";
  profile.terminal_type = 0x24;
  profile.capabilities = hexBytes("60D8C8");  // no manual entry, no signature
  profile.additional_capabilities = hexBytes("6000F0A001");
  profile.country_code = 156;
  profile.currency = Currency{"CNY", 156, 2, "Chinese yuan"};
  profile.applications = standardApplications(
      /*floor_limit=*/0, RandomSelection{},
      ContactlessLimits{/*transaction=*/50000, /*cvm_required=*/30000, /*floor=*/0},
      hexBytes("36804000"));
  addTestKeys(profile);
  profile.merchant_category_code = "5542";
  profile.merchant_id = "123456789012346";
  profile.terminal_id = "87654321";
  profile.merchant_name_location = "POSIM UNATTENDED KIOSK, SHANGHAI";
  profile.ifd_serial_number = "POSIM002";
  profile.online_capable = true;
  profile.attended = false;
  profile.pin_pad_present = true;
  profile.cardholder_selection_supported = true;
  profile.online_pin_key = hexBytes("0123456789ABCDEFFEDCBA9876543210");
  return profile;
}

}  // namespace posim::emv
