// The real EMV kernel (contact, contactless and magstripe paths) against a card whose every
// R-APDU comes from the fuzz input, so each response reaches the kernel's parsing: FCI, GPO
// formats 1 and 2, READ RECORD, GET DATA, INTERNAL AUTHENTICATE, VERIFY, GENERATE AC... The
// issuer's answer (authentication data 91, scripts 71/72) comes from the input too. Time and
// randomness are fixed.
//
// Input: one options byte, one piece (1-byte length) of issuer authentication data, one piece of
// issuer scripts, then R-APDUs, each as a 2-byte big-endian length and that many bytes (data ‖
// SW1 SW2). When they run out the card is "removed".
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "posim/base/clock.h"
#include "posim/base/money.h"
#include "posim/base/random.h"
#include "posim/emv/icc.h"
#include "posim/emv/kernel.h"
#include "posim/emv/test_terminals.h"

#include "fuzz_support.h"

namespace {

using posim::Bytes;
using posim::ByteView;

class FuzzCard final : public posim::emv::Icc {
 public:
  explicit FuzzCard(posim::fuzz::FuzzInput& input) : input_(input) {}

  posim::Result<Bytes> powerOn(posim::emv::CardInterface) override {
    if (input_.done()) return posim::unavailable("mute card");
    return Bytes{0x3B, 0x00};
  }
  posim::Result<Bytes> transceive(ByteView) override {
    if (input_.done()) return posim::unavailable("card removed");
    const ByteView response = input_.piece16();
    return Bytes(response.begin(), response.end());
  }
  void powerOff() override {}

 private:
  posim::fuzz::FuzzInput& input_;
};

class FixedPinPad final : public posim::emv::PinEntry {
 public:
  explicit FixedPinPad(std::uint8_t mode) : mode_(mode) {}
  posim::emv::PinEntryResult enterPin(const posim::emv::PinRequest&) override {
    switch (mode_ % 3) {
      case 0: return posim::emv::PinEntryResult::entered("1234");
      case 1: return posim::emv::PinEntryResult::bypassed();
      default: return posim::emv::PinEntryResult::padNotWorking();
    }
  }

 private:
  std::uint8_t mode_;
};

class FuzzIssuer final : public posim::emv::OnlineAuthorizer {
 public:
  explicit FuzzIssuer(posim::emv::OnlineResponse response) : response_(std::move(response)) {}
  posim::emv::OnlineResponse authorize(const posim::emv::OnlineRequest&) override {
    return response_;
  }

 private:
  posim::emv::OnlineResponse response_;
};

// The same profile for every input (building it is not what is fuzzed).
const posim::emv::TerminalProfile& profile(bool unattended) {
  static const posim::emv::TerminalProfile countertop = posim::emv::countertopTerminal();
  static const posim::emv::TerminalProfile self_service = posim::emv::unattendedTerminal();
  return unattended ? self_service : countertop;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  posim::fuzz::FuzzInput input(bytes, size);
  const std::uint8_t options = input.byte();

  posim::emv::OnlineResponse online;
  switch ((options >> 4) & 3) {
    case 0: online.kind = posim::emv::OnlineResponse::Kind::kApproved; break;
    case 1: online.kind = posim::emv::OnlineResponse::Kind::kDeclined; break;
    default: online.kind = posim::emv::OnlineResponse::Kind::kUnableToGoOnline; break;
  }
  online.response_code = online.kind == posim::emv::OnlineResponse::Kind::kApproved ? "00" : "05";
  online.authorization_code = "123456";
  const ByteView iad = input.piece8();
  const ByteView scripts = input.piece8();
  online.issuer_authentication_data.assign(iad.begin(), iad.end());
  online.issuer_scripts.assign(scripts.begin(), scripts.end());

  posim::emv::TransactionInputs inputs;
  const posim::Currency cny = *posim::currencyByAlpha("CNY");
  // Small, floor-limit-sized and CVM-limit-sized amounts take different kernel paths.
  static constexpr std::int64_t kAmounts[] = {0, 1500, 5000, 150000, 99999999};
  inputs.amount = posim::Money(kAmounts[(options >> 2) % 5], cny);
  if ((options & 0x40) != 0) inputs.other_amount = posim::Money(100, cny);
  inputs.transaction_type =
      (options & 0x80) != 0 ? posim::emv::kTxnRefund : posim::emv::kTxnPurchase;
  using namespace std::chrono;
  inputs.at = {posim::Instant(sys_days{year(2026) / 9 / 30}) + hours(4), hours(8)};
  inputs.unpredictable_number = Bytes{0x11, 0x22, 0x33, 0x44};
  switch (options & 3) {
    case 0: inputs.entry_mode = posim::emv::EntryMode::kContact; break;
    case 1: inputs.entry_mode = posim::emv::EntryMode::kContactless; break;
    case 2:
      inputs.entry_mode = posim::emv::EntryMode::kMagstripe;
      // The "swipe" is the rest of the input as text.
      inputs.track2 = std::string(posim::fuzz::asText(input.piece8()));
      inputs.fallback = (options & 0x40) != 0;
      break;
    default:
      inputs.entry_mode = posim::emv::EntryMode::kContact;
      inputs.merchant_forced_online = true;
      break;
  }

  posim::SeededRandom random(7);
  FixedPinPad pin_pad(options);
  FuzzIssuer issuer(online);
  posim::emv::KernelEnvironment environment;
  environment.random = &random;
  environment.pin_entry = &pin_pad;
  environment.authorizer = &issuer;

  FuzzCard card(input);
  posim::emv::Kernel kernel(profile((options & 0x20) != 0), environment);
  const posim::emv::KernelResult result = kernel.run(card, inputs);
  // The masked PAN never shows more than first 6 and last 4 digits.
  std::size_t digits = 0;
  for (char c : result.masked_pan) digits += (c >= '0' && c <= '9') ? 1 : 0;
  POSIM_FUZZ_CHECK(digits <= 10);
  for (const auto& step : result.steps) {
    for (const auto& exchange : step.exchanges) (void)posim::emv::formatExchange(exchange);
  }
  return 0;
}
