// The live transaction table (DESIGN.md §9): a filter line over a sortable table of the
// TransactionModel. The filter matches its text, case-insensitively, in any column (card,
// outcome, status, response code, ...); clicking a header sorts by that column, numerically for
// amounts and latencies (TransactionModel::kSortRole).
//
// Selecting a row emits transactionSelected(key) (0 when nothing is selected, also when the
// filter hides the selected row); selectKey() selects the row of a key from outside (the trace
// dock, a scenario step) without a feedback loop: it emits only when the selection changes.
//
// Child objectNames: transactionFilter (QLineEdit), transactionView (QTableView over the proxy),
// transactionProxy (QSortFilterProxyModel). The widget itself is "transactionTable".
#pragma once

#include <QWidget>

class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace posim::gui {

class TransactionModel;

class TransactionTable final : public QWidget {
  Q_OBJECT

 public:
  explicit TransactionTable(QWidget* parent = nullptr);

  TransactionModel* model() const { return model_; }
  QSortFilterProxyModel* proxy() const { return proxy_; }
  QTableView* view() const { return view_; }
  // The key of the selected row; 0 when none.
  int selectedKey() const;

 public slots:
  // Selects and shows the row of `key`; 0 (or a key not shown) clears the selection.
  void selectKey(int key);
  void setFilterText(const QString& text);

 signals:
  void transactionSelected(int key);

 private:
  void selectionMoved();
  void applyFilter(const QString& text);

  TransactionModel* model_;
  QSortFilterProxyModel* proxy_;
  QLineEdit* filter_;
  QTableView* view_;
  int selected_key_ = 0;
  bool filtering_ = false;
};

}  // namespace posim::gui
