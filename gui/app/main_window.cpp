#include "app/main_window.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QSaveFile>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>
#include <filesystem>
#include <string>

#include "posim/scenarios/report.h"
#include "posim/scenarios/resolver.h"

#include "app/card_server.h"
#include "app/event_bridge.h"
#include "app/host_controller.h"
#include "app/metatypes.h"
#include "app/terminal_session.h"
#include "models/transaction_model.h"
#include "widgets/faceplate.h"
#include "widgets/metrics_view.h"
#include "widgets/scenario_panel.h"
#include "widgets/settings_dialog.h"
#include "widgets/trace_dock.h"
#include "widgets/transaction_table.h"

namespace posim::gui {
namespace {

constexpr int kMaxRecent = 8;
constexpr int kStatusTimeoutMs = 8000;

// The example scenario folder the window opens when nothing was opened before.
QString defaultScenarioFolder() {
  for (const std::filesystem::path& root : scenarios::defaultExampleRoots()) {
    const QString folder = QString::fromStdString((root / "scenarios").string());
    if (QFileInfo(folder).isDir()) return QDir(folder).absolutePath();
  }
  return {};
}

QString formatFilter(MainWindow::ReportFormat format) {
  switch (format) {
    case MainWindow::ReportFormat::kJson: return QObject::tr("JSON report (*.json)");
    case MainWindow::ReportFormat::kJunit: return QObject::tr("JUnit XML (*.xml)");
    case MainWindow::ReportFormat::kCsv: return QObject::tr("CSV (*.csv)");
  }
  return {};
}

QString formatSuffix(MainWindow::ReportFormat format) {
  switch (format) {
    case MainWindow::ReportFormat::kJson: return QStringLiteral("json");
    case MainWindow::ReportFormat::kJunit: return QStringLiteral("xml");
    case MainWindow::ReportFormat::kCsv: return QStringLiteral("csv");
  }
  return {};
}

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  registerMetaTypes();
  setObjectName(QStringLiteral("mainWindow"));
  setWindowTitle(tr("posim — payment terminal simulator"));
  setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);

  {
    QSettings stored;
    settings_ = GuiSettings::load(stored);
    recent_ = stored.value(QStringLiteral("window/recent")).toStringList();
  }

  session_ = new TerminalSession(this);
  host_ = new HostController(this);
  card_server_ = new CardServer(this);

  tabs_ = new QTabWidget(this);
  tabs_->setObjectName(QStringLiteral("centralTabs"));
  tabs_->setDocumentMode(true);
  scenarios_ = new ScenarioPanel(tabs_);
  metrics_ = new MetricsView(tabs_);
  tabs_->addTab(scenarios_, tr("&Scenarios"));
  tabs_->addTab(metrics_, tr("&Metrics"));
  setCentralWidget(tabs_);

  transactions_ = new TransactionTable(tabs_);
  tabs_->insertTab(1, transactions_, tr("&Transactions"));

  // The faceplate scrolls rather than forcing its height on the window (1280×800 screens).
  faceplate_ = new Faceplate(session_, this);
  auto* faceplate_scroll = new QScrollArea(this);
  faceplate_scroll->setObjectName(QStringLiteral("faceplateScroll"));
  faceplate_scroll->setWidget(faceplate_);
  faceplate_scroll->setWidgetResizable(true);
  faceplate_scroll->setFrameShape(QFrame::NoFrame);
  faceplate_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  faceplate_scroll->setMinimumWidth(faceplate_->minimumSizeHint().width() +
                                    faceplate_scroll->verticalScrollBar()->sizeHint().width());
  terminal_dock_ = new QDockWidget(tr("Terminal"), this);
  terminal_dock_->setObjectName(QStringLiteral("terminalDock"));
  terminal_dock_->setWidget(faceplate_scroll);
  terminal_dock_->setAllowedAreas(Qt::LeftDockWidgetArea | Qt::RightDockWidgetArea);
  // The terminal takes the whole left side; the trace sits under the tabs only.
  setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
  setCorner(Qt::TopLeftCorner, Qt::LeftDockWidgetArea);
  addDockWidget(Qt::LeftDockWidgetArea, terminal_dock_);

  trace_ = new TraceDock(this);
  trace_->setWindowTitle(tr("Trace"));
  addDockWidget(Qt::BottomDockWidgetArea, trace_);

  backend_label_ = new QLabel(this);
  backend_label_->setObjectName(QStringLiteral("backendLabel"));
  host_label_ = new QLabel(this);
  host_label_->setObjectName(QStringLiteral("hostLabel"));
  statusBar()->addPermanentWidget(host_label_);
  statusBar()->addPermanentWidget(backend_label_);

  buildActions();
  buildMenus();
  connectParts();

  resize(1280, 800);
  default_state_ = saveState();
  restoreLayout();

  scenarios_->setRunSettings(
      settings_.backend_kind == QStringLiteral("embedded") ? QString() : settings_.backendUrl(),
      settings_.seed);
  updateBackendLabel();
  newSession();

  // Where the user left off, or the example suite on a first start.
  const QString last = recent_.isEmpty() ? QString() : recent_.front();
  const QString initial =
      !last.isEmpty() && QFileInfo::exists(last) ? last : defaultScenarioFolder();
  if (!initial.isEmpty()) scenarios_->openPath(initial);
}

MainWindow::~MainWindow() = default;

void MainWindow::buildActions() {
  auto make = [this](const QString& name, const QString& text, const QKeySequence& key = {}) {
    auto* action = new QAction(text, this);
    action->setObjectName(name);
    if (!key.isEmpty()) action->setShortcut(key);
    addAction(action);
    return action;
  };
  open_file_ = make(QStringLiteral("openFileAction"), tr("&Open scenario…"), QKeySequence::Open);
  open_folder_ = make(QStringLiteral("openFolderAction"), tr("Open &folder…"),
                      QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
  save_ = make(QStringLiteral("saveAction"), tr("&Save scenario"), QKeySequence::Save);
  export_json_ = make(QStringLiteral("exportJsonAction"), tr("Export &JSON report…"),
                      QKeySequence(Qt::CTRL | Qt::Key_E));
  export_junit_ = make(QStringLiteral("exportJunitAction"), tr("Export J&Unit XML…"));
  export_csv_ = make(QStringLiteral("exportCsvAction"), tr("Export &CSV…"));
  export_charts_ = make(QStringLiteral("exportChartsAction"), tr("Export c&harts as PNG…"));
  quit_ = make(QStringLiteral("quitAction"), tr("&Quit"), QKeySequence::Quit);

  settings_action_ = make(QStringLiteral("settingsAction"), tr("&Settings…"),
                          QKeySequence(Qt::CTRL | Qt::Key_Comma));
  new_session_ = make(QStringLiteral("newSessionAction"), tr("&New terminal session"),
                      QKeySequence(Qt::CTRL | Qt::Key_N));
  host_action_ = make(QStringLiteral("hostAction"), tr("Start posim &host"),
                      QKeySequence(Qt::CTRL | Qt::Key_H));
  host_action_->setCheckable(true);
  serve_card_action_ = make(QStringLiteral("serveCardAction"), tr("Serve a card to &PC/SC…"));
  serve_card_action_->setCheckable(true);
  serve_card_action_->setToolTip(
      tr("Put a virtual card into vsmartcard's reader, for terminal software that talks PC/SC; "
         "its APDUs show in the trace"));

  validate_ = make(QStringLiteral("validateAction"), tr("&Validate"), QKeySequence(Qt::Key_F7));
  run_ = make(QStringLiteral("runAction"), tr("&Run scenario"), QKeySequence(Qt::Key_F5));
  run_all_ =
      make(QStringLiteral("runAllAction"), tr("Run &all"), QKeySequence(Qt::CTRL | Qt::Key_F5));
  pause_ = make(QStringLiteral("pauseAction"), tr("&Pause"), QKeySequence(Qt::Key_F6));
  step_ = make(QStringLiteral("stepAction"), tr("S&tep"), QKeySequence(Qt::Key_F10));
  stop_ = make(QStringLiteral("stopAction"), tr("St&op"), QKeySequence(Qt::SHIFT | Qt::Key_F5));
  rerun_failed_ = make(QStringLiteral("rerunFailedAction"), tr("Re-run &failed"),
                       QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F5));
  reset_layout_ = make(QStringLiteral("resetLayoutAction"), tr("&Reset layout"));

  connect(open_file_, &QAction::triggered, this, &MainWindow::openFileDialog);
  connect(open_folder_, &QAction::triggered, this, &MainWindow::openFolderDialog);
  connect(save_, &QAction::triggered, scenarios_, [this] { scenarios_->save(); });
  connect(export_json_, &QAction::triggered, this,
          [this] { exportReportDialog(ReportFormat::kJson); });
  connect(export_junit_, &QAction::triggered, this,
          [this] { exportReportDialog(ReportFormat::kJunit); });
  connect(export_csv_, &QAction::triggered, this,
          [this] { exportReportDialog(ReportFormat::kCsv); });
  connect(export_charts_, &QAction::triggered, this, &MainWindow::exportChartsDialog);
  connect(quit_, &QAction::triggered, this, &QWidget::close);
  connect(settings_action_, &QAction::triggered, this, &MainWindow::editSettings);
  connect(new_session_, &QAction::triggered, this, &MainWindow::newSession);
  connect(host_action_, &QAction::triggered, this, &MainWindow::toggleHost);
  connect(serve_card_action_, &QAction::triggered, this, &MainWindow::toggleServeCard);
  connect(validate_, &QAction::triggered, scenarios_, &ScenarioPanel::validate);
  connect(run_, &QAction::triggered, scenarios_, &ScenarioPanel::run);
  connect(run_all_, &QAction::triggered, scenarios_, &ScenarioPanel::runAll);
  connect(pause_, &QAction::triggered, scenarios_, &ScenarioPanel::pause);
  connect(step_, &QAction::triggered, scenarios_, &ScenarioPanel::step);
  connect(stop_, &QAction::triggered, scenarios_, &ScenarioPanel::stop);
  connect(rerun_failed_, &QAction::triggered, scenarios_, &ScenarioPanel::rerunFailed);
  connect(reset_layout_, &QAction::triggered, this, &MainWindow::resetLayout);
}

void MainWindow::buildMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  file->addAction(open_file_);
  file->addAction(open_folder_);
  recent_menu_ = file->addMenu(tr("Open &recent"));
  recent_menu_->setObjectName(QStringLiteral("recentMenu"));
  file->addAction(save_);
  file->addSeparator();
  file->addAction(export_json_);
  file->addAction(export_junit_);
  file->addAction(export_csv_);
  file->addAction(export_charts_);
  file->addSeparator();
  file->addAction(quit_);
  rebuildRecentMenu();

  QMenu* run = menuBar()->addMenu(tr("&Run"));
  run->addAction(validate_);
  run->addAction(run_);
  run->addAction(run_all_);
  run->addAction(pause_);
  run->addAction(step_);
  run->addAction(stop_);
  run->addAction(rerun_failed_);

  QMenu* terminal = menuBar()->addMenu(tr("&Terminal"));
  terminal->addAction(new_session_);
  terminal->addAction(settings_action_);
  terminal->addSeparator();
  terminal->addAction(host_action_);
  terminal->addAction(serve_card_action_);

  QMenu* view = menuBar()->addMenu(tr("&View"));
  view->addAction(terminal_dock_->toggleViewAction());
  view->addAction(trace_->toggleViewAction());
  view->addSeparator();
  QAction* scenarios_tab = view->addAction(tr("&Scenarios"), this, &MainWindow::showScenarios);
  scenarios_tab->setShortcut(QKeySequence(Qt::ALT | Qt::Key_1));
  QAction* transactions_tab =
      view->addAction(tr("&Transactions"), this, &MainWindow::showTransactions);
  transactions_tab->setShortcut(QKeySequence(Qt::ALT | Qt::Key_2));
  QAction* metrics_tab = view->addAction(tr("&Metrics"), this, &MainWindow::showMetrics);
  metrics_tab->setShortcut(QKeySequence(Qt::ALT | Qt::Key_3));
  view->addSeparator();
  view->addAction(reset_layout_);

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&About posim"), this, [this] {
    QMessageBox::about(
        this, tr("About posim"),
        tr("<b>posim</b> %1<br>A payment terminal simulator and test harness: EMV kernel and "
           "virtual cards, ISO 8583 hosts, scenarios and arrival-time metrics.<br>The same "
           "core runs headless as <code>posim</code>; see the README and docs/gui.md.")
            .arg(QApplication::applicationVersion()));
  });

  QToolBar* bar = addToolBar(tr("Main"));
  bar->setObjectName(QStringLiteral("mainToolBar"));
  bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
  bar->addAction(settings_action_);
  bar->addAction(new_session_);
  bar->addAction(host_action_);
  bar->addSeparator();
  bar->addAction(export_json_);
  bar->addAction(export_charts_);
}

void MainWindow::connectParts() {
  // Status messages of every part, in the status bar (no modal boxes for what needs no answer).
  connect(faceplate_, &Faceplate::statusMessage, this, &MainWindow::showStatus);
  connect(scenarios_, &ScenarioPanel::statusMessage, this, &MainWindow::showStatus);
  connect(metrics_, &MetricsView::statusMessage, this, &MainWindow::showStatus);
  connect(trace_, &TraceDock::statusMessage, this, &MainWindow::showStatus);
  connect(session_, &TerminalSession::failed, this, &MainWindow::showStatus);

  // Trace events of both producers into the dock; transactions of both into the table.
  connect(session_->events(), &EventBridge::eventReceived, trace_, &TraceDock::addEvent);
  connect(scenarios_->events(), &EventBridge::eventReceived, trace_, &TraceDock::addEvent);
  connect(card_server_->events(), &EventBridge::eventReceived, trace_, &TraceDock::addEvent);
  connect(session_, &TerminalSession::transactionReported, transactions_->model(),
          &TransactionModel::upsert);
  connect(scenarios_, &ScenarioPanel::transactionReported, transactions_->model(),
          &TransactionModel::upsert);

  connect(transactions_, &TransactionTable::transactionSelected, this,
          &MainWindow::selectTransaction);
  connect(scenarios_, &ScenarioPanel::transactionSelected, this, [this](int key) {
    transactions_->selectKey(key);
    selectTransaction(key);
  });

  connect(
      scenarios_, &ScenarioPanel::runFinished, this,
      [this](const scenarios::RunResult& run, std::shared_ptr<const scenarios::Scenario> scenario) {
        export_source_ = ExportSource::kScenarioRuns;
        showRun(run, std::move(scenario));
      });
  connect(scenarios_, &ScenarioPanel::suiteFinished, this, [this](int passed, int failed) {
    showStatus(failed == 0 ? tr("Suite finished: %n scenario(s) passed.", nullptr, passed)
                           : tr("Suite finished: %1 passed, %2 failed.").arg(passed).arg(failed));
  });
  connect(scenarios_, &ScenarioPanel::fileOpened, this, &MainWindow::addRecent);
  connect(scenarios_, &ScenarioPanel::runningChanged, this, [this](bool running) {
    run_->setEnabled(!running);
    run_all_->setEnabled(!running);
    rerun_failed_->setEnabled(!running);
    stop_->setEnabled(running);
  });
  stop_->setEnabled(false);

  connect(session_, &TerminalSession::sessionChanged, this, [this] {
    if (session_->run().transactions.empty()) return;
    export_source_ = ExportSource::kTerminalSession;
    showSessionMetrics();
  });
  connect(session_, &TerminalSession::configured, this, [this](const QStringList& cards) {
    showStatus(
        tr("Terminal ready: %1, %n card(s), backend %2.", nullptr, static_cast<int>(cards.size()))
            .arg(QString::fromStdString(settings_.workbenchChoice().terminal),
                 settings_.backendUrl()));
  });

  connect(host_, &HostController::started, this, [this](const QString& address) {
    host_action_->setChecked(true);
    host_action_->setText(tr("Stop posim &host"));
    host_label_->setText(tr("host: %1").arg(address));
    showStatus(tr("posim host listening on %1").arg(address));
  });
  connect(host_, &HostController::stopped, this, [this] {
    host_action_->setChecked(false);
    host_action_->setText(tr("Start posim &host"));
    host_label_->clear();
    showStatus(tr("posim host stopped"));
  });
  connect(host_, &HostController::failed, this, [this](const QString& message) {
    host_action_->setChecked(host_->isRunning());
    showStatus(tr("posim host: %1").arg(message));
  });

  connect(card_server_, &CardServer::started, this,
          [this](const QString& card, const QString& address) {
            serve_card_action_->setChecked(true);
            serve_card_action_->setText(tr("Stop serving the &PC/SC card"));
            showStatus(tr("Serving %1 to vpcd at %2 (state in %3)")
                           .arg(card, address, card_server_->statePath()));
          });
  connect(card_server_, &CardServer::stopped, this, [this] {
    serve_card_action_->setChecked(false);
    serve_card_action_->setText(tr("Serve a card to &PC/SC…"));
    showStatus(tr("The PC/SC card is out of the reader"));
  });
  connect(card_server_, &CardServer::failed, this, [this](const QString& message) {
    serve_card_action_->setChecked(card_server_->isServing());
    showStatus(tr("PC/SC card: %1").arg(message));
  });
  connect(card_server_, &CardServer::noted, this,
          [this](const QString& line) { showStatus(tr("PC/SC card: %1").arg(line)); });
}

void MainWindow::showStatus(const QString& message) {
  statusBar()->showMessage(message, kStatusTimeoutMs);
}

void MainWindow::showMetrics() {
  tabs_->setCurrentWidget(metrics_);
}
void MainWindow::showScenarios() {
  tabs_->setCurrentWidget(scenarios_);
}
void MainWindow::showTransactions() {
  tabs_->setCurrentWidget(transactions_);
}

bool MainWindow::openPath(const QString& path) {
  if (!scenarios_->openPath(path)) return false;
  showScenarios();
  return true;
}

void MainWindow::newSession() {
  session_->configure(settings_.workbenchChoice(), settings_.backendUrl(), settings_.seed);
}

void MainWindow::applySettings(const GuiSettings& settings) {
  settings_ = settings;
  QSettings stored;
  settings_.save(stored);
  scenarios_->setRunSettings(
      settings_.backend_kind == QStringLiteral("embedded") ? QString() : settings_.backendUrl(),
      settings_.seed);
  updateBackendLabel();
  if (!session_->busy()) newSession();
}

void MainWindow::updateBackendLabel() {
  backend_label_->setText(
      tr("backend: %1 · seed %2").arg(settings_.backendUrl()).arg(settings_.seed));
}

void MainWindow::showRun(const scenarios::RunResult& run,
                         std::shared_ptr<const scenarios::Scenario> scenario) {
  if (!scenario) return;
  metrics_->setRun(run, *scenario);
}

void MainWindow::showSessionMetrics() {
  const auto scenario = session_->scenario();
  if (!scenario) return;
  metrics_->setRun(session_->run(), *scenario);
}

void MainWindow::selectTransaction(int key) {
  trace_->showTransaction(key);
}

void MainWindow::openFileDialog() {
  const QString start = scenarios_->currentFile().isEmpty()
                            ? defaultScenarioFolder()
                            : QFileInfo(scenarios_->currentFile()).absolutePath();
  const QString file = QFileDialog::getOpenFileName(this, tr("Open scenario"), start,
                                                    tr("Scenarios (*.yaml *.yml);;All files (*)"));
  if (!file.isEmpty()) openPath(file);
}

void MainWindow::openFolderDialog() {
  const QString folder =
      QFileDialog::getExistingDirectory(this, tr("Open scenario folder"), defaultScenarioFolder());
  if (!folder.isEmpty()) openPath(folder);
}

std::vector<scenarios::RunResult> MainWindow::runsToExport() const {
  if (export_source_ == ExportSource::kTerminalSession) {
    if (session_->run().transactions.empty()) return {};
    return {session_->run()};
  }
  return scenarios_->lastRuns();
}

bool MainWindow::exportReport(ReportFormat format, const QString& file, QString* error) {
  const std::vector<scenarios::RunResult> runs = runsToExport();
  if (runs.empty()) {
    if (error != nullptr) *error = tr("Nothing to export yet: run a scenario or a transaction.");
    return false;
  }
  std::string text;
  switch (format) {
    case ReportFormat::kJson:
      text = (runs.size() == 1 ? scenarios::runReport(runs.front()) : scenarios::suiteReport(runs))
                 .dump(2);
      text += '\n';
      break;
    case ReportFormat::kJunit: text = scenarios::junitReport(runs); break;
    case ReportFormat::kCsv: text = scenarios::csvReport(runs); break;
  }
  QSaveFile out(file);
  if (!out.open(QIODevice::WriteOnly) ||
      out.write(text.data(), static_cast<qint64>(text.size())) !=
          static_cast<qint64>(text.size()) ||
      !out.commit()) {
    if (error != nullptr) *error = tr("Cannot write %1: %2").arg(file, out.errorString());
    return false;
  }
  return true;
}

void MainWindow::exportReportDialog(ReportFormat format) {
  const QString suggested =
      QDir::home().filePath(QStringLiteral("posim-report.") + formatSuffix(format));
  const QString file =
      QFileDialog::getSaveFileName(this, tr("Export report"), suggested, formatFilter(format));
  if (file.isEmpty()) return;
  QString error;
  if (exportReport(format, file, &error)) {
    showStatus(tr("Report written to %1").arg(QDir::toNativeSeparators(file)));
  } else {
    showStatus(error);
  }
}

void MainWindow::exportChartsDialog() {
  const QString folder =
      QFileDialog::getExistingDirectory(this, tr("Export charts into folder"), QDir::homePath());
  if (folder.isEmpty()) return;
  QStringList written;
  QString error;
  if (metrics_->exportPng(folder, &written, &error)) {
    showStatus(tr("Charts written: %1").arg(written.join(QStringLiteral(", "))));
  } else {
    showStatus(error);
  }
}

void MainWindow::editSettings() {
  SettingsDialog dialog(settings_, this);
  if (dialog.exec() == QDialog::Accepted) {
    applySettings(dialog.settings());
    showStatus(tr("Settings applied: backend %1").arg(settings_.backendUrl()));
  }
}

void MainWindow::toggleHost() {
  if (host_->isRunning()) {
    host_->stop();
    return;
  }
  // Serves the issuer of the scenario shown, so terminals elsewhere meet the same cards.
  const QString config = scenarios_->currentFile();
  if (!host_->start(settings_, config)) host_action_->setChecked(false);
}

void MainWindow::toggleServeCard() {
  if (card_server_->isServing()) {
    card_server_->stop();
    return;
  }
  QDialog dialog(this);
  dialog.setWindowTitle(tr("Serve a card to PC/SC"));
  auto* card = new QComboBox(&dialog);
  card->setObjectName(QStringLiteral("servedCardCombo"));
  card->setEditable(true);  // a profile's YAML path works too
  scenarios::Resolver resolver;
  for (const std::string& name : resolver.availableNames(scenarios::kCardReference)) {
    card->addItem(QString::fromStdString(name));
  }
  card->setCurrentText(served_card_);
  auto* address = new QLineEdit(served_address_, &dialog);
  address->setObjectName(QStringLiteral("vpcdAddressEdit"));
  address->setPlaceholderText(tr("127.0.0.1 and the port of /etc/reader.conf.d/vpcd"));
  auto* contactless = new QCheckBox(tr("Tapped (contactless)"), &dialog);
  contactless->setChecked(served_contactless_);
  auto* fresh =
      new QCheckBox(tr("A new card (else its saved ATC, PIN tries and counters)"), &dialog);
  auto* form = new QFormLayout(&dialog);
  form->addRow(new QLabel(tr("The card goes into vsmartcard's virtual reader (pcscd with "
                             "vsmartcard-vpcd); PC/SC applications of this machine then see it."),
                          &dialog));
  form->addRow(tr("&Card"), card);
  form->addRow(tr("&vpcd at"), address);
  form->addRow(QString(), contactless);
  form->addRow(QString(), fresh);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
  connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
  form->addRow(buttons);
  if (dialog.exec() != QDialog::Accepted) {
    serve_card_action_->setChecked(false);
    return;
  }
  served_card_ = card->currentText();
  served_address_ = address->text();
  served_contactless_ = contactless->isChecked();
  if (!card_server_->start(served_card_, served_address_, served_contactless_,
                           fresh->isChecked())) {
    serve_card_action_->setChecked(false);
  }
}

void MainWindow::addRecent(const QString& path) {
  const QString absolute = QFileInfo(path).absoluteFilePath();
  recent_.removeAll(absolute);
  recent_.prepend(absolute);
  while (recent_.size() > kMaxRecent) recent_.removeLast();
  QSettings().setValue(QStringLiteral("window/recent"), recent_);
  rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
  recent_menu_->clear();
  for (const QString& path : recent_) {
    recent_menu_->addAction(QDir::toNativeSeparators(path), this, [this, path] {
      if (!openPath(path)) showStatus(tr("Cannot open %1").arg(path));
    });
  }
  recent_menu_->setEnabled(!recent_.isEmpty());
}

void MainWindow::restoreLayout() {
  QSettings stored;
  const QByteArray geometry = stored.value(QStringLiteral("window/geometry")).toByteArray();
  if (!geometry.isEmpty()) restoreGeometry(geometry);
  const QByteArray state = stored.value(QStringLiteral("window/state")).toByteArray();
  if (!state.isEmpty()) {
    restoreState(state);
  } else {
    // First start: the trace takes a third of the height once the window is laid out.
    QTimer::singleShot(0, this, [this] { resizeDocks({trace_}, {height() / 3}, Qt::Vertical); });
  }
}

void MainWindow::saveLayout() {
  QSettings stored;
  stored.setValue(QStringLiteral("window/geometry"), saveGeometry());
  stored.setValue(QStringLiteral("window/state"), saveState());
  stored.setValue(QStringLiteral("window/recent"), recent_);
}

void MainWindow::resetLayout() {
  restoreState(default_state_);
  terminal_dock_->show();
  trace_->show();
  showStatus(tr("Layout reset"));
}

void MainWindow::closeEvent(QCloseEvent* event) {
  scenarios_->stop();
  saveLayout();
  event->accept();
}

}  // namespace posim::gui
