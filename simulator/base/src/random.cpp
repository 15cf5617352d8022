#include "posim/base/random.h"

#include <cstdlib>
#include <limits>

namespace posim {
namespace {

std::uint64_t splitmix64(std::uint64_t& x) {
  x += 0x9E3779B97F4A7C15ULL;
  std::uint64_t z = x;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

}  // namespace

std::uint64_t Random::uniform(std::uint64_t bound) {
  if (bound == 0) std::abort();
  const std::uint64_t limit =
      std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % bound;
  std::uint64_t v;
  do {
    v = nextU64();
  } while (v >= limit);
  return v % bound;
}

std::int64_t Random::uniformInt(std::int64_t lo, std::int64_t hi) {
  if (lo > hi) std::abort();
  const auto span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
  if (span == std::numeric_limits<std::uint64_t>::max())
    return static_cast<std::int64_t>(nextU64());
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + uniform(span + 1));
}

double Random::uniformReal() {
  return static_cast<double>(nextU64() >> 11) * 0x1.0p-53;
}

void Random::fill(std::span<std::uint8_t> out) {
  std::size_t i = 0;
  while (i < out.size()) {
    std::uint64_t v = nextU64();
    for (int k = 0; k < 8 && i < out.size(); ++k, ++i) {
      out[i] = static_cast<std::uint8_t>(v & 0xFF);
      v >>= 8;
    }
  }
}

Bytes Random::bytes(std::size_t n) {
  Bytes out(n);
  fill(out);
  return out;
}

SeededRandom::SeededRandom(std::uint64_t seed) {
  std::uint64_t x = seed;
  for (auto& word : s_) word = splitmix64(x);
}

std::uint64_t SeededRandom::nextU64() {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

SeededRandom SeededRandom::fork() {
  return SeededRandom(nextU64() ^ 0xA5A5A5A5DEADBEEFULL);
}

}  // namespace posim
