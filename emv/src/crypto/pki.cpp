#include "posim/emv/crypto/pki.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>

#include "posim/emv/crypto/oda.h"

#include "crypto/rsa_bignum.h"

namespace posim::emv::crypto {
namespace {

using internal::BnPtr;
using internal::bnToBytes;
using internal::newBn;

constexpr std::size_t kSha1Length = 20;

// Digits packed as BCD and padded on the right with F nibbles to `width` bytes.
Result<Bytes> paddedBcd(std::string_view digits, std::size_t min_digits, std::size_t max_digits,
                        std::size_t width, std::string_view what) {
  if (digits.size() < min_digits || digits.size() > max_digits || !isDigits(digits)) {
    return invalidArgument(std::string(what) + " must be " + std::to_string(min_digits) + ".." +
                           std::to_string(max_digits) + " digits (got " +
                           std::to_string(digits.size()) + " characters)");
  }
  Bytes out(width, 0xFF);
  for (std::size_t i = 0; i < digits.size(); ++i) {
    const auto nibble = static_cast<std::uint8_t>(digits[i] - '0');
    std::uint8_t& byte = out[i / 2];
    byte = (i % 2 == 0) ? static_cast<std::uint8_t>((nibble << 4) | 0x0F)
                        : static_cast<std::uint8_t>((byte & 0xF0) | nibble);
  }
  return out;
}

// MMYY in BCD; only 1950..2049 is expressible (Book 4 §6.7.3).
Result<Bytes> encodeExpiry(std::chrono::year_month expiry) {
  const int year = static_cast<int>(expiry.year());
  const unsigned month = static_cast<unsigned>(expiry.month());
  if (!expiry.ok() || year < 1950 || year > 2049) {
    return invalidArgument("certificate expiry must be a valid month in 1950..2049");
  }
  const unsigned yy = static_cast<unsigned>(year % 100);
  return Bytes{static_cast<std::uint8_t>(((month / 10) << 4) | (month % 10)),
               static_cast<std::uint8_t>(((yy / 10) << 4) | (yy % 10))};
}

Status checkSerial(ByteView serial) {
  if (serial.size() != 3) {
    return invalidArgument("certificate serial number is " + std::to_string(serial.size()) +
                           " bytes, expected 3");
  }
  return Status::ok();
}

// Fills the hash (SHA-1 over block[1..N-22] ‖ extras) and trailer of a block whose last 21
// bytes are reserved, then applies the private key.
Result<Bytes> sealAndSign(const RsaPrivateKey& key, Bytes block,
                          std::initializer_list<ByteView> extra_hash_input, std::string_view what) {
  const std::size_t n = block.size();
  Bytes hash_input(block.begin() + 1, block.end() - 21);
  for (ByteView part : extra_hash_input) append(hash_input, part);
  const Bytes digest = sha1(hash_input);
  std::copy(digest.begin(), digest.end(), block.begin() + static_cast<long>(n - 21));
  block[n - 1] = kRecoveredDataTrailer;
  auto signature = key.privateOperation(block);
  if (!signature.isOk()) return signature.status().withContext(what);
  return signature;
}

// Book 2 Tables 6 and 14 share one shape: header, format, identifier, expiry, serial, algorithm
// indicators, key length, exponent length, leftmost key digits, hash, trailer.
Result<PublicKeyCertificate> signCertificate(const RsaPrivateKey& signer,
                                             const RsaPublicKey& subject, std::uint8_t format,
                                             ByteView identifier, std::chrono::year_month expiry,
                                             ByteView serial, std::size_t fixed_length,
                                             ByteView static_data, std::string_view what) {
  const std::string name(what);
  if (signer.empty() || subject.empty()) return invalidArgument(name + ": empty key");
  POSIM_RETURN_IF_ERROR(checkSerial(serial));
  POSIM_ASSIGN_OR_RETURN(Bytes mmyy, encodeExpiry(expiry));
  const std::size_t n = signer.size();
  const Bytes& modulus = subject.modulus();
  const Bytes& exponent = subject.exponent();
  if (modulus.size() > n || modulus.size() > 255) {
    return invalidArgument(name + ": the certified key (" + std::to_string(modulus.size()) +
                           " bytes) is longer than the signing key (" + std::to_string(n) +
                           " bytes)");
  }
  if (exponent.size() > 3) return invalidArgument(name + ": exponent longer than 3 bytes");
  if (n < fixed_length + 1) return invalidArgument(name + ": signing key too short");
  const std::size_t room = n - fixed_length;
  const std::size_t in_certificate = std::min(room, modulus.size());

  Bytes block;
  block.reserve(n);
  block.push_back(kRecoveredDataHeader);
  block.push_back(format);
  append(block, identifier);
  append(block, mmyy);
  append(block, serial);
  block.push_back(static_cast<std::uint8_t>(HashAlgorithm::kSha1));
  block.push_back(kPublicKeyAlgorithmRsa);
  block.push_back(static_cast<std::uint8_t>(modulus.size()));
  block.push_back(static_cast<std::uint8_t>(exponent.size()));
  block.insert(block.end(), modulus.begin(), modulus.begin() + static_cast<long>(in_certificate));
  block.resize(n - 21, kPaddingByte);
  block.resize(n, 0);

  PublicKeyCertificate out;
  out.remainder.assign(modulus.begin() + static_cast<long>(in_certificate), modulus.end());
  out.exponent = exponent;
  POSIM_ASSIGN_OR_RETURN(
      out.certificate,
      sealAndSign(signer, std::move(block), {out.remainder, exponent, static_data}, what));
  return out;
}

}  // namespace

Result<PublicKeyCertificate> signIssuerPublicKeyCertificate(const RsaPrivateKey& ca_key,
                                                            const RsaPublicKey& issuer_key,
                                                            const IssuerCertificateData& data) {
  POSIM_ASSIGN_OR_RETURN(Bytes identifier,
                         paddedBcd(data.issuer_identifier, 3, 8, 4, "issuer identifier"));
  return signCertificate(ca_key, issuer_key, kFormatIssuerCertificate, identifier, data.expiry,
                         data.serial_number, 36, {}, "issuer public key certificate");
}

Result<PublicKeyCertificate> signIccPublicKeyCertificate(const RsaPrivateKey& issuer_key,
                                                         const RsaPublicKey& icc_key,
                                                         const IccCertificateData& data,
                                                         ByteView static_data) {
  POSIM_ASSIGN_OR_RETURN(Bytes pan, paddedBcd(data.pan, 12, 19, 10, "PAN"));
  return signCertificate(issuer_key, icc_key, kFormatIccCertificate, pan, data.expiry,
                         data.serial_number, 42, static_data, "ICC public key certificate");
}

Result<PublicKeyCertificate> signIccPinEnciphermentKeyCertificate(const RsaPrivateKey& issuer_key,
                                                                  const RsaPublicKey& pin_key,
                                                                  const IccCertificateData& data) {
  POSIM_ASSIGN_OR_RETURN(Bytes pan, paddedBcd(data.pan, 12, 19, 10, "PAN"));
  return signCertificate(issuer_key, pin_key, kFormatIccCertificate, pan, data.expiry,
                         data.serial_number, 42, {}, "ICC PIN encipherment public key certificate");
}

Result<Bytes> signStaticApplicationData(const RsaPrivateKey& issuer_key,
                                        ByteView data_authentication_code, ByteView static_data) {
  if (data_authentication_code.size() != 2) {
    return invalidArgument("data authentication code is " +
                           std::to_string(data_authentication_code.size()) + " bytes, expected 2");
  }
  const std::size_t n = issuer_key.size();
  if (n < 26) return invalidArgument("signed static application data: issuer key too short");
  Bytes block;
  block.reserve(n);
  block.push_back(kRecoveredDataHeader);
  block.push_back(kFormatSignedStaticData);
  block.push_back(static_cast<std::uint8_t>(HashAlgorithm::kSha1));
  append(block, data_authentication_code);
  block.resize(n - 21, kPaddingByte);
  block.resize(n, 0);
  return sealAndSign(issuer_key, std::move(block), {static_data}, "signed static application data");
}

Result<Bytes> ddaIccDynamicData(ByteView icc_dynamic_number) {
  if (icc_dynamic_number.size() < 2 || icc_dynamic_number.size() > 8) {
    return invalidArgument("ICC dynamic number is " + std::to_string(icc_dynamic_number.size()) +
                           " bytes, expected 2..8");
  }
  Bytes out{static_cast<std::uint8_t>(icc_dynamic_number.size())};
  append(out, icc_dynamic_number);
  return out;
}

Result<Bytes> cdaIccDynamicData(ByteView icc_dynamic_number,
                                std::uint8_t cryptogram_information_data,
                                ByteView application_cryptogram,
                                ByteView transaction_data_hash_code) {
  POSIM_ASSIGN_OR_RETURN(Bytes out, ddaIccDynamicData(icc_dynamic_number));
  if (application_cryptogram.size() != 8) {
    return invalidArgument("application cryptogram is " +
                           std::to_string(application_cryptogram.size()) + " bytes, expected 8");
  }
  if (transaction_data_hash_code.size() != kSha1Length) {
    return invalidArgument("transaction data hash code is " +
                           std::to_string(transaction_data_hash_code.size()) +
                           " bytes, expected 20");
  }
  out.push_back(cryptogram_information_data);
  append(out, application_cryptogram);
  append(out, transaction_data_hash_code);
  return out;
}

Result<Bytes> signDynamicApplicationData(const RsaPrivateKey& icc_key, ByteView icc_dynamic_data,
                                         ByteView terminal_dynamic_data) {
  const std::size_t n = icc_key.size();
  if (n < 25 || icc_dynamic_data.size() > n - 25 || icc_dynamic_data.size() > 255) {
    return invalidArgument("ICC dynamic data is " + std::to_string(icc_dynamic_data.size()) +
                           " bytes, the " + std::to_string(n) + "-byte ICC key holds at most " +
                           std::to_string(n < 25 ? 0 : n - 25));
  }
  Bytes block;
  block.reserve(n);
  block.push_back(kRecoveredDataHeader);
  block.push_back(kFormatSignedDynamicData);
  block.push_back(static_cast<std::uint8_t>(HashAlgorithm::kSha1));
  block.push_back(static_cast<std::uint8_t>(icc_dynamic_data.size()));
  append(block, icc_dynamic_data);
  block.resize(n - 21, kPaddingByte);
  block.resize(n, 0);
  return sealAndSign(icc_key, std::move(block), {terminal_dynamic_data},
                     "signed dynamic application data");
}

// ---------------------------------------------------------------------------------------------
// Key generation

namespace {

// A prime of exactly `bits` bits with its two top bits set and gcd(p - 1, e) = 1, different from
// `avoid` when given. Deterministic in `random`: a random odd start, then an upward search by 2.
Result<BnPtr> generatePrime(int bits, const BIGNUM* e, Random& random, const BIGNUM* avoid) {
  BN_CTX* ctx = internal::threadBnCtx();
  const std::size_t n_bytes = static_cast<std::size_t>((bits + 7) / 8);
  BnPtr candidate = newBn();
  BnPtr pm1 = newBn();
  BnPtr g = newBn();
  for (;;) {
    const Bytes seed = random.bytes(n_bytes);
    if (BN_bin2bn(seed.data(), static_cast<int>(seed.size()), candidate.get()) == nullptr ||
        (BN_num_bits(candidate.get()) > bits && BN_mask_bits(candidate.get(), bits) != 1) ||
        BN_set_bit(candidate.get(), bits - 1) != 1 || BN_set_bit(candidate.get(), bits - 2) != 1 ||
        BN_set_bit(candidate.get(), 0) != 1) {
      return internalError("BIGNUM arithmetic failed building a prime candidate");
    }
    while (BN_num_bits(candidate.get()) == bits) {
      if (BN_copy(pm1.get(), candidate.get()) == nullptr || BN_sub_word(pm1.get(), 1) != 1 ||
          BN_gcd(g.get(), pm1.get(), e, ctx) != 1) {
        return internalError("BIGNUM arithmetic failed testing a prime candidate");
      }
      if (BN_is_one(g.get()) && (avoid == nullptr || BN_cmp(candidate.get(), avoid) != 0)) {
        const int verdict = BN_check_prime(candidate.get(), ctx, nullptr);
        if (verdict < 0) return internalError("BN_check_prime failed");
        if (verdict == 1) return candidate;
      }
      if (BN_add_word(candidate.get(), 2) != 1) return internalError("BN_add_word failed");
    }
    // Ran past the bit length (only near 2^bits): start again from fresh random bytes.
  }
}

}  // namespace

Result<RsaPrivateKey> generateRsaKey(std::size_t bits, std::uint32_t public_exponent,
                                     Random& random) {
  if (bits < 512 || bits > 4096) {
    return invalidArgument("RSA key size " + std::to_string(bits) + " bits, expected 512..4096");
  }
  if (public_exponent < 3 || public_exponent % 2 == 0) {
    return invalidArgument("RSA public exponent must be odd and at least 3");
  }
  const Bytes e_bytes = writeBigEndian(public_exponent, 4);
  const BnPtr e = internal::bnFromBytes(e_bytes);
  const int q_bits = static_cast<int>(bits / 2);
  const int p_bits = static_cast<int>(bits) - q_bits;
  POSIM_ASSIGN_OR_RETURN(BnPtr p, generatePrime(p_bits, e.get(), random, nullptr));
  POSIM_ASSIGN_OR_RETURN(BnPtr q, generatePrime(q_bits, e.get(), random, p.get()));
  if (BN_cmp(p.get(), q.get()) < 0) std::swap(p, q);
  return RsaPrivateKey::fromPrimes(bnToBytes(p.get()), bnToBytes(q.get()), e_bytes);
}

Result<TestPki> generateTestPki(const TestPkiSpec& spec, Random& random) {
  for (std::size_t bits : {spec.ca_bits, spec.issuer_bits, spec.icc_bits}) {
    if (bits % 8 != 0 || bits < 512 || bits > 1984) {
      return invalidArgument("test PKI key size " + std::to_string(bits) +
                             " bits: expected a multiple of 8 in 512..1984");
    }
  }
  if (spec.issuer_bits > spec.ca_bits || spec.icc_bits > spec.issuer_bits) {
    return invalidArgument("test PKI key sizes must satisfy CA >= issuer >= ICC (Book 2 §5.1)");
  }
  if (spec.public_exponent != 3 && spec.public_exponent != 65537) {
    return invalidArgument("test PKI public exponent must be 3 or 65537");
  }
  if (spec.rid.size() != kRidLength) return invalidArgument("test PKI RID must be 5 bytes");
  if (spec.pan.empty()) return invalidArgument("test PKI: the PAN is required");
  TestPki pki;
  POSIM_ASSIGN_OR_RETURN(pki.ca_key, generateRsaKey(spec.ca_bits, spec.public_exponent, random));
  POSIM_ASSIGN_OR_RETURN(pki.issuer_key,
                         generateRsaKey(spec.issuer_bits, spec.public_exponent, random));
  POSIM_ASSIGN_OR_RETURN(pki.icc_key, generateRsaKey(spec.icc_bits, spec.public_exponent, random));
  POSIM_ASSIGN_OR_RETURN(
      pki.capk, CaPublicKey::create(spec.rid, spec.capk_index, pki.ca_key.publicKey().modulus(),
                                    pki.ca_key.publicKey().exponent()));
  IssuerCertificateData issuer_data;
  issuer_data.issuer_identifier =
      spec.issuer_identifier.empty() ? spec.pan.substr(0, 6) : spec.issuer_identifier;
  issuer_data.expiry = spec.issuer_certificate_expiry;
  issuer_data.serial_number = spec.issuer_certificate_serial;
  POSIM_ASSIGN_OR_RETURN(
      pki.issuer_certificate,
      signIssuerPublicKeyCertificate(pki.ca_key, pki.issuer_key.publicKey(), issuer_data));
  IccCertificateData icc_data;
  icc_data.pan = spec.pan;
  icc_data.expiry = spec.icc_certificate_expiry;
  icc_data.serial_number = spec.icc_certificate_serial;
  POSIM_ASSIGN_OR_RETURN(pki.icc_certificate,
                         signIccPublicKeyCertificate(pki.issuer_key, pki.icc_key.publicKey(),
                                                     icc_data, spec.static_data));
  POSIM_ASSIGN_OR_RETURN(
      pki.signed_static_application_data,
      signStaticApplicationData(pki.issuer_key, spec.data_authentication_code, spec.static_data));
  return pki;
}

namespace {

Json keyToJson(const RsaPrivateKey& key) {
  Json out = Json::object();
  out["modulus"] = toHex(key.publicKey().modulus());
  out["public_exponent"] = toHex(key.publicKey().exponent());
  out["private_exponent"] = toHex(key.privateExponent());
  out["p"] = toHex(key.primeP());
  out["q"] = toHex(key.primeQ());
  out["dp"] = toHex(key.crtExponentP());
  out["dq"] = toHex(key.crtExponentQ());
  out["qinv"] = toHex(key.crtCoefficient());
  return out;
}

}  // namespace

Json testPkiToJson(const TestPki& pki) {
  Json out = Json::object();
  Json ca = keyToJson(pki.ca_key);
  ca["rid"] = toHex(pki.capk.rid);
  const std::uint8_t index[1] = {pki.capk.index};
  ca["index"] = toHex(index);
  ca["capk_checksum_sha1"] = toHex(pki.capk.checksum);
  out["ca_key"] = std::move(ca);
  out["issuer_key"] = keyToJson(pki.issuer_key);
  out["icc_key"] = keyToJson(pki.icc_key);
  Json tags = Json::object();
  tags["8F"] = toHex(index);
  tags["90"] = toHex(pki.issuer_certificate.certificate);
  tags["92"] = toHex(pki.issuer_certificate.remainder);
  tags["9F32"] = toHex(pki.issuer_certificate.exponent);
  tags["93"] = toHex(pki.signed_static_application_data);
  tags["9F46"] = toHex(pki.icc_certificate.certificate);
  tags["9F47"] = toHex(pki.icc_certificate.exponent);
  tags["9F48"] = toHex(pki.icc_certificate.remainder);
  out["card_tags"] = std::move(tags);
  return out;
}

}  // namespace posim::emv::crypto
