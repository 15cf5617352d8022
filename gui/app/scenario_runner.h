// Runs scenario files on a worker thread exactly as `posim run` does (cli/src/run_command.cpp):
// a Resolver, loadScenario (or loadScenarioText for an editor buffer), a BackendRegistry with
// the built-in backends, a RealSteadyClock, RunOptions{seed, backend} and runScenario. Trace
// events go out through events() keyed per transaction: the runner takes
// EventBridge::nextTransactionKey() before each transaction step, so trace rows, step rows and
// transaction rows meet on the key.
//
// ScenarioRunner lives on the UI thread; every call returns at once and every signal is emitted
// on the UI thread (the worker posts them). Pause blocks the worker in RunOptions::before_step
// (a condition variable), never the UI: the step about to run waits. step() lets exactly one
// step run and pauses again before the next; stop() makes before_step return false, so the
// current scenario ends with its remaining steps skipped (RunResult::stopped) and the files
// still queued are not run. A file is loaded when its turn comes; one that does not load
// reports loadFailed() with its diagnostics and the queue goes on.
//
//   runner.setRunSettings("", 1);                    // "": each scenario's own backend
//   runner.start({{"/x/a.yaml", std::nullopt}, {"/x/b.yaml", buffer}});
//   ... scenarioStarted, stepStarted, stepFinished, transactionReported ... scenarioFinished
//   ... queueFinished(passed, failed)
#pragma once

#include <QFileInfo>
#include <QObject>
#include <QString>
#include <QThread>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "posim/scenarios/diagnostic.h"
#include "posim/scenarios/runner.h"
#include "posim/scenarios/scenario.h"

#include "app/event_bridge.h"
#include "app/metatypes.h"

namespace posim::gui {

class ScenarioRunner final : public QObject {
  Q_OBJECT

 public:
  // One file to run: its path, and the text to run instead of the file's (an unsaved editor
  // buffer; relative references still resolve next to `path`).
  struct Job {
    QString path;
    std::optional<std::string> text;
  };

  explicit ScenarioRunner(QObject* parent = nullptr);
  // Stops a run in progress and waits for the worker.
  ~ScenarioRunner() override;

  EventBridge* events() { return &events_; }

  // The backend override ("" = each scenario's own; "embedded"; "iso8583://HOST:PORT?...") and
  // the seed of the runs started from now on.
  void setRunSettings(const QString& backend_url, quint64 seed);
  QString backendUrl() const { return backend_; }
  quint64 seed() const { return seed_; }

  // Runs `jobs` in order. False (nothing starts) while a run is in progress or for no jobs.
  // When paused() was called before, the run waits before its first step.
  bool start(std::vector<Job> jobs);

  bool isRunning() const { return running_; }
  bool isPaused() const;

 public slots:
  // The run waits before its next step (while idle: the next run starts paused).
  void pause();
  // A paused run goes on.
  void resume();
  // Exactly one more step runs, then the run pauses again.
  void step();
  // The scenario running ends with its remaining steps skipped; queued files are not run.
  void stop();

 signals:
  void runningChanged(bool running);
  void pausedChanged(bool paused);
  // A file loaded and is about to run (its steps as loaded, for the step table).
  void scenarioStarted(const QString& path,
                       std::shared_ptr<const posim::scenarios::Scenario> scenario);
  // A file could not be loaded; nothing of it ran.
  void loadFailed(const QString& path, const std::vector<posim::scenarios::Diagnostic>& problems);
  // The run waits (paused) before step `index` of the file.
  void pausedAt(const QString& path, int index);
  // Step `index` (runner.h numbering) of the file is about to run (after any pause).
  void stepStarted(const QString& path, int index);
  // Step `index` ran or was skipped; `transaction_key` is 0 when it has no transaction (then
  // `transaction` is an empty value).
  void stepFinished(const QString& path, int index, const posim::scenarios::StepResult& result,
                    const posim::scenarios::ReportedTransaction& transaction, int transaction_key);
  // A transaction row (same key: same row): after its step, and again at the end of the
  // scenario with its final status. `source` is the file name.
  void transactionReported(int key, const QString& source,
                           const posim::scenarios::ReportedTransaction& transaction);
  // The file's run ended (passed, failed or stopped). `keys[i]` is the key of
  // run.transactions[i].
  void scenarioFinished(const QString& path, const posim::scenarios::RunResult& run,
                        std::shared_ptr<const posim::scenarios::Scenario> scenario,
                        const std::vector<int>& keys);
  // The file loaded but could not run (backend unreachable, ...).
  void scenarioError(const QString& path, const QString& message);
  // Every job is done (or the run was stopped). passed + failed = the files that were tried.
  void queueFinished(int passed, int failed);

 private:
  struct Control;

  void finish(int passed, int failed);

  EventBridge events_;
  QThread thread_;
  QObject* context_ = nullptr;  // on thread_: queued calls run there
  std::shared_ptr<Control> control_;
  QString backend_;
  quint64 seed_ = 1;
  bool running_ = false;
};

}  // namespace posim::gui
