#include "models/trace_model.h"

#include <cstdint>

#include "models/decoded_tree_model.h"

namespace posim::gui {

TraceModel::TraceModel(QObject* parent) : QAbstractTableModel(parent) {}

TraceModel::Row TraceModel::makeRow(const TraceEvent& event, int key) const {
  Row row;
  row.event = event;
  row.key = key;
  row.search_text = QString::fromStdString(event.summary).toLower();
  if (!event.data.empty()) {
    row.search_text += QChar('\n');
    row.search_text += QString::fromStdString(redactedHex(event)).toLower();
  }
  return row;
}

void TraceModel::append(const TraceEvent& event, int transaction_key) {
  const int first = size();
  beginInsertRows(QModelIndex(), first, first);
  rows_.push_back(makeRow(event, transaction_key));
  endInsertRows();
}

void TraceModel::appendAll(const std::vector<TraceEvent>& events, int transaction_key) {
  if (events.empty()) return;
  const int first = size();
  beginInsertRows(QModelIndex(), first, first + static_cast<int>(events.size()) - 1);
  rows_.reserve(rows_.size() + events.size());
  for (const TraceEvent& event : events) rows_.push_back(makeRow(event, transaction_key));
  endInsertRows();
}

void TraceModel::clear() {
  if (rows_.empty()) return;
  beginResetModel();
  rows_.clear();
  endResetModel();
}

const TraceEvent& TraceModel::eventAt(int row) const {
  return rows_.at(static_cast<std::size_t>(row)).event;
}

int TraceModel::keyAt(int row) const {
  return rows_.at(static_cast<std::size_t>(row)).key;
}

void TraceModel::setUtcOffset(std::chrono::minutes offset) {
  utc_offset_ = offset;
  if (!rows_.empty()) {
    emit dataChanged(index(0, kTimeColumn), index(size() - 1, kTimeColumn), {Qt::DisplayRole});
  }
}

QString TraceModel::formatTime(Instant at) const {
  const LocalDateTime local{at, utc_offset_};
  const std::int64_t us = local.timeOfDay().count();
  const std::int64_t ms = us / 1000;
  return QStringLiteral("%1:%2:%3.%4")
      .arg(ms / 3'600'000, 2, 10, QChar('0'))
      .arg((ms / 60'000) % 60, 2, 10, QChar('0'))
      .arg((ms / 1000) % 60, 2, 10, QChar('0'))
      .arg(ms % 1000, 3, 10, QChar('0'));
}

int TraceModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : size();
}

int TraceModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kColumnCount;
}

QVariant TraceModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() < 0 || index.row() >= size()) return {};
  const Row& row = rows_[static_cast<std::size_t>(index.row())];
  switch (role) {
    case kTransactionKeyRole: return row.key;
    case kKindRole: return static_cast<int>(row.event.kind);
    case kSearchTextRole: return row.search_text;
    case Qt::DisplayRole: break;
    case Qt::ToolTipRole:
      if (index.column() == kSummaryColumn) return QString::fromStdString(row.event.summary);
      return {};
    case Qt::TextAlignmentRole:
      if (index.column() == kNumberColumn || index.column() == kTransactionColumn) {
        return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
      }
      return {};
    default: return {};
  }
  switch (index.column()) {
    case kNumberColumn: return index.row() + 1;
    case kTimeColumn: return formatTime(row.event.at);
    case kTransactionColumn: return row.key == 0 ? QString() : QString::number(row.key);
    case kKindColumn:
      return QString::fromUtf8(traceKindName(row.event.kind).data(),
                               static_cast<qsizetype>(traceKindName(row.event.kind).size()));
    case kSourceColumn: return QString::fromStdString(row.event.source);
    case kSummaryColumn: {
      const QString summary = QString::fromStdString(row.event.summary);
      const qsizetype newline = summary.indexOf(QChar('\n'));
      return newline < 0 ? summary : summary.left(newline) + QStringLiteral(" …");
    }
    default: return {};
  }
}

QVariant TraceModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
    return QAbstractTableModel::headerData(section, orientation, role);
  }
  switch (section) {
    case kNumberColumn: return tr("#");
    case kTimeColumn: return tr("Time");
    case kTransactionColumn: return tr("Txn");
    case kKindColumn: return tr("Kind");
    case kSourceColumn: return tr("Source");
    case kSummaryColumn: return tr("Summary");
    default: return {};
  }
}

// ---- TraceFilterModel ----

TraceFilterModel::TraceFilterModel(QObject* parent) : QSortFilterProxyModel(parent) {
  setDynamicSortFilter(true);
}

void TraceFilterModel::setTransactionKey(int key) {
  if (key == key_) return;
  key_ = key;
  invalidateRowsFilter();
}

void TraceFilterModel::setKindsShown(int kinds) {
  if (kinds == kinds_) return;
  kinds_ = kinds;
  invalidateRowsFilter();
}

void TraceFilterModel::setSearchText(const QString& text) {
  const QString lowered = text.trimmed().toLower();
  if (lowered == search_) return;
  search_ = lowered;
  search_compact_ = lowered;
  search_compact_.remove(QChar(' '));
  invalidateRowsFilter();
}

TraceFilterModel::Kind TraceFilterModel::kindOf(TraceKind kind) {
  switch (kind) {
    case TraceKind::kApduCommand:
    case TraceKind::kApduResponse: return kApdu;
    case TraceKind::kIso8583Request:
    case TraceKind::kIso8583Response: return kIso;
    default: return kOther;
  }
}

bool TraceFilterModel::filterAcceptsRow(int source_row, const QModelIndex& source_parent) const {
  const QAbstractItemModel* source = sourceModel();
  if (source == nullptr) return false;
  const QModelIndex index = source->index(source_row, 0, source_parent);
  if (key_ != 0 && source->data(index, TraceModel::kTransactionKeyRole).toInt() != key_) {
    return false;
  }
  const auto kind = static_cast<TraceKind>(source->data(index, TraceModel::kKindRole).toInt());
  if ((kinds_ & kindOf(kind)) == 0) return false;
  if (search_.isEmpty()) return true;
  const QString text = source->data(index, TraceModel::kSearchTextRole).toString();
  if (text.contains(search_)) return true;
  // The hex part: "9f 27" finds "9f27".
  const qsizetype newline = text.indexOf(QChar('\n'));
  return newline >= 0 && !search_compact_.isEmpty() &&
         QStringView(text).mid(newline + 1).contains(search_compact_);
}

}  // namespace posim::gui
