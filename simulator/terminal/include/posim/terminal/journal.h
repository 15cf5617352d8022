// The terminal journal (DESIGN.md §2): an SQLite database in WAL mode that holds every
// transaction, the counters (STAN, batch, invoice), the open batch and the store-and-forward
// queue of pending reversals and advices.
//
// Every state change is committed before the action it allows: the engine writes a pending
// reversal ("armed") before it sends the request the reversal would undo, and only disarms it
// after it has handled the response. A process killed anywhere in between finds the reversal on
// the next open and sends it (DOMAIN.md §4.4).
//
// Durability: WAL with synchronous=NORMAL (the default) survives a killed process: a commit is
// in the WAL before the call returns; an operating system crash or power loss may lose the last
// commits. kPowerLoss uses synchronous=FULL (an fsync per commit) for that case.
//
// An in-memory journal (":memory:") is seen by no other connection: it also keeps the counters
// and which queued messages are open in memory (every change is still written), and reads
// neither back. It has no rollback journal (journal_mode=OFF): it dies with the process, and
// nothing here rolls back.
//
// Not thread-safe: one journal per terminal, used by one engine.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "posim/acquirer/backend.h"
#include "posim/base/status.h"
#include "posim/terminal/transaction.h"

namespace posim::terminal {

enum class Durability { kProcessCrash, kPowerLoss };

struct JournalOptions {
  Durability durability = Durability::kProcessCrash;
};

// A message waiting to be sent (store and forward).
struct PendingMessage {
  enum class Kind { kReversal, kAdvice };
  enum class State {
    kArmed,      // written before its original request went out; becomes kPending if the
                 // response is not handled
    kPending,    // to be sent at the next chance
    kDone,       // answered
    kCancelled,  // disarmed: the original completed normally
  };
  std::int64_t id = 0;
  Kind kind = Kind::kReversal;
  State state = State::kArmed;
  std::int64_t transaction_id = 0;  // the transaction it reverses or advises
  acquirer::Request request;        // ready to send (its own STAN); `repeat` set on resends
  int attempts = 0;
  std::string response_code;  // of the answer, once done
};
std::string_view pendingKindName(PendingMessage::Kind kind);
std::string_view pendingStateName(PendingMessage::State state);

class Journal {
 public:
  // Opens (creating if needed) the journal at `path`; ":memory:" for a journal that lives only
  // as long as the object. Errors: IoError naming the path and SQLite's message; Malformed when
  // the file is not a posim journal or has a newer schema.
  static Result<std::unique_ptr<Journal>> open(const std::string& path,
                                               JournalOptions options = {});
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  const std::string& path() const { return path_; }

  // Counters. nextStan: 000001..999999, then 000001 again (DOMAIN.md §4.3). Each call commits.
  Result<std::string> nextStan();
  Result<std::uint32_t> nextInvoice();  // 1..999999, wraps to 1
  Result<std::uint32_t> batchNumber();  // the open batch, from 1
  // Sets a counter as a terminal installation does ("stan", "invoice": the last number used;
  // "batch": the open batch). InvalidArgument for another name or a value outside 0..999999.
  Status setCounter(std::string_view name, std::int64_t value);
  // Closes the open batch and opens the next (wraps 999999 -> 1). Returns the new number.
  Result<std::uint32_t> closeBatch();

  // Transactions. insert() assigns record.id.
  Status insert(TransactionRecord& record);
  Status update(const TransactionRecord& record);
  Result<TransactionRecord> find(std::int64_t id) const;
  Result<std::vector<TransactionRecord>> transactions() const;  // by id
  Result<std::vector<TransactionRecord>> batchTransactions(std::uint32_t batch) const;

  // Store and forward.
  Status addPending(PendingMessage& message);  // assigns message.id
  Status updatePending(const PendingMessage& message);
  // Every message in kPending (and, when `include_armed`, kArmed) state, oldest first.
  Result<std::vector<PendingMessage>> pending(bool include_armed = false) const;
  Result<std::vector<PendingMessage>> allPending() const;  // every state, by id
  // Whether pending(include_armed) would return anything (without reading the messages).
  Result<bool> hasPending(bool include_armed = false) const;

  // The value of a PRAGMA on the journal's own connection ("journal_mode": "wal";
  // "synchronous": "1" NORMAL, "2" FULL): some are per connection, so no other connection can
  // read them. For diagnostics and tests. InvalidArgument for a name that is not a word.
  Result<std::string> pragma(std::string_view name) const;

  // Several changes as one commit: begin(); ...; commit(). Nested calls are counted.
  Status begin();
  Status commit();

 private:
  struct Db;
  Journal(std::string path, std::unique_ptr<Db> db);
  Result<std::int64_t> advanceCounter(const char* name);  // stan, invoice: 1..999999
  std::string path_;
  std::unique_ptr<Db> db_;
};

// The JSON form of a request in the queue (PAN in clear: the journal is the terminal's own
// storage).
Json requestToJson(const acquirer::Request& request);
// requestToJson(request).dump(), written directly (what the journal stores).
std::string requestJsonText(const acquirer::Request& request);
Result<acquirer::Request> requestFromJson(const Json& json);

}  // namespace posim::terminal
