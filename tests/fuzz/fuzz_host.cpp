// The request path of `posim host`, in process: one request message's bytes -> unpack (MAC
// checked when the host has a key) -> the mapping to an acquirer Request -> the embedded issuer
// of a host without --config -> the response message -> pack. Mirrors Iso8583Host's per-frame
// handling (simulator/acquirer/src/iso8583_host.cpp, onFrame) without sockets: whatever arrives,
// the host has an answer it can pack, or (for a message too broken to answer) none.
//
// Input: one byte (low bits: the dialect; bit 7: the host has a MAC key), then the message.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "posim/acquirer/embedded.h"
#include "posim/acquirer/iso8583_mapping.h"
#include "posim/base/bytes.h"
#include "posim/base/clock.h"
#include "posim/base/random.h"
#include "posim/iso8583/codec.h"
#include "posim/scenarios/dialect_files.h"
#include "posim/scenarios/host_setup.h"

#include "fuzz_support.h"

namespace {

using posim::acquirer::Response;
using posim::iso8583::Message;

// A message the host answers with "30 format error", when it can answer at all.
void answerMalformed(const posim::iso8583::Dialect& dialect, const Message& partial,
                     const std::optional<posim::Bytes>& mac_key) {
  const std::optional<Message> answer = posim::acquirer::formatErrorResponse(dialect, partial);
  if (!answer) return;
  POSIM_FUZZ_CHECK_OK(posim::acquirer::packWithMac(dialect, *answer, mac_key).status());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  const auto& dialects = posim::scenarios::builtinDialects();
  posim::fuzz::FuzzInput input(bytes, size);
  const std::uint8_t options = input.byte();
  const posim::iso8583::Dialect& dialect = *dialects[(options & 0x7F) % dialects.size()];
  std::optional<posim::Bytes> mac_key;
  if ((options & 0x80) != 0) mac_key = *posim::fromHex("0123456789ABCDEFFEDCBA9876543210");
  const posim::ByteView body = input.rest();

  using namespace std::chrono;
  const posim::LocalDateTime reference{posim::Instant(sys_days{year(2026) / 9 / 30}) + hours(4),
                                       hours(8)};

  const auto unpacked = posim::acquirer::unpackWithMac(dialect, body, mac_key);
  if (!unpacked.isOk()) {
    answerMalformed(dialect, posim::iso8583::unpack(dialect, body).message, mac_key);
    return 0;
  }
  const Message& message = *unpacked;
  const std::string& mti = message.mti();
  if (mti.size() != 4 || !posim::isDigits(mti) || mti[2] == '9' || (mti[2] - '0') % 2 != 0) {
    answerMalformed(dialect, message, mac_key);
    return 0;
  }
  if (posim::acquirer::isNetworkManagement(mti)) return 0;  // answered by the host itself

  const auto request = posim::acquirer::requestFromMessage(dialect, message, reference);
  if (!request.isOk()) {
    POSIM_FUZZ_CHECK(!request.status().message().empty());
    answerMalformed(dialect, message, mac_key);
    return 0;
  }
  // A fresh issuer per input, so every input runs alone (no state carried between runs).
  posim::SeededRandom random(posim::scenarios::hostRandomSeed(1));
  posim::acquirer::EmbeddedBackend backend(posim::scenarios::defaultHostIssuer(), random, nullptr);
  auto sent = backend.send(*request);
  Response answered;
  if (sent.isOk()) {
    answered = std::move(sent).value();
  } else {
    answered.response_code = "96";
    answered.message = sent.status().message();
  }
  const Message answer = posim::acquirer::responseToMessage(dialect, message, answered);
  const auto packed = posim::acquirer::packWithMac(dialect, answer, mac_key);
  POSIM_FUZZ_CHECK_OK(packed.status());
  // The terminal side reads the answer back.
  const auto back = posim::acquirer::unpackWithMac(dialect, *packed, mac_key);
  POSIM_FUZZ_CHECK_OK(back.status());
  return 0;
}
