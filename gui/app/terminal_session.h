// The faceplate's terminal: a LiveTerminal on a worker thread, operated through GuiDevices.
// TerminalSession lives on the UI thread; every call returns at once and the answer comes back
// as a signal. It runs the same engine, kernel, backend and reports as `posim run`.
//
//   session.configure(choice, "embedded", 1);     // -> configured(cards) or failed(message)
//   session.start({.type = kSale, .amount = "12.00"});
//   session.devices()->presentCard("visa-credit", emv::EntryMode::kContactless);
//   ... transactionReported(key, "manual", t) ... transactionFinished(t)
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QThread>
#include <chrono>
#include <memory>
#include <optional>

#include "posim/scenarios/live_terminal.h"

#include "app/event_bridge.h"
#include "app/gui_devices.h"
#include "app/metatypes.h"

namespace posim::gui {

struct TransactionSpec {
  acquirer::TransactionType type = acquirer::TransactionType::kSale;
  QString amount;  // "12.00" in the session's currency; empty: none
  QString card;    // for the record; the card itself comes through the reader
  std::optional<std::int64_t> original_id;  // journal id (completion, cancel, refund)
  bool force_online = false;
};

class TerminalSession final : public QObject {
  Q_OBJECT

 public:
  explicit TerminalSession(QObject* parent = nullptr);
  ~TerminalSession() override;

  GuiDevices* devices() { return &devices_; }
  EventBridge* events() { return &events_; }

  // Builds a new terminal (the previous session's transactions are dropped). Asynchronous.
  void configure(const scenarios::WorkbenchChoice& choice, const QString& backend_url,
                 quint64 seed);
  // Runs one transaction; ignored (with failed()) while another runs or before configured().
  void start(const TransactionSpec& spec);
  // Moves the terminal's virtual clock on (to watch money arrive); statuses are re-read.
  void advance(std::chrono::minutes by);

  bool ready() const { return ready_; }
  bool busy() const { return busy_; }
  QStringList cards() const { return cards_; }
  QString currencyCode() const { return currency_; }
  // The session so far as a run (for the metrics view and the exports) and its scenario.
  const scenarios::RunResult& run() const { return run_; }
  std::shared_ptr<const scenarios::Scenario> scenario() const { return scenario_; }
  // The approved transactions a completion, cancel or refund can refer to.
  const std::vector<scenarios::ReportedTransaction>& transactions() const {
    return run_.transactions;
  }

 signals:
  void configured(const QStringList& cards);
  void failed(const QString& message);
  void busyChanged(bool busy);
  // Every transaction of the session whenever its row may have changed (same key: same row).
  void transactionReported(int key, const QString& source,
                           const posim::scenarios::ReportedTransaction& transaction);
  void transactionFinished(const posim::scenarios::ReportedTransaction& transaction);
  void sessionChanged();
  void clockChanged(const QString& virtual_time);

 private:
  struct Worker;  // lives on thread_

  void setBusy(bool busy);
  void publish(scenarios::RunResult run, std::vector<int> keys, QString clock);

  GuiDevices devices_;
  EventBridge events_;
  QThread thread_;
  QObject* context_ = nullptr;  // on thread_: queued calls run there
  std::shared_ptr<Worker> worker_;
  bool ready_ = false;
  bool busy_ = false;
  QStringList cards_;
  QString currency_;
  scenarios::RunResult run_;
  std::shared_ptr<const scenarios::Scenario> scenario_;
};

}  // namespace posim::gui
