#include "posim/iso8583/message.h"

#include <algorithm>
#include <cstdlib>

namespace posim::iso8583 {
namespace {

auto lowerBound(std::vector<std::pair<int, std::string>>& fields, int field) {
  return std::lower_bound(fields.begin(), fields.end(), field,
                          [](const auto& entry, int f) { return entry.first < f; });
}

}  // namespace

const std::string* Message::find(int field) const {
  auto it = std::lower_bound(fields_.begin(), fields_.end(), field,
                             [](const auto& entry, int f) { return entry.first < f; });
  return it != fields_.end() && it->first == field ? &it->second : nullptr;
}

std::string_view Message::get(int field) const {
  const std::string* value = find(field);
  return value ? std::string_view(*value) : std::string_view();
}

void Message::set(int field, std::string value) {
  if (field < 2 || field > 192) std::abort();
  auto it = lowerBound(fields_, field);
  if (it != fields_.end() && it->first == field) {
    it->second = std::move(value);
  } else {
    fields_.emplace(it, field, std::move(value));
  }
}

void Message::remove(int field) {
  auto it = lowerBound(fields_, field);
  if (it != fields_.end() && it->first == field) fields_.erase(it);
}

void Message::clear() {
  mti_.clear();
  tpdu_.clear();
  header_.clear();
  fields_.clear();
}

std::string Message::responseMti(std::string_view mti) {
  if (mti.size() != 4 || mti[2] < '0' || mti[2] > '8') std::abort();
  std::string out(mti);
  out[2] = static_cast<char>(out[2] + 1);
  return out;
}

}  // namespace posim::iso8583
