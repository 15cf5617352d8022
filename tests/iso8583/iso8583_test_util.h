// Shared helpers of the ISO 8583 tests: the built-in dialects and the shared message vectors.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "posim/base/bytes.h"
#include "posim/base/json.h"
#include "posim/iso8583/codec.h"
#include "posim/iso8583/dialect.h"
#include "posim/iso8583/message.h"
#include "posim/scenarios/dialect_files.h"

#include "test_data.h"

namespace posim::iso8583::testing {

// A built-in dialect by id. REQUIRES: it exists (fails the test and aborts otherwise).
inline const Dialect& builtin(std::string_view id) {
  auto dialect = scenarios::resolveDialect(id);
  if (!dialect.isOk()) {
    ADD_FAILURE() << dialect.status().toString();
    std::abort();
  }
  return **dialect;
}

// The vectors give b fields as hex, everything else as carried.
inline Message messageFromVector(const Dialect& dialect, const Json& vector) {
  Message message;
  for (const auto& [key, value] : vector.find("fields")->asObject()) {
    if (key == "t") {
      message.setMti(value.asString());
      continue;
    }
    if (key == "p" || key == "1") continue;
    const int field = std::stoi(key);
    const FieldSpec* spec = dialect.field(field);
    if (spec != nullptr && spec->type == FieldType::kBinary) {
      message.setBytes(field, hexBytes(value.asString()));
    } else {
      message.set(field, value.asString());
    }
  }
  return message;
}

// The value of a field as the vectors write it.
inline std::string vectorForm(const Dialect& dialect, const Message& message, int field) {
  const FieldSpec* spec = dialect.field(field);
  if (spec != nullptr && spec->type == FieldType::kBinary) return toHex(message.bytes(field));
  return std::string(message.get(field));
}

}  // namespace posim::iso8583::testing
