#include "app/gui_settings.h"

#include <QDateTime>
#include <QSettings>
#include <chrono>
#include <string>

#include "posim/base/clock.h"
#include "posim/base/money.h"
#include "posim/iso8583/framing.h"
#include "posim/settlement/policy.h"

namespace posim::gui {
namespace {

constexpr const char* kGroup = "settings";

std::string text(const QString& value) {
  return value.trimmed().toStdString();
}

// "[::1]" for an IPv6 address, the host as typed otherwise.
QString urlHost(const QString& host) {
  const QString trimmed = host.trimmed();
  if (trimmed.contains(QLatin1Char(':')) && !trimmed.startsWith(QLatin1Char('['))) {
    return QLatin1Char('[') + trimmed + QLatin1Char(']');
  }
  return trimmed;
}

void checkPort(QStringList& out, const QString& what, int port, int min) {
  if (port < min || port > 65535) {
    out << QStringLiteral("%1: %2 is not a TCP port (%3..65535)").arg(what).arg(port).arg(min);
  }
}

void checkTimeOfDay(QStringList& out, const QString& what, const QString& value) {
  if (!parseTimeOfDay(text(value)).isOk()) {
    out << QStringLiteral("%1: '%2' is not a time of day (HH:MM, e.g. 23:00)").arg(what, value);
  }
}

void checkCycle(QStringList& out, const QString& what, const QString& value) {
  auto cycle = settlement::Cycle::parse(text(value));
  if (!cycle.isOk()) {
    out << QStringLiteral("%1: %2").arg(what, QString::fromStdString(cycle.status().message()));
  }
}

void checkFraming(QStringList& out, const QString& what, const QString& value) {
  if (!iso8583::framingByName(text(value))) {
    out << QStringLiteral("%1: '%2' is not one of %3")
               .arg(what, value, GuiSettings::framingNames().join(QStringLiteral(", ")));
  }
}

void checkUrlValue(QStringList& out, const QString& what, const QString& value) {
  if (value.contains(QLatin1Char('&'))) {
    out << QStringLiteral("%1: '&' cannot go into the backend URL; rename the file").arg(what);
  }
}

}  // namespace

QStringList GuiSettings::framingNames() {
  QStringList names;
  for (const iso8583::Framing framing : {iso8583::Framing::kBinary2, iso8583::Framing::kAscii4,
                                         iso8583::Framing::kBcd2, iso8583::Framing::kNone}) {
    const std::string_view name = iso8583::framingName(framing);
    names << QString::fromUtf8(name.data(), static_cast<qsizetype>(name.size()));
  }
  return names;
}

QString GuiSettings::backendUrl() const {
  if (!isIso8583()) return QStringLiteral("embedded");
  QString url = QStringLiteral(
                    "iso8583://%1:%2?dialect=%3&framing=%4&timeout_ms=%5"
                    "&connect_timeout_ms=%6&connect=%7")
                    .arg(urlHost(host))
                    .arg(port)
                    .arg(dialect.trimmed(), framing.trimmed())
                    .arg(timeout_ms)
                    .arg(connect_timeout_ms)
                    .arg(eager_connect ? QStringLiteral("eager") : QStringLiteral("lazy"));
  if (tls) {
    url += QStringLiteral("&tls=1");
    const auto add = [&url](const char* name, const QString& value) {
      if (!value.trimmed().isEmpty()) {
        url += QLatin1Char('&') + QLatin1String(name) + QLatin1Char('=') + value.trimmed();
      }
    };
    add("ca_file", tls_ca_file);
    add("cert_file", tls_cert_file);
    add("key_file", tls_key_file);
    add("server_name", tls_server_name);
  }
  return url;
}

scenarios::WorkbenchChoice GuiSettings::workbenchChoice() const {
  scenarios::WorkbenchChoice choice;
  choice.terminal = text(terminal);
  choice.calendar = text(calendar);
  choice.cycle = text(cycle);
  choice.cutoff = text(cutoff);
  choice.payout = text(payout);
  choice.fee_rate = fee_rate;
  choice.what_if.clear();
  for (const QString& policy : what_if) {
    if (!policy.trimmed().isEmpty()) choice.what_if.push_back(text(policy));
  }
  choice.backend = backendUrl().toStdString();
  choice.currency = text(currency);
  const QDateTime now = QDateTime::currentDateTime();
  choice.start.instant = Instant(std::chrono::milliseconds(now.toMSecsSinceEpoch()));
  choice.start.utc_offset = std::chrono::minutes(now.offsetFromUtc() / 60);
  return choice;
}

QStringList GuiSettings::problems() const {
  QStringList out;
  if (backend_kind != QStringLiteral("embedded") && !isIso8583()) {
    out << QStringLiteral("Backend: '%1' is not embedded or iso8583").arg(backend_kind);
  }
  if (isIso8583()) {
    if (host.trimmed().isEmpty()) out << QStringLiteral("Backend host: empty");
    checkUrlValue(out, QStringLiteral("Backend host"), host);
    checkPort(out, QStringLiteral("Backend port"), port, 1);
    if (dialect.trimmed().isEmpty()) out << QStringLiteral("Backend dialect: empty");
    checkUrlValue(out, QStringLiteral("Backend dialect"), dialect);
    checkFraming(out, QStringLiteral("Backend framing"), framing);
    if (timeout_ms < 1) out << QStringLiteral("Response timeout: at least 1 ms");
    if (connect_timeout_ms < 1) out << QStringLiteral("Connect timeout: at least 1 ms");
    if (tls) {
      checkUrlValue(out, QStringLiteral("TLS CA file"), tls_ca_file);
      checkUrlValue(out, QStringLiteral("TLS certificate"), tls_cert_file);
      checkUrlValue(out, QStringLiteral("TLS key"), tls_key_file);
      checkUrlValue(out, QStringLiteral("TLS server name"), tls_server_name);
      if (tls_cert_file.trimmed().isEmpty() != tls_key_file.trimmed().isEmpty()) {
        out << QStringLiteral("TLS: a client certificate and its key go together");
      }
    }
  }
  if (terminal.trimmed().isEmpty()) out << QStringLiteral("Terminal profile: empty");
  if (calendar.trimmed().isEmpty()) out << QStringLiteral("Calendar: empty");
  if (!findCurrency(text(currency)).isOk()) {
    out << QStringLiteral("Currency: '%1' is not an ISO 4217 code posim knows").arg(currency);
  }
  checkCycle(out, QStringLiteral("Settlement cycle"), cycle);
  checkTimeOfDay(out, QStringLiteral("Cut-off"), cutoff);
  checkTimeOfDay(out, QStringLiteral("Payout time"), payout);
  if (!(fee_rate >= 0.0 && fee_rate <= 1.0)) {
    out << QStringLiteral("Fee rate: %1 is outside 0..1 (0.006 is 0.6 %)").arg(fee_rate);
  }
  for (const QString& policy : what_if) checkCycle(out, QStringLiteral("What-if"), policy);

  if (host_listen_address.trimmed().isEmpty()) out << QStringLiteral("Host address: empty");
  checkPort(out, QStringLiteral("Host port"), host_listen_port, 0);
  if (host_dialect.trimmed().isEmpty()) out << QStringLiteral("Host dialect: empty");
  checkFraming(out, QStringLiteral("Host framing"), host_framing);
  return out;
}

GuiSettings GuiSettings::load(QSettings& s) {
  GuiSettings out;
  s.beginGroup(QLatin1String(kGroup));
  const auto str = [&s](const char* key, QString& value) {
    value = s.value(QLatin1String(key), value).toString();
  };
  const auto num = [&s](const char* key, int& value) {
    bool ok = false;
    const int read = s.value(QLatin1String(key), value).toInt(&ok);
    if (ok) value = read;
  };
  const auto flag = [&s](const char* key, bool& value) {
    value = s.value(QLatin1String(key), value).toBool();
  };
  str("backend", out.backend_kind);
  str("host", out.host);
  num("port", out.port);
  str("dialect", out.dialect);
  str("framing", out.framing);
  num("timeout_ms", out.timeout_ms);
  num("connect_timeout_ms", out.connect_timeout_ms);
  flag("eager_connect", out.eager_connect);
  flag("tls", out.tls);
  str("tls_ca_file", out.tls_ca_file);
  str("tls_cert_file", out.tls_cert_file);
  str("tls_key_file", out.tls_key_file);
  str("tls_server_name", out.tls_server_name);
  str("terminal", out.terminal);
  str("calendar", out.calendar);
  str("currency", out.currency);
  str("cycle", out.cycle);
  str("cutoff", out.cutoff);
  str("payout", out.payout);
  {
    bool ok = false;
    const double rate = s.value(QStringLiteral("fee_rate"), out.fee_rate).toDouble(&ok);
    if (ok) out.fee_rate = rate;
  }
  if (s.contains(QStringLiteral("what_if"))) {
    // An empty list is stored as an empty string (QSettings has no empty list in INI files).
    out.what_if =
        s.value(QStringLiteral("what_if")).toString().split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (QString& policy : out.what_if) policy = policy.trimmed();
  }
  {
    bool ok = false;
    const qulonglong seed =
        s.value(QStringLiteral("seed"), QVariant::fromValue<qulonglong>(out.seed)).toULongLong(&ok);
    if (ok) out.seed = seed;
  }
  str("host_listen_address", out.host_listen_address);
  num("host_listen_port", out.host_listen_port);
  str("host_dialect", out.host_dialect);
  str("host_framing", out.host_framing);
  str("host_config", out.host_config);
  s.endGroup();
  return out;
}

void GuiSettings::save(QSettings& s) const {
  s.beginGroup(QLatin1String(kGroup));
  s.setValue(QStringLiteral("backend"), backend_kind);
  s.setValue(QStringLiteral("host"), host);
  s.setValue(QStringLiteral("port"), port);
  s.setValue(QStringLiteral("dialect"), dialect);
  s.setValue(QStringLiteral("framing"), framing);
  s.setValue(QStringLiteral("timeout_ms"), timeout_ms);
  s.setValue(QStringLiteral("connect_timeout_ms"), connect_timeout_ms);
  s.setValue(QStringLiteral("eager_connect"), eager_connect);
  s.setValue(QStringLiteral("tls"), tls);
  s.setValue(QStringLiteral("tls_ca_file"), tls_ca_file);
  s.setValue(QStringLiteral("tls_cert_file"), tls_cert_file);
  s.setValue(QStringLiteral("tls_key_file"), tls_key_file);
  s.setValue(QStringLiteral("tls_server_name"), tls_server_name);
  s.setValue(QStringLiteral("terminal"), terminal);
  s.setValue(QStringLiteral("calendar"), calendar);
  s.setValue(QStringLiteral("currency"), currency);
  s.setValue(QStringLiteral("cycle"), cycle);
  s.setValue(QStringLiteral("cutoff"), cutoff);
  s.setValue(QStringLiteral("payout"), payout);
  s.setValue(QStringLiteral("fee_rate"), fee_rate);
  s.setValue(QStringLiteral("what_if"), what_if.join(QLatin1Char(',')));
  s.setValue(QStringLiteral("seed"), QVariant::fromValue<qulonglong>(seed));
  s.setValue(QStringLiteral("host_listen_address"), host_listen_address);
  s.setValue(QStringLiteral("host_listen_port"), host_listen_port);
  s.setValue(QStringLiteral("host_dialect"), host_dialect);
  s.setValue(QStringLiteral("host_framing"), host_framing);
  s.setValue(QStringLiteral("host_config"), host_config);
  s.endGroup();
}

}  // namespace posim::gui
