// The scenario workbench (DESIGN.md §9): open a scenario file or a folder of them, see the steps,
// validate (every diagnostic with file:line:column; double click jumps the editor there), edit
// the YAML, run, pause, step, stop, run all, and re-run the files that failed, with pass/fail
// per step and expected vs actual from the core's StepResult.
//
// Runs go through a ScenarioRunner (app/scenario_runner.h) on its worker thread: the UI never
// blocks, steps update live, and the trace events come out of events() keyed per transaction.
//
// Unsaved edits: the panel keeps an unsaved buffer per file (switching files loses nothing) and
// validate() and every run use the BUFFER, not the file on disk (loadScenarioText, with
// references resolved next to the file); nothing is written until save() (Ctrl+S). The file
// list marks a file with unsaved edits with a trailing '*'.
//
// pause() while idle arms the next run to wait before its first step; run() while paused
// resumes; step() while idle starts the current file paused and runs its first step.
//
// Child objectNames: fileList (QListWidget; item data Qt::UserRole = absolute path,
// kFileStatusRole = int(FileStatus)), stepTable (QTableView over the current file's
// StepModel), diagnosticsList (QListWidget; item data kLineRole, kColumnRole, kFileRole),
// yamlEditor (YamlEditor), scenarioToolBar (QToolBar) with the buttons openButton,
// openFolderButton, saveButton, validateButton, runButton, runAllButton, pauseButton (checkable),
// stepButton, stopButton, rerunFailedButton, and the matching actions scenarioOpenAction,
// scenarioOpenFolderAction, scenarioSaveAction, scenarioValidateAction, scenarioRunAction,
// scenarioRunAllAction, scenarioPauseAction, scenarioStepAction, scenarioStopAction,
// scenarioRerunFailedAction.
//
// Keys: the toolbar's tooltips name them (Ctrl+S save, F7 validate, F5 run/continue, Ctrl+F5
// run all, F6 pause, F10 step, Shift+F5 stop, Ctrl+Shift+F5 re-run failed), but the panel's
// actions bind them only after setShortcutsEnabled(true): in the main window its menu actions
// own the same keys (two actions on one key would make both ambiguous and dead).
#pragma once

#include <QHash>
#include <QString>
#include <QStringList>
#include <QWidget>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "posim/scenarios/runner.h"
#include "posim/scenarios/scenario.h"

#include "app/event_bridge.h"
#include "app/scenario_runner.h"

class QAction;
class QListWidget;
class QListWidgetItem;
class QTableView;
class QToolBar;

namespace posim::gui {

class StepModel;
class YamlEditor;

class ScenarioPanel final : public QWidget {
  Q_OBJECT

 public:
  enum class FileStatus { kNotRun, kRunning, kPassed, kFailed };
  enum Role : int {
    kFileStatusRole = Qt::UserRole + 1,  // fileList: int(FileStatus)
    kLineRole,                           // diagnosticsList: int, 1-based (0: whole file)
    kColumnRole,                         // diagnosticsList: int, 1-based
    kFileRole,                           // diagnosticsList: QString, the diagnostic's file
  };

  explicit ScenarioPanel(QWidget* parent = nullptr);
  ~ScenarioPanel() override;

  // Binds the toolbar actions' keys (off by default; see above).
  void setShortcutsEnabled(bool enabled);
  bool shortcutsEnabled() const { return shortcuts_enabled_; }

  // Trace events of runs, keyed per transaction.
  EventBridge* events();
  ScenarioRunner* runner() const { return runner_; }

  // The backend override ("" = each scenario's own backend) and the seed of the next runs.
  void setRunSettings(const QString& backend_url, quint64 seed);

  // A .yaml/.yml file (its folder's other scenario files are not listed) or a folder (every
  // *.yaml and *.yml in it, sorted by name). False with a statusMessage when it is neither, or
  // while a run is going on. The first file becomes current.
  bool openPath(const QString& path);
  // The scenario files listed (absolute paths, in list order).
  QStringList files() const;
  QString currentFile() const;
  // Makes `path` (one of files()) current: editor, step table. False when it is not listed.
  bool setCurrentFile(const QString& path);

  // Results of the latest run (one per file that ran, in run order).
  const std::vector<posim::scenarios::RunResult>& lastRuns() const { return last_runs_; }
  // The scenario as last loaded (by validate() or a run); null when never loaded.
  std::shared_ptr<const posim::scenarios::Scenario> scenarioOf(const QString& file) const;
  FileStatus fileStatus(const QString& file) const;
  // The step model of `file` (null when not listed); the step table shows the current file's.
  StepModel* stepModel(const QString& file) const;
  // The text a run or validate() uses for `file`: the unsaved buffer, or nullopt (the file).
  std::optional<std::string> bufferOf(const QString& file) const;

  YamlEditor* editor() const { return editor_; }
  bool isRunning() const;
  bool isPaused() const;

 public slots:
  void openFileDialog();
  void openFolderDialog();
  // Validates the current file's buffer: fills the diagnostics list; statusMessage says the
  // outcome. Valid: the step table shows the steps as loaded.
  void validate();
  // Runs the current file (resumes when paused).
  void run();
  // Runs every listed file in order.
  void runAll();
  void pause();
  void resume();
  void step();
  void stop();
  // Runs again the files whose last run failed (or did not load).
  void rerunFailed();
  // Writes the editor to the current file. False (with statusMessage) when it cannot.
  bool save();

 signals:
  void statusMessage(const QString& message);
  void fileOpened(const QString& path);  // for the recent-files menu
  void runningChanged(bool running);
  void transactionReported(int key, const QString& source,  // source = scenario file name
                           const posim::scenarios::ReportedTransaction& transaction);
  // Per file, when its run ends.
  void runFinished(const posim::scenarios::RunResult& run,
                   std::shared_ptr<const posim::scenarios::Scenario> scenario);
  void suiteFinished(int passed, int failed);
  // The user selected a step that has a transaction.
  void transactionSelected(int key);

 private:
  struct FileState {
    QString path;
    FileStatus status = FileStatus::kNotRun;
    StepModel* steps = nullptr;
    std::shared_ptr<const posim::scenarios::Scenario> scenario;
    std::optional<QString> buffer;  // unsaved edits
  };

  FileState* state(const QString& path);
  const FileState* state(const QString& path) const;
  QListWidgetItem* itemOf(const QString& path) const;
  void updateItem(const FileState& file);
  void showFile(const QString& path);
  void keepBuffer();
  bool startRun(const QStringList& paths);
  void showDiagnostics(const std::vector<posim::scenarios::Diagnostic>& problems, bool replace);
  void jumpTo(QListWidgetItem* item);
  void updateActions();
  void onStepSelected();

  void onScenarioStarted(const QString& path,
                         std::shared_ptr<const posim::scenarios::Scenario> scenario);
  void onScenarioFinished(const QString& path, const posim::scenarios::RunResult& run,
                          std::shared_ptr<const posim::scenarios::Scenario> scenario,
                          const std::vector<int>& keys);

  ScenarioRunner* runner_;
  QToolBar* toolbar_;
  QListWidget* file_list_;
  QTableView* step_table_;
  QListWidget* diagnostics_;
  YamlEditor* editor_;
  QAction* open_;
  QAction* open_folder_;
  QAction* save_;
  QAction* validate_;
  QAction* run_;
  QAction* run_all_;
  QAction* pause_;
  QAction* step_;
  QAction* stop_;
  QAction* rerun_failed_;

  bool shortcuts_enabled_ = false;
  std::vector<FileState> files_;
  QString current_;
  QString last_folder_;
  std::vector<posim::scenarios::RunResult> last_runs_;
};

}  // namespace posim::gui
