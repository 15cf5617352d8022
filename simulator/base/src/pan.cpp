#include "posim/base/pan.h"

#include <ostream>

#include "posim/base/bytes.h"

namespace posim {

std::string maskPan(std::string_view pan) {
  std::string out(pan);
  std::size_t keep_front = 6;
  std::size_t keep_back = 4;
  if (pan.size() < 11) keep_front = 0;
  if (pan.size() < 5) keep_back = 0;
  for (std::size_t i = keep_front; i + keep_back < out.size(); ++i) out[i] = '*';
  return out;
}

bool luhnValid(std::string_view digits) {
  if (!isDigits(digits)) return false;
  int sum = 0;
  bool dbl = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int d = *it - '0';
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return sum % 10 == 0;
}

Result<Pan> Pan::parse(std::string_view digits) {
  if (!isDigits(digits)) {
    return invalidArgument("PAN: only decimal digits are allowed");
  }
  if (digits.size() < 12 || digits.size() > 19) {
    return invalidArgument("PAN: " + std::to_string(digits.size()) + " digits, expected 12 to 19");
  }
  return Pan(std::string(digits));
}

std::ostream& operator<<(std::ostream& out, const Pan& pan) {
  return out << pan.masked();
}

}  // namespace posim
