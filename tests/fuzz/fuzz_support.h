// Helpers shared by the fuzz targets: a reader that cuts the fuzz input into the pieces a target
// needs, and a check that aborts (so libFuzzer and the replay driver report it) when an
// invariant the code under test promises does not hold.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "posim/base/bytes.h"
#include "posim/base/status.h"

namespace posim::fuzz {

// An invariant of the code under test failed: a bug, reported like a crash.
[[noreturn]] inline void fail(const char* file, int line, const char* what) {
  std::fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", file, line, what);
  std::abort();
}

#define POSIM_FUZZ_CHECK(condition) \
  ((condition) ? static_cast<void>(0) : ::posim::fuzz::fail(__FILE__, __LINE__, #condition))

// A status the code under test promises to be OK; its message is printed when it is not.
#define POSIM_FUZZ_CHECK_OK(status_expression)                              \
  do {                                                                      \
    const ::posim::Status posim_fuzz_status = (status_expression);          \
    if (!posim_fuzz_status.isOk()) {                                        \
      std::fprintf(stderr, "%s\n", posim_fuzz_status.toString().c_str());   \
      ::posim::fuzz::fail(__FILE__, __LINE__, #status_expression " is OK"); \
    }                                                                       \
  } while (false)

// Consumes the fuzz input front to back. Every read past the end yields zeros or empty views, so
// a target never needs to check sizes; done() says whether anything is left.
class FuzzInput {
 public:
  FuzzInput(const std::uint8_t* data, std::size_t size) : data_(data, size) {}

  bool done() const { return pos_ >= data_.size(); }
  std::size_t remaining() const { return data_.size() - pos_; }

  std::uint8_t byte() { return done() ? 0 : data_[pos_++]; }
  std::uint16_t u16() {
    const auto hi = static_cast<std::uint16_t>(byte());
    return static_cast<std::uint16_t>(hi << 8 | byte());
  }
  // The next `count` bytes (fewer at the end).
  ByteView take(std::size_t count) {
    const std::size_t n = count < remaining() ? count : remaining();
    ByteView out = data_.subspan(pos_, n);
    pos_ += n;
    return out;
  }
  // A piece whose length is given by the byte before it (0-255).
  ByteView piece8() { return take(byte()); }
  // A piece whose length is given by the 2 bytes before it (big endian).
  ByteView piece16() { return take(u16()); }
  // Everything not read yet.
  ByteView rest() { return take(remaining()); }

 private:
  ByteView data_;
  std::size_t pos_ = 0;
};

inline std::string_view asText(ByteView bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

}  // namespace posim::fuzz
