#include "posim/emv/tvr.h"

#include <algorithm>
#include <cctype>

#include "posim/base/spelling.h"

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
  std::vector<std::string_view> names;
  names.reserve(table.size());
  for (const auto& bit : table) names.push_back(bit.name);
  return nearestNames(normaliseName(name), names, max_results);
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
