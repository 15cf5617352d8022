// The trace dock (DESIGN.md §9): the APDU dialogue and the ISO 8583 messages of the selected
// transaction, each with its decoded tree (decoded_tree_model.h) and a hex dump, with a search,
// kind filters and Copy. PANs are masked everywhere (the summaries by the core, the tree by the
// core's describe helpers, the hex by redactedHex); PIN blocks and keys are never shown.
//
// Events arrive through addEvent() (connect EventBridge::eventReceived to it): one row insertion
// each, no resort, so thousands of events do not freeze the window. "Follow selected
// transaction" (a checkable action, on by default) makes showTransaction() narrow the table to
// that transaction; off, showTransaction() is ignored and every transaction shows.
//
// Child objectNames: traceSearch (QLineEdit), traceShowApdu / traceShowIso / traceShowOther
// (QCheckBox: kinds shown), traceFollow (QCheckBox: follow the selected transaction),
// traceTable (QTableView over the filter model), decodedTree (QTreeView over the
// DecodedTreeModel), hexView (read-only QPlainTextEdit: offset, hex, ASCII), traceCopy (QAction,
// Ctrl+C while the dock has focus), traceClear (QToolButton). The dock itself is "traceDock".
// Messages go out as statusMessage.
#pragma once

#include <QDockWidget>
#include <QString>

#include "posim/base/event_sink.h"

class QAction;
class QCheckBox;
class QLineEdit;
class QPlainTextEdit;
class QTableView;
class QTreeView;

namespace posim::gui {

class DecodedTreeModel;
class TraceFilterModel;
class TraceModel;

class TraceDock final : public QDockWidget {
  Q_OBJECT

 public:
  explicit TraceDock(QWidget* parent = nullptr);

  TraceModel* model() const { return model_; }
  TraceFilterModel* filterModel() const { return filter_; }
  DecodedTreeModel* decodedModel() const { return decoded_; }

  // Selects the shown row whose source row is `source_row` (false when it is filtered out);
  // selecting fills the tree and the hex view.
  bool selectSourceRow(int source_row);
  // The source row of the current event, or -1.
  int currentSourceRow() const;
  // What Copy puts on the clipboard for the current event: summary, hex dump, decoded tree
  // ("" when nothing is selected). PANs masked.
  QString selectionText() const;
  QString hexText() const;

 public slots:
  void addEvent(const posim::TraceEvent& event, int transaction_key);
  // Shows only the events of transaction `key` (0: all) while following is on.
  void showTransaction(int key);
  void clear();
  // Copies selectionText() to the clipboard.
  void copySelection();

 signals:
  void statusMessage(const QString& message);

 private:
  void updateKinds();
  void showCurrent();

  TraceModel* model_;
  TraceFilterModel* filter_;
  DecodedTreeModel* decoded_;
  QLineEdit* search_;
  QCheckBox* show_apdu_;
  QCheckBox* show_iso_;
  QCheckBox* show_other_;
  QCheckBox* follow_;
  QTableView* table_;
  QTreeView* tree_;
  QPlainTextEdit* hex_;
  QAction* copy_;
  int followed_key_ = 0;
};

}  // namespace posim::gui
