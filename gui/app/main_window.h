// The main window of posim-gui (DESIGN.md §9). It only arranges and connects; every number it
// shows comes from the core through the widgets and models it holds:
//
//   left dock    Terminal        the faceplate (Faceplate over a TerminalSession)
//   centre tabs  Scenarios       ScenarioPanel: files, steps, diagnostics, YAML editor
//                Transactions    TransactionTable: every transaction, live, sortable, filterable
//                Metrics         MetricsView of the latest run (scenario or manual session)
//   bottom dock  Trace           TraceDock: APDUs and ISO 8583 messages of the selected transaction
//
// Desktop behaviour: the layout, the recent files and the settings (GuiSettings) persist in
// QSettings; errors the user need not act on go to the status bar, not to dialogs. The
// transaction table and the trace dock meet on transaction keys (EventBridge), so selecting a
// row (or a step of a scenario) narrows the trace to that transaction.
//
// objectNames: mainWindow, terminalDock, faceplateScroll, traceDock, centralTabs, backendLabel,
// hostLabel; actions: openFileAction, openFolderAction, saveAction, exportJsonAction,
// exportJunitAction, exportCsvAction, exportChartsAction, settingsAction, hostAction,
// newSessionAction, validateAction, runAction, runAllAction, pauseAction, stepAction,
// stopAction, rerunFailedAction, resetLayoutAction, quitAction.
#pragma once

#include <QMainWindow>
#include <QString>
#include <QStringList>
#include <memory>
#include <vector>

#include "posim/scenarios/runner.h"
#include "posim/scenarios/scenario.h"

#include "app/gui_settings.h"

class QAction;
class QDockWidget;
class QLabel;
class QMenu;
class QTabWidget;

namespace posim::gui {

class Faceplate;
class CardServer;
class HostController;
class MetricsView;
class ScenarioPanel;
class TerminalSession;
class TraceDock;
class TransactionTable;

class MainWindow final : public QMainWindow {
  Q_OBJECT

 public:
  // What an export writes: the latest scenario runs, or the manual terminal session.
  enum class ExportSource { kScenarioRuns, kTerminalSession };
  enum class ReportFormat { kJson, kJunit, kCsv };

  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // Opens a scenario file or folder in the scenario panel (and the recent files).
  bool openPath(const QString& path);
  // Builds a new terminal session from the current settings (dropping the old one).
  void newSession();

  // Writes the report of the latest run in `format` to `file`, as `posim run` writes it:
  // JSON (one run: a run report; several: a suite report), JUnit XML, CSV. False with `error`
  // set when there is nothing to export or the file cannot be written.
  bool exportReport(ReportFormat format, const QString& file, QString* error);
  ExportSource exportSource() const { return export_source_; }

  const GuiSettings& settings() const { return settings_; }
  void applySettings(const GuiSettings& settings);
  QStringList recentFiles() const { return recent_; }

  Faceplate* faceplate() const { return faceplate_; }
  TerminalSession* session() const { return session_; }
  ScenarioPanel* scenarioPanel() const { return scenarios_; }
  TransactionTable* transactionTable() const { return transactions_; }
  TraceDock* traceDock() const { return trace_; }
  MetricsView* metricsView() const { return metrics_; }
  HostController* hostController() const { return host_; }
  CardServer* cardServer() const { return card_server_; }
  QTabWidget* centralTabs() const { return tabs_; }

 public slots:
  void showStatus(const QString& message);
  void showMetrics();
  void showScenarios();
  void showTransactions();

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  void buildActions();
  void buildMenus();
  void connectParts();
  void restoreLayout();
  void saveLayout();
  void resetLayout();
  void addRecent(const QString& path);
  void rebuildRecentMenu();
  void updateBackendLabel();
  void showRun(const scenarios::RunResult& run,
               std::shared_ptr<const scenarios::Scenario> scenario);
  void showSessionMetrics();
  void openFileDialog();
  void openFolderDialog();
  void exportReportDialog(ReportFormat format);
  void exportChartsDialog();
  void editSettings();
  void toggleHost();
  // Asks which card to serve to PC/SC (vpcd) and serves it; stops serving when it is served.
  void toggleServeCard();
  void selectTransaction(int key);
  // The runs an export writes, per exportSource().
  std::vector<scenarios::RunResult> runsToExport() const;

  GuiSettings settings_;
  QStringList recent_;
  ExportSource export_source_ = ExportSource::kScenarioRuns;
  QByteArray default_state_;  // the layout before restoring, for View > Reset layout

  TerminalSession* session_ = nullptr;
  HostController* host_ = nullptr;
  CardServer* card_server_ = nullptr;
  QString served_card_ = QStringLiteral("visa-credit");  // the last choices of toggleServeCard()
  QString served_address_;
  bool served_contactless_ = false;
  Faceplate* faceplate_ = nullptr;
  ScenarioPanel* scenarios_ = nullptr;
  MetricsView* metrics_ = nullptr;
  TransactionTable* transactions_ = nullptr;
  TraceDock* trace_ = nullptr;
  QTabWidget* tabs_ = nullptr;
  QDockWidget* terminal_dock_ = nullptr;
  QLabel* backend_label_ = nullptr;
  QLabel* host_label_ = nullptr;
  QMenu* recent_menu_ = nullptr;

  QAction* open_file_ = nullptr;
  QAction* open_folder_ = nullptr;
  QAction* save_ = nullptr;
  QAction* export_json_ = nullptr;
  QAction* export_junit_ = nullptr;
  QAction* export_csv_ = nullptr;
  QAction* export_charts_ = nullptr;
  QAction* settings_action_ = nullptr;
  QAction* host_action_ = nullptr;
  QAction* serve_card_action_ = nullptr;
  QAction* new_session_ = nullptr;
  QAction* validate_ = nullptr;
  QAction* run_ = nullptr;
  QAction* run_all_ = nullptr;
  QAction* pause_ = nullptr;
  QAction* step_ = nullptr;
  QAction* stop_ = nullptr;
  QAction* rerun_failed_ = nullptr;
  QAction* reset_layout_ = nullptr;
  QAction* quit_ = nullptr;
};

}  // namespace posim::gui
