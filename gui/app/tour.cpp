#include "app/tour.h"

#include <QApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <QGuiApplication>
#include <QPixmap>
#include <QScreen>
#include <QTabWidget>
#include <QThread>
#include <utility>

#include "posim/base/event_sink.h"

#include "app/main_window.h"
#include "app/terminal_session.h"
#include "models/trace_model.h"
#include "widgets/faceplate.h"
#include "widgets/metrics_view.h"
#include "widgets/scenario_panel.h"
#include "widgets/trace_dock.h"
#include "widgets/transaction_table.h"

namespace posim::gui {
namespace {

constexpr int kTransactionTimeoutMs = 30'000;
constexpr int kSuiteTimeoutMs = 240'000;

}  // namespace

Tour::Tour(MainWindow* window, QString directory, QString examples, QObject* parent)
    : QObject(parent),
      window_(window),
      directory_(std::move(directory)),
      examples_(std::move(examples)) {}

bool Tour::waitUntil(const std::function<bool()>& done, int timeout_ms, const QString& what) {
  QDeadlineTimer deadline(timeout_ms);
  while (!done()) {
    if (deadline.hasExpired()) {
      error_ = tr("tour: %1 did not happen within %2 s").arg(what).arg(timeout_ms / 1000);
      return false;
    }
    QApplication::processEvents(QEventLoop::AllEvents, 50);
    QThread::msleep(5);
  }
  // Let the last queued signals paint.
  for (int i = 0; i < 5; ++i) QApplication::processEvents(QEventLoop::AllEvents, 20);
  return true;
}

bool Tour::shoot(const QString& name) {
  for (int i = 0; i < 5; ++i) QApplication::processEvents(QEventLoop::AllEvents, 20);
  QPixmap picture;
  QScreen* screen = window_->screen();
  if (QGuiApplication::platformName() == QStringLiteral("xcb") && screen != nullptr) {
    picture = screen->grabWindow(0, window_->x(), window_->y(), window_->frameGeometry().width(),
                                 window_->frameGeometry().height());
  }
  if (picture.isNull()) picture = window_->grab();
  const QString path = QDir(directory_).filePath(name);
  if (!picture.save(path, "PNG")) {
    error_ = tr("tour: cannot write %1").arg(path);
    return false;
  }
  written_ << path;
  return true;
}

bool Tour::run() {
  if (!QDir().mkpath(directory_)) {
    error_ = tr("tour: cannot create %1").arg(directory_);
    return false;
  }
  TerminalSession* session = window_->session();
  Faceplate* faceplate = window_->faceplate();
  if (!waitUntil([session] { return session->ready() && !session->busy(); }, kTransactionTimeoutMs,
                 tr("the terminal session")))
    return false;

  // 1. A contactless sale below the CVM limit: tap and it is done.
  std::size_t before = session->transactions().size();
  faceplate->selectType(acquirer::TransactionType::kSale);
  faceplate->setAmount(QStringLiteral("88.00"));
  faceplate->selectCard(QStringLiteral("mastercard-credit-contactless"));
  faceplate->tapCard();
  if (!waitUntil([&] { return session->transactions().size() > before && !session->busy(); },
                 kTransactionTimeoutMs, tr("the contactless sale")))
    return false;
  if (!shoot(QStringLiteral("01-contactless-sale.png"))) return false;

  // 2. A chip sale with PIN: insert, wait for the PIN prompt, type four digits.
  before = session->transactions().size();
  faceplate->removeCard();
  faceplate->setAmount(QStringLiteral("356.00"));
  faceplate->selectCard(QStringLiteral("visa-credit"));
  faceplate->insertCard();
  if (!waitUntil([faceplate] { return faceplate->mode() == Faceplate::Mode::kEnteringPin; },
                 kTransactionTimeoutMs, tr("the PIN prompt")))
    return false;
  for (int digit : {1, 2, 3, 4}) faceplate->pressDigit(digit);
  if (!shoot(QStringLiteral("02-pin-entry.png"))) return false;
  faceplate->pressEnter();
  if (!waitUntil([&] { return session->transactions().size() > before && !session->busy(); },
                 kTransactionTimeoutMs, tr("the chip sale")))
    return false;
  if (!shoot(QStringLiteral("03-chip-sale.png"))) return false;
  faceplate->removeCard();

  // 3. The example suite from the scenario panel.
  ScenarioPanel* panel = window_->scenarioPanel();
  const QString suite = QDir(examples_).filePath(QStringLiteral("scenarios"));
  if (!window_->openPath(suite)) {
    error_ = tr("tour: cannot open %1").arg(suite);
    return false;
  }
  bool suite_done = false;
  auto connection = connect(panel, &ScenarioPanel::suiteFinished, this,
                            [&suite_done](int, int) { suite_done = true; });
  panel->runAll();
  const bool finished = waitUntil([&] { return suite_done; }, kSuiteTimeoutMs, tr("the suite"));
  disconnect(connection);
  if (!finished) return false;
  window_->showScenarios();
  window_->resizeDocks({window_->traceDock()}, {window_->height() / 4}, Qt::Vertical);
  panel->setCurrentFile(QDir(suite).filePath(QStringLiteral("preauth-completion-cancel.yaml")));
  if (!shoot(QStringLiteral("04-scenario-suite.png"))) return false;

  // 4. The trace of the first scenario transaction, on its first card response to GENERATE AC.
  TraceDock* trace = window_->traceDock();
  TraceModel* model = trace->model();
  for (int row = 0; row < model->size(); ++row) {
    const TraceEvent& event = model->eventAt(row);
    if (event.kind == TraceKind::kApduResponse && row > 0 &&
        model->eventAt(row - 1).summary.find("GENERATE AC") != std::string::npos) {
      window_->transactionTable()->selectKey(model->keyAt(row));
      trace->showTransaction(model->keyAt(row));
      trace->selectSourceRow(row);
      break;
    }
  }
  window_->showTransactions();
  window_->resizeDocks({trace}, {window_->height() / 2}, Qt::Vertical);
  if (!shoot(QStringLiteral("05-trace.png"))) return false;

  // 5. The metrics of the National Day scenario: holidays, make-up days, the what-if.
  for (const scenarios::RunResult& run : panel->lastRuns()) {
    if (QFileInfo(QString::fromStdString(run.file)).fileName() ==
        QStringLiteral("national-day-what-if.yaml")) {
      if (auto scenario = panel->scenarioOf(QString::fromStdString(run.file))) {
        window_->metricsView()->setRun(run, *scenario);
      }
    }
  }
  window_->showMetrics();
  // The trace dock small, as a person reading the charts and the calendar would keep it.
  window_->resizeDocks({trace}, {window_->height() / 6}, Qt::Vertical);
  return shoot(QStringLiteral("06-metrics.png"));
}

}  // namespace posim::gui
