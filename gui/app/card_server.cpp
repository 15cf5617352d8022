#include "app/card_server.h"

#include <QDateTime>
#include <QThread>
#include <atomic>
#include <utility>

#include "posim/emv/apdu.h"
#include "posim/emv/status_words.h"
#include "posim/emv/virtual_card.h"
#include "posim/scenarios/profiles.h"
#include "posim/scenarios/resolver.h"

#ifdef POSIM_WITH_PCSC
#include "posim/pcsc/card_state_file.h"
#include "posim/pcsc/vpcd.h"
#endif

namespace posim::gui {

struct CardServer::Serving {
  QString card;
  QString address;
  QString state_path;
  std::atomic<bool> stop{false};
  QThread* thread = nullptr;
};

CardServer::CardServer(QObject* parent) : QObject(parent), events_(this) {}

CardServer::~CardServer() {
  if (serving_) {
    serving_->stop = true;
    serving_->thread->wait();
    delete serving_->thread;
  }
}

bool CardServer::isServing() const {
  return serving_ != nullptr;
}

QString CardServer::card() const {
  return serving_ ? serving_->card : QString();
}

QString CardServer::address() const {
  return serving_ ? serving_->address : QString();
}

QString CardServer::statePath() const {
  return serving_ ? serving_->state_path : QString();
}

#ifdef POSIM_WITH_PCSC

namespace {

// The time shown in the trace: the wall clock (the desktop app is a shell; the core never reads
// it).
Instant wallNow() {
  return Instant(std::chrono::duration_cast<Duration>(
      std::chrono::milliseconds(QDateTime::currentMSecsSinceEpoch())));
}

// One APDU exchange as the kernel traces one: the command (a VERIFY keeps its header only) and
// the answer.
void traceExchange(EventSink& sink, ByteView command, ByteView answer) {
  TraceEvent sent;
  sent.kind = TraceKind::kApduCommand;
  sent.at = wallNow();
  sent.source = "pcsc card";
  sent.format = "apdu";
  const bool verify = command.size() > 5 && command[1] == 0x20;
  sent.data.assign(command.begin(), verify ? command.begin() + 5 : command.end());
  auto parsed = emv::CommandApdu::parse(command);
  sent.summary = parsed.isOk() ? parsed->describe() : "command";
  sink.onEvent(sent);
  TraceEvent got;
  got.kind = TraceKind::kApduResponse;
  got.at = sent.at;
  got.source = sent.source;
  got.format = "apdu";
  got.data.assign(answer.begin(), answer.end());
  if (answer.size() >= 2) {
    got.summary = emv::describeStatusWord(
        static_cast<std::uint16_t>((answer[answer.size() - 2] << 8) | answer[answer.size() - 1]));
  } else {
    got.summary = "no answer: the card failed";
  }
  sink.onEvent(got);
}

}  // namespace

bool CardServer::start(const QString& card, const QString& address, bool contactless, bool fresh) {
  if (serving_) {
    emit failed(tr("a card is served already: %1").arg(serving_->card));
    return false;
  }
  pcsc::VpcdAddress where;
  where.port = pcsc::configuredVpcdPort();
  if (!address.trimmed().isEmpty()) {
    auto parsed = pcsc::parseVpcdAddress(address.trimmed().toStdString());
    if (!parsed.isOk()) {
      emit failed(tr("vpcd address: %1").arg(QString::fromStdString(parsed.status().message())));
      return false;
    }
    where = *parsed;
  }
  scenarios::Resolver resolver;
  auto profile = scenarios::loadCardProfile(card.trimmed().toStdString(), resolver);
  if (!profile.isOk()) {
    emit failed(QString::fromStdString(profile.errorText()).trimmed());
    return false;
  }
  const std::string state_path = pcsc::defaultCardStatePath(profile->id);
  std::optional<emv::CardState> state;
  if (!fresh) {
    auto loaded = pcsc::loadCardState(state_path, profile->id);
    if (!loaded.isOk()) {
      emit failed(
          tr("%1 (start from a new card)").arg(QString::fromStdString(loaded.status().message())));
      return false;
    }
    state = std::move(loaded).value();
  }
  auto virtual_card = emv::VirtualCard::create(*profile, state);
  if (!virtual_card.isOk()) {
    emit failed(
        tr("card %1: %2").arg(card, QString::fromStdString(virtual_card.status().message())));
    return false;
  }
  if (Status saved = pcsc::saveCardState(state_path, virtual_card->state(), profile->id);
      !saved.isOk()) {
    emit failed(QString::fromStdString(saved.message()));
    return false;
  }
  auto serving = std::make_unique<Serving>();
  serving->card = QString::fromStdString(profile->id);
  serving->state_path = QString::fromStdString(state_path);
  serving->address =
      QStringLiteral("%1:%2").arg(QString::fromStdString(where.host)).arg(where.port);
  Serving* s = serving.get();
  EventSink* sink = &events_;
  const emv::CardInterface interface =
      contactless ? emv::CardInterface::kContactless : emv::CardInterface::kContact;
  s->thread =
      QThread::create([this, s, sink, where, interface, state_path, card_id = profile->id,
                       served = std::make_shared<emv::VirtualCard>(std::move(*virtual_card))] {
        pcsc::VpcdCard vpcd_card(*served, interface);
        pcsc::VpcdServeOptions options;
        options.host = where.host;
        options.port = where.port;
        options.stop = &s->stop;
        options.note = [this](const std::string& line) {
          emit noted(QString::fromStdString(line));  // queued to the UI thread's receivers
        };
        // The state after every change, as `posim card serve` keeps it; a failure said once.
        options.after_message = [this, &served, &state_path, &card_id, saved = served->state(),
                                 reported = false]() mutable {
          if (served->state() == saved) return;
          saved = served->state();
          const Status written = pcsc::saveCardState(state_path, saved, card_id);
          if (!written.isOk() && !reported) {
            reported = true;
            emit noted(QString::fromStdString(written.message()));
          }
        };
        options.exchanged = [sink](ByteView message, const std::optional<Bytes>& answer) {
          if (message.size() > 1) traceExchange(*sink, message, answer.value_or(Bytes()));
        };
        const Status result = pcsc::serveOverVpcd(vpcd_card, options);
        if (!result.isOk()) emit noted(QString::fromStdString(result.message()));
      });
  s->thread->setObjectName(QStringLiteral("posim pcsc card"));
  // The loop ends by itself only on an error (a host that does not resolve): then it is over.
  const int generation = ++generation_;
  connect(s->thread, &QThread::finished, this, [this, generation] {
    if (!serving_ || generation_ != generation || serving_->stop) return;
    delete serving_->thread;
    serving_.reset();
    emit stopped();
  });
  serving_ = std::move(serving);
  s->thread->start();
  emit started(s->card, s->address);
  return true;
}

#else

bool CardServer::start(const QString&, const QString&, bool, bool) {
  emit failed(
      tr("posim was built without PC/SC (pcsc-lite): install libpcsclite-dev "
         "(scripts/setup does) and build again"));
  return false;
}

#endif

void CardServer::stop() {
  if (!serving_) return;
  serving_->stop = true;
  serving_->thread->wait();  // the serve loop checks the flag at least every 200 ms
  delete serving_->thread;
  serving_.reset();
  emit stopped();
}

}  // namespace posim::gui
