// ISO 8583 decoding in every built-in dialect (examples/dialects, embedded in posim_scenarios):
// unpack() of arbitrary bytes, the field descriptions `posim iso8583 decode` prints, and for a
// clean decode the round trip pack(unpack(x)) -> unpack gives the same message.
//
// Input: one byte choosing the dialect (modulo their number), then the message bytes.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "posim/iso8583/codec.h"
#include "posim/iso8583/describe.h"
#include "posim/iso8583/dialect.h"
#include "posim/scenarios/dialect_files.h"

#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  const auto& dialects = posim::scenarios::builtinDialects();
  POSIM_FUZZ_CHECK(!dialects.empty());
  posim::fuzz::FuzzInput input(bytes, size);
  const posim::iso8583::Dialect& dialect = *dialects[input.byte() % dialects.size()];
  const posim::ByteView data = input.rest();

  const posim::iso8583::Unpacked unpacked = posim::iso8583::unpack(dialect, data);
  for (const auto& d : unpacked.diagnostics) {
    POSIM_FUZZ_CHECK(d.offset <= data.size());
    POSIM_FUZZ_CHECK(!d.message.empty());
  }
  for (const auto& element : unpacked.layout) {
    POSIM_FUZZ_CHECK(element.offset + element.prefix_size + element.size <= data.size());
  }
  const posim::iso8583::Message& message = unpacked.message;
  (void)posim::iso8583::mtiDescription(message.mti());
  for (const auto& [field, value] : message.fields()) {
    (void)posim::iso8583::fieldDescription(dialect, message, field);
    if (const posim::iso8583::FieldSpec* spec = dialect.field(field)) {
      (void)posim::iso8583::displayValue(*spec, value);
      (void)posim::iso8583::subfieldValues(*spec, value);
    }
  }
  const auto whole = posim::iso8583::unpackMessage(dialect, data);
  POSIM_FUZZ_CHECK(whole.isOk() == unpacked.ok());

  if (unpacked.ok()) {
    // What decodes cleanly packs again, to bytes that decode to the same message.
    std::vector<posim::iso8583::FieldLayout> layout;
    posim::Bytes packed;
    const posim::Status status = posim::iso8583::pack(dialect, message, packed, &layout);
    POSIM_FUZZ_CHECK_OK(status);
    const posim::iso8583::Unpacked again = posim::iso8583::unpack(dialect, packed);
    POSIM_FUZZ_CHECK(again.ok());
    POSIM_FUZZ_CHECK(again.message == message);
    const int mac_field = posim::iso8583::macField(dialect, message);
    if (message.has(mac_field)) (void)posim::iso8583::macInput(packed, layout, mac_field);
  }
  return 0;
}
