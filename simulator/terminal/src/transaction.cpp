#include "posim/terminal/transaction.h"

#include <charconv>
#include <cstdlib>

#include "posim/base/bytes.h"

#include "json_text.h"
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

// Reads the fields of one JSON object, remembering the first problem. Members are looked up
// from where the previous one was found: the readers below ask for them in the order the writer
// wrote them, so a look-up is one comparison instead of a scan of the object. (Records are
// written by recordJsonText, which never repeats a member.)
class Reader {
 public:
  explicit Reader(const Json& json) : json_(json) {}

  const Json* find(std::string_view key) {
    if (!json_.isObject()) return nullptr;
    const Json::Object& members = json_.asObject();
    const std::size_t n = members.size();
    for (std::size_t k = 0; k < n; ++k) {
      const std::size_t i = (next_ + k) % n;
      if (members[i].first == key) {
        next_ = i + 1;
        return &members[i].second;
      }
    }
    return nullptr;
  }

  std::string str(std::string_view key) {
    const Json* v = find(key);
    return v != nullptr && v->isString() ? v->asString() : std::string();
  }
  bool flag(std::string_view key) {
    const Json* v = find(key);
    return v != nullptr && v->isBool() && v->asBool();
  }
  std::int64_t integer(std::string_view key) {
    const Json* v = find(key);
    return v != nullptr && v->isNumber() ? v->asInt() : 0;
  }
  std::optional<std::int64_t> optInteger(std::string_view key) {
    const Json* v = find(key);
    if (v == nullptr || !v->isNumber()) return std::nullopt;
    return v->asInt();
  }
  std::optional<bool> optFlag(std::string_view key) {
    const Json* v = find(key);
    if (v == nullptr || !v->isBool()) return std::nullopt;
    return v->asBool();
  }
  std::optional<Money> money(std::string_view key) {
    const Json* v = find(key);
    if (v == nullptr || !v->isString()) return std::nullopt;
    auto m = parseStoredMoney(v->asString());
    if (!m.isOk()) return fail(m.status()), std::nullopt;
    return *m;
  }
  std::optional<LocalDateTime> time(std::string_view key) {
    const Json* v = find(key);
    if (v == nullptr || !v->isString()) return std::nullopt;
    auto t = parseIso8601(v->asString());
    if (!t.isOk()) return fail(t.status()), std::nullopt;
    return *t;
  }
  std::optional<Date> date(std::string_view key) {
    const Json* v = find(key);
    if (v == nullptr || !v->isString()) return std::nullopt;
    auto d = parseDate(v->asString());
    if (!d.isOk()) return fail(d.status()), std::nullopt;
    return *d;
  }
  const Json* raw(std::string_view key) { return find(key); }
  void fail(const Status& s) {
    if (status_.isOk()) status_ = s;
  }
  const Status& status() const { return status_; }

 private:
  const Json& json_;
  std::size_t next_ = 0;  // where the next look-up starts
  Status status_;
};

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

std::string recordJsonText(const TransactionRecord& r) {
  std::string out;
  out.reserve(1536);
  internal::JsonObjectText j(out);
  const auto time = [&j](std::string_view key, const std::optional<LocalDateTime>& t) {
    if (t) j.time(key, *t);
  };
  j.integer("id", r.id);
  j.string("label", r.label);
  j.string("type", acquirer::transactionTypeName(r.type));
  if (r.original_id) j.integer("original_id", *r.original_id);
  j.string("card", r.card);
  j.string("pan", r.pan.digits());
  j.string("masked_pan", r.masked_pan);
  j.string("psn", r.pan_sequence_number);
  j.string("expiry", r.expiry_yymm);
  if (r.entry) j.string("entry", emv::entryModeName(*r.entry));
  j.boolean("fallback", r.fallback);
  j.money("amount", r.amount);
  j.money("refunded", r.refunded);
  j.boolean("approved", r.approved);
  j.string("outcome", r.outcome);
  j.string("reason", r.reason);
  j.string("response_code", r.response_code);
  j.string("auth_code", r.authorization_code);
  j.string("stan", r.stan);
  j.string("rrn", r.rrn);
  j.integer("batch", static_cast<std::int64_t>(r.batch_number));
  j.integer("invoice", static_cast<std::int64_t>(r.invoice_number));
  j.string("cvm", r.cvm);
  j.string("tvr", r.tvr);
  j.string("tsi", r.tsi);
  j.string("aid", r.aid);
  j.string("label_app", r.application_label);
  j.string("cryptogram", r.cryptogram);
  j.string("cryptogram_hex", r.cryptogram_hex);
  j.string("atc", r.atc);
  j.boolean("went_online", r.went_online);
  j.boolean("offline_approved", r.offline_approved);
  j.boolean("advice_sent", r.advice_sent);
  j.boolean("reversal_pending", r.reversal_pending);
  j.boolean("reversal_sent", r.reversal_sent);
  j.string("reversal_reason", r.reversal_reason);
  j.boolean("signature_required", r.signature_required);
  if (r.available_balance) j.money("available_balance", *r.available_balance);
  if (r.ledger_balance) j.money("ledger_balance", *r.ledger_balance);
  if (r.batch_balanced) j.boolean("batch_balanced", *r.batch_balanced);
  if (r.batch_totals) {
    const acquirer::BatchTotals& t = *r.batch_totals;
    j.objectKey("batch_totals");
    internal::JsonObjectText totals(out);
    totals.integer("debit_count", static_cast<std::int64_t>(t.debit_count));
    totals.integer("debit_amount", t.debit_amount);
    totals.integer("credit_count", static_cast<std::int64_t>(t.credit_count));
    totals.integer("credit_amount", t.credit_amount);
    totals.integer("cancel_count", static_cast<std::int64_t>(t.cancel_count));
    totals.integer("cancel_amount", t.cancel_amount);
    totals.close();
  }
  time("started_at", r.started_at);
  time("card_done_at", r.card_done_at);
  time("authorized_at", r.authorized_at);
  time("captured_at", r.captured_at);
  if (r.auth_latency_ms) j.number("auth_latency_ms", *r.auth_latency_ms);
  if (r.clearing_date) j.date("clearing_date", *r.clearing_date);
  if (r.settlement_date) j.date("settlement_date", *r.settlement_date);
  time("arrival_at", r.arrival_at);
  if (r.arrival_delay) {
    j.integer("arrival_delay_us", static_cast<std::int64_t>(r.arrival_delay->count()));
  }
  if (r.fee) j.money("fee", *r.fee);
  if (r.net_amount) j.money("net_amount", *r.net_amount);
  j.boolean("in_review", r.in_review);
  time("hold_placed_at", r.hold_placed_at);
  time("hold_released_at", r.hold_released_at);
  j.string("hold_release_reason", r.hold_release_reason);
  j.boolean("voided", r.voided);
  j.boolean("reversed", r.reversed);
  j.boolean("completed", r.completed);
  j.close();
  return out;
}

Json recordToJson(const TransactionRecord& r) {
  // One serialiser: the tree is the parse of the text (numbers keep their text, so
  // recordToJson(r).dump() == recordJsonText(r)).
  Result<Json> json = Json::parse(recordJsonText(r));
  if (!json.isOk()) std::abort();  // the writer above only writes valid JSON
  return std::move(json).value();
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
  t.pan = Pan(r.str("pan"));
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
