// The metrics view over a real run of examples/scenarios/national-day-what-if.yaml (calendar
// cn-2026, four 100.00 CNY sales around National Day, what-if T+1, D+1, D+0, instant).
#include "widgets/metrics_view.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QFile>
#include <QFileInfo>
#include <QHelpEvent>
#include <QImage>
#include <QLabel>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QToolTip>
#include <optional>

#include "posim/acquirer/registry.h"
#include "posim/base/clock.h"
#include "posim/scenarios/resolver.h"
#include "posim/scenarios/runner.h"
#include "posim/scenarios/scenario.h"
#include "posim/scenarios/settlement_files.h"
#include "posim/settlement/arrival.h"
#include "posim/settlement/metrics.h"

#include "app/metatypes.h"
#include "widgets/arrival_calendar.h"

using posim::gui::ArrivalCalendar;
using posim::gui::MetricsView;
using DayKind = ArrivalCalendar::DayKind;

namespace {

QBarSeries* onlyBarSeries(QChartView* view) {
  if (view == nullptr || view->chart() == nullptr) return nullptr;
  const QList<QAbstractSeries*> series = view->chart()->series();
  if (series.size() != 1) return nullptr;
  return qobject_cast<QBarSeries*>(series.front());
}

double sumOf(const QBarSet* set) {
  double sum = 0;
  for (int i = 0; i < set->count(); ++i) sum += set->at(i);
  return sum;
}

QStringList categoriesOf(QChartView* view) {
  for (QAbstractAxis* axis : view->chart()->axes(Qt::Horizontal)) {
    if (auto* categories = qobject_cast<QBarCategoryAxis*>(axis)) return categories->categories();
  }
  return {};
}

bool hasPixel(const QImage& image, const QColor& color) {
  for (int y = 0; y < image.height(); y += 2) {
    for (int x = 0; x < image.width(); x += 2) {
      if (image.pixelColor(x, y).rgb() == color.rgb()) return true;
    }
  }
  return false;
}

}  // namespace

class MetricsViewTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void latencyHistogramCountsEveryAuthorization();
  void arrivalChartHasOneCategoryPerWhatIfPolicy();
  void summaryLineShowsTheRun();
  void calendarMarksNationalDayAndTheMoney();
  void calendarMarksTheCn2025HolidayWeek();
  void calendarTooltipDescribesTheDay();
  void exportWritesThreePngFiles();
  void exportToAFileInsteadOfAFolderFails();
  void clearForgetsTheRun();

 private:
  posim::scenarios::Scenario scenario_;
  posim::scenarios::RunResult run_;
};

void MetricsViewTest::initTestCase() {
  posim::gui::registerMetaTypes();
  const QString examples = qEnvironmentVariable("POSIM_EXAMPLES");
  QVERIFY2(!examples.isEmpty(), "POSIM_EXAMPLES is not set");
  posim::scenarios::Resolver resolver;
  auto loaded = posim::scenarios::loadScenario(
      (examples + QStringLiteral("/scenarios/national-day-what-if.yaml")).toStdString(), resolver);
  QVERIFY2(loaded.isOk(), loaded.errorText().c_str());
  scenario_ = std::move(loaded).value();

  posim::acquirer::BackendRegistry backends;
  posim::acquirer::addBuiltinBackends(backends);
  const posim::ManualSteadyClock steady;
  posim::scenarios::RunOptions options;
  options.steady = &steady;
  auto run = posim::scenarios::runScenario(scenario_, options, backends);
  QVERIFY2(run.isOk(), run.status().message().c_str());
  run_ = std::move(run).value();
  QVERIFY(run_.passed);
  QCOMPARE(run_.transactions.size(), std::size_t{4});
}

void MetricsViewTest::latencyHistogramCountsEveryAuthorization() {
  MetricsView view;
  view.setRun(run_, scenario_);
  QCOMPARE(view.findChild<QChartView*>(QStringLiteral("latencyChart")), view.latencyChart());
  QBarSeries* series = onlyBarSeries(view.latencyChart());
  QVERIFY(series != nullptr);
  QCOMPARE(series->count(), 1);
  const std::size_t expected = run_.summary.latency_ms.count;
  QCOMPARE(expected, std::size_t{4});  // four contactless sales, each authorized online
  QCOMPARE(sumOf(series->barSets().front()), static_cast<double>(expected));
  QCOMPARE(categoriesOf(view.latencyChart()).size(), series->barSets().front()->count());
  const QString title = view.latencyChart()->chart()->title();
  QVERIFY2(title.contains(QStringLiteral("4 authorizations")), qPrintable(title));
  QVERIFY2(title.contains(QStringLiteral("p50 0.00 ·")), qPrintable(title));  // manual clock
  QVERIFY2(title.contains(QStringLiteral("p99")), qPrintable(title));
}

void MetricsViewTest::arrivalChartHasOneCategoryPerWhatIfPolicy() {
  MetricsView view;
  view.setRun(run_, scenario_);
  QCOMPARE(view.findChild<QChartView*>(QStringLiteral("arrivalChart")), view.arrivalChart());
  QBarSeries* series = onlyBarSeries(view.arrivalChart());
  QVERIFY(series != nullptr);
  const QStringList policies = categoriesOf(view.arrivalChart());
  QCOMPARE(policies, (QStringList{QStringLiteral("T+1"), QStringLiteral("D+1"),
                                  QStringLiteral("D+0"), QStringLiteral("instant")}));
  QCOMPARE(series->count(), 3);  // p50, p95, max
  const QBarSet* p50 = series->barSets().at(0);
  const QBarSet* max = series->barSets().at(2);
  QCOMPARE(p50->label(), QStringLiteral("p50"));
  QCOMPARE(max->label(), QStringLiteral("max"));
  QCOMPARE(p50->count(), 4);
  // T+1: about 21 h, 141 h, 186 h and 201.5 h (the worked example of DESIGN.md §5; a capture
  // comes a moment of virtual time after its step starts).
  QVERIFY2(qAbs(p50->at(0) - 141.0) < 0.01, qPrintable(QString::number(p50->at(0))));
  QVERIFY2(qAbs(max->at(0) - 201.5) < 0.01, qPrintable(QString::number(max->at(0))));
  // instant: 30 s after each capture.
  QCOMPARE(max->at(3), 30.0 / 3600.0);
  // The same numbers as the core's what-if distribution for every policy.
  for (int p = 0; p < 4; ++p) {
    const auto d = posim::settlement::distributionOf(
        posim::settlement::whatIfDelayHours(run_.what_if, static_cast<std::size_t>(p)));
    QCOMPARE(p50->at(p), d.p50.value_or(-1));
    QCOMPARE(series->barSets().at(1)->at(p), d.p95.value_or(-1));
    QCOMPARE(max->at(p), d.max.value_or(-1));
  }
  QVERIFY(view.arrivalChart()->chart()->title().contains(QStringLiteral("4 captures")));
}

void MetricsViewTest::summaryLineShowsTheRun() {
  MetricsView view;
  QVERIFY(!view.hasRun());
  view.setRun(run_, scenario_);
  QVERIFY(view.hasRun());
  const QString summary = view.summaryText();
  QVERIFY2(summary.contains(QStringLiteral("4 transactions")), qPrintable(summary));
  QVERIFY2(summary.contains(QStringLiteral("100.0% approved")), qPrintable(summary));
  QVERIFY2(summary.contains(QStringLiteral("397.60 CNY arriving on 3 days")), qPrintable(summary));
  QVERIFY2(summary.contains(QStringLiteral("2026-10-08 to 2026-10-10")), qPrintable(summary));
  auto* label = view.findChild<QLabel*>(QStringLiteral("metricsSummary"));
  QVERIFY(label != nullptr);
  QCOMPARE(label->text(), summary);
}

void MetricsViewTest::calendarMarksNationalDayAndTheMoney() {
  MetricsView view;
  view.setRun(run_, scenario_);
  auto* calendar = view.findChild<ArrivalCalendar*>(QStringLiteral("arrivalCalendar"));
  QVERIFY(calendar != nullptr);
  QCOMPARE(calendar, view.arrivalCalendar());
  // Jumped to the first month with money.
  QCOMPARE(calendar->yearShown(), 2026);
  QCOMPARE(calendar->monthShown(), 10);
  for (int day = 1; day <= 7; ++day) {
    QCOMPARE(calendar->dayKind(QDate(2026, 10, day)), DayKind::kHoliday);
  }
  QCOMPARE(calendar->dayKind(QDate(2026, 9, 30)), DayKind::kBusinessDay);
  QCOMPARE(calendar->dayKind(QDate(2026, 10, 8)), DayKind::kBusinessDay);
  QCOMPARE(calendar->dayKind(QDate(2026, 10, 10)), DayKind::kMakeupWorkday);  // a Saturday
  QCOMPARE(calendar->dayKind(QDate(2026, 9, 20)), DayKind::kMakeupWorkday);   // a Sunday
  QCOMPARE(calendar->dayKind(QDate(2026, 10, 11)), DayKind::kWeekend);
  QVERIFY(calendar->dayDescription(QDate(2026, 10, 1)).contains(QStringLiteral("public holiday")));
  QVERIFY(calendar->dayDescription(QDate(2026, 10, 11)).contains(QStringLiteral("weekend")));

  // 99.40 net on 8 Oct, two sales on 9 Oct, the make-up Saturday's 99.40 on 10 Oct.
  QCOMPARE(calendar->moneyOn(QDate(2026, 10, 8)), std::int64_t{9940});
  QCOMPARE(calendar->amountText(QDate(2026, 10, 9)), QStringLiteral("198.80"));
  QCOMPARE(calendar->moneyOn(QDate(2026, 10, 1)), std::int64_t{0});
  QVERIFY(calendar->amountText(QDate(2026, 10, 1)).isEmpty());
  const QString makeup = calendar->dayDescription(QDate(2026, 10, 10));
  QVERIFY2(makeup.startsWith(QStringLiteral("Sat 2026-10-10: make-up working day")),
           qPrintable(makeup));
  QVERIFY2(makeup.contains(QStringLiteral("99.40 CNY arrives")), qPrintable(makeup));
  // The calendar shows what the run's summary says, day by day.
  for (const auto& [day, minor_units] : run_.summary.money_per_day) {
    QCOMPARE(calendar->moneyOn(ArrivalCalendar::toQDate(day)), minor_units);
  }
}

void MetricsViewTest::calendarMarksTheCn2025HolidayWeek() {
  posim::scenarios::Resolver resolver;
  auto cn2025 = posim::scenarios::loadCalendar(std::string_view("cn-2025"), resolver);
  QVERIFY2(cn2025.isOk(), cn2025.errorText().c_str());
  ArrivalCalendar calendar;
  calendar.setCalendar(*cn2025);
  for (int day = 1; day <= 8; ++day) {
    QCOMPARE(calendar.dayKind(QDate(2025, 10, day)), DayKind::kHoliday);
  }
  QCOMPARE(calendar.dayKind(QDate(2025, 9, 28)), DayKind::kMakeupWorkday);
  QCOMPARE(calendar.dayKind(QDate(2025, 10, 11)), DayKind::kMakeupWorkday);
  QCOMPARE(calendar.dayKind(QDate(2025, 10, 9)), DayKind::kBusinessDay);
  QCOMPARE(calendar.dayKind(QDate(2025, 10, 12)), DayKind::kWeekend);
  QVERIFY(calendar.dayDescription(QDate(2025, 10, 1)).contains(QStringLiteral("cn-2025")));
  // No money: the page stays where it is.
  calendar.setCurrentPage(2025, 9);
  calendar.setMoneyPerDay({}, *posim::currencyByAlpha("CNY"));
  QCOMPARE(calendar.monthShown(), 9);
}

void MetricsViewTest::calendarTooltipDescribesTheDay() {
  MetricsView view;
  view.resize(1280, 800);
  view.setRun(run_, scenario_);
  view.show();
  QVERIFY(QTest::qWaitForWindowExposed(&view));
  ArrivalCalendar* calendar = view.arrivalCalendar();
  QAbstractItemView* table = calendar->dayTable();
  QVERIFY(table != nullptr);
  table->viewport()->repaint();
  // Find the cell of the make-up Saturday by asking the calendar what it painted where.
  std::optional<QPoint> makeup_cell;
  const QAbstractItemModel* model = table->model();
  for (int row = 0; row < model->rowCount() && !makeup_cell; ++row) {
    for (int column = 0; column < model->columnCount(); ++column) {
      const QPoint center = table->visualRect(model->index(row, column)).center();
      if (calendar->dateAt(center) == QDate(2026, 10, 10)) {
        makeup_cell = center;
        break;
      }
    }
  }
  QVERIFY(makeup_cell.has_value());
  QHelpEvent help(QEvent::ToolTip, *makeup_cell, table->viewport()->mapToGlobal(*makeup_cell));
  QApplication::sendEvent(table->viewport(), &help);
  QTRY_VERIFY(QToolTip::isVisible());
  QCOMPARE(QToolTip::text(), calendar->dayDescription(QDate(2026, 10, 10)));
  QVERIFY(QToolTip::text().contains(QStringLiteral("99.40 CNY")));
  // Every cell is big enough for its amount at 1280x800.
  QVERIFY(table->visualRect(model->index(3, 3)).width() >= 60);
  QVERIFY(table->visualRect(model->index(3, 3)).height() >= 40);
}

void MetricsViewTest::exportWritesThreePngFiles() {
  MetricsView view;  // never shown: the export renders at its own size
  view.setRun(run_, scenario_);
  QSignalSpy status(&view, &MetricsView::statusMessage);
  QTemporaryDir temp;
  QVERIFY(temp.isValid());
  const QString folder = temp.filePath(QStringLiteral("charts"));  // created by the export
  QStringList written;
  QString error;
  QVERIFY2(view.exportPng(folder, &written, &error), qPrintable(error));
  QCOMPARE(written.size(), 3);
  QStringList names;
  for (const QString& path : written) {
    names << QFileInfo(path).fileName();
    QVERIFY2(QFileInfo(path).size() > 0, qPrintable(path));
    QImage image(path);
    QVERIFY2(!image.isNull(), qPrintable(path));
    QVERIFY(image.width() >= MetricsView::kExportWidth);
    QVERIFY(image.height() >= MetricsView::kExportHeight);
  }
  QCOMPARE(names, (QStringList{QStringLiteral("latency.png"), QStringLiteral("arrival-delay.png"),
                               QStringLiteral("arrival-calendar.png")}));
  // The calendar image shows October 2026 with its holiday and make-up colours.
  const QImage calendar(written.at(2));
  QVERIFY(hasPixel(calendar, QColor(247, 204, 204)));
  QVERIFY(hasPixel(calendar, QColor(255, 240, 200)));
  QCOMPARE(status.count(), 1);
  QVERIFY(status.front().front().toString().contains(QStringLiteral("arrival-calendar.png")));
}

void MetricsViewTest::exportToAFileInsteadOfAFolderFails() {
  MetricsView view;
  view.setRun(run_, scenario_);
  QTemporaryDir temp;
  const QString file = temp.filePath(QStringLiteral("not-a-folder"));
  {
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("x");
  }
  QStringList written;
  QString error;
  QVERIFY(!view.exportPng(file, &written, &error));
  QVERIFY(written.isEmpty());
  QVERIFY2(error.contains(file), qPrintable(error));
}

void MetricsViewTest::clearForgetsTheRun() {
  MetricsView view;
  view.setRun(run_, scenario_);
  QVERIFY(onlyBarSeries(view.latencyChart()) != nullptr);
  view.clear();
  QVERIFY(!view.hasRun());
  QVERIFY(view.latencyChart()->chart()->series().isEmpty());
  QVERIFY(view.arrivalChart()->chart()->series().isEmpty());
  QCOMPARE(view.arrivalCalendar()->moneyOn(QDate(2026, 10, 8)), std::int64_t{0});
  // The calendar stays: National Day is still a holiday.
  QCOMPARE(view.arrivalCalendar()->dayKind(QDate(2026, 10, 1)), DayKind::kHoliday);
  QVERIFY(view.summaryText().contains(QStringLiteral("No run yet")));
  // And a second run shows again.
  view.setRun(run_, scenario_);
  QCOMPARE(sumOf(onlyBarSeries(view.latencyChart())->barSets().front()), 4.0);
}

QTEST_MAIN(MetricsViewTest)
#include "metrics_view_test.moc"
