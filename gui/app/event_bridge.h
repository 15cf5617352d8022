// The bridge between the core's EventSink and the UI thread. The core calls onEvent() on the
// worker thread that runs it; eventReceived is emitted there and, connected with the default
// (auto) connection to an object of the UI thread, delivered queued. The UI never blocks on
// the core, and the core never knows who listens (DESIGN.md §1).
#pragma once

#include <QObject>
#include <atomic>

#include "posim/base/event_sink.h"

#include "app/metatypes.h"

namespace posim::gui {

class EventBridge final : public QObject, public EventSink {
  Q_OBJECT

 public:
  explicit EventBridge(QObject* parent = nullptr) : QObject(parent) {}

  // A new transaction key, unique in this process (1, 2, ...). Workers take one before each
  // transaction they run; the transaction table and the trace dock meet on it.
  static int nextTransactionKey();

  // Events from now on belong to transaction `key` (0: to none). Called by the producer's
  // thread before the transaction starts.
  void setTransactionKey(int key) { key_.store(key); }
  int transactionKey() const { return key_.load(); }

  // Thread-safe; may be called from any thread.
  void onEvent(const TraceEvent& event) override { emit eventReceived(event, key_.load()); }

 signals:
  void eventReceived(const posim::TraceEvent& event, int transaction_key);

 private:
  std::atomic<int> key_{0};
};

}  // namespace posim::gui
