// The bytes of an ISO 8583 message as a trace may carry them (TraceEvent::data, format
// "iso8583:<dialect id>"): the message packed in its dialect without DE 52 (the PIN block) and
// without any other field the dialect never shows (sensitive b fields: PIN data, keys). Private
// to posim_acquirer; used by the embedded and the iso8583 client backends.
#pragma once

#include <string>
#include <vector>

#include "posim/base/bytes.h"
#include "posim/base/event_sink.h"
#include "posim/iso8583/codec.h"
#include "posim/iso8583/describe.h"
#include "posim/iso8583/dialect.h"
#include "posim/iso8583/message.h"

namespace posim::acquirer {

// Empty when the message does not pack (a trace then carries no bytes).
inline Bytes traceBytes(const iso8583::Dialect& dialect, iso8583::Message message) {
  std::vector<int> hidden{52};
  for (const auto& [number, value] : message.fields()) {
    const iso8583::FieldSpec* spec = dialect.field(number);
    if (spec != nullptr && iso8583::isHidden(*spec)) hidden.push_back(number);
  }
  for (int number : hidden) message.remove(number);
  Result<Bytes> packed = iso8583::pack(dialect, message);
  return packed.isOk() ? std::move(packed).value() : Bytes{};
}

inline std::string traceFormat(const iso8583::Dialect& dialect) {
  return "iso8583:" + dialect.id;
}

}  // namespace posim::acquirer
