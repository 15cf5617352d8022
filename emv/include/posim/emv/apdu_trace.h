// APDUs as traces show them, with sensitive data kept out: PIN blocks in VERIFY are never shown,
// PANs and track data in responses are masked (DESIGN.md §7). Used by `posim emv run --trace`,
// trace files and the GUI's trace dock, so they all show the same redacted bytes.
#pragma once

#include <string>

#include "posim/base/bytes.h"

namespace posim::emv {

// The C-APDU as hex; a VERIFY (INS 20) keeps its header and Lc but its data (the PIN block) is
// replaced by '*' characters of the same length.
std::string redactedCommandHex(ByteView command);

// The R-APDU (data ‖ SW1 SW2) as hex with the values of PAN-bearing tags (5A, 57, 56, 9F6B)
// masked in place: PAN digits but the first 6 and last 4, and all track discretionary data,
// become '*'. Data that is not TLV is shown as it is.
std::string redactedResponseHex(ByteView response);

// BER-TLV data (a DE 55, a record) as hex with PAN-bearing values masked as above.
std::string redactedTlvHex(ByteView data);

// A multi-line rendering of one exchange: "> 00A4040007A0000000031010 00  SELECT A0000000031010",
// "< 6F...9000  Success", then the decoded TLV tree of the response data, indented by `indent`.
std::string formatApduExchange(ByteView command, ByteView response, int indent = 2);

}  // namespace posim::emv
