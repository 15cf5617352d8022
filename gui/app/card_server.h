// A virtual card served to the PC/SC applications of this machine from the desktop app, as
// `posim card serve` does: the card of a profile connects to vsmartcard's vpcd reader driver,
// and pcscd shows it in the reader. Its state (ATC, PIN tries, counters) lives in the same file
// as `posim card serve` keeps it in (~/.cache/posim/cards/CARD.json, mode 0600), loaded at the
// start unless `fresh` and saved after every change. The
// terminal software under test talks to it; every APDU it sends and every answer arrive as
// trace events (source "pcsc card", format "apdu", a VERIFY without its PIN block) on events(),
// which the trace dock shows decoded.
//
// The card runs on a thread of its own; start() and stop() return at once. Built without
// pcsc-lite, start() fails saying so. Owned by the UI thread; the destructor stops serving.
#pragma once

#include <QObject>
#include <QString>
#include <memory>

#include "app/event_bridge.h"

namespace posim::gui {

class CardServer final : public QObject {
  Q_OBJECT

 public:
  explicit CardServer(QObject* parent = nullptr);
  ~CardServer() override;

  // Serves card profile `card` (a name or a YAML path) to vpcd at `address` ("HOST:PORT"; empty:
  // 127.0.0.1 and the port of /etc/reader.conf.d/vpcd), inserted (contact) or tapped
  // (contactless), from its saved state or, `fresh`, a new card. Returns false and emits
  // failed() when the profile does not load, the address is not HOST:PORT, the saved state
  // does not load (the message says so), a card is served already, or there is no PC/SC support.
  bool start(const QString& card, const QString& address, bool contactless, bool fresh = false);
  // Takes the card out of the reader; emits stopped() if it was served.
  void stop();
  bool isServing() const;
  // The profile and the vpcd address served; empty when not serving.
  QString card() const;
  QString address() const;
  // The state file of the card served; empty when not serving.
  QString statePath() const;
  // The APDU exchanges, as trace events (connect to TraceDock::addEvent).
  EventBridge* events() { return &events_; }

 signals:
  void started(const QString& card, const QString& address);
  // One line of what happens: "connected to vpcd at ...", "waiting for vpcd ...".
  void noted(const QString& line);
  void stopped();
  void failed(const QString& message);

 private:
  struct Serving;
  EventBridge events_;
  std::unique_ptr<Serving> serving_;
  int generation_ = 0;  // of the serving started last
};

}  // namespace posim::gui
