// An in-process `posim host` started from the GUI (DESIGN.md §4): the embedded acquirer and
// issuer behind the ISO 8583 TCP server (acquirer::Iso8583Host), built as cli/src/
// host_command.cpp builds it: the issuer of a scenario file (scenarios::issuerConfigFor, its
// clock start as the host's reference time) or, without one, scenarios::defaultHostIssuer() (the
// built-in test cards) with the wall clock as reference time; the settings' listen address and
// port (0: any free port), dialect, framing and seed (scenarios::hostRandomSeed).
//
// The server runs on its own network thread; start() and stop() return at once (binding is
// immediate). Each event the host reports (a request answered, a malformed message, a
// connection closed) is emitted as messageServed, one line, on the controller's thread (queued
// from the network thread); the core masks PANs and the controller masks any Luhn-valid run of
// 13-19 digits left in a line as well. Errors never crash: start() returns false and emits
// failed() with the reason (the address is taken, an unknown dialect, a scenario that does not
// load, with its file:line:col diagnostics).
//
// Owned by the UI thread; not thread-safe itself. The destructor stops the host.
#pragma once

#include <QObject>
#include <QString>
#include <cstdint>
#include <memory>

#include "app/gui_settings.h"

namespace posim::gui {

class HostController final : public QObject {
  Q_OBJECT

 public:
  explicit HostController(QObject* parent = nullptr);
  ~HostController() override;

  // Starts the host with the settings' host_* values. `config_scenario` (else
  // settings.host_config when that is set) names the scenario file whose issuer it serves.
  // Returns false and emits failed() when it cannot start, or when it already runs.
  bool start(const GuiSettings& settings, const QString& config_scenario = {});
  // Stops serving and closes every connection; emits stopped() if it was running.
  void stop();
  bool isRunning() const;
  // "127.0.0.1:8583" (the port actually bound); "" when not running.
  QString address() const;
  // The port actually bound; 0 when not running.
  int port() const;
  // Requests answered since start().
  std::uint64_t requestsServed() const;

  // `line` with every Luhn-valid run of 13 to 19 digits masked (first 6, last 4).
  static QString maskPans(const QString& line);

 signals:
  void started(const QString& address);
  void stopped();
  void failed(const QString& message);
  void messageServed(const QString& line);

 private:
  struct Server;
  std::unique_ptr<Server> server_;
};

}  // namespace posim::gui
