// What a person chooses in posim-gui's settings (DESIGN.md §9): the acquirer backend the
// terminal talks to (embedded, or ISO 8583 over TCP/TLS to a host), the terminal profile,
// business calendar and settlement policy of the manual session, the what-if policies, the run
// seed, and the embedded `posim host` the GUI can start (host_controller.h).
//
// A plain value: load()/save() read and write it under the QSettings group "settings"; missing
// keys keep the defaults below (those of scenarios::WorkbenchChoice and `posim host`). The core
// checks the values: problems() lists, in words, what the core would refuse (a port outside
// 1..65535, a cut-off that is not a time of day, a cycle that is not T+n, D+n or instant, ...),
// so the settings dialog can say why OK is disabled.
#pragma once

#include <QString>
#include <QStringList>
#include <cstdint>

#include "posim/scenarios/live_terminal.h"

class QSettings;

namespace posim::gui {

struct GuiSettings {
  // Backend: the terminal's acquirer, "embedded" or "iso8583" (the registry's backend ids).
  QString backend_kind = QStringLiteral("embedded");
  QString host = QStringLiteral("127.0.0.1");       // iso8583: host name or address
  int port = 8583;                                  // iso8583: 1..65535
  QString dialect = QStringLiteral("iso87-ascii");  // a built-in id (posim dialects) or a file
  QString framing = QStringLiteral("binary2");      // binary2, ascii4, bcd2, none
  int timeout_ms = 30000;                           // response timeout (the URL's timeout_ms)
  int connect_timeout_ms = 5000;                    // TCP and TLS connect timeout
  bool eager_connect = true;                        // connect=eager (else lazy)
  bool tls = false;
  QString tls_ca_file;      // empty: the system's CAs (the certificate is always verified)
  QString tls_cert_file;    // client certificate, when the host asks for one
  QString tls_key_file;     // its private key
  QString tls_server_name;  // the name the certificate must carry (empty: the host)

  // Terminal and settlement of the manual session (scenarios::WorkbenchChoice).
  QString terminal = QStringLiteral("countertop");  // examples/terminals/ name or path
  QString calendar = QStringLiteral("cn-2026");     // examples/calendars/ name or path
  QString currency = QStringLiteral("CNY");
  QString cycle = QStringLiteral("T+1");  // T+n, D+n, instant
  QString cutoff = QStringLiteral("23:00");
  QString payout = QStringLiteral("09:00");
  double fee_rate = 0.006;  // a fraction: 0.006 is 0.6 %
  QStringList what_if = {QStringLiteral("T+1"), QStringLiteral("D+1"), QStringLiteral("D+0"),
                         QStringLiteral("instant")};
  std::uint64_t seed = 1;

  // The embedded `posim host` (HostController).
  QString host_listen_address = QStringLiteral("127.0.0.1");
  int host_listen_port = 8583;  // 0: any free port
  QString host_dialect = QStringLiteral("iso87-ascii");
  QString host_framing = QStringLiteral("binary2");
  QString host_config;  // a scenario file whose issuer the host serves; empty: the test cards

  // "embedded", or "iso8583://HOST:PORT?dialect=..&framing=..&timeout_ms=..&connect=.." with
  // tls=1 and the TLS files when TLS is on (the options of acquirer::addBuiltinBackends).
  // Values go in as typed (the core's URL parser does not decode; problems() refuses a '&' in
  // one); an IPv6 host is bracketed.
  QString backendUrl() const;
  bool isIso8583() const { return backend_kind == QStringLiteral("iso8583"); }

  // The manual session's choice. start is the current wall-clock time in the local UTC offset
  // (the shell reads the real clock; the core never does).
  scenarios::WorkbenchChoice workbenchChoice() const;

  // What the core would refuse, one sentence each naming the setting; empty when all is well.
  QStringList problems() const;

  static GuiSettings load(QSettings& settings);
  void save(QSettings& settings) const;

  // The framing names the core knows ("binary2", "ascii4", "bcd2", "none").
  static QStringList framingNames();

  friend bool operator==(const GuiSettings&, const GuiSettings&) = default;
};

}  // namespace posim::gui
