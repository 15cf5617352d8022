#include "widgets/metrics_view.h"

#include <QAbstractAxis>
#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFont>
#include <QGraphicsLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPixmap>
#include <QPushButton>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>

#include "posim/base/money.h"
#include "posim/settlement/arrival.h"

#include "widgets/arrival_calendar.h"

namespace posim::gui {
namespace {

QString number(const std::optional<double>& value, int decimals) {
  return value ? QString::number(*value, 'f', decimals) : QStringLiteral("-");
}

// Decimals that tell bin edges of this width apart: 0.05 -> 2, 0.5 -> 1, 2 -> 0.
int decimalsFor(double width) {
  if (!(width > 0.0)) return 2;
  const double digits = -std::floor(std::log10(width) + 1e-9);
  return static_cast<int>(std::clamp(digits, 0.0, 6.0));
}

// A chart that spends its area on the data: thin margins, a small title and small axis labels,
// so both charts stay legible in the 1280x800 window next to the calendar.
QChart* emptyChart(const QString& title) {
  auto* chart = new QChart;
  chart->setTitle(title);
  QFont title_font = chart->titleFont();
  title_font.setPointSizeF(std::max(7.0, title_font.pointSizeF() - 1.0));
  title_font.setBold(true);
  chart->setTitleFont(title_font);
  chart->setMargins(QMargins(4, 2, 4, 2));
  chart->layout()->setContentsMargins(0, 0, 0, 0);
  chart->setBackgroundRoundness(0);
  chart->legend()->hide();
  chart->setAnimationOptions(QChart::NoAnimation);
  return chart;
}

void useSmallLabels(QAbstractAxis* axis) {
  QFont font = axis->labelsFont();
  font.setPointSizeF(std::max(6.5, font.pointSizeF() - 2.0));
  axis->setLabelsFont(font);
}

// An axis of whole counts from 0 with four equal integer steps.
QValueAxis* countAxis(std::size_t largest) {
  auto* axis = new QValueAxis;
  const double step = std::max(1.0, std::ceil(static_cast<double>(largest) / 4.0));
  axis->setRange(0.0, step * 4.0);
  axis->setTickCount(5);
  axis->setLabelFormat(QStringLiteral("%d"));
  useSmallLabels(axis);
  return axis;
}

QChartView* makeChartView(const QString& object_name, QWidget* parent) {
  auto* view = new QChartView(parent);
  view->setObjectName(object_name);
  view->setRenderHint(QPainter::Antialiasing);
  view->setMinimumSize(320, 150);
  return view;
}

// Renders `chart` (taking it) at the export size.
QPixmap renderChart(QChart* chart) {
  QChartView view(chart);
  view.setRenderHint(QPainter::Antialiasing);
  view.resize(MetricsView::kExportWidth, MetricsView::kExportHeight);
  return view.grab();
}

}  // namespace

MetricsView::MetricsView(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("metricsView"));

  summary_ = new QLabel(this);
  summary_->setObjectName(QStringLiteral("metricsSummary"));
  summary_->setWordWrap(true);
  summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);

  export_button_ = new QPushButton(tr("Export PNG…"), this);
  export_button_->setObjectName(QStringLiteral("exportButton"));
  export_button_->setToolTip(
      tr("Write latency.png, arrival-delay.png and arrival-calendar.png into a folder"));
  connect(export_button_, &QPushButton::clicked, this, &MetricsView::chooseExportDirectory);

  latency_view_ = makeChartView(QStringLiteral("latencyChart"), this);
  arrival_view_ = makeChartView(QStringLiteral("arrivalChart"), this);

  calendar_ = new ArrivalCalendar(this);
  legend_ = new QLabel(this);
  legend_->setObjectName(QStringLiteral("calendarLegend"));
  legend_->setWordWrap(true);
  legend_->setText(
      tr("<span style='background-color:#fdeaea'>&nbsp;&nbsp;&nbsp;&nbsp;</span> weekend "
         "&nbsp; <span style='background-color:#f7cccc'>&nbsp;&nbsp;&nbsp;&nbsp;</span> public "
         "holiday &nbsp; <span style='background-color:#fff0c8'>&nbsp;&nbsp;&nbsp;&nbsp;</span> "
         "make-up working day &nbsp; <b style='color:#007337'>99.40</b> money arriving "
         "that day (net of fees)"));

  auto* top = new QHBoxLayout;
  top->addWidget(summary_, 1);
  top->addWidget(export_button_, 0, Qt::AlignTop);

  auto* charts = new QVBoxLayout;
  charts->addWidget(latency_view_, 1);
  charts->addWidget(arrival_view_, 1);

  auto* calendar_column = new QVBoxLayout;
  auto* calendar_title = new QLabel(tr("<b>Money arriving per day</b>"), this);
  calendar_column->addWidget(calendar_title);
  calendar_column->addWidget(calendar_, 1);
  calendar_column->addWidget(legend_);

  auto* body = new QHBoxLayout;
  body->addLayout(charts, 1);
  body->addLayout(calendar_column, 1);

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(top);
  layout->addLayout(body, 1);

  clear();
}

void MetricsView::setRun(const scenarios::RunResult& run, const scenarios::Scenario& scenario) {
  const scenarios::RunSummary& s = run.summary;
  has_run_ = true;
  latencies_ms_.clear();
  // The values RunSummary::latency_ms summarizes: every transaction with a measured latency.
  for (const scenarios::ReportedTransaction& t : run.transactions) {
    if (t.record.auth_latency_ms) latencies_ms_.push_back(*t.record.auth_latency_ms);
  }
  latency_ = s.latency_ms;
  policies_.clear();
  for (std::size_t p = 0; p < run.what_if.policy_names.size(); ++p) {
    policies_.push_back({run.what_if.policy_names[p],
                         settlement::distributionOf(settlement::whatIfDelayHours(run.what_if, p))});
  }
  captures_ = run.what_if.rows.size();
  own_policy_ = scenario.settlement.cycle.toString();

  calendar_->setCalendar(scenario.calendar);
  calendar_->setMoneyPerDay(s.money_per_day, s.currency);

  std::int64_t arriving = 0;
  for (const auto& [day, minor_units] : s.money_per_day) arriving += minor_units;
  QString text = tr("<b>%1</b>: %2 transactions, %3% approved, %4 of %5 steps passed")
                     .arg(QString::fromStdString(run.scenario).toHtmlEscaped())
                     .arg(s.transactions)
                     .arg(QString::number(s.approval_rate * 100.0, 'f', 1))
                     .arg(s.steps_passed)
                     .arg(s.steps);
  text += tr(" · %1 arriving").arg(QString::fromStdString(Money(arriving, s.currency).toString()));
  if (!s.money_per_day.empty()) {
    text += tr(" on %1 days (%2 to %3)")
                .arg(s.money_per_day.size())
                .arg(QString::fromStdString(formatDate(s.money_per_day.begin()->first)))
                .arg(QString::fromStdString(formatDate(s.money_per_day.rbegin()->first)));
  }
  if (s.arrival_delay_hours.count > 0) {
    text += tr(" · arrival p50/p95 %1/%2 h")
                .arg(number(s.arrival_delay_hours.p50, 2), number(s.arrival_delay_hours.p95, 2));
  }
  if (s.sla_share) {
    text +=
        tr(", %1% within %2 h").arg(QString::number(*s.sla_share * 100.0, 'f', 1)).arg(s.sla_hours);
  }
  summary_->setText(text);
  export_button_->setEnabled(true);
  rebuildCharts();
}

void MetricsView::clear() {
  has_run_ = false;
  latencies_ms_.clear();
  latency_ = {};
  policies_.clear();
  captures_ = 0;
  own_policy_.clear();
  calendar_->clearMoney();
  summary_->setText(tr("No run yet: run a scenario or a transaction to see its metrics."));
  export_button_->setEnabled(false);
  rebuildCharts();
}

QString MetricsView::summaryText() const {
  return summary_->text();
}

void MetricsView::rebuildCharts() {
  // setChart() leaves the old chart to its caller.
  QChart* old_latency = latency_view_->chart();
  QChart* old_arrival = arrival_view_->chart();
  latency_view_->setChart(makeLatencyChart());
  arrival_view_->setChart(makeArrivalChart());
  delete old_latency;
  delete old_arrival;
}

QChart* MetricsView::makeLatencyChart() const {
  if (!has_run_) return emptyChart(tr("Authorization latency: no run yet"));
  const settlement::Histogram histogram = settlement::histogramOf(latencies_ms_, kLatencyBins);
  if (histogram.counts.empty()) {
    return emptyChart(tr("Authorization latency: no online authorization in this run"));
  }
  QChart* chart = emptyChart(
      tr("Authorization latency, ms (%1 authorizations): p50 %2 · p95 %3 · p99 %4")
          .arg(latency_.count)
          .arg(number(latency_.p50, 2), number(latency_.p95, 2), number(latency_.p99, 2)));
  const int decimals = decimalsFor(histogram.edges[1] - histogram.edges[0]);
  auto* set = new QBarSet(tr("authorizations"));
  QStringList categories;
  std::size_t largest = 0;
  for (std::size_t i = 0; i < histogram.counts.size(); ++i) {
    *set << static_cast<double>(histogram.counts[i]);
    largest = std::max(largest, histogram.counts[i]);
    // The lower edge names the bin; the last bin also shows where it ends.
    QString label = QString::number(histogram.edges[i], 'f', decimals);
    if (i + 1 == histogram.counts.size()) {
      label += QStringLiteral("–") + QString::number(histogram.edges[i + 1], 'f', decimals);
    }
    categories << label;
  }
  auto* series = new QBarSeries;
  series->append(set);
  series->setBarWidth(0.9);
  series->setLabelsVisible(true);
  series->setLabelsPosition(QAbstractBarSeries::LabelsInsideEnd);
  chart->addSeries(series);

  auto* x = new QBarCategoryAxis;
  x->append(categories);
  useSmallLabels(x);
  chart->addAxis(x, Qt::AlignBottom);
  series->attachAxis(x);
  QValueAxis* y = countAxis(largest);
  chart->addAxis(y, Qt::AlignLeft);
  series->attachAxis(y);
  return chart;
}

QChart* MetricsView::makeArrivalChart() const {
  if (!has_run_) return emptyChart(tr("Arrival delay by settlement policy: no run yet"));
  if (captures_ == 0 || policies_.empty()) {
    return emptyChart(tr("Arrival delay by settlement policy: no captured transaction"));
  }
  QChart* chart =
      emptyChart(tr("Hours from capture to the merchant's account (%1 captures; this scenario: %2)")
                     .arg(captures_)
                     .arg(QString::fromStdString(own_policy_)));
  chart->legend()->show();
  chart->legend()->setAlignment(Qt::AlignBottom);

  auto* p50 = new QBarSet(tr("p50"));
  auto* p95 = new QBarSet(tr("p95"));
  auto* max = new QBarSet(tr("max"));
  QStringList categories;
  double largest = 0.0;
  for (const PolicyDelays& policy : policies_) {
    categories << QString::fromStdString(policy.name);
    *p50 << policy.hours.p50.value_or(0.0);
    *p95 << policy.hours.p95.value_or(0.0);
    *max << policy.hours.max.value_or(0.0);
    largest = std::max(largest, policy.hours.max.value_or(0.0));
  }
  auto* series = new QBarSeries;
  series->append({p50, p95, max});
  series->setLabelsVisible(true);
  series->setLabelsPosition(QAbstractBarSeries::LabelsOutsideEnd);
  series->setLabelsPrecision(4);
  chart->addSeries(series);

  auto* x = new QBarCategoryAxis;
  x->append(categories);
  useSmallLabels(x);
  chart->addAxis(x, Qt::AlignBottom);
  series->attachAxis(x);
  auto* y = new QValueAxis;
  // Headroom for the value labels above the tallest bar.
  y->setRange(0.0, largest > 0.0 ? largest * 1.15 : 1.0);
  y->applyNiceNumbers();
  y->setLabelFormat(QStringLiteral("%.0f"));
  useSmallLabels(y);
  chart->addAxis(y, Qt::AlignLeft);
  series->attachAxis(y);
  return chart;
}

bool MetricsView::exportPng(const QString& directory, QStringList* written, QString* error) {
  const auto fail = [error](const QString& message) {
    if (error != nullptr) *error = message;
    return false;
  };
  QDir dir(directory);
  if (!dir.mkpath(QStringLiteral("."))) {
    return fail(tr("cannot create the folder %1; choose another one").arg(directory));
  }
  ArrivalCalendar calendar;
  calendar.setCalendar(calendar_->calendar());
  calendar.setMoneyPerDay(calendar_->moneyPerDay(), calendar_->currency());
  calendar.setCurrentPage(calendar_->yearShown(), calendar_->monthShown());
  calendar.setSelectedDate(calendar_->selectedDate());
  calendar.resize(kExportWidth, kExportHeight);

  const struct {
    QString file;
    QPixmap image;
  } images[] = {
      {QStringLiteral("latency.png"), renderChart(makeLatencyChart())},
      {QStringLiteral("arrival-delay.png"), renderChart(makeArrivalChart())},
      {QStringLiteral("arrival-calendar.png"), calendar.grab()},
  };
  for (const auto& image : images) {
    const QString path = dir.filePath(image.file);
    if (image.image.isNull() || !image.image.save(path, "PNG")) {
      return fail(tr("cannot write %1; check that the folder is writable").arg(path));
    }
    if (written != nullptr) written->append(path);
  }
  emit statusMessage(
      tr("Charts exported to %1: %2")
          .arg(QDir::toNativeSeparators(dir.absolutePath()),
               QStringList{QStringLiteral("latency.png"), QStringLiteral("arrival-delay.png"),
                           QStringLiteral("arrival-calendar.png")}
                   .join(QStringLiteral(", "))));
  return true;
}

void MetricsView::chooseExportDirectory() {
  const QString directory =
      QFileDialog::getExistingDirectory(this, tr("Export the charts as PNG into"));
  if (directory.isEmpty()) return;
  QString error;
  if (!exportPng(directory, nullptr, &error))
    emit statusMessage(tr("Export failed: %1").arg(error));
}

}  // namespace posim::gui
