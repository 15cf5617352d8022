// Shared by crypto_rsa_test.cpp, crypto_oda_test.cpp and crypto_pki_test.cpp: access to the
// ODA vectors of tests/data (emv_oda_own_chain.json, emv-utils/emv_oda_emvutils.json,
// emv-utils/emv_capk_emvutils.json).
#pragma once

#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "posim/base/bytes.h"
#include "posim/base/json.h"
#include "posim/emv/crypto/capk.h"
#include "posim/emv/crypto/rsa.h"

#include "test_data.h"

namespace posim::emv::crypto::testing {

// A string member of a JSON object; fails the test and returns "" when absent.
inline std::string field(const Json& object, std::string_view key) {
  const Json* value = object.find(key);
  if (value == nullptr || !value->isString()) {
    ADD_FAILURE() << "missing string field " << key;
    return {};
  }
  return value->asString();
}

// A hex member as bytes ("" is empty bytes).
inline Bytes hexField(const Json& object, std::string_view key) {
  return hexBytes(field(object, key));
}

inline const Json& ownChain() {
  static const Json chain = test::loadJson("vectors/emv_oda_own_chain.json").asArray().at(0);
  return chain;
}

inline const Json& emvUtilsOda() {
  static const Json cases = test::loadJson("emv-utils/emv_oda_emvutils.json");
  return cases;
}

// The emv-utils case with this id (fails the test if absent).
inline const Json& emvUtilsCase(std::string_view id) {
  for (const Json& c : emvUtilsOda().asArray()) {
    if (field(c, "id") == id) return c;
  }
  ADD_FAILURE() << "no emv-utils ODA case " << id;
  static const Json kNone = Json::object();
  return kNone;
}

// One of the own chain's keys ("ca_key", "issuer_key", "icc_key") with CRT.
inline RsaPrivateKey ownKey(std::string_view name) {
  const Json& key = *ownChain().find(name);
  auto created = RsaPrivateKey::create(hexField(key, "modulus"), hexField(key, "public_exponent"),
                                       hexField(key, "private_exponent"), hexField(key, "p"),
                                       hexField(key, "q"));
  EXPECT_TRUE(created.isOk()) << created.status().toString();
  return created.isOk() ? std::move(created).value() : RsaPrivateKey();
}

inline Bytes ownTag(std::string_view tag) {
  return hexField(*ownChain().find("card_tags"), tag);
}

inline CapkStore loadCapks() {
  auto store = CapkStore::fromJson(test::loadJson("emv-utils/emv_capk_emvutils.json"));
  EXPECT_TRUE(store.isOk()) << store.status().toString();
  return store.isOk() ? std::move(store).value() : CapkStore();
}

inline CaPublicKey ownCapk() {
  const Json& ca = *ownChain().find("ca_key");
  auto capk =
      CaPublicKey::create(hexField(ca, "rid"), hexField(ca, "index").at(0), hexField(ca, "modulus"),
                          hexField(ca, "public_exponent"), hexField(ca, "capk_checksum_sha1"));
  EXPECT_TRUE(capk.isOk()) << capk.status().toString();
  return capk.isOk() ? std::move(capk).value() : CaPublicKey();
}

}  // namespace posim::emv::crypto::testing
