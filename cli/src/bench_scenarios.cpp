#include "bench_scenarios.h"

#include "posim/emv/test_cards.h"
#include "posim/emv/tlv.h"

namespace posim::cli {
namespace {

constexpr const char* kMerchant =
    "merchant: {id: \"123456789012345\", terminal_id: \"12345678\", mcc: \"5812\", currency: "
    "CNY}\n";

// countertop (examples/terminals/countertop.yaml) without offline enciphered PIN (9F33 byte 2
// bit 5 clear: E0E8C8), so that mastercard-debit's CVM list falls through to online PIN.
constexpr const char* kOnlinePinTerminal = R"(terminal:
  name: countertop-online-pin
  terminal_type: "22"
  capabilities: E0E8C8
  additional_capabilities: F000F0A001
  country: 156
  currency: CNY
  merchant:
    category_code: "5812"
    id: "123456789012345"
    terminal_id: "12345678"
    name_location: "POSIM TEST MERCHANT, SHANGHAI"
  ifd_serial_number: POSIM001
  online_capable: true
  attended: true
  pin_pad_present: true
  cardholder_selection_supported: true
  online_pin_key: 0123456789ABCDEFFEDCBA9876543210
  ca_keys:
    - {rid: A000000999, index: E1, from: posim-test-pki}
    - {rid: A000000004, index: E1, from: posim-test-pki}
  application_defaults:
    tac_denial: "0010000000"
    tac_online: DC4004F800
    tac_default: DC4000A800
    floor_limit: "100.00"
    random_selection: {threshold: "20.00", target_percent: 10, max_target_percent: 50}
  applications:
    - {aid: A0000000041010, name: Mastercard, partial_selection: true, app_version: "0002"}
)";

}  // namespace

std::string cdaScenarioText(int count) {
  std::string text =
      "posim: 1\nname: posim bench, full contact CDA transactions\n"
      "clock: {start: \"2026-03-02T10:00:00+08:00\"}\n";
  text += kOnlinePinTerminal;
  text += kMerchant;
  text += R"(acquirer: {backend: embedded}
cards:
  mc: {profile: mastercard-debit, pin: "1234", balance: "100000000000.00"}
steps:
  - id: checked-sale
    sale: {card: mc, entry: chip, amount: "128.50"}
    expect:
      approved: true
      cvm: online_pin
      tvr_bits_clear: [offline_data_auth_not_performed, cda_failed]
load:
  terminals: 1
  count: )";
  text += std::to_string(count);
  text += R"(
  rate: 1/s
  mix:
    - {type: sale, card: mc, entry: chip, amount: "128.50"}
)";
  return text;
}

std::string yearOfSalesScenarioText() {
  // A copy of tests/bench/data/year-of-sales.yaml (keep the two equal).
  return R"(posim: 1
name: a year of sales (10,000 transactions)
clock: {start: "2026-01-01T08:00:00+08:00"}
calendar: cn-2026
terminal: countertop
merchant: {id: "123456789012345", terminal_id: "12345678", mcc: "5812", currency: CNY}
acquirer:
  backend: embedded
  settlement: {cycle: T+1, cutoff: "23:00", payout: ["09:00"], fee: {rate: 0.006}}
cards:
  visa: {profile: visa-credit, pin: "1234", balance: "100000000.00"}
  mc: {profile: mastercard-debit, pin: "1234", balance: "100000000.00"}
  tap: {profile: mastercard-credit-contactless, pin: "1234", balance: "100000000.00"}
steps:
  - echo: {}
load:
  terminals: 4
  count: 10000
  rate: 1/h
  mix:
    - {type: sale, weight: 5, card: tap, entry: contactless, amount: "38.00"}
    - {type: sale, weight: 3, card: visa, entry: chip, amount: "268.00"}
    - {type: sale, weight: 2, card: mc, entry: chip, amount: "128.50"}
)";
}

std::string hostLoadScenarioText(int terminals, int seconds) {
  std::string text =
      "posim: 1\nname: posim bench, terminals over loopback TCP\n"
      "clock: {start: \"2026-03-02T10:00:00+08:00\"}\nterminal: countertop\n";
  text += kMerchant;
  text += R"(acquirer: {backend: embedded}
cards:
  tap: {profile: mastercard-credit-contactless, pin: "1234", balance: "100000000000.00"}
steps:
  - id: checked-sale
    sale: {card: tap, entry: contactless, amount: "168.00"}
    expect: {approved: true, cryptogram: ARQC, cvm: no_cvm}
load:
  clock: real
  mode: closed
  terminals: )";
  text += std::to_string(terminals);
  text += "\n  duration: " + std::to_string(seconds) + "s\n";
  text += R"(  ramp_up: 1s
  mix:
    - {type: sale, card: tap, entry: contactless, amount: "168.00"}
)";
  return text;
}

std::string contactlessScenarioText(int count) {
  std::string text =
      "posim: 1\nname: posim bench, contactless sales in process\n"
      "clock: {start: \"2026-03-02T10:00:00+08:00\"}\nterminal: countertop\n";
  text += kMerchant;
  text += R"(acquirer: {backend: embedded}
cards:
  tap: {profile: mastercard-credit-contactless, pin: "1234", balance: "100000000000.00"}
steps:
  - id: checked-sale
    sale: {card: tap, entry: contactless, amount: "168.00"}
    expect: {approved: true, cryptogram: ARQC, cvm: no_cvm}
load:
  terminals: 1
  count: )";
  text += std::to_string(count);
  text += R"(
  rate: 1/s
  mix:
    - {type: sale, card: tap, entry: contactless, amount: "168.00"}
)";
  return text;
}

std::string soakScenarioText(int terminals, std::optional<std::int64_t> count, int seconds) {
  // examples/load/soak.yaml, as a closed loop.
  std::string text = R"(posim: 1
name: posim bench, memory soak
clock: {start: "2026-03-16T08:00:00+08:00"}
calendar: cn-2026
terminal: countertop
merchant: {id: "123456789012345", terminal_id: "12345678", mcc: "5812", currency: CNY}
acquirer:
  backend: embedded
  latency: 0ms
  settlement: {cycle: T+1, cutoff: "23:00", payout: ["09:00"], fee: {rate: 0.006}}
cards:
  visa: {profile: visa-credit, pin: "1234", balance: "9000000000000.00"}
  mc: {profile: mastercard-debit, pin: "1234", balance: "9000000000000.00"}
  tap: {profile: mastercard-credit-contactless, pin: "1234", balance: "9000000000000.00"}
steps:
  - echo: {}
load:
  clock: real
  mode: closed
  terminals: )";
  text += std::to_string(terminals) + "\n";
  if (count) {
    text += "  count: " + std::to_string(*count) + "\n";
  } else {
    text += "  duration: " + std::to_string(seconds) + "s\n";
  }
  text += R"(  mix:
    - {type: sale, weight: 5, card: tap, entry: contactless, amount: "38.00"}
    - {type: sale, weight: 3, card: visa, entry: chip, amount: "268.00"}
    - {type: sale, weight: 2, card: mc, entry: chip, amount: "128.50"}
)";
  return text;
}

Bytes purchaseRequestWithDe55() {
  return hexBytes(
      "30323030723C46C128E092013136343736313733393030313031303031303030303030303030303030303031"
      "3233343530333134303231353435303030313034313031353435303331343238313235383134303531303030"
      "30303132303831323334353637383337343736313733393030313031303031303D3238313232303131323334"
      "3536373839303030303530373330323030303130345445524D30303031313233343536373839303132333435"
      "44454D4F20434F464645452053484F502020202020202020205348414E474841492020202020434E31353662"
      "1F91F5470F2CFE3136319F2608B912CED09B6094109F2701809F102006011203A0A0000F0000000000000000"
      "000000000000000000000000000000009F37049A3B5C7D9F36020008950500000080009A032503149C01009F"
      "02060000000123455F2A02015682023C009F1A0201569F03060000000000009F3303E0F8C89F34034203009F"
      "3501229F1E0831323334353637388407A00000000310109F0902008C9F4104000001235F3401004435B7C29D"
      "F18D46");
}

Bytes readRecordTemplate() {
  // The record of the visa-debit-sda test card (its PAN from the profile, not a literal here).
  const std::string pan = emv::visaDebitSdaCard().pan.digits();
  return emv::TlvBuilder()
      .open(0x70)
      .add(0x57, hexBytes(pan + "D22122011758928889"))
      .add(0x5A, hexBytes(pan))
      .add(0x5F20, asBytes("CARDHOLDER/VISA TEST CARD "))
      .add(0x5F24, hexBytes("221231"))
      .add(0x5F25, hexBytes("150101"))
      .add(0x5F28, hexBytes("0840"))
      .add(0x5F34, hexBytes("01"))
      .add(0x8C, hexBytes("9F02069F03069F1A0295055F2A029A039C019F37049F35019F4503"))
      .add(0x8D, hexBytes("8A029F02069F03069F1A0295055F2A02"))
      .add(0x8E, hexBytes("000000000000000042031E031F00"))
      .add(0x9F07, hexBytes("FF00"))
      .add(0x9F08, hexBytes("008C"))
      .add(0x9F0D, hexBytes("B050808000"))
      .add(0x9F0E, hexBytes("0000000000"))
      .add(0x9F0F, hexBytes("B070848000"))
      .add(0x9F4A, hexBytes("82"))
      .add(0x8F, hexBytes("94"))
      .add(0x92, Bytes(36, 0x5C))
      .add(0x9F32, hexBytes("03"))
      .add(0x9F49, hexBytes("9F3704"))
      .add(0x9F1F, asBytes("17589096000000"))
      .close()
      .take();
}

}  // namespace posim::cli
