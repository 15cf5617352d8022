// Exit codes of the posim command line (DESIGN.md §8). Documented in README.md.
#pragma once

namespace posim::cli {

inline constexpr int kExitOk = 0;                 // everything passed
inline constexpr int kExitExpectationFailed = 1;  // a scenario expectation failed
inline constexpr int kExitUsage = 2;              // bad command line (unknown option, bad value)
inline constexpr int kExitInvalidInput = 3;       // an input file or data could not be decoded
inline constexpr int kExitRuntime = 4;            // backend unreachable, I/O error

}  // namespace posim::cli
