#include "posim/terminal/receipt.h"

#include <string>
#include <string_view>

namespace posim::terminal {

namespace {

constexpr std::size_t kWidth = 32;  // characters per line of a 58 mm paper roll

// The helpers append to the receipt being built: a receipt is formatted twice per transaction.
void line(std::string& out, std::string_view label, std::string_view value) {
  const std::size_t used = label.size() + value.size();
  out += label;
  out.append(used < kWidth ? kWidth - used : 1, ' ');
  out += value;
  out.push_back('\n');
}

void centred(std::string& out, std::string_view text) {
  out.append(text.size() < kWidth ? (kWidth - text.size()) / 2 : 0, ' ');
  out += text;
  out.push_back('\n');
}

void rule(std::string& out) {
  out.append(kWidth, '-');
  out.push_back('\n');
}

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::string typeTitle(const TransactionRecord& r) {
  switch (r.type) {
    case TransactionType::kSale: return "SALE";
    case TransactionType::kPreauth: return "PRE-AUTHORIZATION";
    case TransactionType::kCompletion: return "PRE-AUTH COMPLETION";
    case TransactionType::kCancel: return "VOID";
    case TransactionType::kRefund: return "REFUND";
    case TransactionType::kReversal: return "REVERSAL";
    case TransactionType::kBalance: return "BALANCE INQUIRY";
    case TransactionType::kEcho: return "ECHO TEST";
    case TransactionType::kSettle: return "SETTLEMENT";
  }
  return "TRANSACTION";
}

std::string entryName(const TransactionRecord& r) {
  if (!r.entry) return "KEYED";
  if (r.fallback) return "FALLBACK SWIPE";
  switch (*r.entry) {
    case emv::EntryMode::kContact: return "CHIP";
    case emv::EntryMode::kContactless: return "CONTACTLESS";
    case emv::EntryMode::kMagstripe: return "SWIPE";
  }
  return "CHIP";
}

void header(std::string& out, const TransactionRecord& r, const emv::TerminalProfile& t) {
  centred(out, t.merchant_name_location.substr(0, t.merchant_name_location.find(',')));
  line(out, "MERCHANT", t.merchant_id);
  line(out, "TERMINAL", t.terminal_id);
  line(out, "BATCH", std::to_string(r.batch_number));
  line(out, "INVOICE", std::to_string(r.invoice_number));
  line(out, "DATE", formatIso8601(r.authorized_at.value_or(r.started_at)).substr(0, 19));
}

}  // namespace

Receipt formatReceipt(const TransactionRecord& r, const emv::TerminalProfile& t, ReceiptCopy copy) {
  std::string out;
  out.reserve(768);
  header(out, r, t);
  rule(out);
  centred(out, typeTitle(r));
  line(out, "CARD", r.masked_pan);
  line(out, "ENTRY", entryName(r));
  if (!r.application_label.empty()) line(out, "APP", upper(r.application_label));
  if (!r.aid.empty()) line(out, "AID", r.aid);
  if (!r.tvr.empty()) line(out, "TVR", r.tvr);
  if (!r.tsi.empty()) line(out, "TSI", r.tsi);
  if (!r.cryptogram.empty()) line(out, r.cryptogram, r.cryptogram_hex);
  if (!r.atc.empty()) line(out, "ATC", r.atc);
  line(out, "STAN", r.stan);
  if (!r.rrn.empty()) line(out, "RRN", r.rrn);
  if (!r.authorization_code.empty()) line(out, "AUTH CODE", r.authorization_code);
  if (!r.response_code.empty()) line(out, "RESP CODE", r.response_code);
  rule(out);
  const bool credit = r.type == TransactionType::kRefund || r.type == TransactionType::kCancel;
  line(out, "AMOUNT", (credit ? "-" : "") + r.amount.toString());
  rule(out);
  centred(out, r.approved ? "APPROVED" : "DECLINED");
  if (!r.approved && !r.reason.empty()) centred(out, upper(r.reason.substr(0, kWidth)));
  if (r.approved) {
    if (r.cvm == "online_pin" || r.cvm.find("pin") != std::string::npos) {
      centred(out, "PIN VERIFIED");
    } else if (r.signature_required && copy == ReceiptCopy::kMerchant) {
      out += "\n\nSIGNATURE " + std::string(kWidth - 10, '_') + "\n";
    } else if (r.cvm == "cdcvm") {
      centred(out, "VERIFIED ON DEVICE");
    } else {
      centred(out, "NO CARDHOLDER VERIFICATION");
    }
  }
  centred(out, copy == ReceiptCopy::kMerchant ? "MERCHANT COPY" : "CUSTOMER COPY");
  return {copy, out};
}

Receipt formatSettlementReport(const TransactionRecord& r, const emv::TerminalProfile& t) {
  std::string out;
  out.reserve(768);
  header(out, r, t);
  rule(out);
  centred(out, "SETTLEMENT");
  if (r.batch_totals) {
    const acquirer::BatchTotals& b = *r.batch_totals;
    const Currency& c = t.currency;
    line(out, "SALES " + std::to_string(b.debit_count), Money(b.debit_amount, c).toString());
    line(out, "REFUNDS " + std::to_string(b.credit_count), Money(b.credit_amount, c).toString());
    line(out, "VOIDS " + std::to_string(b.cancel_count), Money(b.cancel_amount, c).toString());
    line(out, "NET", Money(b.debit_amount - b.credit_amount, c).toString());
  }
  rule(out);
  if (r.batch_balanced) {
    centred(out, *r.batch_balanced ? "BATCH BALANCED" : "BATCH OUT OF BALANCE");
  } else {
    centred(out, upper(r.reason.substr(0, kWidth)));
  }
  return {ReceiptCopy::kMerchant, out};
}

}  // namespace posim::terminal
