// The SCENARIO... arguments of `posim run` and `posim validate`: files and directories expanded
// into one sorted list of scenario files, and the CI shard of that list.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "posim/base/status.h"

namespace posim::cli {

// Each argument is a scenario file or a directory; a directory stands for every *.yaml and
// *.yml file under it (recursively). The result is sorted by path and free of duplicates, so it
// does not depend on the order of the arguments or of the file system.
// Errors: NotFound for a path that does not exist, or a directory without scenario files.
Result<std::vector<std::filesystem::path>> collectScenarioFiles(
    const std::vector<std::string>& arguments);

// A `--shard K/N` value: the K-th of N parts (1 <= K <= N).
struct Shard {
  std::size_t index = 1;
  std::size_t count = 1;
};

// Parses "K/N"; anything else is InvalidArgument naming the option.
Result<Shard> parseShard(const std::string& text);

// The files of a shard: those whose position in the sorted list, modulo N, is K-1. The N shards
// of a list are disjoint and together hold every file, whatever the machines they run on.
std::vector<std::filesystem::path> selectShard(const std::vector<std::filesystem::path>& files,
                                               const Shard& shard);

}  // namespace posim::cli
