// Card verification values: Visa CVV/CVV2/iCVV and Mastercard CVC1/CVC2/chip CVC (one
// algorithm, the service code making the difference), and Mastercard's dynamic CVC3 for
// contactless mag-stripe mode.
//
// References: Visa and Mastercard card verification value algorithm as published in HSM
// manuals (e.g. Thales "CW" / "CY" commands); the service code conventions 000 (CVV2/CVC2) and
// 999 (iCVV, chip CVC) as in testdata/vectors/cvv.json; Mastercard PayPass M/Chip CVC3.
//
// Thread safety: pure functions; safe to call from any thread.
#pragma once

#include <string>
#include <string_view>

#include "posim/base/bytes.h"
#include "posim/base/status.h"

namespace posim::emv::crypto {

// Service codes the conventions use in place of the card's own.
inline constexpr std::string_view kServiceCodeCvv2 = "000";
inline constexpr std::string_view kServiceCodeIcvv = "999";

// A card verification value with its intermediate values.
struct CardVerificationValue {
  Bytes block1;        // the leftmost 16 digits of PAN || expiry || service code || 0..0
  Bytes block2;        // the next 16 digits
  Bytes result;        // TDES(KA || KB, DES(KA, block1) xor block2)
  std::string digits;  // the decimalised value (3 digits by default)
};

// CVV / CVC: the data PAN || expiry (YYMM) || service code is right-padded with zeros to 32
// digits and split into two 8-byte blocks; result = TDES(KA||KB, DES(KA, block1) xor block2);
// decimalisation takes the decimal digits of the result left to right, then its digits A-F as
// 0-5, and the first `length` of them. `cvk` is KA || KB (16 bytes); `pan` 12-19 digits;
// `expiry_yymm` 4 digits; `service_code` 3 digits (000 for CVV2/CVC2, 999 for iCVV/chip CVC).
// This is `posim crypto cvv`. Errors: InvalidArgument naming "cvk", "pan", "expiry" or
// "service-code".
Result<CardVerificationValue> computeCvv(ByteView cvk, std::string_view pan,
                                         std::string_view expiry_yymm,
                                         std::string_view service_code, std::size_t length = 3);
inline Result<CardVerificationValue> computeCvv2(ByteView cvk, std::string_view pan,
                                                 std::string_view expiry_yymm) {
  return computeCvv(cvk, pan, expiry_yymm, kServiceCodeCvv2);
}
inline Result<CardVerificationValue> computeIcvv(ByteView cvk, std::string_view pan,
                                                 std::string_view expiry_yymm) {
  return computeCvv(cvk, pan, expiry_yymm, kServiceCodeIcvv);
}

// Compares a presented value with the computed one (a mismatch is false, not an error).
Result<bool> verifyCvv(ByteView cvk, std::string_view pan, std::string_view expiry_yymm,
                       std::string_view service_code, std::string_view presented);

// A dynamic CVC3 and its intermediates.
struct Cvc3 {
  Bytes iv_cvc3;       // 2 bytes: the rightmost two bytes of the MAC over the track data
  Bytes block;         // IVCVC3 || UN || ATC
  Bytes result;        // TDES(KD_CVC3, block)
  std::string digits;  // the rightmost 2 bytes of the result as a 5-digit decimal (00000-65535)
};

// Mastercard CVC3 (PayPass mag-stripe): IVCVC3 = rightmost 2 bytes of ISO 9797-1 MAC
// algorithm 3 (padding 2) over the track data template under the ICC CVC3 key; CVC3 = the
// rightmost two bytes of TDES(KD_CVC3, IVCVC3 || UN (4) || ATC (2)) as a 5-digit number; the
// terminal puts the rightmost nCVC3 digits into the track. `icc_cvc3_key` 16 bytes (derive it
// from the IMK-CVC3 with deriveIccMasterKey); `track_data` the static track 1 or track 2 data
// template; `un` 4 bytes; `atc` 2 bytes.
// Errors: InvalidArgument naming "key", "track", "un" or "atc".
Result<Cvc3> computeCvc3(ByteView icc_cvc3_key, ByteView track_data, ByteView un, ByteView atc);

}  // namespace posim::emv::crypto
