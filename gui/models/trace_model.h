// The trace of a session as a table (DESIGN.md §9, the trace dock): one row per core TraceEvent
// (APDUs, ISO 8583 messages, display prompts, receipts, state changes, notes) with the key of the
// transaction it belongs to (EventBridge::nextTransactionKey; 0: none).
//
// TraceModel only appends (beginInsertRows per batch, no resort), so thousands of events stream
// in without freezing the view; TraceFilterModel narrows it to one transaction, to kinds of
// event and to a search text. Summaries are the core's (PANs already masked by the producers);
// the hex the search looks at is the redacted hex of decoded_tree_model.h (PANs masked, PIN
// blocks never there).
#pragma once

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>
#include <QString>
#include <chrono>
#include <vector>

#include "posim/base/event_sink.h"

namespace posim::gui {

class TraceModel final : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column : int {
    kNumberColumn,       // "#": 1, 2, ... in arrival order
    kTimeColumn,         // virtual (scenario) time, HH:MM:SS.mmm in the UTC offset set
    kTransactionColumn,  // the transaction key ("" for 0)
    kKindColumn,         // traceKindName(): "apdu-command", "iso8583-request", ...
    kSourceColumn,       // "kernel", "acquirer:embedded", ...
    kSummaryColumn,      // the summary's first line (receipts: "merchant copy …")
    kColumnCount,
  };
  // Qt::UserRole + ...: the raw values behind the columns.
  enum Role : int {
    kTransactionKeyRole = Qt::UserRole + 1,  // int
    kKindRole,                               // int(TraceKind)
    kSearchTextRole,  // QString: the whole summary and the redacted hex, for searching
  };

  explicit TraceModel(QObject* parent = nullptr);

  // Appends one event at the end (one row insertion; views keep their position).
  void append(const TraceEvent& event, int transaction_key);
  // Appends many at once (one row insertion for all of them).
  void appendAll(const std::vector<TraceEvent>& events, int transaction_key);
  void clear();

  // REQUIRES: 0 <= row < rowCount().
  const TraceEvent& eventAt(int row) const;
  int keyAt(int row) const;
  int size() const { return static_cast<int>(rows_.size()); }

  // The offset the time column shows the virtual time in (the scenario's zone; default UTC).
  void setUtcOffset(std::chrono::minutes offset);
  std::chrono::minutes utcOffset() const { return utc_offset_; }

  // "10:00:01.250" for `at` in the model's UTC offset.
  QString formatTime(Instant at) const;

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  int columnCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;

 private:
  struct Row {
    TraceEvent event;
    int key = 0;
    QString search_text;  // lower-case summary + redacted hex, computed once
  };
  Row makeRow(const TraceEvent& event, int key) const;

  std::vector<Row> rows_;
  std::chrono::minutes utc_offset_{0};
};

// Filters a TraceModel (set it as the source model). Does not sort: rows stay in arrival order.
class TraceFilterModel final : public QSortFilterProxyModel {
  Q_OBJECT

 public:
  // The kinds shown, as flags.
  enum Kind : int {
    kApdu = 1,   // APDU commands and responses
    kIso = 2,    // ISO 8583 requests and responses
    kOther = 4,  // display, receipts, state changes, notes
    kAllKinds = kApdu | kIso | kOther,
  };

  explicit TraceFilterModel(QObject* parent = nullptr);

  // Only the events of transaction `key`; 0 shows every event.
  void setTransactionKey(int key);
  int transactionKey() const { return key_; }
  // A combination of Kind flags.
  void setKindsShown(int kinds);
  int kindsShown() const { return kinds_; }
  // Events whose summary or redacted hex contain `text`, case-insensitively (spaces in a hex
  // search are ignored for the hex: "9f 27" finds 9F27); empty shows all.
  void setSearchText(const QString& text);
  QString searchText() const { return search_; }

  // The Kind flag of a TraceKind.
  static Kind kindOf(TraceKind kind);

 protected:
  bool filterAcceptsRow(int source_row, const QModelIndex& source_parent) const override;

 private:
  int key_ = 0;
  int kinds_ = kAllKinds;
  QString search_;          // lower case
  QString search_compact_;  // lower case, without spaces (for the hex)
};

}  // namespace posim::gui
