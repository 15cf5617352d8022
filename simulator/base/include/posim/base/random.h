// Seeded randomness. Everything random in posim (unpredictable numbers, PIN block fill, RSA
// padding bytes, load-test arrivals) comes from an injected Random, so the same seed replays
// the same run byte for byte.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "posim/base/bytes.h"

namespace posim {

class Random {
 public:
  virtual ~Random() = default;
  virtual std::uint64_t nextU64() = 0;

  // Uniform in [0, bound). REQUIRES: bound > 0. Unbiased (rejection sampling).
  std::uint64_t uniform(std::uint64_t bound);
  // Uniform in [lo, hi]. REQUIRES: lo <= hi.
  std::int64_t uniformInt(std::int64_t lo, std::int64_t hi);
  // Uniform in [0, 1).
  double uniformReal();
  void fill(std::span<std::uint8_t> out);
  Bytes bytes(std::size_t n);
};

// xoshiro256** seeded through splitmix64: fast, small state, good statistics. Not for keys that
// protect anything real: posim's keys are test keys by definition.
class SeededRandom final : public Random {
 public:
  explicit SeededRandom(std::uint64_t seed);
  std::uint64_t nextU64() override;

  // An independent stream derived from this one (for a terminal in a load run, say).
  SeededRandom fork();

 private:
  std::uint64_t s_[4];
};

}  // namespace posim
