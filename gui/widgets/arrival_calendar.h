// Money arriving per day on a month calendar (DESIGN.md §9): each day cell shows whether money
// moves that day under the business calendar (weekends and public holidays reddish, make-up
// working days marked "make-up") and how much reaches the merchant's account that day. The
// tooltip of a day says the same in words (dayDescription()).
//
// Everything shown comes from the core: settlement::Calendar decides the kind of day, the
// amounts are RunSummary::money_per_day in minor units, formatted by Money.
//
// objectName: arrivalCalendar. The calendar has no holiday names (the core's Calendar keeps
// dates only), so a holiday reads "public holiday".
#pragma once

#include <QCalendarWidget>
#include <QDate>
#include <QString>
#include <cstdint>
#include <map>
#include <utility>

#include "posim/base/clock.h"
#include "posim/base/money.h"
#include "posim/settlement/calendar.h"

class QAbstractItemView;

namespace posim::gui {

class ArrivalCalendar final : public QCalendarWidget {
  Q_OBJECT

 public:
  // What a day is under the calendar; a make-up workday wins over its weekend.
  enum class DayKind { kBusinessDay, kWeekend, kHoliday, kMakeupWorkday };

  explicit ArrivalCalendar(QWidget* parent = nullptr);

  // The business calendar whose days are marked (default: weekends only). Repaints.
  void setCalendar(const settlement::Calendar& calendar);
  const settlement::Calendar& calendar() const { return calendar_; }

  // Minor units arriving per local date (negative: leaving, refund credits), in `currency`.
  // Shows the month of the first date with money (stays put when there is none). Repaints.
  void setMoneyPerDay(const std::map<Date, std::int64_t>& money_per_day, const Currency& currency);
  // Forgets the money (the calendar stays).
  void clearMoney();
  const std::map<Date, std::int64_t>& moneyPerDay() const { return money_per_day_; }
  const Currency& currency() const { return currency_; }

  DayKind dayKind(QDate date) const;
  // Minor units arriving on `date` (0 when none).
  std::int64_t moneyOn(QDate date) const;
  // The cell text for money arriving on `date`, "99.40" (empty when none).
  QString amountText(QDate date) const;
  // One line per day, the tooltip: "Sat 2026-10-10: make-up working day (business day on a
  // weekend) · 99.40 CNY arrives".
  QString dayDescription(QDate date) const;
  // The day painted at `pos` of the day table's viewport (invalid when none was painted there).
  QDate dateAt(QPoint pos) const;
  // The table of days inside the calendar (the widget whose viewport gets tooltips).
  QAbstractItemView* dayTable() const { return day_table_; }

  static Date toDate(QDate date);
  static QDate toQDate(const Date& date);

 protected:
  void paintCell(QPainter* painter, const QRect& rect, QDate date) const override;
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  settlement::Calendar calendar_;
  std::map<Date, std::int64_t> money_per_day_;
  Currency currency_{"CNY", 156, 2, "Chinese yuan"};
  QAbstractItemView* day_table_ = nullptr;
  // Which date was last painted in the cell at each top-left corner (for tooltips).
  mutable std::map<std::pair<int, int>, std::pair<QRect, QDate>> painted_cells_;
};

}  // namespace posim::gui
