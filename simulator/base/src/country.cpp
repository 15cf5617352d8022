#include "posim/base/country.h"

#include <array>
#include <cctype>

namespace posim {
namespace {

constexpr std::array kCountries = {
    Country{36, "AU", "AUS", "Australia"},
    Country{40, "AT", "AUT", "Austria"},
    Country{32, "AR", "ARG", "Argentina"},
    Country{48, "BH", "BHR", "Bahrain"},
    Country{56, "BE", "BEL", "Belgium"},
    Country{76, "BR", "BRA", "Brazil"},
    Country{124, "CA", "CAN", "Canada"},
    Country{152, "CL", "CHL", "Chile"},
    Country{156, "CN", "CHN", "China"},
    Country{170, "CO", "COL", "Colombia"},
    Country{203, "CZ", "CZE", "Czechia"},
    Country{208, "DK", "DNK", "Denmark"},
    Country{818, "EG", "EGY", "Egypt"},
    Country{246, "FI", "FIN", "Finland"},
    Country{250, "FR", "FRA", "France"},
    Country{276, "DE", "DEU", "Germany"},
    Country{300, "GR", "GRC", "Greece"},
    Country{344, "HK", "HKG", "Hong Kong"},
    Country{348, "HU", "HUN", "Hungary"},
    Country{352, "IS", "ISL", "Iceland"},
    Country{356, "IN", "IND", "India"},
    Country{360, "ID", "IDN", "Indonesia"},
    Country{372, "IE", "IRL", "Ireland"},
    Country{376, "IL", "ISR", "Israel"},
    Country{380, "IT", "ITA", "Italy"},
    Country{392, "JP", "JPN", "Japan"},
    Country{400, "JO", "JOR", "Jordan"},
    Country{404, "KE", "KEN", "Kenya"},
    Country{410, "KR", "KOR", "Korea, Republic of"},
    Country{414, "KW", "KWT", "Kuwait"},
    Country{442, "LU", "LUX", "Luxembourg"},
    Country{446, "MO", "MAC", "Macao"},
    Country{458, "MY", "MYS", "Malaysia"},
    Country{484, "MX", "MEX", "Mexico"},
    Country{528, "NL", "NLD", "Netherlands"},
    Country{554, "NZ", "NZL", "New Zealand"},
    Country{566, "NG", "NGA", "Nigeria"},
    Country{578, "NO", "NOR", "Norway"},
    Country{512, "OM", "OMN", "Oman"},
    Country{586, "PK", "PAK", "Pakistan"},
    Country{608, "PH", "PHL", "Philippines"},
    Country{616, "PL", "POL", "Poland"},
    Country{620, "PT", "PRT", "Portugal"},
    Country{634, "QA", "QAT", "Qatar"},
    Country{642, "RO", "ROU", "Romania"},
    Country{643, "RU", "RUS", "Russian Federation"},
    Country{682, "SA", "SAU", "Saudi Arabia"},
    Country{702, "SG", "SGP", "Singapore"},
    Country{710, "ZA", "ZAF", "South Africa"},
    Country{724, "ES", "ESP", "Spain"},
    Country{752, "SE", "SWE", "Sweden"},
    Country{756, "CH", "CHE", "Switzerland"},
    Country{158, "TW", "TWN", "Taiwan"},
    Country{764, "TH", "THA", "Thailand"},
    Country{788, "TN", "TUN", "Tunisia"},
    Country{792, "TR", "TUR", "Turkey"},
    Country{784, "AE", "ARE", "United Arab Emirates"},
    Country{804, "UA", "UKR", "Ukraine"},
    Country{826, "GB", "GBR", "United Kingdom"},
    Country{840, "US", "USA", "United States"},
    Country{704, "VN", "VNM", "Viet Nam"},
};

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) !=
        std::toupper(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::span<const Country> allCountries() {
  return kCountries;
}

std::optional<Country> countryByNumeric(std::uint16_t numeric) {
  for (const Country& c : kCountries) {
    if (c.numeric == numeric) return c;
  }
  return std::nullopt;
}

std::optional<Country> countryByAlpha(std::string_view alpha) {
  for (const Country& c : kCountries) {
    if (equalsIgnoreCase(c.alpha2, alpha) || equalsIgnoreCase(c.alpha3, alpha)) return c;
  }
  return std::nullopt;
}

}  // namespace posim
