#include "widgets/transaction_table.h"

#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>
#include <utility>

#include "models/transaction_model.h"

namespace posim::gui {

TransactionTable::TransactionTable(QWidget* parent)
    : QWidget(parent),
      model_(new TransactionModel(this)),
      proxy_(new QSortFilterProxyModel(this)),
      filter_(new QLineEdit(this)),
      view_(new QTableView(this)) {
  setObjectName(QStringLiteral("transactionTable"));
  proxy_->setObjectName(QStringLiteral("transactionProxy"));
  proxy_->setSourceModel(model_);
  proxy_->setFilterKeyColumn(-1);  // any column
  proxy_->setFilterCaseSensitivity(Qt::CaseInsensitive);
  proxy_->setSortRole(TransactionModel::kSortRole);
  proxy_->setDynamicSortFilter(true);

  filter_->setObjectName(QStringLiteral("transactionFilter"));
  filter_->setPlaceholderText(tr("Filter: card, outcome, status, response code…"));
  filter_->setClearButtonEnabled(true);
  connect(filter_, &QLineEdit::textChanged, this, &TransactionTable::applyFilter);

  view_->setObjectName(QStringLiteral("transactionView"));
  view_->setModel(proxy_);
  view_->setSortingEnabled(true);
  view_->sortByColumn(-1, Qt::AscendingOrder);  // arrival order until a header is clicked
  view_->setSelectionBehavior(QAbstractItemView::SelectRows);
  view_->setSelectionMode(QAbstractItemView::SingleSelection);
  view_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  view_->setAlternatingRowColors(true);
  view_->verticalHeader()->setVisible(false);
  // One line per transaction, fixed height: thousands of rows stay cheap to append and scroll.
  view_->setWordWrap(false);
  view_->setTextElideMode(Qt::ElideMiddle);
  const std::pair<int, int> widths[] = {
      {TransactionModel::kSource, 150},  {TransactionModel::kId, 120},
      {TransactionModel::kType, 80},     {TransactionModel::kAmount, 100},
      {TransactionModel::kCard, 230},    {TransactionModel::kEntry, 90},
      {TransactionModel::kOutcome, 150}, {TransactionModel::kResponseCode, 40},
      {TransactionModel::kCvm, 90},      {TransactionModel::kLatency, 80},
      {TransactionModel::kArrival, 200}};
  for (const auto& [column, width] : widths) view_->setColumnWidth(column, width);
  view_->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
  view_->verticalHeader()->setDefaultSectionSize(view_->fontMetrics().height() + 6);
  view_->horizontalHeader()->setStretchLastSection(true);
  connect(view_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
          &TransactionTable::selectionMoved);
  // A filter or a reset can drop the selected row without a selectionChanged for it.
  connect(proxy_, &QAbstractItemModel::rowsRemoved, this, &TransactionTable::selectionMoved);
  connect(proxy_, &QAbstractItemModel::modelReset, this, &TransactionTable::selectionMoved);
  connect(proxy_, &QAbstractItemModel::layoutChanged, this, &TransactionTable::selectionMoved);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(filter_);
  layout->addWidget(view_);
}

int TransactionTable::selectedKey() const {
  const QModelIndexList rows = view_->selectionModel()->selectedRows();
  if (rows.isEmpty()) return 0;
  return rows.front().data(TransactionModel::kKeyRole).toInt();
}

void TransactionTable::selectKey(int key) {
  const int row = key == 0 ? -1 : model_->rowOfKey(key);
  const QModelIndex shown = row < 0 ? QModelIndex() : proxy_->mapFromSource(model_->index(row, 0));
  if (!shown.isValid()) {
    view_->selectionModel()->clearSelection();
    return;
  }
  view_->selectionModel()->setCurrentIndex(
      shown, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
  view_->scrollTo(shown);
}

void TransactionTable::setFilterText(const QString& text) {
  filter_->setText(text);
}

void TransactionTable::applyFilter(const QString& text) {
  // The view moves the selection to a neighbour when the selected row is filtered out; a
  // selection the person did not make is dropped instead.
  const int before = selected_key_;
  filtering_ = true;
  proxy_->setFilterFixedString(text);
  filtering_ = false;
  if (selectedKey() != before) view_->selectionModel()->clear();
  selectionMoved();
}

void TransactionTable::selectionMoved() {
  if (filtering_) return;
  const int key = selectedKey();
  if (key == selected_key_) return;
  selected_key_ = key;
  emit transactionSelected(key);
}

}  // namespace posim::gui
