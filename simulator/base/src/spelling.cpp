#include "posim/base/spelling.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <utility>

namespace posim {
namespace {

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> previous(b.size() + 1);
  std::vector<std::size_t> current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

std::vector<std::string_view> nearestNames(std::string_view wanted,
                                           std::span<const std::string_view> candidates,
                                           std::size_t max_results) {
  const std::string lowered = lowercase(wanted);
  const std::size_t threshold = std::max<std::size_t>(2, wanted.size() / 3);
  std::vector<std::pair<std::size_t, std::string_view>> scored;
  for (std::string_view candidate : candidates) {
    const std::string lowered_candidate = lowercase(candidate);
    const std::size_t distance = editDistance(lowered, lowered_candidate);
    const bool contains = lowered.size() >= 3 && lowered_candidate.size() >= 3 &&
                          (lowered_candidate.find(lowered) != std::string::npos ||
                           lowered.find(lowered_candidate) != std::string::npos);
    if (distance <= threshold || contains) scored.emplace_back(distance, candidate);
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string_view> out;
  for (const auto& [distance, name] : scored) {
    if (out.size() == max_results) break;
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  }
  return out;
}

}  // namespace posim
