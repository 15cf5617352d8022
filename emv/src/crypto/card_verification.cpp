#include "posim/emv/crypto/card_verification.h"

#include <cstdio>
#include <string>

#include "posim/emv/crypto/cipher.h"
#include "posim/emv/crypto/mac.h"

#include "crypto/symmetric_util.h"

namespace posim::emv::crypto {
namespace {

using internal::checkLength;

// Decimal digits of the hex string left to right, then A-F as 0-5, first `length`.
std::string decimalise(std::string_view hex, std::size_t length) {
  std::string out;
  for (char c : hex) {
    if (out.size() == length) return out;
    if (c >= '0' && c <= '9') out.push_back(c);
  }
  for (char c : hex) {
    if (out.size() == length) return out;
    if (c >= 'A' && c <= 'F') out.push_back(static_cast<char>('0' + (c - 'A')));
  }
  return out;
}

}  // namespace

Result<CardVerificationValue> computeCvv(ByteView cvk, std::string_view pan,
                                         std::string_view expiry_yymm,
                                         std::string_view service_code, std::size_t length) {
  POSIM_RETURN_IF_ERROR(checkLength("cvk", cvk, {16}));
  POSIM_RETURN_IF_ERROR(internal::checkDigits("pan", pan, 12, 19));
  POSIM_RETURN_IF_ERROR(internal::checkDigits("expiry", expiry_yymm, 4, 4));
  POSIM_RETURN_IF_ERROR(internal::checkDigits("service-code", service_code, 3, 3));
  if (length < 3 || length > 5) {
    return invalidArgument("length: " + std::to_string(length) + " digits, expected 3 to 5");
  }
  std::string digits = std::string(pan) + std::string(expiry_yymm) + std::string(service_code);
  digits.resize(32, '0');
  CardVerificationValue out;
  const Bytes data = internal::packNibbles(digits);
  out.block1.assign(data.begin(), data.begin() + 8);
  out.block2.assign(data.begin() + 8, data.end());
  POSIM_ASSIGN_OR_RETURN(Bytes step1,
                         encrypt(BlockCipher::kDes, CipherMode::kEcb, cvk.first(8), out.block1));
  POSIM_ASSIGN_OR_RETURN(
      out.result, encrypt(BlockCipher::kTdes, CipherMode::kEcb, cvk, xorBytes(step1, out.block2)));
  out.digits = decimalise(toHex(out.result), length);
  return out;
}

Result<bool> verifyCvv(ByteView cvk, std::string_view pan, std::string_view expiry_yymm,
                       std::string_view service_code, std::string_view presented) {
  POSIM_RETURN_IF_ERROR(internal::checkDigits("cvv", presented, 3, 5));
  POSIM_ASSIGN_OR_RETURN(CardVerificationValue expected,
                         computeCvv(cvk, pan, expiry_yymm, service_code, presented.size()));
  return internal::constantTimeEqual(asBytes(expected.digits), asBytes(presented));
}

Result<Cvc3> computeCvc3(ByteView icc_cvc3_key, ByteView track_data, ByteView un, ByteView atc) {
  POSIM_RETURN_IF_ERROR(checkLength("key", icc_cvc3_key, {16}));
  if (track_data.empty()) return invalidArgument("track: empty track data template");
  POSIM_RETURN_IF_ERROR(checkLength("un", un, {4}));
  POSIM_RETURN_IF_ERROR(checkLength("atc", atc, {2}));
  Cvc3 out;
  POSIM_ASSIGN_OR_RETURN(Bytes mac, macAlgorithm3(icc_cvc3_key, track_data, MacPadding::kMethod2));
  out.iv_cvc3.assign(mac.end() - 2, mac.end());
  out.block = out.iv_cvc3;
  append(out.block, un);
  append(out.block, atc);
  POSIM_ASSIGN_OR_RETURN(out.result,
                         encrypt(BlockCipher::kTdes, CipherMode::kEcb, icc_cvc3_key, out.block));
  const unsigned value = static_cast<unsigned>(out.result[6]) << 8 | out.result[7];
  char buf[8];
  std::snprintf(buf, sizeof buf, "%05u", value);
  out.digits = buf;
  return out;
}

}  // namespace posim::emv::crypto
