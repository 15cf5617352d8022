// Requests and responses of backend.h as ISO 8583 messages, per dialect flavour (DOMAIN.md §4.2,
// §4.3): which MTI, processing code, function code and data elements each transaction type
// uses, and back. Both sides use it: the `iso8583` client backend (Request -> message, response
// message -> Response) and `posim host` (request message -> Request, Response -> message), so a
// scenario gives the same outcomes over TCP as in process.
//
// Also the message MAC (DE 64 / DE 128, ISO 9797-1 algorithm 3, padding method 1, over the bytes
// from the MTI up to the MAC field; DOMAIN.md §4.1).
//
// docs/iso8583.md "Message mapping" has the tables: MTI, processing code, function code and CUP
// 60.1 per transaction type and flavour, the data elements, the private field (DE 48, CUP DE 63)
// that carries what a flavour's native fields cannot say, and the action code table.
//
// Thread safety: pure functions of their arguments.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "posim/acquirer/backend.h"
#include "posim/base/bytes.h"
#include "posim/base/clock.h"
#include "posim/base/status.h"
#include "posim/iso8583/codec.h"
#include "posim/iso8583/dialect.h"
#include "posim/iso8583/message.h"

namespace posim::acquirer {

// Terminal side: the request message for `request` (no MAC yet). Only fields the dialect
// defines are set. requestFromMessage() of the result gives back every member of `request`
// (times to the second). Errors: InvalidArgument naming the field when the request cannot be
// expressed in the dialect (a field it lacks, an amount over 12 digits, a STAN over 6 digits).
Result<iso8583::Message> requestToMessage(const iso8583::Dialect& dialect, const Request& request);

// Terminal side: the Response a response message carries. Errors: Malformed when the message
// is not an answer to `request` (wrong MTI class, DE 11 / DE 41 differ) or lacks DE 39.
Result<Response> responseFromMessage(const iso8583::Dialect& dialect,
                                     const iso8583::Message& message, const Request& request);

// Host side: the Request a request or advice message carries. DE 7 has no year: it is the
// year that puts the date nearest to `reference` (the host's idea of now); DE 12/13 give the
// sender's UTC offset (without DE 7, CUP, the local time is read in `reference`'s offset). A
// message from another terminal decodes by the flavour's native rules; posim's private field
// (DE 48, CUP DE 63, starting "PS1") refines them. Errors: Malformed naming the missing or bad
// field (the host answers 30 "format error").
Result<Request> requestFromMessage(const iso8583::Dialect& dialect, const iso8583::Message& message,
                                   LocalDateTime reference);

// Host side: the response message to `request_message` carrying `response` (MTI + 10, DE 11,
// 41, 42 echoed, DE 37, 38, 39, 54, 55 and the settlement fields; CUP swaps the TPDU addresses).
iso8583::Message responseToMessage(const iso8583::Dialect& dialect,
                                   const iso8583::Message& request_message,
                                   const Response& response);

// Host side: the "30 format error" answer to a message that could not be understood, when
// enough of it (MTI, DE 11, DE 41, with values the dialect accepts) was decoded to answer at
// all. Only values the dialect can pack are echoed, so the answer always packs.
std::optional<iso8583::Message> formatErrorResponse(const iso8583::Dialect& dialect,
                                                    const iso8583::Message& partial);

// ISO 8583:1993 action codes (DE 39, n3) for the 1987 response codes posim uses, and back
// (DOMAIN.md §4.3), one table row per pair. The meaning of "approved" depends on the message:
// `type` selects 400 "reversal accepted" for reversals and cancels, 500 / 501 "reconciled, in /
// out of balance" for settlements. A code without a row maps to 100 "do not honour" (1987
// -> 1993) or "05" (1993 -> 1987).
std::string iso93ActionCode(std::string_view response_code, TransactionType type);
std::string responseCodeOfActionCode(std::string_view action_code, TransactionType type);

// The MTI `request` travels under in `dialect` ("0200", "1220", "0401", ...).
std::string requestMti(const iso8583::Dialect& dialect, const Request& request);

// Network management: an echo test (0800 DE 70 301; 1804 FC 831; CUP 0820) with this STAN.
iso8583::Message echoRequest(const iso8583::Dialect& dialect, std::string_view stan,
                             LocalDateTime now, std::string_view terminal_id);
bool isNetworkManagement(std::string_view mti);  // x8xx

// Packs `message`; with a MAC key (16-byte double-length TAK) sets the MAC field and computes it.
Result<Bytes> packWithMac(const iso8583::Dialect& dialect, iso8583::Message message,
                          const std::optional<Bytes>& mac_key);

// Unpacks and, with a MAC key, verifies the MAC. Without a key the MAC field is ignored.
// Errors: Malformed with the first diagnostic, or "MAC does not verify" (DOMAIN.md §4.4: the
// terminal reverses).
Result<iso8583::Message> unpackWithMac(const iso8583::Dialect& dialect, ByteView data,
                                       const std::optional<Bytes>& mac_key);

}  // namespace posim::acquirer
