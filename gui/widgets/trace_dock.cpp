#include "widgets/trace_dock.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QSplitter>
#include <QTableView>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

#include "models/decoded_tree_model.h"
#include "models/trace_model.h"

namespace posim::gui {

TraceDock::TraceDock(QWidget* parent)
    : QDockWidget(tr("Trace"), parent),
      model_(new TraceModel(this)),
      filter_(new TraceFilterModel(this)),
      decoded_(new DecodedTreeModel(this)) {
  setObjectName(QStringLiteral("traceDock"));
  filter_->setSourceModel(model_);

  auto* body = new QWidget(this);
  auto* layout = new QVBoxLayout(body);
  layout->setContentsMargins(4, 4, 4, 4);

  auto* bar = new QHBoxLayout();
  search_ = new QLineEdit(body);
  search_->setObjectName(QStringLiteral("traceSearch"));
  search_->setPlaceholderText(tr("Search summaries and hex"));
  search_->setClearButtonEnabled(true);
  show_apdu_ = new QCheckBox(tr("APDU"), body);
  show_apdu_->setObjectName(QStringLiteral("traceShowApdu"));
  show_iso_ = new QCheckBox(tr("ISO 8583"), body);
  show_iso_->setObjectName(QStringLiteral("traceShowIso"));
  show_other_ = new QCheckBox(tr("Other"), body);
  show_other_->setObjectName(QStringLiteral("traceShowOther"));
  for (QCheckBox* box : {show_apdu_, show_iso_, show_other_}) box->setChecked(true);
  follow_ = new QCheckBox(tr("Follow selected transaction"), body);
  follow_->setObjectName(QStringLiteral("traceFollow"));
  follow_->setChecked(true);
  auto* clear_button = new QToolButton(body);
  clear_button->setObjectName(QStringLiteral("traceClear"));
  clear_button->setText(tr("Clear"));
  bar->addWidget(search_, 1);
  bar->addWidget(show_apdu_);
  bar->addWidget(show_iso_);
  bar->addWidget(show_other_);
  bar->addWidget(follow_);
  bar->addWidget(clear_button);
  layout->addLayout(bar);

  table_ = new QTableView(body);
  table_->setObjectName(QStringLiteral("traceTable"));
  table_->setModel(filter_);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->setWordWrap(false);
  table_->setAlternatingRowColors(true);
  table_->verticalHeader()->setVisible(false);
  // Fixed row heights and no resize-to-contents: appending stays cheap with thousands of rows.
  table_->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
  table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->setColumnWidth(TraceModel::kNumberColumn, 50);
  table_->setColumnWidth(TraceModel::kTimeColumn, 100);
  table_->setColumnWidth(TraceModel::kTransactionColumn, 40);
  table_->setColumnWidth(TraceModel::kKindColumn, 120);
  table_->setColumnWidth(TraceModel::kSourceColumn, 130);

  tree_ = new QTreeView(body);
  tree_->setObjectName(QStringLiteral("decodedTree"));
  tree_->setModel(decoded_);
  tree_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  tree_->setUniformRowHeights(true);
  tree_->setColumnWidth(DecodedTreeModel::kFieldColumn, 260);
  tree_->setColumnWidth(DecodedTreeModel::kValueColumn, 200);

  hex_ = new QPlainTextEdit(body);
  hex_->setObjectName(QStringLiteral("hexView"));
  hex_->setReadOnly(true);
  hex_->setLineWrapMode(QPlainTextEdit::NoWrap);
  hex_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  hex_->setPlaceholderText(tr("Select an event to see its bytes"));

  auto* details = new QSplitter(Qt::Horizontal, body);
  details->addWidget(tree_);
  details->addWidget(hex_);
  details->setStretchFactor(0, 3);
  details->setStretchFactor(1, 2);
  auto* split = new QSplitter(Qt::Vertical, body);
  split->addWidget(table_);
  split->addWidget(details);
  split->setStretchFactor(0, 1);
  split->setStretchFactor(1, 1);
  layout->addWidget(split, 1);
  setWidget(body);

  copy_ = new QAction(tr("Copy event"), this);
  copy_->setObjectName(QStringLiteral("traceCopy"));
  copy_->setShortcut(QKeySequence::Copy);
  copy_->setShortcutContext(Qt::WidgetWithChildrenShortcut);
  addAction(copy_);
  table_->addAction(copy_);
  tree_->addAction(copy_);
  table_->setContextMenuPolicy(Qt::ActionsContextMenu);
  tree_->setContextMenuPolicy(Qt::ActionsContextMenu);

  connect(copy_, &QAction::triggered, this, &TraceDock::copySelection);
  connect(search_, &QLineEdit::textChanged, filter_, &TraceFilterModel::setSearchText);
  for (QCheckBox* box : {show_apdu_, show_iso_, show_other_}) {
    connect(box, &QCheckBox::toggled, this, &TraceDock::updateKinds);
  }
  connect(follow_, &QCheckBox::toggled, this,
          [this](bool on) { filter_->setTransactionKey(on ? followed_key_ : 0); });
  connect(clear_button, &QToolButton::clicked, this, &TraceDock::clear);
  connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          &TraceDock::showCurrent);
  // A filter change may drop the current row: show what is current afterwards.
  connect(filter_, &QAbstractItemModel::layoutChanged, this, &TraceDock::showCurrent);
  connect(filter_, &QAbstractItemModel::rowsRemoved, this, &TraceDock::showCurrent);
  connect(filter_, &QAbstractItemModel::modelReset, this, &TraceDock::showCurrent);
}

void TraceDock::addEvent(const posim::TraceEvent& event, int transaction_key) {
  const QScrollBar* bar = table_->verticalScrollBar();
  const bool at_end = bar->value() == bar->maximum();
  model_->append(event, transaction_key);
  if (at_end && !table_->currentIndex().isValid()) table_->scrollToBottom();
}

void TraceDock::showTransaction(int key) {
  followed_key_ = key;
  if (follow_->isChecked()) filter_->setTransactionKey(key);
}

void TraceDock::clear() {
  model_->clear();
  decoded_->clearEvent();
  hex_->clear();
}

void TraceDock::updateKinds() {
  int kinds = 0;
  if (show_apdu_->isChecked()) kinds |= TraceFilterModel::kApdu;
  if (show_iso_->isChecked()) kinds |= TraceFilterModel::kIso;
  if (show_other_->isChecked()) kinds |= TraceFilterModel::kOther;
  filter_->setKindsShown(kinds);
}

bool TraceDock::selectSourceRow(int source_row) {
  if (source_row < 0 || source_row >= model_->size()) return false;
  const QModelIndex shown = filter_->mapFromSource(model_->index(source_row, 0));
  if (!shown.isValid()) return false;
  table_->selectionModel()->setCurrentIndex(
      shown, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
  table_->scrollTo(shown);
  return true;
}

int TraceDock::currentSourceRow() const {
  const QModelIndex current = table_->currentIndex();
  if (!current.isValid()) return -1;
  return filter_->mapToSource(current).row();
}

void TraceDock::showCurrent() {
  const int row = currentSourceRow();
  if (row < 0) {
    decoded_->clearEvent();
    hex_->clear();
    return;
  }
  const TraceEvent& event = model_->eventAt(row);
  decoded_->setEvent(event, apduContextFor(*model_, row));
  tree_->expandToDepth(1);
  hex_->setPlainText(hexDump(event));
}

QString TraceDock::hexText() const {
  return hex_->toPlainText();
}

QString TraceDock::selectionText() const {
  const int row = currentSourceRow();
  if (row < 0) return {};
  const TraceEvent& event = model_->eventAt(row);
  const auto kind = traceKindName(event.kind);
  QString out = QStringLiteral("#%1 %2 %3 %4\n")
                    .arg(row + 1)
                    .arg(model_->formatTime(event.at),
                         QString::fromUtf8(kind.data(), static_cast<qsizetype>(kind.size())),
                         QString::fromStdString(event.source));
  out += QString::fromStdString(event.summary) + QChar('\n');
  const QString hex = hexDump(event);
  if (!hex.isEmpty()) out += QChar('\n') + hex;
  out += QChar('\n') + decoded_->toText();
  return out;
}

void TraceDock::copySelection() {
  const QString text = selectionText();
  if (text.isEmpty()) {
    emit statusMessage(tr("Trace: select an event to copy"));
    return;
  }
  QApplication::clipboard()->setText(text);
  emit statusMessage(tr("Trace: event #%1 copied").arg(currentSourceRow() + 1));
}

}  // namespace posim::gui
