#include "posim/terminal/receipt.h"

#include <sstream>

namespace posim::terminal {

namespace {

constexpr std::size_t kWidth = 32;  // characters per line of a 58 mm paper roll

std::string line(std::string_view label, std::string_view value) {
  std::string out(label);
  const std::size_t used = label.size() + value.size();
  out += std::string(used < kWidth ? kWidth - used : 1, ' ');
  out += value;
  return out + "\n";
}

std::string centred(std::string_view text) {
  const std::size_t pad = text.size() < kWidth ? (kWidth - text.size()) / 2 : 0;
  return std::string(pad, ' ') + std::string(text) + "\n";
}

std::string rule() {
  return std::string(kWidth, '-') + "\n";
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

std::string header(const TransactionRecord& r, const emv::TerminalProfile& t) {
  std::string out;
  out += centred(t.merchant_name_location.substr(0, t.merchant_name_location.find(',')));
  out += line("MERCHANT", t.merchant_id);
  out += line("TERMINAL", t.terminal_id);
  out += line("BATCH", std::to_string(r.batch_number));
  out += line("INVOICE", std::to_string(r.invoice_number));
  out += line("DATE", formatIso8601(r.authorized_at.value_or(r.started_at)).substr(0, 19));
  return out;
}

}  // namespace

Receipt formatReceipt(const TransactionRecord& r, const emv::TerminalProfile& t, ReceiptCopy copy) {
  std::string out = header(r, t);
  out += rule();
  out += centred(typeTitle(r));
  out += line("CARD", r.masked_pan);
  out += line("ENTRY", entryName(r));
  if (!r.application_label.empty()) out += line("APP", upper(r.application_label));
  if (!r.aid.empty()) out += line("AID", r.aid);
  if (!r.tvr.empty()) out += line("TVR", r.tvr);
  if (!r.tsi.empty()) out += line("TSI", r.tsi);
  if (!r.cryptogram.empty()) out += line(r.cryptogram, r.cryptogram_hex);
  if (!r.atc.empty()) out += line("ATC", r.atc);
  out += line("STAN", r.stan);
  if (!r.rrn.empty()) out += line("RRN", r.rrn);
  if (!r.authorization_code.empty()) out += line("AUTH CODE", r.authorization_code);
  if (!r.response_code.empty()) out += line("RESP CODE", r.response_code);
  out += rule();
  const bool credit = r.type == TransactionType::kRefund || r.type == TransactionType::kCancel;
  out += line("AMOUNT", (credit ? "-" : "") + r.amount.toString());
  out += rule();
  out += centred(r.approved ? "APPROVED" : "DECLINED");
  if (!r.approved && !r.reason.empty()) out += centred(upper(r.reason.substr(0, kWidth)));
  if (r.approved) {
    if (r.cvm == "online_pin" || r.cvm.find("pin") != std::string::npos) {
      out += centred("PIN VERIFIED");
    } else if (r.signature_required && copy == ReceiptCopy::kMerchant) {
      out += "\n\nSIGNATURE " + std::string(kWidth - 10, '_') + "\n";
    } else if (r.cvm == "cdcvm") {
      out += centred("VERIFIED ON DEVICE");
    } else {
      out += centred("NO CARDHOLDER VERIFICATION");
    }
  }
  out += centred(copy == ReceiptCopy::kMerchant ? "MERCHANT COPY" : "CUSTOMER COPY");
  return {copy, out};
}

Receipt formatSettlementReport(const TransactionRecord& r, const emv::TerminalProfile& t) {
  std::string out = header(r, t);
  out += rule();
  out += centred("SETTLEMENT");
  if (r.batch_totals) {
    const acquirer::BatchTotals& b = *r.batch_totals;
    const Currency& c = t.currency;
    out += line("SALES " + std::to_string(b.debit_count), Money(b.debit_amount, c).toString());
    out += line("REFUNDS " + std::to_string(b.credit_count), Money(b.credit_amount, c).toString());
    out += line("VOIDS " + std::to_string(b.cancel_count), Money(b.cancel_amount, c).toString());
    out += line("NET", Money(b.debit_amount - b.credit_amount, c).toString());
  }
  out += rule();
  if (r.batch_balanced) {
    out += centred(*r.batch_balanced ? "BATCH BALANCED" : "BATCH OUT OF BALANCE");
  } else {
    out += centred(upper(r.reason.substr(0, kWidth)));
  }
  return {ReceiptCopy::kMerchant, out};
}

}  // namespace posim::terminal
