// ISO 8583 values as a payment engineer reads them: what an MTI, a processing code, a response
// or action code, an entry mode mean, and how each field is shown (DOMAIN.md §4.2, §4.3). One
// core function per reading feeds `posim iso8583 decode`, the GUI's trace dock and trace files,
// so all of them show the same thing.
//
// Sensitive fields (FieldSpec::sensitive) are never shown in clear: a PAN keeps its first 6 and
// last 4 digits, track data its masked PAN and separators, a sensitive b field (PIN block, keys)
// only its size (DESIGN.md §7).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "posim/iso8583/dialect.h"
#include "posim/iso8583/message.h"

namespace posim::iso8583 {

// "authorization request", "financial response", "reversal advice, repeat", from the class,
// function and origin digits; "" when the MTI is not 4 digits.
std::string mtiDescription(std::string_view mti);

// DE 3: "goods and services, default account to default account"; "" when not 6 digits.
std::string processingCodeDescription(std::string_view code);

// DE 39: a 2-character 1987 response code ("51" -> "insufficient funds") or, for iso93, a
// 3-digit action code ("116" -> "insufficient funds"); "" when unknown.
std::string_view responseCodeDescription(Flavour flavour, std::string_view code);

// DE 24 of ISO 8583:1993: the function code ("200" -> "original financial request"); "".
std::string_view functionCodeDescription(std::string_view code);

// DE 22 (1987 n3): "chip, PIN can be accepted"; "" when unknown.
std::string entryModeDescription(std::string_view code);

// DE 70 network management information code ("301" -> "echo test"); "".
std::string_view networkManagementDescription(std::string_view code);

// An amount field (n12, minor units) in the currency of `currency_code` (ISO 4217 numeric, as
// in DE 49, 50, 51): "500.00 CNY". nullopt when either is not usable.
std::optional<std::string> amountDescription(std::string_view amount,
                                             std::string_view currency_code);

// Track data with its PAN masked and everything after the PAN (expiry, service code,
// discretionary data, name) replaced by '*', separators kept: "541333******0011=************".
std::string maskTrackData(std::string_view track);

// The value of a field as it may be shown: text as carried (non-printable bytes as '.'), b
// fields as hex, sensitive fields masked or hidden ("[PIN block, 8 bytes]").
std::string displayValue(const FieldSpec& spec, std::string_view value);
// True when displayValue() hides the value entirely (a sensitive b field).
bool isHidden(const FieldSpec& spec);

// The parts of a field with subfields, in order; parts beyond the end of a short value are left
// out. Sensitive fields have no parts shown.
struct SubfieldValue {
  const SubfieldSpec* spec;
  std::string value;
};
std::vector<SubfieldValue> subfieldValues(const FieldSpec& spec, std::string_view value);

// One reading of a field beyond its value, or "" when there is nothing to add: the meaning of
// DE 3, 22, 24, 39, 70 and the amounts 4, 5, 6 in the currency of 49, 50, 51.
std::string fieldDescription(const Dialect& dialect, const Message& message, int field);

}  // namespace posim::iso8583
