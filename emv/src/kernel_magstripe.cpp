// Magstripe: track 2 (ISO 7813), service code rules, and the chip-to-magstripe fallback.
#include "posim/base/pan.h"
#include "posim/emv/crypto/pin_block.h"
#include "posim/emv/tag_dictionary.h"

#include "kernel_internal.h"

namespace posim::emv::internal {

void KernelRun::runMagstripe() {
  beginStep("magstripe");
  // PAN '=' YYMM service code(3) discretionary data; optional sentinels ';' '?'.
  std::string track = inputs_.track2;
  if (!track.empty() && track.front() == ';') track.erase(track.begin());
  if (!track.empty() && track.back() == '?') track.pop_back();
  const std::size_t separator = track.find_first_of("=D");
  if (separator == std::string::npos || track.size() < separator + 8 ||
      !isDigits(track.substr(0, separator)) || !isDigits(track.substr(separator + 1, 7))) {
    finish(Outcome::kTerminated, "unreadable track 2: swipe again");
    return;
  }
  const std::string pan = track.substr(0, separator);
  const std::string expiry = track.substr(separator + 1, 4);
  const std::string service_code = track.substr(separator + 5, 3);
  {
    // 5A is cn: digits left-justified, padded with F.
    std::string padded = pan;
    if (padded.size() % 2) padded += 'F';
    Bytes packed;
    for (std::size_t i = 0; i < padded.size(); i += 2) {
      auto nibble = [](char c) { return static_cast<std::uint8_t>(c == 'F' ? 0xF : c - '0'); };
      packed.push_back(static_cast<std::uint8_t>(nibble(padded[i]) << 4 | nibble(padded[i + 1])));
    }
    set(kTag5AApplicationPan, packed);
  }
  note("track 2 read: PAN " + maskPan(pan) + ", service code " + service_code);
  // Service code digit 1: 2 or 6 = chip card (ISO 7813). Swiping it is only allowed as a
  // fallback after the chip failed.
  if ((service_code[0] == '2' || service_code[0] == '6') && !inputs_.fallback) {
    finish(Outcome::kUseChipReader,
           "chip card (service code " + service_code + "): insert the card in the chip reader");
    return;
  }
  const Date today = inputs_.at.date();
  const int yy = std::stoi(expiry.substr(0, 2));
  const int mm = std::stoi(expiry.substr(2, 2));
  const int year = 2000 + yy;
  if (year < static_cast<int>(today.year()) ||
      (year == static_cast<int>(today.year()) &&
       mm < static_cast<int>(static_cast<unsigned>(today.month())))) {
    tvr_.setExpiredApplication();
    finish(Outcome::kDeclinedOffline,
           "card expired (" + expiry.substr(2, 2) + "/" + expiry.substr(0, 2) + ")");
    return;
  }
  // Digit 2: 2 = authorise online by issuer; any magstripe transaction goes online here.
  // Digit 3: 0, 3, 5 = PIN required; 6, 7 = PIN prompt when a PIN pad is present.
  const char pin_digit = service_code[2];
  const bool pin_required = pin_digit == '0' || pin_digit == '3' || pin_digit == '5';
  const bool pin_prompt = pin_digit == '6' || pin_digit == '7';
  beginStep("cardholder verification (magstripe)");
  if ((pin_required || pin_prompt) && profile_.pin_pad_present) {
    std::optional<CvmOutcome> pin = onlinePin();
    if (!pin.has_value()) return;
    if (*pin == CvmOutcome::kFailed && pin_required) {
      finish(Outcome::kDeclinedOffline, "PIN required by the service code but not entered");
      return;
    }
    result_.cvm = *pin == CvmOutcome::kFailed ? "signature" : "online PIN";
    result_.signature_required = *pin == CvmOutcome::kFailed;
  } else if (pin_required) {
    finish(Outcome::kDeclinedOffline, "PIN required by the service code but no PIN pad");
    return;
  } else {
    result_.cvm = profile_.attended ? "signature" : "no CVM";
    result_.signature_required = profile_.attended;
  }
  beginStep("online processing");
  OnlineRequest request = baseOnlineRequest();
  request.pan = Pan(pan);
  request.track2 = track.substr(0, separator) + "=" + track.substr(separator + 1);
  request.expiry_yymm = expiry;
  if (online_pin_entered_ && !profile_.online_pin_key.empty()) {
    Result<crypto::EncryptedPinBlock> block = crypto::encryptPinBlock(
        crypto::PinBlockFormat::kIso0, profile_.online_pin_key, online_pin_, pan);
    if (block.isOk()) request.pin_block = block->block;
  }
  online_pin_.clear();
  const OnlineResponse response = goOnline(request);
  switch (response.kind) {
    case OnlineResponse::Kind::kApproved:
      result_.authorisation_response_code =
          response.response_code.empty() ? "00" : response.response_code;
      finish(Outcome::kApprovedOnline,
             "issuer approved (" + result_.authorisation_response_code + ")");
      return;
    case OnlineResponse::Kind::kDeclined:
      result_.authorisation_response_code =
          response.response_code.empty() ? "05" : response.response_code;
      finish(Outcome::kDeclinedOnline,
             "issuer declined (" + result_.authorisation_response_code + ")");
      return;
    case OnlineResponse::Kind::kUnableToGoOnline:
      result_.authorisation_response_code = "Z3";
      finish(Outcome::kDeclinedOffline,
             "unable to go online: a swiped card cannot be approved offline");
      return;
  }
}

}  // namespace posim::emv::internal
