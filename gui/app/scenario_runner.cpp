#include "app/scenario_runner.h"

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <utility>

#include "posim/acquirer/registry.h"
#include "posim/base/clock.h"
#include "posim/scenarios/resolver.h"

namespace posim::gui {

// What the UI thread and the worker share to pause, step and stop a run.
struct ScenarioRunner::Control {
  std::mutex mutex;
  std::condition_variable wake;
  bool paused = false;
  int step_budget = 0;  // steps that may still run while paused
  bool stop = false;
};

ScenarioRunner::ScenarioRunner(QObject* parent)
    : QObject(parent), control_(std::make_shared<Control>()) {
  registerMetaTypes();
  context_ = new QObject;  // deleted on its own thread when the thread ends
  context_->moveToThread(&thread_);
  connect(&thread_, &QThread::finished, context_, &QObject::deleteLater);
  thread_.setObjectName(QStringLiteral("posim scenarios"));
  thread_.start();
}

ScenarioRunner::~ScenarioRunner() {
  {
    std::lock_guard lock(control_->mutex);
    control_->stop = true;
  }
  control_->wake.notify_all();
  thread_.quit();
  thread_.wait();
}

void ScenarioRunner::setRunSettings(const QString& backend_url, quint64 seed) {
  backend_ = backend_url.trimmed();
  seed_ = seed;
}

bool ScenarioRunner::isPaused() const {
  std::lock_guard lock(control_->mutex);
  return control_->paused;
}

void ScenarioRunner::pause() {
  {
    std::lock_guard lock(control_->mutex);
    if (control_->paused) return;
    control_->paused = true;
    control_->step_budget = 0;
  }
  emit pausedChanged(true);
}

void ScenarioRunner::resume() {
  {
    std::lock_guard lock(control_->mutex);
    if (!control_->paused) return;
    control_->paused = false;
    control_->step_budget = 0;
  }
  control_->wake.notify_all();
  emit pausedChanged(false);
}

void ScenarioRunner::step() {
  bool was_paused = false;
  {
    std::lock_guard lock(control_->mutex);
    was_paused = control_->paused;
    control_->paused = true;
    control_->step_budget = 1;
  }
  control_->wake.notify_all();
  if (!was_paused) emit pausedChanged(true);
}

void ScenarioRunner::stop() {
  {
    std::lock_guard lock(control_->mutex);
    if (!running_) return;
    control_->stop = true;
  }
  control_->wake.notify_all();
}

void ScenarioRunner::finish(int passed, int failed) {
  bool was_paused = false;
  {
    std::lock_guard lock(control_->mutex);
    was_paused = control_->paused;
    control_->paused = false;
    control_->step_budget = 0;
    control_->stop = false;
  }
  running_ = false;
  if (was_paused) emit pausedChanged(false);
  emit queueFinished(passed, failed);
  emit runningChanged(false);
}

bool ScenarioRunner::start(std::vector<Job> jobs) {
  if (running_ || jobs.empty()) return false;
  {
    std::lock_guard lock(control_->mutex);
    control_->stop = false;
  }
  running_ = true;
  emit runningChanged(true);

  auto control = control_;
  EventBridge* events = &events_;
  const std::string backend = backend_.toStdString();
  const std::uint64_t seed = seed_;
  // Everything below runs on the worker thread; results come back through post().
  QMetaObject::invokeMethod(context_, [this, control, events, jobs = std::move(jobs), backend,
                                       seed] {
    auto post = [this](auto function) {
      QMetaObject::invokeMethod(this, std::move(function), Qt::QueuedConnection);
    };
    auto stopRequested = [&control] {
      std::lock_guard lock(control->mutex);
      return control->stop;
    };
    acquirer::BackendRegistry backends;
    acquirer::addBuiltinBackends(backends);
    const RealSteadyClock steady;
    int passed = 0;
    int failed = 0;
    for (const Job& job : jobs) {
      if (stopRequested()) break;
      const QString path = job.path;
      const std::filesystem::path file(job.path.toStdString());
      scenarios::Resolver resolver;
      auto loaded = job.text ? scenarios::loadScenarioText(*job.text, file.string(), resolver)
                             : scenarios::loadScenario(file, resolver);
      if (!loaded.isOk()) {
        ++failed;
        post([this, path, problems = loaded.diagnostics().sorted()] {
          emit loadFailed(path, problems);
        });
        continue;
      }
      std::shared_ptr<const scenarios::Scenario> scenario =
          std::make_shared<scenarios::Scenario>(std::move(loaded).value());
      post([this, path, scenario] { emit scenarioStarted(path, scenario); });

      scenarios::RunOptions options;
      options.seed = seed;
      options.backend = backend;
      options.steady = &steady;
      options.events = events;
      int current_key = 0;
      std::vector<int> keys;  // per RunResult::transactions index
      options.before_step = [&](std::size_t index, const scenarios::Step& step) {
        const int at = static_cast<int>(index);
        {
          std::unique_lock lock(control->mutex);
          if (control->paused && control->step_budget == 0 && !control->stop) {
            post([this, path, at] { emit pausedAt(path, at); });
          }
          control->wake.wait(
              lock, [&] { return control->stop || !control->paused || control->step_budget > 0; });
          if (control->stop) return false;
          if (control->paused) --control->step_budget;
        }
        current_key =
            step.kind == scenarios::StepKind::kTransaction ? EventBridge::nextTransactionKey() : 0;
        events->setTransactionKey(current_key);
        post([this, path, at] { emit stepStarted(path, at); });
        return true;
      };
      const scenarios::AfterStepHook after_step =
          [&](std::size_t index, const scenarios::StepResult& result,
              const scenarios::ReportedTransaction* transaction) {
            events->setTransactionKey(0);
            int key = 0;
            if (transaction != nullptr && result.transaction) {
              key = current_key != 0 ? current_key : EventBridge::nextTransactionKey();
              if (keys.size() <= *result.transaction) keys.resize(*result.transaction + 1, 0);
              keys[*result.transaction] = key;
            }
            current_key = 0;
            const int at = static_cast<int>(index);
            post([this, path, at, result,
                  reported =
                      transaction != nullptr ? *transaction : scenarios::ReportedTransaction{},
                  key] {
              emit stepFinished(path, at, result, reported, key);
              if (key != 0) {
                emit transactionReported(key, QFileInfo(path).fileName(), reported);
              }
            });
          };
      auto run = scenarios::runScenario(*scenario, options, backends, after_step);
      events->setTransactionKey(0);
      if (!run.isOk()) {
        ++failed;
        post([this, path, message = QString::fromStdString(run.status().toString())] {
          emit scenarioError(path, message);
        });
        continue;
      }
      keys.resize(run->transactions.size(), 0);
      for (int& key : keys) {
        if (key == 0) key = EventBridge::nextTransactionKey();  // load runs
      }
      if (run->passed) {
        ++passed;
      } else {
        ++failed;
      }
      post([this, path, result = std::move(run).value(), scenario, keys] {
        const QString source = QFileInfo(path).fileName();
        for (std::size_t i = 0; i < result.transactions.size(); ++i) {
          emit transactionReported(keys[i], source, result.transactions[i]);
        }
        emit scenarioFinished(path, result, scenario, keys);
      });
    }
    post([this, passed, failed] { finish(passed, failed); });
  });
  return true;
}

}  // namespace posim::gui
