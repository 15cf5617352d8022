#include "posim/terminal/journal.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include <sqlite3.h>

#include "posim/base/bytes.h"
#include "posim/base/crash_point.h"

#include "json_text.h"
#include "stored_money.h"

namespace posim::terminal {

namespace {

constexpr int kSchemaVersion = 1;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS transactions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  type TEXT NOT NULL,
  batch INTEGER NOT NULL,
  stan TEXT NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS transactions_batch ON transactions (batch);
CREATE TABLE IF NOT EXISTS pending (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  state TEXT NOT NULL,
  transaction_id INTEGER NOT NULL,
  request TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  response_code TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS pending_state ON pending (state);
)sql";

Result<Money> moneyFrom(const Json* j) {
  if (j == nullptr || !j->isString()) return malformed("journal: missing amount");
  return internal::parseStoredMoney(j->asString());
}

std::string str(const Json& j, std::string_view key) {
  const Json* v = j.find(key);
  return v != nullptr && v->isString() ? v->asString() : std::string();
}

}  // namespace

std::string_view pendingKindName(PendingMessage::Kind kind) {
  return kind == PendingMessage::Kind::kReversal ? "reversal" : "advice";
}

std::string_view pendingStateName(PendingMessage::State state) {
  switch (state) {
    case PendingMessage::State::kArmed: return "armed";
    case PendingMessage::State::kPending: return "pending";
    case PendingMessage::State::kDone: return "done";
    case PendingMessage::State::kCancelled: return "cancelled";
  }
  return "pending";
}

std::string requestJsonText(const acquirer::Request& r) {
  std::string out;
  out.reserve(1024);
  internal::JsonObjectText j(out);
  j.string("type", acquirer::transactionTypeName(r.type));
  j.boolean("advice", r.kind == acquirer::MessageKind::kAdvice);
  j.boolean("repeat", r.repeat);
  j.string("pan", r.pan.digits());
  j.string("psn", r.pan_sequence_number);
  j.string("track2", r.track2);
  j.string("expiry", r.expiry_yymm);
  j.string("pos_entry_mode", r.pos_entry_mode);
  j.string("pos_condition_code", r.pos_condition_code);
  j.string("icc_data", toHex(r.icc_data));
  j.money("amount", r.amount);
  if (r.other_amount) j.money("other_amount", *r.other_amount);
  j.string("stan", r.stan);
  j.time("transmitted_at", r.transmitted_at);
  j.string("terminal_id", r.terminal_id);
  j.string("merchant_id", r.merchant_id);
  j.string("mcc", r.merchant_category_code);
  j.integer("batch", static_cast<std::int64_t>(r.batch_number));
  if (r.original) {
    j.objectKey("original");
    internal::JsonObjectText o(out);
    o.string("type", acquirer::transactionTypeName(r.original->type));
    o.string("mti", r.original->mti);
    o.string("stan", r.original->stan);
    o.string("rrn", r.original->rrn);
    o.string("auth_code", r.original->authorization_code);
    o.time("transmitted_at", r.original->transmitted_at);
    o.money("amount", r.original->amount);
    o.close();
  }
  j.string("reversal_reason", r.reversal_reason);
  j.string("offline_auth_code", r.offline_authorization_code);
  // The PIN block is never stored: a reversal or advice does not carry one.
  j.close();
  return out;
}

Json requestToJson(const acquirer::Request& r) {
  // One serialiser: the tree is the parse of the text (requestToJson(r).dump() ==
  // requestJsonText(r)).
  Result<Json> json = Json::parse(requestJsonText(r));
  if (!json.isOk()) std::abort();  // requestJsonText only writes valid JSON
  return std::move(json).value();
}

Result<acquirer::Request> requestFromJson(const Json& j) {
  if (!j.isObject()) return malformed("journal: a queued request is not an object");
  acquirer::Request r;
  auto type = acquirer::transactionTypeByName(str(j, "type"));
  if (!type) return malformed("journal: unknown request type '" + str(j, "type") + "'");
  r.type = *type;
  if (const Json* v = j.find("advice"); v != nullptr && v->isBool() && v->asBool()) {
    r.kind = acquirer::MessageKind::kAdvice;
  }
  if (const Json* v = j.find("repeat"); v != nullptr && v->isBool()) r.repeat = v->asBool();
  r.pan = Pan(str(j, "pan"));
  r.pan_sequence_number = str(j, "psn");
  r.track2 = str(j, "track2");
  r.expiry_yymm = str(j, "expiry");
  r.pos_entry_mode = str(j, "pos_entry_mode");
  r.pos_condition_code = str(j, "pos_condition_code");
  POSIM_ASSIGN_OR_RETURN(r.icc_data, fromHex(str(j, "icc_data")));
  POSIM_ASSIGN_OR_RETURN(r.amount, moneyFrom(j.find("amount")));
  if (j.find("other_amount") != nullptr) {
    POSIM_ASSIGN_OR_RETURN(Money other, moneyFrom(j.find("other_amount")));
    r.other_amount = other;
  }
  r.stan = str(j, "stan");
  POSIM_ASSIGN_OR_RETURN(r.transmitted_at, parseIso8601(str(j, "transmitted_at")));
  r.terminal_id = str(j, "terminal_id");
  r.merchant_id = str(j, "merchant_id");
  r.merchant_category_code = str(j, "mcc");
  if (const Json* v = j.find("batch"); v != nullptr && v->isNumber()) {
    r.batch_number = static_cast<std::uint32_t>(v->asInt());
  }
  if (const Json* o = j.find("original"); o != nullptr && o->isObject()) {
    acquirer::OriginalData d;
    auto otype = acquirer::transactionTypeByName(str(*o, "type"));
    if (!otype) return malformed("journal: unknown original type");
    d.type = *otype;
    d.mti = str(*o, "mti");
    d.stan = str(*o, "stan");
    d.rrn = str(*o, "rrn");
    d.authorization_code = str(*o, "auth_code");
    POSIM_ASSIGN_OR_RETURN(d.transmitted_at, parseIso8601(str(*o, "transmitted_at")));
    POSIM_ASSIGN_OR_RETURN(d.amount, moneyFrom(o->find("amount")));
    r.original = std::move(d);
  }
  r.reversal_reason = str(j, "reversal_reason");
  r.offline_authorization_code = str(j, "offline_auth_code");
  return r;
}

// --- SQLite plumbing ---------------------------------------------------------------------------

namespace {

// Prepared statements, kept for the life of the connection (keyed by the SQL text's address:
// every statement is a string literal).
class StatementCache {
 public:
  explicit StatementCache(sqlite3*& db) : db_(db) {}
  ~StatementCache() { clear(); }
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;

  sqlite3* db() const { return db_; }
  // nullptr when the statement does not compile.
  sqlite3_stmt* get(const char* sql) {
    auto it = statements_.find(sql);
    if (it != statements_.end()) return it->second;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
      return nullptr;
    }
    statements_.emplace(sql, stmt);
    return stmt;
  }
  void clear() {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    statements_.clear();
  }

 private:
  sqlite3*& db_;
  std::map<const char*, sqlite3_stmt*> statements_;
};

}  // namespace

struct Journal::Db {
  sqlite3* db = nullptr;
  StatementCache cache{db};
  int depth = 0;  // nesting of begin()/commit()
  // An in-memory journal has no other connection, so nothing but this object changes its
  // counters: it keeps them here as well (written through) and reads no row to count. Key: the
  // counter's name; value: its stored value, nullopt when it has no row yet.
  bool sole_writer = false;
  std::map<std::string, std::optional<std::int64_t>, std::less<>> counters;
  // Likewise the ids of the queued messages in the armed and pending states (an in-memory
  // journal starts empty), so that hasPending() reads nothing.
  std::set<std::int64_t> armed_ids;
  std::set<std::int64_t> pending_ids;

  void track(const PendingMessage& message) {
    if (!sole_writer) return;
    armed_ids.erase(message.id);
    pending_ids.erase(message.id);
    if (message.state == PendingMessage::State::kArmed) armed_ids.insert(message.id);
    if (message.state == PendingMessage::State::kPending) pending_ids.insert(message.id);
  }

  ~Db() {
    cache.clear();
    if (db != nullptr) sqlite3_close(db);
  }

  Status error(std::string_view what) const {
    return ioError(std::string(what) + ": " + sqlite3_errmsg(db));
  }

  Status exec(const char* sql) const {
    char* message = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
      std::string text = message != nullptr ? message : "unknown error";
      sqlite3_free(message);
      return ioError(std::string("journal: ") + text);
    }
    return Status::ok();
  }
};

namespace {

// A cached prepared statement, reset for the next use on scope exit.
class Statement {
 public:
  Statement(StatementCache& cache, const char* sql) : db_(cache.db()), stmt_(cache.get(sql)) {}
  ~Statement() {
    if (stmt_ != nullptr) {
      sqlite3_reset(stmt_);
      sqlite3_clear_bindings(stmt_);
    }
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool ok() const { return stmt_ != nullptr; }
  Statement& bind(int index, std::int64_t value) {
    sqlite3_bind_int64(stmt_, index, value);
    return *this;
  }
  Statement& bind(int index, std::string_view text) {
    sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    return *this;
  }
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int step() { return sqlite3_step(stmt_); }
  std::int64_t integer(int column) const { return sqlite3_column_int64(stmt_, column); }
  std::string text(int column) const {
    const unsigned char* p = sqlite3_column_text(stmt_, column);
    return p != nullptr ? std::string(reinterpret_cast<const char*>(p)) : std::string();
  }
  Status failure(std::string_view what) const {
    return ioError("journal: " + std::string(what) + ": " + sqlite3_errmsg(db_));
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

Result<std::int64_t> counterNext(StatementCache& db, const char* name, std::int64_t first,
                                 std::int64_t last) {
  // The first use stores `first`, later ones count up and wrap after `last`. A read and a plain
  // write: one UPSERT ... RETURNING did the same but opened an ephemeral table on every call,
  // several times the cost of both. REQUIRES: a transaction (the Journal methods open one).
  std::optional<std::int64_t> current;
  {
    Statement read(db, "SELECT value FROM counters WHERE name = ?1");
    if (!read.ok()) return read.failure("counting");
    read.bind(1, std::string_view(name));
    const int rc = read.step();
    if (rc == SQLITE_ROW) {
      current = read.integer(0);
    } else if (rc != SQLITE_DONE) {
      return read.failure("counting");
    }
  }
  const std::int64_t next = !current || *current >= last ? first : *current + 1;
  Statement write(db, current ? "UPDATE counters SET value = ?2 WHERE name = ?1"
                              : "INSERT INTO counters (name, value) VALUES (?1, ?2)");
  if (!write.ok()) return write.failure("counting");
  write.bind(1, std::string_view(name)).bind(2, next);
  if (write.step() != SQLITE_DONE) return write.failure("counting");
  return next;
}

Result<std::int64_t> counterValue(StatementCache& db, const char* name, std::int64_t initial) {
  Statement read(db, "SELECT value FROM counters WHERE name = ?1");
  if (!read.ok()) return read.failure("reading a counter");
  read.bind(1, std::string_view(name));
  if (read.step() == SQLITE_ROW) return read.integer(0);
  return initial;
}

std::string pad6(std::int64_t v) {
  std::string s = std::to_string(v);
  return std::string(s.size() < 6 ? 6 - s.size() : 0, '0') + s;
}

Result<PendingMessage> pendingFromRow(const Statement& row) {
  PendingMessage m;
  m.id = row.integer(0);
  const std::string kind = row.text(1);
  m.kind = kind == "advice" ? PendingMessage::Kind::kAdvice : PendingMessage::Kind::kReversal;
  const std::string state = row.text(2);
  for (auto s : {PendingMessage::State::kArmed, PendingMessage::State::kPending,
                 PendingMessage::State::kDone, PendingMessage::State::kCancelled}) {
    if (state == pendingStateName(s)) m.state = s;
  }
  m.transaction_id = row.integer(3);
  POSIM_ASSIGN_OR_RETURN(Json request, Json::parse(row.text(4)));
  POSIM_ASSIGN_OR_RETURN(m.request, requestFromJson(request));
  m.attempts = static_cast<int>(row.integer(5));
  m.response_code = row.text(6);
  return m;
}

}  // namespace

Journal::Journal(std::string path, std::unique_ptr<Db> db)
    : path_(std::move(path)), db_(std::move(db)) {}

Journal::~Journal() = default;

Result<std::unique_ptr<Journal>> Journal::open(const std::string& path, JournalOptions options) {
  auto db = std::make_unique<Db>();
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db->db, flags, nullptr) != SQLITE_OK) {
    std::string message = db->db != nullptr ? sqlite3_errmsg(db->db) : "out of memory";
    return ioError("journal " + path + ": cannot open: " + message);
  }
  sqlite3_busy_timeout(db->db, 5000);
  const bool memory = path == ":memory:";
  if (!memory) {
    Status wal = db->exec("PRAGMA journal_mode=WAL");
    if (!wal.isOk()) return ioError("journal " + path + ": " + wal.message());
  } else {
    // An in-memory journal dies with the process, and the journal never rolls a transaction
    // back: the rollback journal (a copy of every page a transaction changes) has nothing to
    // protect there and costs a page copy per changed page per commit.
    POSIM_RETURN_IF_ERROR(db->exec("PRAGMA journal_mode=OFF"));
  }
  POSIM_RETURN_IF_ERROR(db->exec(options.durability == Durability::kPowerLoss
                                     ? "PRAGMA synchronous=FULL"
                                     : "PRAGMA synchronous=NORMAL"));
  Status schema = db->exec(kSchema);
  if (!schema.isOk()) {
    return malformed("journal " + path + ": not a posim journal (" + schema.message() + ")");
  }
  {
    Statement read(db->cache, "SELECT value FROM meta WHERE key = 'schema'");
    if (!read.ok()) return read.failure("reading the schema version");
    if (read.step() == SQLITE_ROW) {
      const std::string version = read.text(0);
      if (version != std::to_string(kSchemaVersion)) {
        return malformed("journal " + path + ": schema version " + version +
                         " is not the version this posim writes (" +
                         std::to_string(kSchemaVersion) + ")");
      }
    } else {
      Statement write(db->cache, "INSERT INTO meta (key, value) VALUES ('schema', ?1)");
      write.bind(1, std::string_view(std::to_string(kSchemaVersion)));
      if (write.step() != SQLITE_DONE) return write.failure("writing the schema version");
    }
  }
  db->sole_writer = memory;
  return std::unique_ptr<Journal>(new Journal(path, std::move(db)));
}

Result<std::string> Journal::pragma(std::string_view name) const {
  const bool word = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
  if (!word) return invalidArgument("journal: '" + std::string(name) + "' is not a PRAGMA name");
  // Not cached: the SQL is built, and this is read rarely.
  const std::string sql = "PRAGMA " + std::string(name);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_->db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    return db_->error("journal: " + sql);
  }
  std::string value;
  const int rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW) {
    const unsigned char* p = sqlite3_column_text(stmt, 0);
    if (p != nullptr) value = reinterpret_cast<const char*>(p);
  }
  sqlite3_finalize(stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return db_->error("journal: " + sql);
  return value;
}

Status Journal::begin() {
  if (db_->depth++ > 0) return Status::ok();
  Statement stmt(db_->cache, "BEGIN IMMEDIATE");
  if (!stmt.ok() || stmt.step() != SQLITE_DONE) {
    db_->depth = 0;
    return stmt.failure("beginning a transaction");
  }
  return Status::ok();
}

Status Journal::commit() {
  if (db_->depth == 0) return failedPrecondition("journal: commit() without begin()");
  if (--db_->depth > 0) return Status::ok();
  // Killed here, the whole transaction is gone; killed after, all of it is on disk.
  crashPoint("journal.before_commit");
  Statement stmt(db_->cache, "COMMIT");
  if (!stmt.ok() || stmt.step() != SQLITE_DONE) return stmt.failure("committing");
  crashPoint("journal.after_commit");
  return Status::ok();
}

Result<std::int64_t> Journal::advanceCounter(const char* name) {
  constexpr std::int64_t kFirst = 1;
  constexpr std::int64_t kLast = 999999;
  if (db_->sole_writer) {
    auto known = db_->counters.find(std::string_view(name));
    if (known != db_->counters.end() && known->second.has_value()) {
      const std::int64_t next = *known->second >= kLast ? kFirst : *known->second + 1;
      Statement write(db_->cache, "UPDATE counters SET value = ?2 WHERE name = ?1");
      if (!write.ok()) return write.failure("counting");
      write.bind(1, std::string_view(name)).bind(2, next);
      if (write.step() != SQLITE_DONE) return write.failure("counting");
      known->second = next;
      return next;
    }
  }
  // Read and write in one transaction (a no-op nesting level inside the caller's).
  POSIM_RETURN_IF_ERROR(begin());
  Result<std::int64_t> v = counterNext(db_->cache, name, kFirst, kLast);
  Status committed = commit();
  if (!v.isOk()) return v;
  POSIM_RETURN_IF_ERROR(committed);
  if (db_->sole_writer) db_->counters.insert_or_assign(std::string(name), *v);
  return v;
}

Result<std::string> Journal::nextStan() {
  POSIM_ASSIGN_OR_RETURN(std::int64_t v, advanceCounter("stan"));
  return pad6(v);
}

Result<std::uint32_t> Journal::nextInvoice() {
  POSIM_ASSIGN_OR_RETURN(std::int64_t v, advanceCounter("invoice"));
  return static_cast<std::uint32_t>(v);
}

Result<std::uint32_t> Journal::batchNumber() {
  constexpr std::int64_t kInitial = 1;
  if (db_->sole_writer) {
    auto known = db_->counters.find(std::string_view("batch"));
    if (known != db_->counters.end()) {
      return static_cast<std::uint32_t>(known->second.value_or(kInitial));
    }
    // Learn whether the row exists, then answer from memory from now on.
    Statement read(db_->cache, "SELECT value FROM counters WHERE name = 'batch'");
    if (!read.ok()) return read.failure("reading a counter");
    const int rc = read.step();
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return read.failure("reading a counter");
    std::optional<std::int64_t> stored;
    if (rc == SQLITE_ROW) stored = read.integer(0);
    db_->counters.insert_or_assign("batch", stored);
    return static_cast<std::uint32_t>(stored.value_or(kInitial));
  }
  POSIM_ASSIGN_OR_RETURN(std::int64_t v, counterValue(db_->cache, "batch", kInitial));
  return static_cast<std::uint32_t>(v);
}

Status Journal::setCounter(std::string_view name, std::int64_t value) {
  if (name != "stan" && name != "invoice" && name != "batch") {
    return invalidArgument("journal: no counter '" + std::string(name) +
                           "' (counters: stan, invoice, batch)");
  }
  if (value < 0 || value > 999999 || (name == "batch" && value == 0)) {
    return invalidArgument("journal: counter " + std::string(name) + " value " +
                           std::to_string(value) + " is outside 0..999999");
  }
  Statement write(db_->cache, "INSERT OR REPLACE INTO counters (name, value) VALUES (?1, ?2)");
  if (!write.ok()) return write.failure("setting a counter");
  write.bind(1, name).bind(2, value);
  if (write.step() != SQLITE_DONE) return write.failure("setting a counter");
  if (db_->sole_writer) db_->counters.insert_or_assign(std::string(name), value);
  return Status::ok();
}

Result<std::uint32_t> Journal::closeBatch() {
  POSIM_ASSIGN_OR_RETURN(std::int64_t current, counterValue(db_->cache, "batch", 1));
  std::int64_t next = current + 1;
  if (next > 999999) next = 1;
  Statement write(db_->cache, "INSERT OR REPLACE INTO counters (name, value) VALUES ('batch', ?1)");
  write.bind(1, next);
  if (write.step() != SQLITE_DONE) return write.failure("closing the batch");
  if (db_->sole_writer) db_->counters.insert_or_assign("batch", next);
  return static_cast<std::uint32_t>(next);
}

Status Journal::insert(TransactionRecord& record) {
  // The row id is the record's id (the stored JSON carries it only from the first update on).
  Statement stmt(db_->cache,
                 "INSERT INTO transactions (type, batch, stan, record) VALUES (?1, ?2, ?3, ?4)");
  if (!stmt.ok()) return stmt.failure("inserting a transaction");
  const std::string json = recordJsonText(record);
  stmt.bind(1, acquirer::transactionTypeName(record.type))
      .bind(2, static_cast<std::int64_t>(record.batch_number))
      .bind(3, std::string_view(record.stan))
      .bind(4, std::string_view(json));
  if (stmt.step() != SQLITE_DONE) return stmt.failure("inserting a transaction");
  record.id = sqlite3_last_insert_rowid(db_->db);
  return Status::ok();
}

Status Journal::update(const TransactionRecord& record) {
  Statement stmt(db_->cache,
                 "UPDATE transactions SET type = ?1, batch = ?2, stan = ?3, record = ?4 "
                 "WHERE id = ?5");
  if (!stmt.ok()) return stmt.failure("updating a transaction");
  const std::string json = recordJsonText(record);
  stmt.bind(1, acquirer::transactionTypeName(record.type))
      .bind(2, static_cast<std::int64_t>(record.batch_number))
      .bind(3, std::string_view(record.stan))
      .bind(4, std::string_view(json))
      .bind(5, record.id);
  if (stmt.step() != SQLITE_DONE) return stmt.failure("updating a transaction");
  if (sqlite3_changes(db_->db) != 1) {
    return notFound("journal: no transaction " + std::to_string(record.id));
  }
  return Status::ok();
}

namespace {

Result<std::vector<TransactionRecord>> readRecords(Statement& stmt) {
  std::vector<TransactionRecord> out;
  int rc = 0;
  while ((rc = stmt.step()) == SQLITE_ROW) {
    POSIM_ASSIGN_OR_RETURN(Json json, Json::parse(stmt.text(1)));
    POSIM_ASSIGN_OR_RETURN(TransactionRecord record, recordFromJson(json));
    record.id = stmt.integer(0);
    out.push_back(std::move(record));
  }
  if (rc != SQLITE_DONE) return stmt.failure("reading transactions");
  return out;
}

}  // namespace

Result<TransactionRecord> Journal::find(std::int64_t id) const {
  Statement stmt(db_->cache, "SELECT id, record FROM transactions WHERE id = ?1");
  if (!stmt.ok()) return stmt.failure("reading a transaction");
  stmt.bind(1, id);
  POSIM_ASSIGN_OR_RETURN(std::vector<TransactionRecord> records, readRecords(stmt));
  if (records.empty()) return notFound("journal: no transaction " + std::to_string(id));
  return std::move(records.front());
}

Result<std::vector<TransactionRecord>> Journal::transactions() const {
  Statement stmt(db_->cache, "SELECT id, record FROM transactions ORDER BY id");
  if (!stmt.ok()) return stmt.failure("reading transactions");
  return readRecords(stmt);
}

Result<std::vector<TransactionRecord>> Journal::batchTransactions(std::uint32_t batch) const {
  Statement stmt(db_->cache, "SELECT id, record FROM transactions WHERE batch = ?1 ORDER BY id");
  if (!stmt.ok()) return stmt.failure("reading transactions");
  stmt.bind(1, static_cast<std::int64_t>(batch));
  return readRecords(stmt);
}

Status Journal::addPending(PendingMessage& message) {
  Statement stmt(db_->cache,
                 "INSERT INTO pending (kind, state, transaction_id, request, attempts, "
                 "response_code) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!stmt.ok()) return stmt.failure("queueing a message");
  const std::string request = requestJsonText(message.request);
  stmt.bind(1, pendingKindName(message.kind))
      .bind(2, pendingStateName(message.state))
      .bind(3, message.transaction_id)
      .bind(4, std::string_view(request))
      .bind(5, static_cast<std::int64_t>(message.attempts))
      .bind(6, std::string_view(message.response_code));
  if (stmt.step() != SQLITE_DONE) return stmt.failure("queueing a message");
  message.id = sqlite3_last_insert_rowid(db_->db);
  db_->track(message);
  return Status::ok();
}

Status Journal::updatePending(const PendingMessage& message) {
  Statement stmt(db_->cache,
                 "UPDATE pending SET state = ?1, request = ?2, attempts = ?3, response_code = ?4 "
                 "WHERE id = ?5");
  if (!stmt.ok()) return stmt.failure("updating a queued message");
  const std::string request = requestJsonText(message.request);
  stmt.bind(1, pendingStateName(message.state))
      .bind(2, std::string_view(request))
      .bind(3, static_cast<std::int64_t>(message.attempts))
      .bind(4, std::string_view(message.response_code))
      .bind(5, message.id);
  if (stmt.step() != SQLITE_DONE) return stmt.failure("updating a queued message");
  if (sqlite3_changes(db_->db) != 1) {
    return notFound("journal: no queued message " + std::to_string(message.id));
  }
  db_->track(message);
  return Status::ok();
}

namespace {

Result<std::vector<PendingMessage>> readPending(Statement& stmt) {
  std::vector<PendingMessage> out;
  int rc = 0;
  while ((rc = stmt.step()) == SQLITE_ROW) {
    POSIM_ASSIGN_OR_RETURN(PendingMessage m, pendingFromRow(stmt));
    out.push_back(std::move(m));
  }
  if (rc != SQLITE_DONE) return stmt.failure("reading the queue");
  return out;
}

}  // namespace

Result<std::vector<PendingMessage>> Journal::pending(bool include_armed) const {
  Statement stmt(db_->cache,
                 include_armed ? "SELECT id, kind, state, transaction_id, request, attempts, "
                                 "response_code FROM pending WHERE state IN ('pending', 'armed') "
                                 "ORDER BY id"
                               : "SELECT id, kind, state, transaction_id, request, attempts, "
                                 "response_code FROM pending WHERE state = 'pending' ORDER BY id");
  if (!stmt.ok()) return stmt.failure("reading the queue");
  return readPending(stmt);
}

Result<bool> Journal::hasPending(bool include_armed) const {
  if (db_->sole_writer) {
    return !db_->pending_ids.empty() || (include_armed && !db_->armed_ids.empty());
  }
  // One equality look-up per state: an IN list would build an ephemeral table on every call.
  for (const char* state : {"pending", "armed"}) {
    if (!include_armed && std::string_view(state) == "armed") break;
    Statement stmt(db_->cache, "SELECT 1 FROM pending WHERE state = ?1 LIMIT 1");
    if (!stmt.ok()) return stmt.failure("reading the queue");
    stmt.bind(1, std::string_view(state));
    const int rc = stmt.step();
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) return stmt.failure("reading the queue");
  }
  return false;
}

Result<std::vector<PendingMessage>> Journal::allPending() const {
  Statement stmt(db_->cache,
                 "SELECT id, kind, state, transaction_id, request, attempts, response_code "
                 "FROM pending ORDER BY id");
  if (!stmt.ok()) return stmt.failure("reading the queue");
  return readPending(stmt);
}

}  // namespace posim::terminal
