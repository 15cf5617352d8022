#include "posim/terminal/transaction.h"

#include <charconv>

#include "posim/base/bytes.h"

#include "stored_money.h"

namespace posim::terminal {

std::string_view transactionStatusName(TransactionStatus status) {
  switch (status) {
    case TransactionStatus::kApproved: return "approved";
    case TransactionStatus::kDeclined: return "declined";
    case TransactionStatus::kVoided: return "voided";
    case TransactionStatus::kReversed: return "reversed";
    case TransactionStatus::kRefunded: return "refunded";
    case TransactionStatus::kHeld: return "held";
    case TransactionStatus::kReleased: return "released";
    case TransactionStatus::kSettled: return "settled";
    case TransactionStatus::kInReview: return "in_review";
  }
  return "declined";
}

TransactionStatus TransactionRecord::statusAt(Instant now) const {
  if (reversed) return TransactionStatus::kReversed;
  if (!approved) return TransactionStatus::kDeclined;
  if (type == TransactionType::kPreauth) {
    if (hold_released_at && hold_released_at->instant <= now) return TransactionStatus::kReleased;
    return TransactionStatus::kHeld;
  }
  if (voided) return TransactionStatus::kVoided;
  if (!refunded.isZero() && refunded == amount) return TransactionStatus::kRefunded;
  if (arrival_at) {
    if (arrival_at->instant <= now) return TransactionStatus::kSettled;
    if (in_review) return TransactionStatus::kInReview;
  }
  return TransactionStatus::kApproved;
}

namespace internal {

std::string storedMoney(const Money& m) {
  return std::to_string(m.minorUnits()) + ":" + std::to_string(m.currency().numeric);
}

Result<Money> parseStoredMoney(std::string_view text) {
  const std::size_t colon = text.find(':');
  const std::string quoted = "'" + std::string(text) + "'";
  if (colon == std::string_view::npos) return malformed("journal: bad amount " + quoted);
  std::int64_t minor = 0;
  unsigned numeric = 0;
  const char* b = text.data();
  if (std::from_chars(b, b + colon, minor).ec != std::errc() ||
      std::from_chars(b + colon + 1, b + text.size(), numeric).ec != std::errc()) {
    return malformed("journal: bad amount " + quoted);
  }
  auto currency = currencyByNumeric(static_cast<std::uint16_t>(numeric));
  if (!currency) return malformed("journal: unknown currency in " + quoted);
  return Money(minor, *currency);
}

}  // namespace internal

namespace {

using internal::parseStoredMoney;
std::string moneyText(const Money& m) {
  return internal::storedMoney(m);
}

// Reads the fields of one JSON object, remembering the first problem.
class Reader {
 public:
  explicit Reader(const Json& json) : json_(json) {}

  std::string str(std::string_view key) {
    const Json* v = json_.find(key);
    return v != nullptr && v->isString() ? v->asString() : std::string();
  }
  bool flag(std::string_view key) {
    const Json* v = json_.find(key);
    return v != nullptr && v->isBool() && v->asBool();
  }
  std::int64_t integer(std::string_view key) {
    const Json* v = json_.find(key);
    return v != nullptr && v->isNumber() ? v->asInt() : 0;
  }
  std::optional<std::int64_t> optInteger(std::string_view key) {
    const Json* v = json_.find(key);
    if (v == nullptr || !v->isNumber()) return std::nullopt;
    return v->asInt();
  }
  std::optional<bool> optFlag(std::string_view key) {
    const Json* v = json_.find(key);
    if (v == nullptr || !v->isBool()) return std::nullopt;
    return v->asBool();
  }
  std::optional<Money> money(std::string_view key) {
    const Json* v = json_.find(key);
    if (v == nullptr || !v->isString()) return std::nullopt;
    auto m = parseStoredMoney(v->asString());
    if (!m.isOk()) return fail(m.status()), std::nullopt;
    return *m;
  }
  std::optional<LocalDateTime> time(std::string_view key) {
    const Json* v = json_.find(key);
    if (v == nullptr || !v->isString()) return std::nullopt;
    auto t = parseIso8601(v->asString());
    if (!t.isOk()) return fail(t.status()), std::nullopt;
    return *t;
  }
  std::optional<Date> date(std::string_view key) {
    const Json* v = json_.find(key);
    if (v == nullptr || !v->isString()) return std::nullopt;
    auto d = parseDate(v->asString());
    if (!d.isOk()) return fail(d.status()), std::nullopt;
    return *d;
  }
  const Json* raw(std::string_view key) const { return json_.find(key); }
  void fail(const Status& s) {
    if (status_.isOk()) status_ = s;
  }
  const Status& status() const { return status_; }

 private:
  const Json& json_;
  Status status_;
};

void putTime(Json& j, std::string_view key, const std::optional<LocalDateTime>& t) {
  if (t) j[key] = formatIso8601(*t);
}

Json totalsToJson(const acquirer::BatchTotals& t) {
  Json j = Json::object();
  j["debit_count"] = static_cast<std::int64_t>(t.debit_count);
  j["debit_amount"] = t.debit_amount;
  j["credit_count"] = static_cast<std::int64_t>(t.credit_count);
  j["credit_amount"] = t.credit_amount;
  j["cancel_count"] = static_cast<std::int64_t>(t.cancel_count);
  j["cancel_amount"] = t.cancel_amount;
  return j;
}

acquirer::BatchTotals totalsFromJson(const Json& j) {
  Reader r(j);
  acquirer::BatchTotals t;
  t.debit_count = static_cast<std::uint32_t>(r.integer("debit_count"));
  t.debit_amount = r.integer("debit_amount");
  t.credit_count = static_cast<std::uint32_t>(r.integer("credit_count"));
  t.credit_amount = r.integer("credit_amount");
  t.cancel_count = static_cast<std::uint32_t>(r.integer("cancel_count"));
  t.cancel_amount = r.integer("cancel_amount");
  return t;
}

}  // namespace

Json recordToJson(const TransactionRecord& r) {
  Json j = Json::object();
  j["id"] = r.id;
  j["label"] = r.label;
  j["type"] = std::string(acquirer::transactionTypeName(r.type));
  if (r.original_id) j["original_id"] = *r.original_id;
  j["card"] = r.card;
  j["pan"] = r.pan;
  j["masked_pan"] = r.masked_pan;
  j["psn"] = r.pan_sequence_number;
  j["expiry"] = r.expiry_yymm;
  if (r.entry) j["entry"] = std::string(emv::entryModeName(*r.entry));
  j["fallback"] = r.fallback;
  j["amount"] = moneyText(r.amount);
  j["refunded"] = moneyText(r.refunded);
  j["approved"] = r.approved;
  j["outcome"] = r.outcome;
  j["reason"] = r.reason;
  j["response_code"] = r.response_code;
  j["auth_code"] = r.authorization_code;
  j["stan"] = r.stan;
  j["rrn"] = r.rrn;
  j["batch"] = static_cast<std::int64_t>(r.batch_number);
  j["invoice"] = static_cast<std::int64_t>(r.invoice_number);
  j["cvm"] = r.cvm;
  j["tvr"] = r.tvr;
  j["tsi"] = r.tsi;
  j["aid"] = r.aid;
  j["label_app"] = r.application_label;
  j["cryptogram"] = r.cryptogram;
  j["cryptogram_hex"] = r.cryptogram_hex;
  j["atc"] = r.atc;
  j["went_online"] = r.went_online;
  j["offline_approved"] = r.offline_approved;
  j["advice_sent"] = r.advice_sent;
  j["reversal_pending"] = r.reversal_pending;
  j["reversal_sent"] = r.reversal_sent;
  j["reversal_reason"] = r.reversal_reason;
  j["signature_required"] = r.signature_required;
  if (r.available_balance) j["available_balance"] = moneyText(*r.available_balance);
  if (r.ledger_balance) j["ledger_balance"] = moneyText(*r.ledger_balance);
  if (r.batch_balanced) j["batch_balanced"] = *r.batch_balanced;
  if (r.batch_totals) j["batch_totals"] = totalsToJson(*r.batch_totals);
  putTime(j, "started_at", r.started_at);
  putTime(j, "card_done_at", r.card_done_at);
  putTime(j, "authorized_at", r.authorized_at);
  putTime(j, "captured_at", r.captured_at);
  if (r.auth_latency_ms) j["auth_latency_ms"] = *r.auth_latency_ms;
  if (r.clearing_date) j["clearing_date"] = formatDate(*r.clearing_date);
  if (r.settlement_date) j["settlement_date"] = formatDate(*r.settlement_date);
  putTime(j, "arrival_at", r.arrival_at);
  if (r.arrival_delay) j["arrival_delay_us"] = static_cast<std::int64_t>(r.arrival_delay->count());
  if (r.fee) j["fee"] = moneyText(*r.fee);
  if (r.net_amount) j["net_amount"] = moneyText(*r.net_amount);
  j["in_review"] = r.in_review;
  putTime(j, "hold_placed_at", r.hold_placed_at);
  putTime(j, "hold_released_at", r.hold_released_at);
  j["hold_release_reason"] = r.hold_release_reason;
  j["voided"] = r.voided;
  j["reversed"] = r.reversed;
  j["completed"] = r.completed;
  return j;
}

Result<TransactionRecord> recordFromJson(const Json& json) {
  if (!json.isObject()) return malformed("journal: a transaction record is not an object");
  Reader r(json);
  TransactionRecord t;
  t.id = r.integer("id");
  t.label = r.str("label");
  auto type = acquirer::transactionTypeByName(r.str("type"));
  if (!type) return malformed("journal: unknown transaction type '" + r.str("type") + "'");
  t.type = *type;
  t.original_id = r.optInteger("original_id");
  t.card = r.str("card");
  t.pan = r.str("pan");
  t.masked_pan = r.str("masked_pan");
  t.pan_sequence_number = r.str("psn");
  t.expiry_yymm = r.str("expiry");
  const std::string entry = r.str("entry");
  for (emv::EntryMode mode :
       {emv::EntryMode::kContact, emv::EntryMode::kContactless, emv::EntryMode::kMagstripe}) {
    if (entry == emv::entryModeName(mode)) t.entry = mode;
  }
  t.fallback = r.flag("fallback");
  if (auto m = r.money("amount")) t.amount = *m;
  if (auto m = r.money("refunded")) t.refunded = *m;
  t.approved = r.flag("approved");
  t.outcome = r.str("outcome");
  t.reason = r.str("reason");
  t.response_code = r.str("response_code");
  t.authorization_code = r.str("auth_code");
  t.stan = r.str("stan");
  t.rrn = r.str("rrn");
  t.batch_number = static_cast<std::uint32_t>(r.integer("batch"));
  t.invoice_number = static_cast<std::uint32_t>(r.integer("invoice"));
  t.cvm = r.str("cvm");
  t.tvr = r.str("tvr");
  t.tsi = r.str("tsi");
  t.aid = r.str("aid");
  t.application_label = r.str("label_app");
  t.cryptogram = r.str("cryptogram");
  t.cryptogram_hex = r.str("cryptogram_hex");
  t.atc = r.str("atc");
  t.went_online = r.flag("went_online");
  t.offline_approved = r.flag("offline_approved");
  t.advice_sent = r.flag("advice_sent");
  t.reversal_pending = r.flag("reversal_pending");
  t.reversal_sent = r.flag("reversal_sent");
  t.reversal_reason = r.str("reversal_reason");
  t.signature_required = r.flag("signature_required");
  t.available_balance = r.money("available_balance");
  t.ledger_balance = r.money("ledger_balance");
  t.batch_balanced = r.optFlag("batch_balanced");
  if (const Json* totals = r.raw("batch_totals"); totals != nullptr && totals->isObject()) {
    t.batch_totals = totalsFromJson(*totals);
  }
  if (auto s = r.time("started_at")) t.started_at = *s;
  t.card_done_at = r.time("card_done_at");
  t.authorized_at = r.time("authorized_at");
  t.captured_at = r.time("captured_at");
  if (const Json* v = r.raw("auth_latency_ms"); v != nullptr && v->isNumber()) {
    t.auth_latency_ms = v->asDouble();
  }
  t.clearing_date = r.date("clearing_date");
  t.settlement_date = r.date("settlement_date");
  t.arrival_at = r.time("arrival_at");
  if (auto us = r.optInteger("arrival_delay_us")) t.arrival_delay = Duration(*us);
  t.fee = r.money("fee");
  t.net_amount = r.money("net_amount");
  t.in_review = r.flag("in_review");
  t.hold_placed_at = r.time("hold_placed_at");
  t.hold_released_at = r.time("hold_released_at");
  t.hold_release_reason = r.str("hold_release_reason");
  t.voided = r.flag("voided");
  t.reversed = r.flag("reversed");
  t.completed = r.flag("completed");
  POSIM_RETURN_IF_ERROR(r.status());
  return t;
}

}  // namespace posim::terminal
