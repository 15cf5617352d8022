#include "widgets/scenario_panel.h"

#include <QAction>
#include <QColor>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QIcon>
#include <QItemSelectionModel>
#include <QKeySequence>
#include <QListWidget>
#include <QPainter>
#include <QPixmap>
#include <QSignalBlocker>
#include <QSplitter>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>
#include <utility>

#include "posim/scenarios/resolver.h"

#include "models/step_model.h"
#include "widgets/yaml_editor.h"

namespace posim::gui {
namespace {

constexpr const char* kShortcutProperty = "posimShortcut";

QIcon statusIcon(ScenarioPanel::FileStatus status) {
  QColor color(0xa0, 0xa0, 0xa0);
  switch (status) {
    case ScenarioPanel::FileStatus::kNotRun: break;
    case ScenarioPanel::FileStatus::kRunning: color = QColor(0x1c, 0x71, 0xd8); break;
    case ScenarioPanel::FileStatus::kPassed: color = QColor(0x2e, 0xc2, 0x7e); break;
    case ScenarioPanel::FileStatus::kFailed: color = QColor(0xe0, 0x1b, 0x24); break;
  }
  QPixmap pixmap(12, 12);
  pixmap.fill(Qt::transparent);
  QPainter painter(&pixmap);
  painter.setRenderHint(QPainter::Antialiasing);
  painter.setPen(Qt::NoPen);
  painter.setBrush(color);
  painter.drawEllipse(1, 1, 10, 10);
  return QIcon(pixmap);
}

QString statusWord(ScenarioPanel::FileStatus status) {
  switch (status) {
    case ScenarioPanel::FileStatus::kNotRun: return ScenarioPanel::tr("not run");
    case ScenarioPanel::FileStatus::kRunning: return ScenarioPanel::tr("running");
    case ScenarioPanel::FileStatus::kPassed: return ScenarioPanel::tr("passed");
    case ScenarioPanel::FileStatus::kFailed: return ScenarioPanel::tr("failed");
  }
  return {};
}

QString absolute(const QString& path) {
  return QFileInfo(path).absoluteFilePath();
}

QString fileName(const QString& path) {
  return QFileInfo(path).fileName();
}

bool isScenarioFile(const QFileInfo& info) {
  const QString suffix = info.suffix().toLower();
  return info.isFile() && (suffix == QLatin1String("yaml") || suffix == QLatin1String("yml"));
}

}  // namespace

ScenarioPanel::ScenarioPanel(QWidget* parent)
    : QWidget(parent),
      runner_(new ScenarioRunner(this)),
      toolbar_(new QToolBar(tr("Scenarios"), this)),
      file_list_(new QListWidget(this)),
      step_table_(new QTableView(this)),
      diagnostics_(new QListWidget(this)),
      editor_(new YamlEditor(this)) {
  setObjectName(QStringLiteral("scenarioPanel"));
  toolbar_->setObjectName(QStringLiteral("scenarioToolBar"));
  toolbar_->setToolButtonStyle(Qt::ToolButtonTextOnly);
  file_list_->setObjectName(QStringLiteral("fileList"));
  step_table_->setObjectName(QStringLiteral("stepTable"));
  diagnostics_->setObjectName(QStringLiteral("diagnosticsList"));
  editor_->setObjectName(QStringLiteral("yamlEditor"));

  // The keys are listed in the tooltips; they are bound only with setShortcutsEnabled(true)
  // (the main window's menu actions own them there).
  auto addAction = [this](QAction*& action, const QString& text, const char* name,
                          const QKeySequence& shortcut, const QString& tip) {
    action = new QAction(text, this);
    action->setObjectName(QStringLiteral("scenario") + QString::fromLatin1(name) +
                          QStringLiteral("Action"));
    action->setProperty(kShortcutProperty, shortcut);
    action->setToolTip(shortcut.isEmpty()
                           ? tip
                           : tip + QStringLiteral(" (") +
                                 shortcut.toString(QKeySequence::NativeText) + QLatin1Char(')'));
    action->setStatusTip(tip);
    toolbar_->addAction(action);
    if (QWidget* button = toolbar_->widgetForAction(action)) {
      QString button_name = QString::fromLatin1(name) + QStringLiteral("Button");
      button_name[0] = button_name[0].toLower();
      button->setObjectName(button_name);
    }
  };
  addAction(open_, tr("Open…"), "Open", {}, tr("Open a scenario file"));
  addAction(open_folder_, tr("Open folder…"), "OpenFolder", {},
            tr("Open every scenario file of a folder"));
  addAction(save_, tr("Save"), "Save", QKeySequence::Save, tr("Save the edited scenario"));
  toolbar_->addSeparator();
  addAction(validate_, tr("Validate"), "Validate", QKeySequence(Qt::Key_F7),
            tr("Validate the scenario in the editor"));
  addAction(run_, tr("Run"), "Run", QKeySequence(Qt::Key_F5),
            tr("Run the scenario in the editor, or continue a paused run"));
  addAction(run_all_, tr("Run all"), "RunAll", QKeySequence(Qt::CTRL | Qt::Key_F5),
            tr("Run every listed scenario"));
  addAction(pause_, tr("Pause"), "Pause", QKeySequence(Qt::Key_F6),
            tr("Pause before the next step"));
  pause_->setCheckable(true);
  addAction(step_, tr("Step"), "Step", QKeySequence(Qt::Key_F10), tr("Run one step and pause"));
  addAction(stop_, tr("Stop"), "Stop", QKeySequence(Qt::SHIFT | Qt::Key_F5),
            tr("Stop the run; the remaining steps are skipped"));
  addAction(rerun_failed_, tr("Re-run failed"), "RerunFailed",
            QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F5),
            tr("Run again the scenarios that failed"));

  step_table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  step_table_->setSelectionMode(QAbstractItemView::SingleSelection);
  step_table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  step_table_->setWordWrap(false);
  step_table_->horizontalHeader()->setStretchLastSection(true);
  step_table_->verticalHeader()->setVisible(false);
  diagnostics_->setToolTip(tr("Double click a problem to go to its line"));
  file_list_->setMinimumWidth(160);

  auto* right = new QSplitter(Qt::Vertical);
  right->addWidget(step_table_);
  right->addWidget(editor_);
  right->addWidget(diagnostics_);
  right->setStretchFactor(0, 2);
  right->setStretchFactor(1, 3);
  right->setStretchFactor(2, 1);
  auto* split = new QSplitter(Qt::Horizontal);
  split->addWidget(file_list_);
  split->addWidget(right);
  split->setStretchFactor(1, 1);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(toolbar_);
  layout->addWidget(split, 1);

  connect(open_, &QAction::triggered, this, &ScenarioPanel::openFileDialog);
  connect(open_folder_, &QAction::triggered, this, &ScenarioPanel::openFolderDialog);
  connect(save_, &QAction::triggered, this, [this] { save(); });
  connect(validate_, &QAction::triggered, this, &ScenarioPanel::validate);
  connect(run_, &QAction::triggered, this, &ScenarioPanel::run);
  connect(run_all_, &QAction::triggered, this, &ScenarioPanel::runAll);
  connect(pause_, &QAction::triggered, this, [this](bool checked) {
    if (checked) {
      pause();
    } else {
      resume();
    }
  });
  connect(step_, &QAction::triggered, this, &ScenarioPanel::step);
  connect(stop_, &QAction::triggered, this, &ScenarioPanel::stop);
  connect(rerun_failed_, &QAction::triggered, this, &ScenarioPanel::rerunFailed);

  connect(file_list_, &QListWidget::currentItemChanged, this,
          [this](QListWidgetItem* item, QListWidgetItem*) {
            if (item == nullptr) return;
            const QString path = item->data(Qt::UserRole).toString();
            if (path == current_) return;
            keepBuffer();
            showFile(path);
          });
  connect(diagnostics_, &QListWidget::itemDoubleClicked, this, &ScenarioPanel::jumpTo);
  connect(diagnostics_, &QListWidget::itemActivated, this, &ScenarioPanel::jumpTo);
  connect(step_table_, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
    const int line = index.data(StepModel::kLineRole).toInt();
    if (line > 0) editor_->goToLine(line, index.data(StepModel::kColumnRole).toInt());
  });
  connect(editor_, &QPlainTextEdit::modificationChanged, this, [this] {
    if (const FileState* file = state(current_)) updateItem(*file);
  });

  connect(runner_, &ScenarioRunner::runningChanged, this, [this](bool running) {
    updateActions();
    emit runningChanged(running);
  });
  connect(runner_, &ScenarioRunner::pausedChanged, this, [this](bool paused) {
    const QSignalBlocker blocker(pause_);
    pause_->setChecked(paused);
  });
  connect(runner_, &ScenarioRunner::scenarioStarted, this, &ScenarioPanel::onScenarioStarted);
  connect(runner_, &ScenarioRunner::loadFailed, this,
          [this](const QString& path, const std::vector<scenarios::Diagnostic>& problems) {
            if (FileState* file = state(path)) {
              file->status = FileStatus::kFailed;
              updateItem(*file);
            }
            showDiagnostics(problems, false);
            emit statusMessage(tr("%1 is not valid; see the problems listed").arg(fileName(path)));
          });
  connect(runner_, &ScenarioRunner::pausedAt, this, [this](const QString& path, int index) {
    const FileState* file = state(path);
    const QString id = file != nullptr && index < file->steps->size() ? file->steps->stepId(index)
                                                                      : QString::number(index + 1);
    emit statusMessage(
        tr("Paused before step %1 of %2 (F10: one step, F5: continue)").arg(id, fileName(path)));
  });
  connect(runner_, &ScenarioRunner::stepStarted, this, [this](const QString& path, int index) {
    if (FileState* file = state(path)) file->steps->setRunning(index);
  });
  connect(runner_, &ScenarioRunner::stepFinished, this,
          [this](const QString& path, int index, const scenarios::StepResult& result,
                 const scenarios::ReportedTransaction& transaction, int key) {
            if (FileState* file = state(path)) {
              file->steps->setResult(index, result, key != 0 ? &transaction : nullptr, key);
            }
          });
  connect(runner_, &ScenarioRunner::transactionReported, this, &ScenarioPanel::transactionReported);
  connect(runner_, &ScenarioRunner::scenarioFinished, this, &ScenarioPanel::onScenarioFinished);
  connect(runner_, &ScenarioRunner::scenarioError, this,
          [this](const QString& path, const QString& message) {
            if (FileState* file = state(path)) {
              file->status = FileStatus::kFailed;
              updateItem(*file);
            }
            auto* item = new QListWidgetItem(fileName(path) + QStringLiteral(": error: ") + message,
                                             diagnostics_);
            item->setData(kFileRole, path);
            item->setData(kLineRole, 0);
            item->setData(kColumnRole, 0);
            item->setForeground(QColor(0xc0, 0x1c, 0x28));
            emit statusMessage(tr("%1 could not run: %2").arg(fileName(path), message));
          });
  connect(runner_, &ScenarioRunner::queueFinished, this, [this](int passed, int failed) {
    emit statusMessage(failed == 0 ? tr("%n scenario(s) passed", nullptr, passed)
                                   : tr("%1 passed, %2 failed").arg(passed).arg(failed));
    emit suiteFinished(passed, failed);
  });
  updateActions();
}

ScenarioPanel::~ScenarioPanel() {
  // The runner's worker posts to the runner only; stop it before the models go.
  delete runner_;
  runner_ = nullptr;
}

void ScenarioPanel::setShortcutsEnabled(bool enabled) {
  shortcuts_enabled_ = enabled;
  for (QAction* action : {open_, open_folder_, save_, validate_, run_, run_all_, pause_, step_,
                          stop_, rerun_failed_}) {
    action->setShortcut(enabled ? action->property(kShortcutProperty).value<QKeySequence>()
                                : QKeySequence());
  }
}

EventBridge* ScenarioPanel::events() {
  return runner_->events();
}

void ScenarioPanel::setRunSettings(const QString& backend_url, quint64 seed) {
  runner_->setRunSettings(backend_url, seed);
}

bool ScenarioPanel::isRunning() const {
  return runner_ != nullptr && runner_->isRunning();
}
bool ScenarioPanel::isPaused() const {
  return runner_ != nullptr && runner_->isPaused();
}

ScenarioPanel::FileState* ScenarioPanel::state(const QString& path) {
  for (FileState& file : files_) {
    if (file.path == path) return &file;
  }
  return nullptr;
}

const ScenarioPanel::FileState* ScenarioPanel::state(const QString& path) const {
  for (const FileState& file : files_) {
    if (file.path == path) return &file;
  }
  return nullptr;
}

QListWidgetItem* ScenarioPanel::itemOf(const QString& path) const {
  for (int row = 0; row < file_list_->count(); ++row) {
    QListWidgetItem* item = file_list_->item(row);
    if (item->data(Qt::UserRole).toString() == path) return item;
  }
  return nullptr;
}

void ScenarioPanel::updateItem(const FileState& file) {
  QListWidgetItem* item = itemOf(file.path);
  if (item == nullptr) return;
  const bool dirty = file.path == current_ ? editor_->isModified() : file.buffer.has_value();
  item->setText(fileName(file.path) + (dirty ? QStringLiteral(" *") : QString()));
  item->setIcon(statusIcon(file.status));
  item->setData(kFileStatusRole, static_cast<int>(file.status));
  item->setToolTip(file.path + QStringLiteral("\n") + statusWord(file.status) +
                   (dirty ? tr(", unsaved edits") : QString()));
}

QStringList ScenarioPanel::files() const {
  QStringList paths;
  for (const FileState& file : files_) paths << file.path;
  return paths;
}

QString ScenarioPanel::currentFile() const {
  return current_;
}

std::shared_ptr<const scenarios::Scenario> ScenarioPanel::scenarioOf(const QString& file) const {
  const FileState* found = state(absolute(file));
  return found != nullptr ? found->scenario : nullptr;
}

ScenarioPanel::FileStatus ScenarioPanel::fileStatus(const QString& file) const {
  const FileState* found = state(absolute(file));
  return found != nullptr ? found->status : FileStatus::kNotRun;
}

StepModel* ScenarioPanel::stepModel(const QString& file) const {
  const FileState* found = state(absolute(file));
  return found != nullptr ? found->steps : nullptr;
}

std::optional<std::string> ScenarioPanel::bufferOf(const QString& file) const {
  const QString path = absolute(file);
  if (path == current_) {
    if (!editor_->isModified()) return std::nullopt;
    return editor_->toPlainText().toStdString();
  }
  const FileState* found = state(path);
  if (found == nullptr || !found->buffer) return std::nullopt;
  return found->buffer->toStdString();
}

bool ScenarioPanel::openPath(const QString& path) {
  if (isRunning()) {
    emit statusMessage(tr("Stop the run before opening other scenarios."));
    return false;
  }
  const QFileInfo info(path);
  QStringList paths;
  if (info.isDir()) {
    const QDir dir(info.absoluteFilePath());
    const QFileInfoList entries =
        dir.entryInfoList({QStringLiteral("*.yaml"), QStringLiteral("*.yml")},
                          QDir::Files | QDir::Readable, QDir::Name);
    for (const QFileInfo& entry : entries) paths << entry.absoluteFilePath();
    if (paths.isEmpty()) {
      emit statusMessage(tr("%1 holds no scenario files (*.yaml, *.yml).").arg(path));
      return false;
    }
    last_folder_ = info.absoluteFilePath();
  } else if (isScenarioFile(info)) {
    paths << info.absoluteFilePath();
    last_folder_ = info.absolutePath();
  } else {
    emit statusMessage(info.exists()
                           ? tr("%1 is not a scenario file (*.yaml) or a folder.").arg(path)
                           : tr("%1 does not exist.").arg(path));
    return false;
  }

  // Unsaved edits of files opened again are kept.
  keepBuffer();
  std::vector<FileState> previous = std::move(files_);
  files_.clear();
  for (const QString& p : paths) {
    FileState file;
    file.path = p;
    file.steps = new StepModel(this);
    for (const FileState& old : previous) {
      if (old.path == p) file.buffer = old.buffer;
    }
    files_.push_back(std::move(file));
  }
  current_.clear();
  {
    const QSignalBlocker blocker(file_list_);
    file_list_->clear();
    for (const FileState& file : files_) {
      auto* item = new QListWidgetItem(file_list_);
      item->setData(Qt::UserRole, file.path);
      updateItem(file);
    }
  }
  showFile(files_.front().path);
  for (const FileState& old : previous) old.steps->deleteLater();
  diagnostics_->clear();
  last_runs_.clear();
  updateActions();
  emit fileOpened(info.absoluteFilePath());
  emit statusMessage(info.isDir() ? tr("Opened %n scenario file(s) from %1", nullptr,
                                       static_cast<int>(paths.size()))
                                        .arg(info.absoluteFilePath())
                                  : tr("Opened %1").arg(info.absoluteFilePath()));
  return true;
}

bool ScenarioPanel::setCurrentFile(const QString& path) {
  const QString p = absolute(path);
  QListWidgetItem* item = itemOf(p);
  if (item == nullptr) return false;
  file_list_->setCurrentItem(item);  // showFile() through currentItemChanged
  return true;
}

void ScenarioPanel::keepBuffer() {
  FileState* file = state(current_);
  if (file == nullptr) return;
  file->buffer =
      editor_->isModified() ? std::optional<QString>(editor_->toPlainText()) : std::nullopt;
}

void ScenarioPanel::showFile(const QString& path) {
  FileState* file = state(path);
  if (file == nullptr) return;
  current_ = path;
  if (file->buffer) {
    editor_->setPlainText(*file->buffer);
    editor_->setModified(true);
  } else if (!editor_->loadFile(path)) {
    editor_->clear();
    emit statusMessage(tr("Cannot read %1").arg(path));
  }
  if (QListWidgetItem* item = itemOf(path); item != nullptr && !item->isSelected()) {
    const QSignalBlocker blocker(file_list_);
    file_list_->setCurrentItem(item);
  }
  // The steps as the file (or buffer) reads now, when it loads; validate() shows why not.
  if (!file->scenario && !isRunning()) {
    scenarios::Resolver resolver;
    auto loaded = scenarios::loadScenarioText(editor_->toPlainText().toStdString(),
                                              path.toStdString(), resolver);
    if (loaded.isOk()) {
      file->scenario = std::make_shared<scenarios::Scenario>(std::move(loaded).value());
      file->steps->setScenario(*file->scenario);
    }
  }
  step_table_->setModel(file->steps);
  connect(step_table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          &ScenarioPanel::onStepSelected, Qt::UniqueConnection);
  step_table_->resizeColumnsToContents();
  updateItem(*file);
  updateActions();
}

void ScenarioPanel::onStepSelected() {
  const QModelIndex index = step_table_->currentIndex();
  if (!index.isValid()) return;
  const int key = index.data(StepModel::kTransactionKeyRole).toInt();
  if (key != 0) emit transactionSelected(key);
}

void ScenarioPanel::showDiagnostics(const std::vector<scenarios::Diagnostic>& problems,
                                    bool replace) {
  if (replace) diagnostics_->clear();
  for (const scenarios::Diagnostic& d : problems) {
    const QString file = QString::fromStdString(d.position.file);
    QString where = fileName(file);
    if (d.position.line > 0) {
      where += QStringLiteral(":%1:%2").arg(d.position.line).arg(d.position.column);
    }
    const bool error = d.severity == scenarios::Severity::kError;
    const QString text = (where.isEmpty() ? QString() : where + QStringLiteral(": ")) +
                         (error ? tr("error") : tr("warning")) + QStringLiteral(": ") +
                         QString::fromStdString(d.message);
    auto* item = new QListWidgetItem(text, diagnostics_);
    item->setToolTip(QString::fromStdString(d.toString()));
    item->setData(kFileRole, file);
    item->setData(kLineRole, d.position.line);
    item->setData(kColumnRole, d.position.column);
    item->setForeground(error ? QColor(0xc0, 0x1c, 0x28) : QColor(0x9c, 0x6a, 0x00));
  }
}

void ScenarioPanel::jumpTo(QListWidgetItem* item) {
  if (item == nullptr) return;
  const QString file = item->data(kFileRole).toString();
  const int line = item->data(kLineRole).toInt();
  const int column = item->data(kColumnRole).toInt();
  if (!file.isEmpty() && absolute(file) != current_) {
    if (!setCurrentFile(file)) {
      emit statusMessage(tr("%1 is not listed; open it to edit it.").arg(file));
      return;
    }
  }
  if (line > 0) editor_->goToLine(line, column);
}

void ScenarioPanel::validate() {
  FileState* file = state(current_);
  if (file == nullptr) {
    emit statusMessage(tr("Open a scenario file first."));
    return;
  }
  scenarios::Resolver resolver;
  auto loaded = scenarios::loadScenarioText(editor_->toPlainText().toStdString(),
                                            current_.toStdString(), resolver);
  const std::vector<scenarios::Diagnostic> problems = loaded.diagnostics().sorted();
  showDiagnostics(problems, true);
  if (!loaded.isOk()) {
    const auto errors = static_cast<int>(loaded.diagnostics().errorCount());
    emit statusMessage(tr("%1: %n error(s); double click one to go to its line", nullptr, errors)
                           .arg(fileName(current_)));
    return;
  }
  file->scenario = std::make_shared<scenarios::Scenario>(std::move(loaded).value());
  if (!isRunning()) file->steps->setScenario(*file->scenario);
  emit statusMessage(
      tr("%1 is valid (%n step(s))", nullptr, static_cast<int>(file->scenario->steps.size()))
          .arg(fileName(current_)));
}

bool ScenarioPanel::startRun(const QStringList& paths) {
  if (paths.isEmpty()) return false;
  if (isRunning()) {
    emit statusMessage(tr("A run is going on; stop it first."));
    return false;
  }
  keepBuffer();
  std::vector<ScenarioRunner::Job> jobs;
  for (const QString& path : paths) {
    jobs.push_back({path, bufferOf(path)});
    if (FileState* file = state(path)) {
      file->status = FileStatus::kNotRun;
      file->steps->resetStatuses();
      updateItem(*file);
    }
  }
  diagnostics_->clear();
  last_runs_.clear();
  if (!runner_->start(std::move(jobs))) return false;
  emit statusMessage(paths.size() == 1
                         ? tr("Running %1").arg(fileName(paths.front()))
                         : tr("Running %n scenario(s)", nullptr, static_cast<int>(paths.size())));
  return true;
}

void ScenarioPanel::run() {
  if (isRunning()) {
    if (isPaused()) {
      resume();
    } else {
      emit statusMessage(tr("A run is going on."));
    }
    return;
  }
  if (current_.isEmpty()) {
    emit statusMessage(tr("Open a scenario file first."));
    return;
  }
  startRun({current_});
}

void ScenarioPanel::runAll() {
  if (files_.empty()) {
    emit statusMessage(tr("Open a folder of scenario files first."));
    return;
  }
  startRun(files());
}

void ScenarioPanel::rerunFailed() {
  QStringList failed;
  for (const FileState& file : files_) {
    if (file.status == FileStatus::kFailed) failed << file.path;
  }
  if (failed.isEmpty()) {
    emit statusMessage(tr("No failed scenario to run again."));
    return;
  }
  startRun(failed);
}

void ScenarioPanel::pause() {
  runner_->pause();
  emit statusMessage(isRunning() ? tr("Pausing before the next step")
                                 : tr("The next run waits before its first step"));
}

void ScenarioPanel::resume() {
  runner_->resume();
  if (isRunning()) emit statusMessage(tr("Running on"));
}

void ScenarioPanel::step() {
  if (isRunning()) {
    runner_->step();
    return;
  }
  if (current_.isEmpty()) {
    emit statusMessage(tr("Open a scenario file first."));
    return;
  }
  runner_->step();
  if (!startRun({current_})) runner_->resume();
}

void ScenarioPanel::stop() {
  if (!isRunning()) {
    if (isPaused()) runner_->resume();  // disarm a pause set while idle
    return;
  }
  runner_->stop();
  emit statusMessage(tr("Stopping; the remaining steps are skipped"));
}

bool ScenarioPanel::save() {
  if (current_.isEmpty()) {
    emit statusMessage(tr("Nothing to save."));
    return false;
  }
  if (!editor_->saveFile(current_)) {
    emit statusMessage(tr("Cannot write %1").arg(current_));
    return false;
  }
  if (FileState* file = state(current_)) {
    file->buffer.reset();
    updateItem(*file);
  }
  emit statusMessage(tr("Saved %1").arg(current_));
  return true;
}

void ScenarioPanel::openFileDialog() {
  const QString path = QFileDialog::getOpenFileName(this, tr("Open scenario"), last_folder_,
                                                    tr("Scenarios (*.yaml *.yml);;All files (*)"));
  if (!path.isEmpty()) openPath(path);
}

void ScenarioPanel::openFolderDialog() {
  const QString path =
      QFileDialog::getExistingDirectory(this, tr("Open a folder of scenarios"), last_folder_);
  if (!path.isEmpty()) openPath(path);
}

void ScenarioPanel::updateActions() {
  const bool running = isRunning();
  const bool has_file = !current_.isEmpty();
  open_->setEnabled(!running);
  open_folder_->setEnabled(!running);
  save_->setEnabled(has_file);
  validate_->setEnabled(has_file);
  run_->setEnabled(has_file || running);
  run_all_->setEnabled(!files_.empty() && !running);
  step_->setEnabled(has_file || running);
  stop_->setEnabled(running);
  rerun_failed_->setEnabled(!running && !files_.empty());
}

void ScenarioPanel::onScenarioStarted(const QString& path,
                                      std::shared_ptr<const scenarios::Scenario> scenario) {
  FileState* file = state(path);
  if (file == nullptr) return;
  file->scenario = std::move(scenario);
  file->status = FileStatus::kRunning;
  file->steps->setScenario(*file->scenario);
  updateItem(*file);
}

void ScenarioPanel::onScenarioFinished(const QString& path, const scenarios::RunResult& run,
                                       std::shared_ptr<const scenarios::Scenario> scenario,
                                       const std::vector<int>& keys) {
  last_runs_.push_back(run);
  if (FileState* file = state(path)) {
    file->status = run.passed ? FileStatus::kPassed : FileStatus::kFailed;
    file->steps->setRun(run, keys);
    updateItem(*file);
  }
  emit runFinished(run, std::move(scenario));
}

}  // namespace posim::gui
