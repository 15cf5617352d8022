#include "widgets/arrival_calendar.h"

#include <QAbstractItemView>
#include <QEvent>
#include <QFontMetrics>
#include <QHelpEvent>
#include <QLocale>
#include <QPainter>
#include <QTableView>
#include <QToolTip>
#include <chrono>
#include <string>

namespace posim::gui {
namespace {

const QColor kWeekendBackground(253, 234, 234);
const QColor kHolidayBackground(247, 204, 204);
const QColor kMakeupBackground(255, 240, 200);
const QColor kNonBusinessText(150, 30, 30);
const QColor kMakeupText(140, 85, 0);
const QColor kArrivingText(0, 115, 55);
const QColor kLeavingText(185, 25, 25);

QColor backgroundOf(ArrivalCalendar::DayKind kind, const QPalette& palette) {
  switch (kind) {
    case ArrivalCalendar::DayKind::kWeekend: return kWeekendBackground;
    case ArrivalCalendar::DayKind::kHoliday: return kHolidayBackground;
    case ArrivalCalendar::DayKind::kMakeupWorkday: return kMakeupBackground;
    case ArrivalCalendar::DayKind::kBusinessDay: break;
  }
  return palette.color(QPalette::Base);
}

QColor mix(const QColor& a, const QColor& b) {
  return QColor((a.red() + b.red()) / 2, (a.green() + b.green()) / 2, (a.blue() + b.blue()) / 2);
}

}  // namespace

ArrivalCalendar::ArrivalCalendar(QWidget* parent) : QCalendarWidget(parent) {
  setObjectName(QStringLiteral("arrivalCalendar"));
  calendar_ = settlement::Calendar::weekendsOnly();
  setFirstDayOfWeek(Qt::Monday);
  setVerticalHeaderFormat(QCalendarWidget::NoVerticalHeader);
  setHorizontalHeaderFormat(QCalendarWidget::ShortDayNames);
  setGridVisible(true);
  setMinimumSize(380, 240);
  day_table_ = findChild<QTableView*>(QStringLiteral("qt_calendar_calendarview"));
  if (day_table_ == nullptr) day_table_ = findChild<QAbstractItemView*>();
  if (day_table_ != nullptr) day_table_->viewport()->installEventFilter(this);
}

void ArrivalCalendar::setCalendar(const settlement::Calendar& calendar) {
  calendar_ = calendar;
  updateCells();
}

void ArrivalCalendar::setMoneyPerDay(const std::map<Date, std::int64_t>& money_per_day,
                                     const Currency& currency) {
  money_per_day_ = money_per_day;
  currency_ = currency;
  for (const auto& [day, minor_units] : money_per_day_) {
    if (minor_units == 0) continue;
    const QDate first = toQDate(day);
    setCurrentPage(first.year(), first.month());
    setSelectedDate(first);
    break;
  }
  updateCells();
}

void ArrivalCalendar::clearMoney() {
  money_per_day_.clear();
  updateCells();
}

ArrivalCalendar::DayKind ArrivalCalendar::dayKind(QDate date) const {
  const Date d = toDate(date);
  if (calendar_.isMakeupWorkday(d)) return DayKind::kMakeupWorkday;
  if (calendar_.isHoliday(d)) return DayKind::kHoliday;
  if (calendar_.isWeekend(d)) return DayKind::kWeekend;
  return DayKind::kBusinessDay;
}

std::int64_t ArrivalCalendar::moneyOn(QDate date) const {
  const auto it = money_per_day_.find(toDate(date));
  return it == money_per_day_.end() ? 0 : it->second;
}

QString ArrivalCalendar::amountText(QDate date) const {
  const std::int64_t minor_units = moneyOn(date);
  if (minor_units == 0) return {};
  return QString::fromStdString(Money(minor_units, currency_).toDecimalString());
}

QString ArrivalCalendar::dayDescription(QDate date) const {
  if (!date.isValid()) return {};
  const QString calendar_name = QString::fromStdString(calendar_.name());
  QString text = QLocale(QLocale::English).dayName(date.dayOfWeek(), QLocale::ShortFormat) +
                 QLatin1Char(' ') + QString::fromStdString(formatDate(toDate(date))) +
                 QStringLiteral(": ");
  switch (dayKind(date)) {
    case DayKind::kBusinessDay: text += QStringLiteral("business day"); break;
    case DayKind::kWeekend: text += QStringLiteral("weekend, not a business day"); break;
    case DayKind::kHoliday:
      text += QStringLiteral("public holiday, not a business day (%1)").arg(calendar_name);
      break;
    case DayKind::kMakeupWorkday:
      text += QStringLiteral("make-up working day, a business day on a weekend (%1)")
                  .arg(calendar_name);
      break;
  }
  const std::int64_t minor_units = moneyOn(date);
  if (minor_units > 0) {
    text += QStringLiteral(" · %1 arrives")
                .arg(QString::fromStdString(Money(minor_units, currency_).toString()));
  } else if (minor_units < 0) {
    text += QStringLiteral(" · net %1 (refund credits)")
                .arg(QString::fromStdString(Money(minor_units, currency_).toString()));
  }
  return text;
}

QDate ArrivalCalendar::dateAt(QPoint pos) const {
  for (const auto& [corner, cell] : painted_cells_) {
    if (cell.first.contains(pos)) return cell.second;
  }
  return {};
}

Date ArrivalCalendar::toDate(QDate date) {
  return Date{std::chrono::year{date.year()},
              std::chrono::month{static_cast<unsigned>(date.month())},
              std::chrono::day{static_cast<unsigned>(date.day())}};
}

QDate ArrivalCalendar::toQDate(const Date& date) {
  return QDate(static_cast<int>(date.year()), static_cast<int>(static_cast<unsigned>(date.month())),
               static_cast<int>(static_cast<unsigned>(date.day())));
}

void ArrivalCalendar::paintCell(QPainter* painter, const QRect& rect, QDate date) const {
  painted_cells_[{rect.x(), rect.y()}] = {rect, date};
  const DayKind kind = dayKind(date);
  const bool in_month = date.month() == monthShown() && date.year() == yearShown();
  const QPalette& pal = palette();

  painter->save();
  QColor background = backgroundOf(kind, pal);
  if (!in_month) background = mix(background, pal.color(QPalette::Base));
  painter->fillRect(rect, background);
  if (date == selectedDate()) {
    painter->setPen(QPen(pal.color(QPalette::Highlight), 2));
    painter->drawRect(rect.adjusted(1, 1, -2, -2));
  }

  const int margin = 3;
  const QRect inner = rect.adjusted(margin, margin, -margin, -margin);
  QFont day_font = font();
  day_font.setBold(true);
  QFont small_font = font();
  small_font.setPointSizeF(small_font.pointSizeF() * 0.8);

  const bool non_business = kind == DayKind::kWeekend || kind == DayKind::kHoliday;
  QColor day_color = non_business ? kNonBusinessText : pal.color(QPalette::Text);
  if (!in_month) day_color = pal.color(QPalette::Disabled, QPalette::Text);
  painter->setFont(day_font);
  painter->setPen(day_color);
  painter->drawText(inner, Qt::AlignLeft | Qt::AlignTop, QString::number(date.day()));

  QString tag;
  if (kind == DayKind::kMakeupWorkday) tag = QStringLiteral("make-up");
  if (kind == DayKind::kHoliday) tag = QStringLiteral("holiday");
  if (!tag.isEmpty()) {
    painter->setFont(small_font);
    painter->setPen(kind == DayKind::kMakeupWorkday ? kMakeupText : kNonBusinessText);
    const int day_width = QFontMetrics(day_font).horizontalAdvance(QStringLiteral("00 "));
    const QRect tag_rect = inner.adjusted(day_width, 0, 0, 0);
    painter->drawText(tag_rect, Qt::AlignRight | Qt::AlignTop,
                      QFontMetrics(small_font).elidedText(tag, Qt::ElideRight, tag_rect.width()));
  }

  const std::int64_t minor_units = moneyOn(date);
  if (minor_units != 0) {
    QFont amount_font = font();
    amount_font.setBold(true);
    painter->setFont(amount_font);
    painter->setPen(minor_units > 0 ? kArrivingText : kLeavingText);
    painter->drawText(
        inner, Qt::AlignRight | Qt::AlignBottom,
        QFontMetrics(amount_font).elidedText(amountText(date), Qt::ElideLeft, inner.width()));
  }
  painter->restore();
}

bool ArrivalCalendar::eventFilter(QObject* watched, QEvent* event) {
  if (day_table_ != nullptr && watched == day_table_->viewport() &&
      event->type() == QEvent::Resize) {
    painted_cells_.clear();  // the cells move; the repaint that follows records them again
  }
  if (day_table_ != nullptr && watched == day_table_->viewport() &&
      event->type() == QEvent::ToolTip) {
    const auto* help = static_cast<QHelpEvent*>(event);
    const QDate date = dateAt(help->pos());
    if (date.isValid()) {
      QToolTip::showText(help->globalPos(), dayDescription(date), day_table_->viewport());
    } else {
      QToolTip::hideText();
    }
    return true;
  }
  return QCalendarWidget::eventFilter(watched, event);
}

}  // namespace posim::gui
