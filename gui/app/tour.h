// The guided tour (`posim-gui --tour DIR`): the app drives itself through what a newcomer does
// first and saves a screenshot after each stage, so the README's pictures are made by the real
// program from the real core (scripts/screenshots runs it under Xvfb):
//
//   01-contactless-sale.png   a contactless sale tapped on the faceplate, approved
//   02-pin-entry.png          a chip sale waiting for the PIN (digits shown as *)
//   03-chip-sale.png          the same sale approved, its receipt printed
//   04-scenario-suite.png     the example suite run from the scenario panel, every step passed
//   05-trace.png              the trace of a transaction, its GENERATE AC decoded
//   06-metrics.png            latency, arrival delay per what-if policy, the arrival calendar
//
// Each stage waits for the signal it needs (with a time limit), never for a fixed time. The tour
// works on any platform; under xcb the screenshots are of the screen, elsewhere of the window.
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>
#include <functional>

namespace posim::gui {

class MainWindow;

class Tour final : public QObject {
  Q_OBJECT

 public:
  // `examples` is the examples/ folder whose scenarios/ the tour runs.
  Tour(MainWindow* window, QString directory, QString examples, QObject* parent = nullptr);

  // Runs every stage; false with error() set when one did not finish in time or a file could
  // not be written. Spins the event loop while it waits.
  bool run();
  QString error() const { return error_; }
  QStringList written() const { return written_; }

 private:
  bool waitUntil(const std::function<bool()>& done, int timeout_ms, const QString& what);
  bool shoot(const QString& name);

  MainWindow* window_;
  QString directory_;
  QString examples_;
  QString error_;
  QStringList written_;
};

}  // namespace posim::gui
