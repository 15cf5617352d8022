#include "posim/emv/crypto/openssl_reference.h"

#include <string>
#include <utility>

#include <openssl/evp.h>
#include <openssl/rsa.h>

namespace posim::emv::crypto {

struct OpensslRsaSigner::State {
  EVP_PKEY* key = nullptr;
  EVP_PKEY_CTX* sign_ctx = nullptr;
  std::size_t size = 0;
  ~State() {
    EVP_PKEY_CTX_free(sign_ctx);
    EVP_PKEY_free(key);
  }
};

Result<OpensslRsaSigner> OpensslRsaSigner::generate(int bits) {
  if (bits < 512 || bits > 8192) {
    return invalidArgument("RSA key size " + std::to_string(bits) + " bits is outside 512..8192");
  }
  auto state = std::make_unique<State>();
  EVP_PKEY_CTX* gen = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr);
  const bool generated = gen != nullptr && EVP_PKEY_keygen_init(gen) == 1 &&
                         EVP_PKEY_CTX_set_rsa_keygen_bits(gen, bits) == 1 &&
                         EVP_PKEY_keygen(gen, &state->key) == 1;
  EVP_PKEY_CTX_free(gen);
  if (!generated) return internalError("OpenSSL could not generate an RSA key");
  state->sign_ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, state->key, nullptr);
  if (state->sign_ctx == nullptr || EVP_PKEY_sign_init(state->sign_ctx) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(state->sign_ctx, RSA_PKCS1_PADDING) != 1) {
    return internalError("OpenSSL could not set up an RSA signing context");
  }
  state->size = static_cast<std::size_t>(EVP_PKEY_get_size(state->key));
  return OpensslRsaSigner(std::move(state));
}

OpensslRsaSigner::OpensslRsaSigner(std::unique_ptr<State> state) : state_(std::move(state)) {}
OpensslRsaSigner::OpensslRsaSigner(OpensslRsaSigner&&) noexcept = default;
OpensslRsaSigner& OpensslRsaSigner::operator=(OpensslRsaSigner&&) noexcept = default;
OpensslRsaSigner::~OpensslRsaSigner() = default;

std::size_t OpensslRsaSigner::size() const {
  return state_->size;
}

Status OpensslRsaSigner::sign(ByteView data, Bytes& signature) const {
  if (data.size() + 11 > state_->size) {
    return invalidArgument("RSA signing input of " + std::to_string(data.size()) +
                           " bytes is too long for a " + std::to_string(state_->size) +
                           "-byte key (at most size - 11)");
  }
  signature.resize(state_->size);
  std::size_t length = signature.size();
  if (EVP_PKEY_sign(state_->sign_ctx, signature.data(), &length, data.data(), data.size()) != 1) {
    return internalError("OpenSSL RSA signing failed");
  }
  signature.resize(length);
  return Status::ok();
}

}  // namespace posim::emv::crypto
