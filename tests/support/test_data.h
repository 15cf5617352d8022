// Test data access: tests/data (copied from ../shared/testdata where a test needs it).
#pragma once

#include <string>
#include <string_view>

#include "posim/base/json.h"

namespace posim::test {

// The tests/data folder: $POSIM_TEST_DATA if set, else the source tree's.
std::string dataDir();

// Reads tests/data/<relative_path> as text. Fails the current test (and returns "") if missing.
std::string readDataFile(std::string_view relative_path);

// Parses tests/data/<relative_path> as JSON; fails the current test on error.
Json loadJson(std::string_view relative_path);

}  // namespace posim::test
