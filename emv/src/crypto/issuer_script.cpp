// Issuer script secure messaging (EMV Book 2 §9) and the 71/72 template (Book 3 §10.10).
#include <string>

#include "posim/emv/crypto/cipher.h"
#include "posim/emv/crypto/cryptogram.h"
#include "posim/emv/tlv.h"

#include "crypto/symmetric_util.h"

namespace posim::emv::crypto {
namespace {

using internal::checkLength;

constexpr Tag kTagIssuerScriptIdentifier = 0x9F18;
constexpr Tag kTagIssuerScriptCommand = 0x86;

Bytes macInput(ByteView header5, ByteView atc, ByteView arqc, ByteView data) {
  Bytes input(header5.begin(), header5.end());
  append(input, atc);
  append(input, arqc);
  append(input, data);
  return input;
}

// Removes ISO 9797-1 padding method 2. Malformed when there is none.
Result<Bytes> unpadMethod2(Bytes padded) {
  while (!padded.empty() && padded.back() == 0x00) padded.pop_back();
  if (padded.empty() || padded.back() != 0x80) {
    return malformed("data: no ISO 9797-1 method 2 padding after decipherment");
  }
  padded.pop_back();
  return padded;
}

}  // namespace

Result<Bytes> deriveScriptSessionKey(Cvn cvn, ByteView icc_mk_sm, ByteView atc, ByteView arqc) {
  if (cvnProfile(cvn).script_key == ScriptKeyMethod::kVisa) {
    return deriveVisaSecureMessagingKey(icc_mk_sm, atc);
  }
  POSIM_ASSIGN_OR_RETURN(SessionKey sk, deriveSecureMessagingSessionKey(icc_mk_sm, arqc));
  return sk.key;
}

Result<IssuerScriptCommand> buildIssuerScriptCommand(ByteView sk_smi, ByteView header, ByteView atc,
                                                     ByteView arqc, ByteView data,
                                                     std::size_t mac_length) {
  POSIM_RETURN_IF_ERROR(checkLength("key", sk_smi, {16}));
  POSIM_RETURN_IF_ERROR(checkLength("header", header, {4, 5}));
  POSIM_RETURN_IF_ERROR(checkLength("atc", atc, {2}));
  POSIM_RETURN_IF_ERROR(checkLength("arqc", arqc, {8}));
  if (mac_length < 4 || mac_length > 8) {
    return invalidArgument("mac length: " + std::to_string(mac_length) + ", expected 4 to 8");
  }
  const std::size_t lc = data.size() + mac_length;
  if (lc > 255) {
    return invalidArgument("data: " + std::to_string(data.size()) +
                           " bytes, too long for a short APDU with its MAC");
  }
  Bytes header5(header.begin(), header.begin() + 4);
  header5.push_back(static_cast<std::uint8_t>(lc));
  if (header.size() == 5 && header[4] != header5[4]) {
    return invalidArgument("header: Lc is " + std::to_string(header[4]) + ", expected " +
                           std::to_string(lc) + " (data + MAC)");
  }
  IssuerScriptCommand out;
  out.mac_input = macInput(header5, atc, arqc, data);
  POSIM_ASSIGN_OR_RETURN(out.mac,
                         macAlgorithm3(sk_smi, out.mac_input, MacPadding::kMethod2, mac_length));
  out.apdu = header5;
  append(out.apdu, data);
  append(out.apdu, out.mac);
  return out;
}

Result<bool> verifyIssuerScriptCommand(ByteView sk_smi, ByteView apdu, ByteView atc, ByteView arqc,
                                       std::size_t mac_length) {
  if (apdu.size() < 5) {
    return malformed("apdu: " + std::to_string(apdu.size()) + " bytes, no CLA INS P1 P2 Lc");
  }
  const std::size_t lc = apdu[4];
  if (apdu.size() < 5 + lc || lc < mac_length) {
    return malformed("apdu: Lc " + std::to_string(lc) + " does not fit " +
                     std::to_string(apdu.size()) + " bytes with a " + std::to_string(mac_length) +
                     "-byte MAC");
  }
  const ByteView data = apdu.subspan(5, lc - mac_length);
  const ByteView mac = apdu.subspan(5 + lc - mac_length, mac_length);
  POSIM_ASSIGN_OR_RETURN(
      IssuerScriptCommand expected,
      buildIssuerScriptCommand(sk_smi, apdu.first(5), atc, arqc, data, mac_length));
  return internal::constantTimeEqual(expected.mac, mac);
}

Result<Bytes> encryptScriptData(ScriptEncryption method, ByteView sk_smc, ByteView data) {
  POSIM_RETURN_IF_ERROR(checkLength("key", sk_smc, {16}));
  switch (method) {
    case ScriptEncryption::kEmv:
      return encrypt(BlockCipher::kTdes, CipherMode::kCbc, sk_smc,
                     padIso9797(data, MacPadding::kMethod2));
    case ScriptEncryption::kVisa: {
      if (data.size() > 255) {
        return invalidArgument("data: " + std::to_string(data.size()) +
                               " bytes, at most 255 for the Visa length prefix");
      }
      Bytes prefixed{static_cast<std::uint8_t>(data.size())};
      append(prefixed, data);
      return encrypt(BlockCipher::kTdes, CipherMode::kEcb, sk_smc,
                     padIso9797(prefixed, MacPadding::kMethod2));
    }
    case ScriptEncryption::kMastercard:
      if (data.size() % 8 == 0 && !data.empty()) {
        return encrypt(BlockCipher::kTdes, CipherMode::kCbc, sk_smc, data);
      }
      return encrypt(BlockCipher::kTdes, CipherMode::kCbc, sk_smc,
                     padIso9797(data, MacPadding::kMethod2));
  }
  std::abort();
}

Result<Bytes> decryptScriptData(ScriptEncryption method, ByteView sk_smc, ByteView data) {
  POSIM_RETURN_IF_ERROR(checkLength("key", sk_smc, {16}));
  if (data.empty() || data.size() % 8 != 0) {
    return malformed("data: " + std::to_string(data.size()) +
                     " bytes, not a whole number of 8-byte blocks");
  }
  switch (method) {
    case ScriptEncryption::kEmv: {
      POSIM_ASSIGN_OR_RETURN(Bytes plain,
                             decrypt(BlockCipher::kTdes, CipherMode::kCbc, sk_smc, data));
      return unpadMethod2(std::move(plain));
    }
    case ScriptEncryption::kVisa: {
      POSIM_ASSIGN_OR_RETURN(Bytes plain,
                             decrypt(BlockCipher::kTdes, CipherMode::kEcb, sk_smc, data));
      const std::size_t len = plain[0];
      if (1 + len > plain.size()) {
        return malformed("data: length prefix " + std::to_string(len) + " exceeds the data");
      }
      return Bytes(plain.begin() + 1, plain.begin() + 1 + static_cast<std::ptrdiff_t>(len));
    }
    case ScriptEncryption::kMastercard: {
      // The padding is optional in this convention: strip it only when it is there.
      POSIM_ASSIGN_OR_RETURN(Bytes plain,
                             decrypt(BlockCipher::kTdes, CipherMode::kCbc, sk_smc, data));
      Result<Bytes> unpadded = unpadMethod2(plain);
      return unpadded.isOk() ? std::move(unpadded).value() : plain;
    }
  }
  std::abort();
}

Result<Bytes> buildIssuerScriptTemplate(std::uint8_t template_tag, ByteView script_id,
                                        std::span<const Bytes> commands) {
  if (template_tag != 0x71 && template_tag != 0x72) {
    return invalidArgument("template: tag " + toHex(Bytes{template_tag}) + ", expected 71 or 72");
  }
  if (!script_id.empty()) POSIM_RETURN_IF_ERROR(checkLength("script id", script_id, {4}));
  if (commands.empty()) return invalidArgument("commands: an issuer script needs at least one");
  Bytes value;
  if (!script_id.empty()) appendTlv(value, kTagIssuerScriptIdentifier, script_id);
  for (const Bytes& command : commands) appendTlv(value, kTagIssuerScriptCommand, command);
  return encodeTlv(template_tag, value);
}

}  // namespace posim::emv::crypto
