#include "models/step_model.h"

#include <QBrush>
#include <QColor>
#include <QStringList>

#include "posim/acquirer/backend.h"

namespace posim::gui {
namespace {

QString fromStd(std::string_view text) {
  return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

QString detailOf(const scenarios::StepResult& result) {
  QStringList lines;
  if (!result.error.empty()) lines << fromStd(result.error);
  for (const std::string& failure : result.failures) lines << fromStd(failure);
  return lines.join(QLatin1Char('\n'));
}

StepModel::Status statusOf(const scenarios::StepResult& result) {
  if (result.skipped) return StepModel::Status::kSkipped;
  return result.passed ? StepModel::Status::kPassed : StepModel::Status::kFailed;
}

}  // namespace

StepModel::StepModel(QObject* parent) : QAbstractTableModel(parent) {}

QString StepModel::statusName(Status status) {
  switch (status) {
    case Status::kPending: return QStringLiteral("pending");
    case Status::kRunning: return QStringLiteral("running");
    case Status::kPassed: return QStringLiteral("passed");
    case Status::kFailed: return QStringLiteral("failed");
    case Status::kSkipped: return QStringLiteral("skipped");
  }
  return {};
}

void StepModel::setScenario(const scenarios::Scenario& scenario) {
  beginResetModel();
  rows_.clear();
  for (const scenarios::Step& step : scenario.steps) {
    Row row;
    row.id = fromStd(step.id);
    row.type = step.kind == scenarios::StepKind::kAdvance
                   ? QStringLiteral("advance")
                   : fromStd(acquirer::transactionTypeName(step.type));
    row.line = step.position.line;
    row.column = step.position.column;
    rows_.push_back(std::move(row));
  }
  if (scenario.load) {
    Row row;
    row.id = QStringLiteral("load");
    row.type = QStringLiteral("load");
    row.line = scenario.load->position.line;
    row.column = scenario.load->position.column;
    rows_.push_back(std::move(row));
  }
  endResetModel();
}

void StepModel::setRun(const scenarios::RunResult& run, const std::vector<int>& keys) {
  beginResetModel();
  rows_.clear();
  for (const scenarios::StepResult& result : run.steps) {
    Row row;
    row.id = fromStd(result.id);
    row.type = fromStd(result.type);
    row.line = result.position.line;
    row.column = result.position.column;
    row.status = statusOf(result);
    row.detail = detailOf(result);
    if (result.transaction && *result.transaction < run.transactions.size()) {
      const auto& record = run.transactions[*result.transaction].record;
      row.outcome = fromStd(record.outcome);
      row.response_code = fromStd(record.response_code);
      if (*result.transaction < keys.size()) row.key = keys[*result.transaction];
    }
    rows_.push_back(std::move(row));
  }
  endResetModel();
}

void StepModel::resetStatuses() {
  for (Row& row : rows_) {
    row.status = Status::kPending;
    row.outcome.clear();
    row.response_code.clear();
    row.detail.clear();
    row.key = 0;
  }
  if (!rows_.empty()) {
    emit dataChanged(index(0, 0), index(size() - 1, kColumnCount - 1));
  }
}

void StepModel::setRunning(int index) {
  if (index < 0 || index >= size()) return;
  rows_[static_cast<std::size_t>(index)].status = Status::kRunning;
  emitRowChanged(index);
}

void StepModel::setResult(int index, const scenarios::StepResult& result,
                          const scenarios::ReportedTransaction* transaction, int transaction_key) {
  if (index < 0 || index >= size()) return;
  Row& row = rows_[static_cast<std::size_t>(index)];
  row.status = statusOf(result);
  row.detail = detailOf(result);
  row.outcome = transaction != nullptr ? fromStd(transaction->record.outcome) : QString();
  row.response_code =
      transaction != nullptr ? fromStd(transaction->record.response_code) : QString();
  row.key = transaction != nullptr ? transaction_key : 0;
  emitRowChanged(index);
}

void StepModel::emitRowChanged(int row) {
  emit dataChanged(index(row, 0), index(row, kColumnCount - 1));
}

StepModel::Status StepModel::status(int row) const {
  return rows_.at(static_cast<std::size_t>(row)).status;
}
int StepModel::transactionKey(int row) const {
  return rows_.at(static_cast<std::size_t>(row)).key;
}
QString StepModel::detail(int row) const {
  return rows_.at(static_cast<std::size_t>(row)).detail;
}
QString StepModel::stepId(int row) const {
  return rows_.at(static_cast<std::size_t>(row)).id;
}

int StepModel::count(Status status) const {
  int n = 0;
  for (const Row& row : rows_) n += row.status == status ? 1 : 0;
  return n;
}

int StepModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : size();
}

int StepModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kColumnCount;
}

QVariant StepModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.parent().isValid() || index.row() >= size() ||
      index.column() >= kColumnCount) {
    return {};
  }
  const Row& row = rows_[static_cast<std::size_t>(index.row())];
  switch (role) {
    case Qt::DisplayRole:
      switch (index.column()) {
        case kIdColumn: return row.id;
        case kTypeColumn: return row.type;
        case kLineColumn: return row.line > 0 ? QVariant(row.line) : QVariant(QString());
        case kStatusColumn: return statusName(row.status);
        case kOutcomeColumn: return row.outcome;
        case kResponseColumn: return row.response_code;
        case kDetailColumn: return row.detail;
        default: return {};
      }
    case Qt::ToolTipRole: return row.detail.isEmpty() ? QVariant() : QVariant(row.detail);
    case Qt::ForegroundRole:
      if (index.column() != kStatusColumn) return {};
      switch (row.status) {
        case Status::kPassed: return QBrush(QColor(0x1b, 0x7f, 0x2a));
        case Status::kFailed: return QBrush(QColor(0xc0, 0x1c, 0x28));
        case Status::kRunning: return QBrush(QColor(0x1c, 0x71, 0xd8));
        default: return QBrush(QColor(0x77, 0x77, 0x77));
      }
    case kStatusRole: return static_cast<int>(row.status);
    case kTransactionKeyRole: return row.key;
    case kLineRole: return row.line;
    case kColumnRole: return row.column;
    default: return {};
  }
}

QVariant StepModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (role != Qt::DisplayRole) return {};
  if (orientation == Qt::Vertical) return section + 1;
  switch (section) {
    case kIdColumn: return tr("Step");
    case kTypeColumn: return tr("Type");
    case kLineColumn: return tr("Line");
    case kStatusColumn: return tr("Status");
    case kOutcomeColumn: return tr("Outcome");
    case kResponseColumn: return tr("RC");
    case kDetailColumn: return tr("Expected vs actual");
    default: return {};
  }
}

}  // namespace posim::gui
