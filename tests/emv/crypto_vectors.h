// Small accessors for the JSON test vectors of tests/data/vectors used by the crypto_*_test.cpp
// suites.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "posim/base/bytes.h"
#include "posim/base/json.h"

#include "test_data.h"

namespace posim::test {

// The cases of a vector file (an empty list, with a test failure, if it does not load).
inline std::vector<Json> vectorCases(std::string_view file) {
  Json doc = loadJson(std::string("vectors/") + std::string(file));
  if (!doc.isArray()) {
    ADD_FAILURE() << file << " is not a JSON array of cases";
    return {};
  }
  EXPECT_FALSE(doc.asArray().empty()) << file << " has no cases";
  return doc.asArray();
}

// A string member; "" when absent or null.
inline std::string field(const Json& c, std::string_view key) {
  const Json* v = c.find(key);
  if (v == nullptr || v->isNull()) return "";
  if (v->isNumber()) return v->numberText();
  return v->isString() ? v->asString() : "";
}

inline bool has(const Json& c, std::string_view key) {
  const Json* v = c.find(key);
  return v != nullptr && !v->isNull() && !(v->isString() && v->asString().empty());
}

// A hex member as bytes (empty when absent).
inline Bytes hexField(const Json& c, std::string_view key) {
  return hexBytes(field(c, key));
}

}  // namespace posim::test
