// Spelling hints for messages a person reads: "unknown key 'amout'; did you mean amount?".
// One implementation for every layer that names things (YAML keys, TVR bits, enum values).
#pragma once

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

namespace posim {

// Levenshtein distance (insertions, deletions, substitutions; bytes).
std::size_t editDistance(std::string_view a, std::string_view b);

// Up to max_results candidates close to `wanted`, ignoring ASCII case: edit distance at most
// max(2, |wanted|/3), or one contains the other (both at least 3 characters). Closest first,
// ties in candidate order, no duplicates.
std::vector<std::string_view> nearestNames(std::string_view wanted,
                                           std::span<const std::string_view> candidates,
                                           std::size_t max_results = 3);

}  // namespace posim
