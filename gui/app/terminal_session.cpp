#include "app/terminal_session.h"

#include <QDateTime>
#include <utility>

#include "posim/acquirer/registry.h"
#include "posim/base/clock.h"
#include "posim/scenarios/resolver.h"

#include "app/pcsc_readers.h"

namespace posim::gui {

// Everything the core needs, owned and used on the worker thread only.
struct TerminalSession::Worker {
  acquirer::BackendRegistry backends;
  RealSteadyClock steady;
  std::unique_ptr<scenarios::Resolver> resolver;
  std::unique_ptr<scenarios::LiveTerminal> live;
  std::vector<int> keys;  // parallel to live->transactions()
  QElapsedTimer since_start;
  Instant start{};
  std::chrono::minutes advanced{0};
  // The card in a PC/SC reader while a transaction uses it (disconnected when it ends).
  std::unique_ptr<emv::Icc> reader_card;

  Worker() { acquirer::addBuiltinBackends(backends); }

  // The session's virtual time follows the wall clock from its start, plus what the person
  // advanced it by.
  void catchUp() {
    if (!live) return;
    const auto elapsed = std::chrono::milliseconds(since_start.elapsed());
    live->advanceTo(start + std::chrono::duration_cast<Duration>(elapsed) +
                    std::chrono::duration_cast<Duration>(advanced));
  }
};

TerminalSession::TerminalSession(QObject* parent) : QObject(parent) {
  registerMetaTypes();
  worker_ = std::make_shared<Worker>();
  context_ = new QObject;  // deleted on its own thread when the thread ends
  context_->moveToThread(&thread_);
  connect(&thread_, &QThread::finished, context_, &QObject::deleteLater);
  thread_.setObjectName(QStringLiteral("posim terminal"));
  thread_.start();
}

TerminalSession::~TerminalSession() {
  devices_.shutDown();
  thread_.quit();
  thread_.wait();
  // The worker's core objects go on this thread now that the worker thread is gone.
}

void TerminalSession::setBusy(bool busy) {
  if (busy_ == busy) return;
  busy_ = busy;
  emit busyChanged(busy);
}

void TerminalSession::configure(const scenarios::WorkbenchChoice& choice,
                                const QString& backend_url, quint64 seed) {
  if (busy_) {
    emit failed(tr("The terminal is busy; finish or cancel the transaction first."));
    return;
  }
  setBusy(true);
  ready_ = false;
  scenarios::WorkbenchChoice c = choice;
  if (c.start.instant == Instant{}) {
    // The shell reads the wall clock; the core only ever sees it as the session's start.
    const QDateTime now = QDateTime::currentDateTime();
    c.start.instant = Instant(
        std::chrono::duration_cast<Duration>(std::chrono::milliseconds(now.toMSecsSinceEpoch())));
    c.start.utc_offset = std::chrono::minutes(now.offsetFromUtc() / 60);
  }
  auto worker = worker_;
  const std::string backend = backend_url.toStdString();
  GuiDevices* devices = &devices_;
  EventBridge* events = &events_;
  QMetaObject::invokeMethod(context_, [this, worker, c, backend, seed, devices, events] {
    worker->reader_card.reset();
    worker->live.reset();
    worker->keys.clear();
    worker->resolver = std::make_unique<scenarios::Resolver>();
    auto loaded = scenarios::workbenchScenario(c, *worker->resolver);
    if (!loaded.isOk()) {
      const QString message = QString::fromStdString(loaded.diagnostics().toString()).trimmed();
      QMetaObject::invokeMethod(
          this,
          [this, message] {
            setBusy(false);
            emit failed(tr("Settings: %1").arg(message));
          },
          Qt::QueuedConnection);
      return;
    }
    auto scenario = std::make_shared<scenarios::Scenario>(std::move(loaded).value());
    scenarios::LiveTerminalOptions options;
    options.seed = seed;
    options.backend = backend;
    options.steady = &worker->steady;
    options.events = events;
    auto live =
        scenarios::LiveTerminal::create(*scenario, options, worker->backends, devices->devices());
    if (!live.isOk()) {
      const QString message = QString::fromStdString(live.status().toString());
      QMetaObject::invokeMethod(
          this,
          [this, message] {
            setBusy(false);
            emit failed(tr("Terminal: %1").arg(message));
          },
          Qt::QueuedConnection);
      return;
    }
    worker->live = std::move(*live);
    worker->start = c.start.instant;
    worker->advanced = std::chrono::minutes(0);
    worker->since_start.start();
    scenarios::LiveTerminal* terminal = worker->live.get();
    Worker* w = worker.get();
    devices->setCardLookup(
        [terminal, w](const GuiDevices::CardChoice& taken) -> Result<terminal::PresentedCard> {
          terminal::PresentedCard presented;
          presented.entry = taken.entry;
          if (!taken.reader.empty()) {
            // A physical card: the kernel talks to it through pcscd. The previous one lets go
            // of its reader first.
            if (taken.entry == emv::EntryMode::kMagstripe) {
              return invalidArgument("a PC/SC reader reads chips, not stripes: insert or tap");
            }
            w->reader_card.reset();
            auto opened = openReaderCard(taken.reader);
            if (!opened.isOk()) return opened.status();
            w->reader_card = std::move(*opened);
            presented.icc = w->reader_card.get();
            return presented;
          }
          emv::VirtualCard* card = terminal->card(taken.name);
          if (card == nullptr) return notFound("no card '" + taken.name + "' in this session");
          presented.track2 = terminal->track2(taken.name);
          if (taken.entry == emv::EntryMode::kMagstripe) {
            if (presented.track2.empty()) {
              return invalidArgument("card " + taken.name + " has no magnetic stripe");
            }
          } else {
            presented.icc = card;
          }
          return presented;
        });
    QStringList names;
    for (const scenarios::ScenarioCard& card : scenario->cards) {
      names << QString::fromStdString(card.name);
    }
    const QString currency =
        QString::fromUtf8(scenario->merchant.currency.alpha.data(),
                          static_cast<qsizetype>(scenario->merchant.currency.alpha.size()));
    auto run = worker->live->asRun();
    scenarios::RunResult empty = run.isOk() ? std::move(*run) : scenarios::RunResult{};
    const QString clock = QString::fromStdString(formatIso8601(worker->live->now()));
    std::shared_ptr<const scenarios::Scenario> shared = scenario;
    QMetaObject::invokeMethod(
        this,
        [this, names, currency, empty, clock, shared] {
          cards_ = names;
          currency_ = currency;
          scenario_ = shared;
          run_ = empty;
          ready_ = true;
          setBusy(false);
          emit configured(names);
          emit sessionChanged();
          emit clockChanged(clock);
        },
        Qt::QueuedConnection);
  });
}

void TerminalSession::publish(scenarios::RunResult run, std::vector<int> keys, QString clock) {
  run_ = std::move(run);
  for (std::size_t i = 0; i < run_.transactions.size() && i < keys.size(); ++i) {
    emit transactionReported(keys[i], QStringLiteral("manual"), run_.transactions[i]);
  }
  emit sessionChanged();
  emit clockChanged(clock);
}

void TerminalSession::start(const TransactionSpec& spec) {
  if (!ready_) {
    emit failed(tr("The terminal is not configured yet."));
    return;
  }
  if (busy_) {
    emit failed(tr("A transaction is already running."));
    return;
  }
  setBusy(true);
  devices_.beginTransaction();
  auto worker = worker_;
  EventBridge* events = &events_;
  GuiDevices* devices = &devices_;
  QMetaObject::invokeMethod(context_, [this, worker, spec, events, devices] {
    // The devices forget the transaction's pending cancel and unused card before the UI hears
    // that it ended (it may start the next one at once).
    bool ended = false;
    auto end = [&] {
      if (!ended) devices->endTransaction();
      ended = true;
    };
    auto fail = [this, &end](QString message) {
      end();
      QMetaObject::invokeMethod(
          this,
          [this, message] {
            setBusy(false);
            emit failed(message);
          },
          Qt::QueuedConnection);
    };
    if (!worker->live) return fail(tr("The terminal is not configured."));
    worker->catchUp();
    terminal::TransactionRequest request;
    request.type = spec.type;
    request.card = spec.card.toStdString();
    request.original_id = spec.original_id;
    request.force_online = spec.force_online;
    if (!spec.amount.trimmed().isEmpty()) {
      auto amount = Money::parse(spec.amount.trimmed().toStdString(),
                                 worker->live->setup().merchant.currency);
      if (!amount.isOk()) {
        return fail(tr("Amount: %1").arg(QString::fromStdString(amount.status().message())));
      }
      request.amount = *amount;
    }
    const int key = EventBridge::nextTransactionKey();
    events->setTransactionKey(key);
    auto done = worker->live->run(request);
    worker->reader_card.reset();  // the reader is free for other PC/SC applications again
    events->setTransactionKey(0);
    end();
    if (!done.isOk()) return fail(QString::fromStdString(done.status().toString()));
    worker->keys.push_back(key);
    scenarios::ReportedTransaction finished = *done;
    auto run = worker->live->asRun();
    if (!run.isOk()) return fail(QString::fromStdString(run.status().toString()));
    const QString clock = QString::fromStdString(formatIso8601(worker->live->now()));
    QMetaObject::invokeMethod(
        this,
        [this, run = std::move(*run), keys = worker->keys, clock, finished]() mutable {
          setBusy(false);
          publish(std::move(run), std::move(keys), clock);
          emit transactionFinished(finished);
        },
        Qt::QueuedConnection);
  });
}

void TerminalSession::advance(std::chrono::minutes by) {
  if (!ready_ || busy_) return;
  auto worker = worker_;
  QMetaObject::invokeMethod(context_, [this, worker, by] {
    if (!worker->live) return;
    worker->advanced += by;
    worker->catchUp();
    auto run = worker->live->asRun();
    if (!run.isOk()) return;
    const QString clock = QString::fromStdString(formatIso8601(worker->live->now()));
    QMetaObject::invokeMethod(
        this,
        [this, run = std::move(*run), keys = worker->keys, clock]() mutable {
          publish(std::move(run), std::move(keys), clock);
        },
        Qt::QueuedConnection);
  });
}

}  // namespace posim::gui
