// Primary account numbers. A PAN is shown masked everywhere: first 6 and last 4 digits
// (DESIGN.md §7), the rest as '*'.
#pragma once

#include <string>
#include <string_view>

#include "posim/base/status.h"

namespace posim {

// A 16-digit PAN keeps its first 6 and last 4 digits: "476173******0010". PANs shorter than 11
// characters keep only their last 4 digits visible; anything shorter than 5 is masked entirely.
std::string maskPan(std::string_view pan);

// True if the digits pass the Luhn (mod 10) check.
bool luhnValid(std::string_view digits);

// A PAN whose only printable form is masked. The clear digits are reachable through digits() for
// the code that needs them (crypto, PIN blocks, the card itself), never by accident.
class Pan {
 public:
  Pan() = default;
  // 12 to 19 digits; anything else is an InvalidArgument (that names no digits of it).
  static Result<Pan> parse(std::string_view digits);

  const std::string& digits() const { return digits_; }
  std::string masked() const { return maskPan(digits_); }
  bool empty() const { return digits_.empty(); }

  friend bool operator==(const Pan&, const Pan&) = default;

 private:
  explicit Pan(std::string digits) : digits_(std::move(digits)) {}
  std::string digits_;
};

}  // namespace posim
