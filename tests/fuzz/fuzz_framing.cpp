// TCP framing (length headers) of every built-in framing: a stream cut into arbitrary chunks is
// reassembled into messages with readFramePrefix(), as the host and the client do; every prefix
// read back re-encodes to the same bytes, and frame() round-trips through readFramePrefix().
//
// Input: one byte choosing the framing, then a sequence of chunks (1-byte length, bytes). The
// concatenated chunks are the stream.
#include <cstddef>
#include <cstdint>
#include <optional>

#include "posim/iso8583/framing.h"

#include "fuzz_support.h"

namespace {

using posim::Bytes;
using posim::ByteView;
using posim::iso8583::Framing;

constexpr Framing kPrefixed[] = {Framing::kBinary2, Framing::kAscii4, Framing::kBcd2};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  posim::fuzz::FuzzInput input(bytes, size);
  const Framing framing = kPrefixed[input.byte() % std::size(kPrefixed)];
  const std::size_t prefix_size = posim::iso8583::framingPrefixSize(framing);
  POSIM_FUZZ_CHECK(prefix_size > 0);
  POSIM_FUZZ_CHECK(posim::iso8583::framingByName(posim::iso8583::framingName(framing)) == framing);

  Bytes inbox;
  std::size_t messages = 0;
  bool broken = false;
  while (!input.done() && !broken) {
    const ByteView chunk = input.piece8();
    inbox.insert(inbox.end(), chunk.begin(), chunk.end());
    // Take every whole frame the inbox holds.
    while (!broken) {
      const auto length = posim::iso8583::readFramePrefix(framing, inbox);
      if (!length.isOk()) {
        broken = true;  // the peer sent garbage: the connection would be closed
        break;
      }
      if (!length->has_value()) {
        POSIM_FUZZ_CHECK(inbox.size() < prefix_size);
        break;
      }
      const std::size_t body = **length;
      // The prefix re-encodes to exactly the bytes read.
      Bytes prefix;
      POSIM_FUZZ_CHECK(posim::iso8583::appendFramePrefix(framing, body, prefix).isOk());
      POSIM_FUZZ_CHECK(prefix.size() == prefix_size);
      POSIM_FUZZ_CHECK(std::equal(prefix.begin(), prefix.end(), inbox.begin()));
      if (inbox.size() < prefix_size + body) break;  // wait for more bytes
      const ByteView message(inbox.data() + prefix_size, body);
      const auto framed = posim::iso8583::frame(framing, message);
      POSIM_FUZZ_CHECK(framed.isOk());
      POSIM_FUZZ_CHECK(framed->size() == prefix_size + body);
      POSIM_FUZZ_CHECK(std::equal(framed->begin(), framed->end(), inbox.begin()));
      inbox.erase(inbox.begin(), inbox.begin() + static_cast<std::ptrdiff_t>(prefix_size + body));
      ++messages;
    }
  }
  (void)messages;

  // Lengths at and beyond each framing's limit.
  for (std::size_t length : {std::size_t{0}, std::size_t{9999}, std::size_t{10000},
                             std::size_t{65535}, std::size_t{65536}}) {
    Bytes prefix;
    const posim::Status status = posim::iso8583::appendFramePrefix(framing, length, prefix);
    if (!status.isOk()) continue;
    const auto back = posim::iso8583::readFramePrefix(framing, prefix);
    POSIM_FUZZ_CHECK(back.isOk() && back->has_value() && **back == length);
  }
  return 0;
}
