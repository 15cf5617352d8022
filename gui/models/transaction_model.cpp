#include "models/transaction_model.h"

#include <string_view>

#include "posim/base/clock.h"

namespace posim::gui {
namespace {

QString qs(std::string_view text) {
  return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

QString latencyText(const terminal::TransactionRecord& record) {
  if (!record.auth_latency_ms) return {};
  return QString::number(*record.auth_latency_ms, 'f', 1);
}

}  // namespace

TransactionModel::TransactionModel(QObject* parent) : QAbstractTableModel(parent) {}

int TransactionModel::rowOfKey(int key) const {
  return row_of_key_.value(key, -1);
}

int TransactionModel::keyAt(int row) const {
  return rows_.at(static_cast<std::size_t>(row)).key;
}

const scenarios::ReportedTransaction& TransactionModel::transactionAt(int row) const {
  return rows_.at(static_cast<std::size_t>(row)).transaction;
}

QString TransactionModel::sourceAt(int row) const {
  return rows_.at(static_cast<std::size_t>(row)).source;
}

int TransactionModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int TransactionModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kColumnCount;
}

QVariant TransactionModel::display(const Row& row, int column) const {
  const scenarios::ReportedTransaction& t = row.transaction;
  const terminal::TransactionRecord& r = t.record;
  switch (column) {
    case kSource: return row.source;
    case kId:
      if (!t.id.empty()) return QString::fromStdString(t.id);
      if (!r.label.empty()) return QString::fromStdString(r.label);
      return QStringLiteral("#%1").arg(r.id);
    case kType: return qs(acquirer::transactionTypeName(r.type));
    case kAmount: return QString::fromStdString(r.amount.toString());
    case kCard: {
      const QString masked = QString::fromStdString(r.masked_pan);
      const QString name = QString::fromStdString(t.card.empty() ? r.card : t.card);
      if (name.isEmpty()) return masked;
      if (masked.isEmpty()) return name;
      return QStringLiteral("%1 (%2)").arg(masked, name);
    }
    case kEntry: return r.entry ? qs(emv::entryModeName(*r.entry)) : QString();
    case kOutcome: return QString::fromStdString(r.outcome);
    case kResponseCode: return QString::fromStdString(r.response_code);
    case kCvm: return QString::fromStdString(r.cvm);
    case kLatency: return latencyText(r);
    case kArrival:
      return r.arrival_at ? QString::fromStdString(formatIso8601(*r.arrival_at)) : QString();
    case kStatus: return QString::fromStdString(t.status);
    default: return {};
  }
}

QVariant TransactionModel::sortValue(const Row& row, int column) const {
  const terminal::TransactionRecord& r = row.transaction.record;
  switch (column) {
    case kAmount: return QVariant::fromValue<qlonglong>(r.amount.minorUnits());
    case kLatency: return r.auth_latency_ms ? *r.auth_latency_ms : -1.0;
    case kArrival:
      // The same instant in UTC: ISO 8601 text that sorts in time order.
      return r.arrival_at ? QString::fromStdString(formatIso8601({r.arrival_at->instant, {}}))
                          : QString();
    default: return display(row, column);
  }
}

QVariant TransactionModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
    return {};
  }
  const Row& row = rows_[static_cast<std::size_t>(index.row())];
  const int column = index.column();
  switch (role) {
    case Qt::DisplayRole: return display(row, column);
    case kKeyRole: return row.key;
    case kSortRole: return sortValue(row, column);
    case Qt::TextAlignmentRole:
      if (column == kAmount || column == kLatency) {
        return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
      }
      return {};
    case Qt::ToolTipRole: {
      const terminal::TransactionRecord& r = row.transaction.record;
      if (column == kOutcome && !r.reason.empty()) return QString::fromStdString(r.reason);
      if (column == kCard && !r.application_label.empty()) {
        return QStringLiteral("%1, AID %2")
            .arg(QString::fromStdString(r.application_label), QString::fromStdString(r.aid));
      }
      if (column == kArrival && r.settlement_date) {
        return QStringLiteral("settlement date %1")
            .arg(QString::fromStdString(formatDate(*r.settlement_date)));
      }
      return {};
    }
    default: return {};
  }
}

QVariant TransactionModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
    return QAbstractTableModel::headerData(section, orientation, role);
  }
  switch (section) {
    case kSource: return tr("Source");
    case kId: return tr("Id");
    case kType: return tr("Type");
    case kAmount: return tr("Amount");
    case kCard: return tr("Card");
    case kEntry: return tr("Entry");
    case kOutcome: return tr("Outcome");
    case kResponseCode: return tr("RC");
    case kCvm: return tr("CVM");
    case kLatency: return tr("Latency (ms)");
    case kArrival: return tr("Arrival");
    case kStatus: return tr("Status");
    default: return {};
  }
}

void TransactionModel::upsert(int key, const QString& source,
                              const scenarios::ReportedTransaction& transaction) {
  const int existing = rowOfKey(key);
  if (existing >= 0) {
    Row& row = rows_[static_cast<std::size_t>(existing)];
    row.source = source;
    row.transaction = transaction;
    emit dataChanged(index(existing, 0), index(existing, kColumnCount - 1));
    return;
  }
  const int at = static_cast<int>(rows_.size());
  beginInsertRows(QModelIndex(), at, at);
  rows_.push_back(Row{key, source, transaction});
  row_of_key_.insert(key, at);
  endInsertRows();
}

void TransactionModel::clear() {
  if (rows_.empty()) return;
  beginResetModel();
  rows_.clear();
  row_of_key_.clear();
  endResetModel();
}

}  // namespace posim::gui
