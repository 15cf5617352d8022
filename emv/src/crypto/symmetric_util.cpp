#include "crypto/symmetric_util.h"

#include <memory>

#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace posim::emv::crypto::internal {
namespace {

std::string describeAllowed(std::initializer_list<std::size_t> allowed) {
  std::string out;
  std::size_t i = 0;
  for (std::size_t n : allowed) {
    if (i > 0) out += (i + 1 == allowed.size()) ? " or " : ", ";
    out += std::to_string(n);
    ++i;
  }
  return out;
}

}  // namespace

Status checkLength(std::string_view name, ByteView value,
                   std::initializer_list<std::size_t> allowed) {
  for (std::size_t n : allowed) {
    if (value.size() == n) return Status::ok();
  }
  return invalidArgument(std::string(name) + ": " + std::to_string(value.size()) +
                         " bytes, expected " + describeAllowed(allowed));
}

Status checkLengthRange(std::string_view name, ByteView value, std::size_t lo, std::size_t hi) {
  if (value.size() >= lo && value.size() <= hi) return Status::ok();
  return invalidArgument(std::string(name) + ": " + std::to_string(value.size()) +
                         " bytes, expected " + std::to_string(lo) + " to " + std::to_string(hi));
}

Status checkDigits(std::string_view name, std::string_view digits, std::size_t min_len,
                   std::size_t max_len) {
  if (digits.empty()) return invalidArgument(std::string(name) + ": empty, digits expected");
  if (!isDigits(digits)) return invalidArgument(std::string(name) + ": only digits allowed");
  if (digits.size() < min_len || digits.size() > max_len) {
    std::string expected = min_len == max_len
                               ? std::to_string(min_len)
                               : std::to_string(min_len) + " to " + std::to_string(max_len);
    return invalidArgument(std::string(name) + ": " + std::to_string(digits.size()) +
                           " digits, expected " + expected);
  }
  return Status::ok();
}

Result<std::string> normalizePsn(std::string_view psn) {
  if (psn.empty()) return std::string("00");
  POSIM_RETURN_IF_ERROR(checkDigits("psn", psn, 1, 2));
  return psn.size() == 1 ? "0" + std::string(psn) : std::string(psn);
}

Bytes packNibbles(std::string_view nibbles) {
  auto value = [](char c) -> std::uint8_t {
    if (c >= '0' && c <= '9') return static_cast<std::uint8_t>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<std::uint8_t>(c - 'a' + 10);
    return static_cast<std::uint8_t>(c - 'A' + 10);
  };
  Bytes out(nibbles.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<std::uint8_t>((value(nibbles[2 * i]) << 4) | value(nibbles[2 * i + 1]));
  }
  return out;
}

Result<Bytes> sha1(ByteView data) {
  Bytes out(20);
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha1(), nullptr) != 1 ||
      len != out.size()) {
    return internalError("EVP_Digest(SHA-1) failed");
  }
  return out;
}

bool constantTimeEqual(ByteView a, ByteView b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

void wipe(Bytes& bytes) {
  if (!bytes.empty()) OPENSSL_cleanse(bytes.data(), bytes.size());
}

}  // namespace posim::emv::crypto::internal
