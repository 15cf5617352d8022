// GuiSettings (QSettings round trip, backend URLs the core's registry accepts, the workbench
// choice) and SettingsDialog (OK disabled with the reason for invalid input, settings() reflects
// edits made through its widgets).
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <memory>
#include <string>

#include "posim/acquirer/registry.h"
#include "posim/base/clock.h"
#include "posim/base/random.h"
#include "posim/iso8583/dialect.h"
#include "posim/scenarios/dialect_files.h"
#include "posim/scenarios/resolver.h"

#include "app/gui_settings.h"
#include "app/metatypes.h"
#include "widgets/settings_dialog.h"

using posim::gui::GuiSettings;
using posim::gui::SettingsDialog;

namespace {

// The core's parse of a backend URL is in the runner; the registry checks the options. This
// splits the URL as the runner does (scheme, host:port, key=value&...) and creates the backend
// with connect=lazy, so nothing is dialled.
posim::Status createBackend(const QString& url) {
  const std::string text = url.toStdString();
  const auto scheme_end = text.find("://");
  if (scheme_end == std::string::npos) {
    posim::acquirer::BackendRegistry registry;
    posim::acquirer::addBuiltinBackends(registry);
    posim::SeededRandom random(1);
    posim::acquirer::EmbeddedConfig issuer;
    posim::acquirer::BackendContext context;
    context.random = &random;
    context.issuer = &issuer;
    return registry.create(text, context).status();
  }
  std::map<std::string, std::string> options;
  std::string rest = text.substr(scheme_end + 3);
  std::string query;
  if (const auto q = rest.find('?'); q != std::string::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  const auto colon = rest.rfind(':');
  std::string host = rest.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  options["host"] = host;
  options["port"] = rest.substr(colon + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string pair = query.substr(0, amp);
    query = amp == std::string::npos ? std::string() : query.substr(amp + 1);
    const auto eq = pair.find('=');
    if (eq == std::string::npos) return posim::invalidArgument("not KEY=VALUE: " + pair);
    options[pair.substr(0, eq)] = pair.substr(eq + 1);
  }
  options["connect"] = "lazy";
  posim::acquirer::BackendRegistry registry;
  posim::acquirer::addBuiltinBackends(registry);
  posim::SeededRandom random(1);
  const posim::ManualSteadyClock steady;
  posim::acquirer::BackendContext context;
  context.options = options;
  context.random = &random;
  context.steady = &steady;
  context.dialects = [](std::string_view name) { return posim::scenarios::resolveDialect(name); };
  return registry.create(text.substr(0, scheme_end), context).status();
}

template <typename T>
T* child(QWidget& parent, const char* name) {
  T* found = parent.findChild<T*>(QLatin1String(name));
  if (found == nullptr) qWarning("no child %s", name);
  return found;
}

}  // namespace

class SettingsTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { posim::gui::registerMetaTypes(); }

  void roundTripsThroughAnIniFile() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("posim-gui.ini"));
    GuiSettings settings;
    settings.backend_kind = QStringLiteral("iso8583");
    settings.host = QStringLiteral("acquirer.example");
    settings.port = 9001;
    settings.dialect = QStringLiteral("cup-pos");
    settings.framing = QStringLiteral("ascii4");
    settings.timeout_ms = 1234;
    settings.connect_timeout_ms = 777;
    settings.eager_connect = false;
    settings.tls = true;
    settings.tls_ca_file = QStringLiteral("/etc/ca.pem");
    settings.tls_cert_file = QStringLiteral("/etc/client.pem");
    settings.tls_key_file = QStringLiteral("/etc/client.key");
    settings.tls_server_name = QStringLiteral("host.example");
    settings.terminal = QStringLiteral("unattended");
    settings.calendar = QStringLiteral("cn-2025");
    settings.currency = QStringLiteral("USD");
    settings.cycle = QStringLiteral("D+0");
    settings.cutoff = QStringLiteral("22:30");
    settings.payout = QStringLiteral("15:00");
    settings.fee_rate = 0.0038;
    settings.what_if = {QStringLiteral("T+0"), QStringLiteral("instant")};
    settings.seed = 18446744073709551615ULL;
    settings.host_listen_address = QStringLiteral("0.0.0.0");
    settings.host_listen_port = 0;
    settings.host_dialect = QStringLiteral("iso93-ascii");
    settings.host_framing = QStringLiteral("bcd2");
    settings.host_config = QStringLiteral("/tmp/issuer.yaml");
    QVERIFY(!(settings == GuiSettings()));
    {
      QSettings ini(file, QSettings::IniFormat);
      settings.save(ini);
    }
    {
      QSettings ini(file, QSettings::IniFormat);
      QVERIFY(ini.childGroups().contains(QStringLiteral("settings")));
      const GuiSettings loaded = GuiSettings::load(ini);
      QVERIFY(loaded == settings);
      QCOMPARE(loaded.seed, settings.seed);
      QCOMPARE(loaded.what_if, settings.what_if);
    }
    // No what-if policy at all survives too, and an empty file gives the defaults.
    settings.what_if.clear();
    {
      QSettings ini(file, QSettings::IniFormat);
      settings.save(ini);
    }
    {
      QSettings ini(file, QSettings::IniFormat);
      QVERIFY(GuiSettings::load(ini).what_if.isEmpty());
    }
    QSettings empty(dir.filePath(QStringLiteral("empty.ini")), QSettings::IniFormat);
    QVERIFY(GuiSettings::load(empty) == GuiSettings());
  }

  void backendUrlIsAcceptedByTheRegistry() {
    GuiSettings settings;
    QCOMPARE(settings.backendUrl(), QStringLiteral("embedded"));
    QVERIFY(createBackend(settings.backendUrl()).isOk());

    settings.backend_kind = QStringLiteral("iso8583");
    settings.port = 9000;
    QVERIFY2(settings.backendUrl().startsWith(QStringLiteral("iso8583://127.0.0.1:9000?")),
             qPrintable(settings.backendUrl()));
    const QStringList dialects = [] {
      QStringList out;
      for (const std::string& id : posim::scenarios::builtinDialectIds()) {
        out << QString::fromStdString(id);
      }
      return out;
    }();
    QCOMPARE(dialects, QStringList({"cup-pos", "iso87-ascii", "iso87-ascii-hex", "iso93-ascii"}));
    int created = 0;
    for (const QString& dialect : dialects) {
      for (const QString& framing : GuiSettings::framingNames()) {
        for (const bool tls : {false, true}) {
          settings.dialect = dialect;
          settings.framing = framing;
          settings.tls = tls;
          settings.tls_server_name = tls ? QStringLiteral("posim.test") : QString();
          QVERIFY2(settings.problems().isEmpty(), qPrintable(settings.problems().join('\n')));
          const QString url = settings.backendUrl();
          QVERIFY(url.contains(QStringLiteral("dialect=") + dialect));
          QVERIFY(url.contains(QStringLiteral("framing=") + framing));
          QCOMPARE(url.contains(QStringLiteral("tls=1")), tls);
          const posim::Status status = createBackend(url);
          QVERIFY2(status.isOk(), qPrintable(url + QStringLiteral(": ") +
                                             QString::fromStdString(status.message())));
          ++created;
        }
      }
    }
    QCOMPARE(created, 4 * 4 * 2);
    // An IPv6 host is bracketed; the registry refuses what the settings refuse too.
    settings.host = QStringLiteral("::1");
    QVERIFY(settings.backendUrl().startsWith(QStringLiteral("iso8583://[::1]:9000?")));
    QVERIFY(createBackend(settings.backendUrl()).isOk());
    settings.framing = QStringLiteral("len3");
    QVERIFY(!settings.problems().isEmpty());
    QVERIFY(!createBackend(settings.backendUrl()).isOk());
  }

  void workbenchChoiceCarriesTheSettings() {
    GuiSettings settings;
    settings.terminal = QStringLiteral("unattended");
    settings.cycle = QStringLiteral("D+1");
    settings.cutoff = QStringLiteral("21:00");
    settings.fee_rate = 0.01;
    settings.what_if = {QStringLiteral("T+0")};
    settings.backend_kind = QStringLiteral("iso8583");
    const posim::scenarios::WorkbenchChoice choice = settings.workbenchChoice();
    QCOMPARE(QString::fromStdString(choice.terminal), settings.terminal);
    QCOMPARE(choice.cycle, std::string("D+1"));
    QCOMPARE(choice.cutoff, std::string("21:00"));
    QCOMPARE(choice.fee_rate, 0.01);
    QCOMPARE(choice.what_if, std::vector<std::string>{"T+0"});
    QCOMPARE(QString::fromStdString(choice.backend), settings.backendUrl());
    QVERIFY(choice.start.instant.time_since_epoch().count() > 0);
    // The choice loads as a workbench scenario through the core.
    posim::scenarios::Resolver resolver;
    auto scenario = posim::scenarios::workbenchScenario(choice, resolver);
    QVERIFY2(scenario.isOk(), scenario.errorText().c_str());
  }

  void problemsNameTheSetting() {
    GuiSettings settings;
    QVERIFY(settings.problems().isEmpty());
    settings.cutoff = QStringLiteral("25:00");
    settings.cycle = QStringLiteral("W+1");
    settings.host_listen_port = 70000;
    const QStringList problems = settings.problems();
    QCOMPARE(problems.size(), 3);
    QVERIFY(problems[0].startsWith(QStringLiteral("Settlement cycle: ")));
    QVERIFY(problems[1].startsWith(QStringLiteral("Cut-off: '25:00'")));
    QVERIFY(problems[2].startsWith(QStringLiteral("Host port: 70000")));
    // The backend's port only matters for the iso8583 backend.
    settings = GuiSettings();
    settings.port = 0;
    QVERIFY(settings.problems().isEmpty());
    settings.backend_kind = QStringLiteral("iso8583");
    QCOMPARE(settings.problems().size(), 1);
  }

  void dialogDisablesOkForABadPort() {
    SettingsDialog dialog(GuiSettings{});
    auto* buttons = child<QDialogButtonBox>(dialog, "settingsButtons");
    QVERIFY(buttons != nullptr);
    QPushButton* ok = buttons->button(QDialogButtonBox::Ok);
    auto* problems = child<QLabel>(dialog, "settingsProblems");
    auto* kind = child<QComboBox>(dialog, "backendKind");
    auto* port = child<QLineEdit>(dialog, "backendPort");
    QVERIFY(problems != nullptr && kind != nullptr && port != nullptr);
    QVERIFY(ok->isEnabled());
    QVERIFY(dialog.problems().isEmpty());
    QVERIFY(!port->isEnabled());  // embedded: no host to reach

    kind->setCurrentText(QStringLiteral("iso8583"));
    QVERIFY(port->isEnabled());
    port->clear();
    QTest::keyClicks(port, QStringLiteral("70000"));
    QVERIFY(!ok->isEnabled());
    QVERIFY2(problems->text().startsWith(QStringLiteral("Backend port: 70000")),
             qPrintable(problems->text()));
    QVERIFY(port->property("invalid").toBool());
    port->setText(QStringLiteral("84x"));
    QVERIFY(!ok->isEnabled());
    QVERIFY(problems->text().contains(QStringLiteral("'84x' is not a number")));
    QCOMPARE(dialog.problems().size(), 1);
    port->setText(QStringLiteral("8584"));
    QVERIFY(ok->isEnabled());
    QVERIFY(!port->property("invalid").toBool());
    QVERIFY(problems->text().isEmpty());

    // A bad cut-off, then the host port.
    auto* cutoff = child<QLineEdit>(dialog, "cutoff");
    cutoff->setText(QStringLiteral("noon"));
    QVERIFY(!ok->isEnabled());
    QVERIFY(problems->text().startsWith(QStringLiteral("Cut-off: 'noon'")));
    QVERIFY(cutoff->property("invalid").toBool());
    cutoff->setText(QStringLiteral("22:00"));
    QVERIFY(ok->isEnabled());
    auto* host_port = child<QLineEdit>(dialog, "hostListenPort");
    host_port->setText(QStringLiteral("-1"));
    QVERIFY(!ok->isEnabled());
    host_port->setText(QStringLiteral("0"));
    QVERIFY(ok->isEnabled());
    auto* fee = child<QLineEdit>(dialog, "feeRate");
    fee->setText(QStringLiteral("150%"));
    QVERIFY(!ok->isEnabled());
    QVERIFY(problems->text().startsWith(QStringLiteral("Fee rate: ")));
    fee->setText(QStringLiteral("0.38%"));
    QVERIFY(ok->isEnabled());
  }

  void dialogSettingsReflectTheWidgets() {
    GuiSettings start;
    start.host_config = QStringLiteral("/tmp/old.yaml");
    SettingsDialog dialog(start);
    QVERIFY(dialog.settings() == start);  // shown as given

    child<QComboBox>(dialog, "backendKind")->setCurrentText(QStringLiteral("iso8583"));
    child<QLineEdit>(dialog, "backendHost")->setText(QStringLiteral("10.0.0.7"));
    child<QLineEdit>(dialog, "backendPort")->setText(QStringLiteral("9100"));
    child<QComboBox>(dialog, "backendDialect")->setCurrentText(QStringLiteral("iso93-ascii"));
    child<QComboBox>(dialog, "backendFraming")->setCurrentText(QStringLiteral("ascii4"));
    child<QLineEdit>(dialog, "backendTimeout")->setText(QStringLiteral("2500"));
    child<QCheckBox>(dialog, "backendEagerConnect")->setChecked(false);
    child<QCheckBox>(dialog, "backendTls")->setChecked(true);
    QVERIFY(child<QLineEdit>(dialog, "tlsCaFile")->isEnabledTo(&dialog));
    child<QLineEdit>(dialog, "tlsCaFile")->setText(QStringLiteral("/etc/ssl/ca.pem"));
    const QStringList terminals = [&dialog] {
      QStringList out;
      auto* combo = child<QComboBox>(dialog, "terminalProfile");
      for (int i = 0; i < combo->count(); ++i) out << combo->itemText(i);
      return out;
    }();
    QVERIFY2(terminals.contains(QStringLiteral("countertop")) &&
                 terminals.contains(QStringLiteral("unattended")),
             qPrintable(terminals.join(',')));
    auto* calendar = child<QComboBox>(dialog, "calendar");
    QVERIFY(calendar->findText(QStringLiteral("cn-2025")) >= 0);
    child<QComboBox>(dialog, "terminalProfile")->setCurrentText(QStringLiteral("unattended"));
    calendar->setCurrentIndex(calendar->findText(QStringLiteral("cn-2025")));
    child<QComboBox>(dialog, "currency")->setCurrentText(QStringLiteral("USD"));
    child<QComboBox>(dialog, "settlementCycle")->setCurrentText(QStringLiteral("D+0"));
    child<QLineEdit>(dialog, "payout")->setText(QStringLiteral("10:30"));
    child<QLineEdit>(dialog, "feeRate")->setText(QStringLiteral("0.5%"));
    child<QLineEdit>(dialog, "whatIf")->setText(QStringLiteral("T+1, instant"));
    child<QLineEdit>(dialog, "seed")->setText(QStringLiteral("42"));
    child<QLineEdit>(dialog, "hostListenPort")->setText(QStringLiteral("0"));
    child<QComboBox>(dialog, "hostDialect")->setCurrentText(QStringLiteral("cup-pos"));
    child<QComboBox>(dialog, "hostFraming")->setCurrentText(QStringLiteral("none"));
    child<QLineEdit>(dialog, "hostConfig")->clear();
    QVERIFY2(dialog.problems().isEmpty(), qPrintable(dialog.problems().join('\n')));

    const GuiSettings s = dialog.settings();
    QCOMPARE(s.backend_kind, QStringLiteral("iso8583"));
    QCOMPARE(s.host, QStringLiteral("10.0.0.7"));
    QCOMPARE(s.port, 9100);
    QCOMPARE(s.dialect, QStringLiteral("iso93-ascii"));
    QCOMPARE(s.framing, QStringLiteral("ascii4"));
    QCOMPARE(s.timeout_ms, 2500);
    QVERIFY(!s.eager_connect);
    QVERIFY(s.tls);
    QCOMPARE(s.tls_ca_file, QStringLiteral("/etc/ssl/ca.pem"));
    QCOMPARE(s.terminal, QStringLiteral("unattended"));
    QCOMPARE(s.calendar, QStringLiteral("cn-2025"));
    QCOMPARE(s.currency, QStringLiteral("USD"));
    QCOMPARE(s.cycle, QStringLiteral("D+0"));
    QCOMPARE(s.payout, QStringLiteral("10:30"));
    QCOMPARE(s.fee_rate, 0.005);
    QCOMPARE(s.what_if, QStringList({"T+1", "instant"}));
    QCOMPARE(s.seed, std::uint64_t{42});
    QCOMPARE(s.host_listen_port, 0);
    QCOMPARE(s.host_dialect, QStringLiteral("cup-pos"));
    QCOMPARE(s.host_framing, QStringLiteral("none"));
    QVERIFY(s.host_config.isEmpty());
    QVERIFY(
        s.backendUrl().startsWith(QStringLiteral("iso8583://10.0.0.7:9100?dialect=iso93-ascii")));
    QVERIFY(s.backendUrl().contains(QStringLiteral("&tls=1&ca_file=/etc/ssl/ca.pem")));
  }
};

QTEST_MAIN(SettingsTest)
#include "settings_test.moc"
