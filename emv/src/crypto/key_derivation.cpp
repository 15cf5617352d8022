#include "posim/emv/crypto/key_derivation.h"

#include <mutex>
#include <string>
#include <unordered_map>

#include "posim/emv/crypto/cipher.h"

#include "crypto/symmetric_util.h"

namespace posim::emv::crypto {
namespace {

using internal::checkLength;

constexpr std::size_t kPanMinDigits = 12;
constexpr std::size_t kPanMaxDigits = 19;

// TDES(key, y) || TDES(key, y xor FF..FF): the two halves of an EMV derived key.
Result<Bytes> encryptBothHalves(ByteView key, ByteView left_input, ByteView right_input) {
  Bytes blocks(left_input.begin(), left_input.end());
  append(blocks, right_input);
  return encrypt(BlockCipher::kTdes, CipherMode::kEcb, key, blocks);
}

std::string optionADigits(std::string_view pan_psn) {
  if (pan_psn.size() >= 16) return std::string(pan_psn.substr(pan_psn.size() - 16));
  return std::string(16 - pan_psn.size(), '0') + std::string(pan_psn);
}

Result<std::string> optionBDigits(const std::string& pan_psn) {
  const std::string even = pan_psn.size() % 2 == 1 ? "0" + pan_psn : pan_psn;
  POSIM_ASSIGN_OR_RETURN(Bytes hash, internal::sha1(internal::packNibbles(even)));
  const std::string hex = toHex(hash);
  std::string digits;
  for (char c : hex) {
    if (digits.size() == 16) break;
    if (c >= '0' && c <= '9') digits.push_back(c);
  }
  for (char c : hex) {
    if (digits.size() == 16) break;
    if (c >= 'A' && c <= 'F') digits.push_back(static_cast<char>('0' + (c - 'A')));
  }
  return digits;
}

}  // namespace

std::string_view iccMkOptionName(IccMkOption option) {
  return option == IccMkOption::kA ? "A" : "B";
}

namespace {

// Book 2 A1.4 for a validated PAN and the PAN ‖ two-digit PSN string.
Result<IccMasterKey> deriveIccMasterKeyUncached(IccMkOption option, ByteView imk,
                                                std::string_view pan, const std::string& pan_psn) {
  IccMasterKey out;
  std::string y_digits;
  if (option == IccMkOption::kB && pan.size() > 16) {
    out.option = IccMkOption::kB;
    POSIM_ASSIGN_OR_RETURN(y_digits, optionBDigits(pan_psn));
  } else {
    out.option = IccMkOption::kA;  // A1.4.2: option B falls back to A for short PANs
    y_digits = optionADigits(pan_psn);
  }
  out.y = internal::packNibbles(y_digits);
  const Bytes y_inverted = xorBytes(out.y, Bytes(8, 0xFF));
  POSIM_ASSIGN_OR_RETURN(out.key_no_parity, encryptBothHalves(imk, out.y, y_inverted));
  out.key = withOddParity(out.key_no_parity);
  return out;
}

}  // namespace

Result<IccMasterKey> deriveIccMasterKey(IccMkOption option, ByteView imk, std::string_view pan,
                                        std::string_view psn) {
  POSIM_RETURN_IF_ERROR(checkLength("imk", imk, {16}));
  POSIM_RETURN_IF_ERROR(internal::checkDigits("pan", pan, kPanMinDigits, kPanMaxDigits));
  POSIM_ASSIGN_OR_RETURN(std::string psn2, internal::normalizePsn(psn));
  const std::string pan_psn = std::string(pan) + psn2;

  // An issuer derives the same card's master key for every ARQC and ARPC: derived keys are
  // kept by (option, IMK, PAN, PSN) in a bounded table (cleared when full), thread-safe.
  static std::mutex memo_mutex;
  static std::unordered_map<std::string, IccMasterKey> memo;
  std::string memo_key(1, static_cast<char>(option));
  memo_key.append(reinterpret_cast<const char*>(imk.data()), imk.size());
  memo_key += pan_psn;
  {
    std::lock_guard<std::mutex> lock(memo_mutex);
    if (auto it = memo.find(memo_key); it != memo.end()) return it->second;
  }
  POSIM_ASSIGN_OR_RETURN(IccMasterKey derived,
                         deriveIccMasterKeyUncached(option, imk, pan, pan_psn));
  std::lock_guard<std::mutex> lock(memo_mutex);
  if (memo.size() >= 1024) memo.clear();
  memo.emplace(std::move(memo_key), derived);
  return derived;
}

Result<IccMasterKey> deriveIccMasterKey(ByteView imk, std::string_view pan, std::string_view psn) {
  return deriveIccMasterKey(pan.size() > 16 ? IccMkOption::kB : IccMkOption::kA, imk, pan, psn);
}

Result<SessionKeyMethod> parseSessionKeyMethod(std::string_view text) {
  if (text == "emv-csk") return SessionKeyMethod::kEmvCsk;
  if (text == "mc-skd") return SessionKeyMethod::kMastercardSkd;
  return invalidArgument("method: '" + std::string(text) + "', expected emv-csk or mc-skd");
}

std::string_view sessionKeyMethodName(SessionKeyMethod method) {
  return method == SessionKeyMethod::kEmvCsk ? "emv-csk" : "mc-skd";
}

Result<SessionKey> deriveCommonSessionKey(ByteView mk, ByteView r) {
  POSIM_RETURN_IF_ERROR(checkLength("mk", mk, {16}));
  POSIM_RETURN_IF_ERROR(checkLength("r", r, {8}));
  SessionKey out;
  out.r.assign(r.begin(), r.end());
  out.r_left = out.r;
  out.r_left[2] = 0xF0;
  out.r_right = out.r;
  out.r_right[2] = 0x0F;
  POSIM_ASSIGN_OR_RETURN(out.key_no_parity, encryptBothHalves(mk, out.r_left, out.r_right));
  out.key = withOddParity(out.key_no_parity);
  return out;
}

Result<SessionKey> deriveSessionKey(SessionKeyMethod method, ByteView mk, ByteView atc,
                                    ByteView un) {
  POSIM_RETURN_IF_ERROR(checkLength("mk", mk, {16}));
  POSIM_RETURN_IF_ERROR(checkLength("atc", atc, {2}));
  Bytes r(atc.begin(), atc.end());
  if (method == SessionKeyMethod::kMastercardSkd) {
    if (un.empty()) return invalidArgument("un: required for mc-skd (4 bytes, tag 9F37)");
    POSIM_RETURN_IF_ERROR(checkLength("un", un, {4}));
    r.push_back(0x00);
    r.push_back(0x00);
    append(r, un);
  } else {
    r.resize(8, 0x00);
  }
  return deriveCommonSessionKey(mk, r);
}

Result<SessionKey> deriveSecureMessagingSessionKey(ByteView mk_sm, ByteView arqc) {
  POSIM_RETURN_IF_ERROR(checkLength("mk", mk_sm, {16}));
  POSIM_RETURN_IF_ERROR(checkLength("arqc", arqc, {8}));
  return deriveCommonSessionKey(mk_sm, arqc);
}

Result<Bytes> deriveVisaSecureMessagingKey(ByteView mk_sm, ByteView atc) {
  POSIM_RETURN_IF_ERROR(checkLength("mk", mk_sm, {16}));
  POSIM_RETURN_IF_ERROR(checkLength("atc", atc, {2}));
  Bytes key(mk_sm.begin(), mk_sm.end());
  key[6] ^= atc[0];
  key[7] ^= atc[1];
  key[14] ^= static_cast<std::uint8_t>(~atc[0]);
  key[15] ^= static_cast<std::uint8_t>(~atc[1]);
  Bytes out = withOddParity(key);
  internal::wipe(key);
  return out;
}

}  // namespace posim::emv::crypto
