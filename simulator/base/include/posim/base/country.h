// ISO 3166-1 countries, for decoding EMV country codes (5F28, 9F1A) and terminal profiles.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace posim {

struct Country {
  std::uint16_t numeric = 0;  // ISO 3166-1 numeric, e.g. 156
  std::string_view alpha2;    // "CN"
  std::string_view alpha3;    // "CHN"
  std::string_view name;      // "China"
};

std::span<const Country> allCountries();
std::optional<Country> countryByNumeric(std::uint16_t numeric);
// By alpha-2 or alpha-3 code, case-insensitive.
std::optional<Country> countryByAlpha(std::string_view alpha);

}  // namespace posim
