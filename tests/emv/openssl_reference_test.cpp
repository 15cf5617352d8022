// OpensslRsaSigner: OpenSSL's own RSA signature, the limit `posim bench` measures the card's RSA
// against.
#include "posim/emv/crypto/openssl_reference.h"

#include <gtest/gtest.h>

namespace posim::emv::crypto {
namespace {

TEST(OpensslRsaSignerTest, SignsWithAFreshKeyOfTheAskedSize) {
  auto signer = OpensslRsaSigner::generate(1024);
  ASSERT_TRUE(signer.isOk()) << signer.status().toString();
  EXPECT_EQ(signer->size(), 128u);
  const Bytes data(36, 0x5A);
  Bytes first;
  Bytes second;
  ASSERT_TRUE(signer->sign(data, first).isOk());
  ASSERT_TRUE(signer->sign(data, second).isOk());
  EXPECT_EQ(first.size(), 128u);
  EXPECT_EQ(first, second) << "PKCS #1 v1.5 signatures are deterministic";
  EXPECT_NE(first, Bytes(128, 0));
}

TEST(OpensslRsaSignerTest, RejectsBadSizesAndInputsTooLong) {
  EXPECT_EQ(OpensslRsaSigner::generate(256).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(OpensslRsaSigner::generate(16384).status().code(), StatusCode::kInvalidArgument);
  auto signer = OpensslRsaSigner::generate(1024);
  ASSERT_TRUE(signer.isOk());
  Bytes signature;
  const Status status = signer->sign(Bytes(118, 1), signature);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("at most size - 11"), std::string::npos) << status.message();
  EXPECT_TRUE(signer->sign(Bytes(117, 1), signature).isOk());
}

}  // namespace
}  // namespace posim::emv::crypto
