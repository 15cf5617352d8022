#include "posim/acquirer/backend.h"

#include <array>
#include <utility>

namespace posim::acquirer {
namespace {

constexpr std::array<std::pair<TransactionType, std::string_view>, 9> kTransactionTypeNames = {{
    {TransactionType::kSale, "sale"},
    {TransactionType::kPreauth, "preauth"},
    {TransactionType::kCompletion, "completion"},
    {TransactionType::kCancel, "cancel"},
    {TransactionType::kRefund, "refund"},
    {TransactionType::kReversal, "reversal"},
    {TransactionType::kBalance, "balance"},
    {TransactionType::kEcho, "echo"},
    {TransactionType::kSettle, "settle"},
}};

// DE 39 (ISO 8583:1987) response codes, DOMAIN.md §4.3. One row per code.
constexpr std::array<std::pair<std::string_view, std::string_view>, 28> kResponseCodes = {{
    {"00", "approved"},
    {"01", "refer to card issuer"},
    {"03", "invalid merchant"},
    {"04", "pick up card"},
    {"05", "do not honour"},
    {"10", "approved for partial amount"},
    {"12", "invalid transaction"},
    {"13", "invalid amount"},
    {"14", "invalid card number"},
    {"25", "unable to locate original transaction"},
    {"30", "format error"},
    {"41", "lost card, pick up"},
    {"43", "stolen card, pick up"},
    {"51", "insufficient funds"},
    {"54", "expired card"},
    {"55", "incorrect PIN"},
    {"57", "transaction not permitted to cardholder"},
    {"58", "transaction not permitted to terminal"},
    {"61", "exceeds withdrawal amount limit"},
    {"62", "restricted card"},
    {"65", "exceeds withdrawal frequency limit"},
    {"68", "response received too late"},
    {"75", "allowable number of PIN tries exceeded"},
    {"91", "issuer or switch inoperative"},
    {"94", "duplicate transmission"},
    {"95", "reconcile error: batch totals out of balance"},
    {"96", "system malfunction"},
    {"A0", "MAC error"},
}};

}  // namespace

std::string_view transactionTypeName(TransactionType type) {
  for (const auto& [value, name] : kTransactionTypeNames) {
    if (value == type) return name;
  }
  return "unknown";
}

std::optional<TransactionType> transactionTypeByName(std::string_view name) {
  for (const auto& [value, text] : kTransactionTypeNames) {
    if (text == name) return value;
  }
  return std::nullopt;
}

std::string_view responseCodeMeaning(std::string_view code) {
  for (const auto& [value, meaning] : kResponseCodes) {
    if (value == code) return meaning;
  }
  return "unknown response code";
}

}  // namespace posim::acquirer
