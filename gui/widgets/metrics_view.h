// The metrics of a run (DESIGN.md §9) with Qt Charts: the authorization latency histogram, the
// arrival delay under each what-if settlement policy (T+1 vs D+0 vs instant, p50/p95/max hours
// per policy) and the money arriving per day on the scenario's business calendar, under a
// one-line summary (transactions, approval rate, money arriving).
//
// The numbers are the core's: RunResult::summary (percentiles, approval rate, money per day),
// settlement::whatIfDelayHours + distributionOf (what `posim run` prints as the what-if), and
// settlement::histogramOf for the latency bins. exportPng() writes the three charts as PNG files
// at a fixed size, whether or not the view is on screen.
//
// Child objectNames: metricsSummary (QLabel), latencyChart (QChartView), arrivalChart
// (QChartView), arrivalCalendar (ArrivalCalendar), calendarLegend (QLabel), exportButton
// (QPushButton: asks for a folder and calls exportPng). Messages go out as statusMessage.
#pragma once

#include <QString>
#include <QStringList>
#include <QWidget>
#include <cstddef>
#include <string>
#include <vector>

#include "posim/scenarios/runner.h"
#include "posim/scenarios/scenario.h"
#include "posim/settlement/metrics.h"

class QChart;
class QChartView;
class QLabel;
class QPushButton;

namespace posim::gui {

class ArrivalCalendar;

class MetricsView final : public QWidget {
  Q_OBJECT

 public:
  // The latency histogram has at most this many bins.
  static constexpr std::size_t kLatencyBins = 12;
  // The size of the exported PNG files, in device-independent pixels.
  static constexpr int kExportWidth = 1200;
  static constexpr int kExportHeight = 720;

  explicit MetricsView(QWidget* parent = nullptr);

  // Shows `run`; `scenario` (the one that was run) gives the business calendar and the name of
  // its own settlement policy. Replaces what was shown.
  void setRun(const scenarios::RunResult& run, const scenarios::Scenario& scenario);
  // Back to "no run yet": empty charts, no money on the calendar.
  void clear();
  bool hasRun() const { return has_run_; }

  // Writes latency.png, arrival-delay.png and arrival-calendar.png into `directory` (created
  // when missing), each kExportWidth × kExportHeight. On success appends the paths written to
  // `written` (may be null) and returns true; otherwise sets `error` (may be null) to what
  // failed and where, and returns false (files written before the failure stay).
  bool exportPng(const QString& directory, QStringList* written, QString* error);

  QString summaryText() const;
  QChartView* latencyChart() const { return latency_view_; }
  QChartView* arrivalChart() const { return arrival_view_; }
  ArrivalCalendar* arrivalCalendar() const { return calendar_; }

 signals:
  void statusMessage(const QString& message);

 private:
  // What the charts are drawn from, kept so exports draw the same charts again.
  struct PolicyDelays {
    std::string name;
    settlement::Distribution hours;
  };
  QChart* makeLatencyChart() const;
  QChart* makeArrivalChart() const;
  void rebuildCharts();
  void chooseExportDirectory();

  bool has_run_ = false;
  std::vector<double> latencies_ms_;
  settlement::Distribution latency_;  // RunSummary::latency_ms
  std::vector<PolicyDelays> policies_;
  std::size_t captures_ = 0;
  std::string own_policy_;  // "T+1"

  QLabel* summary_ = nullptr;
  QChartView* latency_view_ = nullptr;
  QChartView* arrival_view_ = nullptr;
  ArrivalCalendar* calendar_ = nullptr;
  QLabel* legend_ = nullptr;
  QPushButton* export_button_ = nullptr;
};

}  // namespace posim::gui
