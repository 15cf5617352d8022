// The physical limits `posim bench` measures each DESIGN.md §10 figure against, on the machine it
// runs on: OpenSSL's own RSA signature, a bare loopback TCP echo, one pass over a buffer, and this
// process's resident memory. Shell code: these read the real clock.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "posim/base/status.h"

namespace posim::cli {

// RSA-1024 private-key signatures per second with OpenSSL directly (EVP_PKEY_sign with PKCS #1
// v1.5 padding on 36 bytes under a freshly generated key, e = 65537: what `openssl speed
// rsa1024` loops over), on this thread for about `budget`.
struct RsaSignLimit {
  double signs_per_second = 0;
  std::uint64_t signatures = 0;
};
Result<RsaSignLimit> measureRsaSignLimit(std::chrono::milliseconds budget);

// A bare loopback TCP echo: one connection to 127.0.0.1, TCP_NODELAY on both ends, blocking
// send and recv of `message_bytes`, an echo thread on the other end. Round trips for about
// `budget`.
struct EchoRoundTrip {
  double mean_us = 0;
  double p50_us = 0;
  double p99_us = 0;
  std::uint64_t round_trips = 0;
};
Result<EchoRoundTrip> measureLoopbackEcho(std::size_t message_bytes,
                                          std::chrono::milliseconds budget);

// `connections` client threads, each with its own loopback connection, send `message_bytes` and
// wait for the echo, back to back, for about `budget`; one epoll thread echoes every connection
// (the shape of `posim host`: one network thread, many terminals). Round trips per second over
// all connections, and the latency of a round trip.
struct EchoThroughput {
  double round_trips_per_second = 0;
  double p50_us = 0;
  double p99_us = 0;
  std::uint64_t round_trips = 0;
  int connections = 0;
};
Result<EchoThroughput> measureLoopbackEchoThroughput(int connections, std::size_t message_bytes,
                                                     std::chrono::milliseconds budget);

// One pass over `bytes` bytes (memcpy into another buffer, then a byte sum): the cost of touching
// a message once, in ns; `passes` of them per operation. The floor under a parser of that size.
double measureBytePassNs(std::size_t bytes, int passes, std::chrono::milliseconds budget);

// This process's resident set size in bytes (/proc/self/statm); 0 when it cannot be read.
std::uint64_t residentBytes();

}  // namespace posim::cli
