#include "posim/emv/tvr.h"

#include <algorithm>
#include <cctype>

namespace posim::emv {
namespace {

std::string normaliseName(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (char c : name) {
    if (c == '-' || c == ' ') {
      out.push_back('_');
    } else {
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  return out;
}

// Levenshtein distance with two rows: names are short, so this stays cheap.
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

}  // namespace

std::optional<std::size_t> findNamedBit(std::span<const NamedBit> table, std::string_view name) {
  const std::string wanted = normaliseName(name);
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (table[i].name == wanted) return i;
  }
  return std::nullopt;
}

std::vector<std::string_view> nearNamedBits(std::string_view name, std::span<const NamedBit> table,
                                            std::size_t max_results) {
  const std::string wanted = normaliseName(name);
  const std::size_t threshold = std::max<std::size_t>(2, wanted.size() / 3);
  std::vector<std::pair<std::size_t, std::string_view>> scored;
  for (const auto& bit : table) {
    const std::size_t distance = editDistance(wanted, bit.name);
    const bool contains = wanted.size() >= 3 && (bit.name.find(wanted) != std::string_view::npos ||
                                                 wanted.find(bit.name) != std::string::npos);
    if (distance <= threshold || contains) scored.emplace_back(distance, bit.name);
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string_view> out;
  for (const auto& [distance, bit_name] : scored) {
    if (out.size() == max_results) break;
    out.push_back(bit_name);
  }
  return out;
}

Status unknownNamedBit(std::string_view kind, std::string_view name,
                       std::span<const NamedBit> table) {
  std::string message = "unknown " + std::string(kind) + " bit '" + std::string(name) + "'";
  const auto near = nearNamedBits(name, table);
  if (!near.empty()) {
    message += "; did you mean ";
    for (std::size_t i = 0; i < near.size(); ++i) {
      if (i > 0) message += i + 1 == near.size() ? " or " : ", ";
      message += near[i];
    }
    message += "?";
  } else {
    message += ".";
  }
  message += " Known " + std::string(kind) + " bits:";
  for (std::size_t i = 0; i < table.size(); ++i) {
    message += (i == 0 ? " " : ", ");
    message += table[i].name;
  }
  return notFound(std::move(message));
}

}  // namespace posim::emv
