// Primary account numbers. A PAN is shown masked everywhere: first 6 and last 4 digits
// (DESIGN.md §7), the rest as '*'.
#pragma once

#include <compare>
#include <iosfwd>
#include <string>
#include <string_view>

#include "posim/base/status.h"

namespace posim {

// A 16-digit PAN keeps its first 6 and last 4 digits: "476173******0010". PANs shorter than 11
// characters keep only their last 4 digits visible; anything shorter than 5 is masked entirely.
std::string maskPan(std::string_view pan);

// True if the digits pass the Luhn (mod 10) check.
bool luhnValid(std::string_view digits);

// A PAN whose only printable form is masked. Every record that carries a card number (the
// kernel's online request, the acquirer request, the journal's transaction, the card profile)
// holds a Pan, so a PAN cannot reach a report, trace, log or screen by accident: a Pan does not
// convert to a string, and streaming it (logs, test failure messages) writes the masked form.
// The clear digits are reachable through digits() for the code that needs them (the card itself,
// cryptograms, PIN blocks, DE 2 on the wire, the journal's store-and-forward queue).
class Pan {
 public:
  Pan() = default;
  // Takes the digits as they came (a message field, a journal row) without judging them: the
  // issuer has to be able to decline an invalid card number, not fail to read it.
  explicit Pan(std::string digits) : digits_(std::move(digits)) {}
  // 12 to 19 digits; anything else is an InvalidArgument (that names no digits of it).
  static Result<Pan> parse(std::string_view digits);

  const std::string& digits() const { return digits_; }
  std::string masked() const { return maskPan(digits_); }
  bool empty() const { return digits_.empty(); }
  std::size_t size() const { return digits_.size(); }

  friend bool operator==(const Pan&, const Pan&) = default;
  friend std::strong_ordering operator<=>(const Pan&, const Pan&) = default;

 private:
  std::string digits_;
};

// Writes the masked form: "476173******0010".
std::ostream& operator<<(std::ostream& out, const Pan& pan);

}  // namespace posim
