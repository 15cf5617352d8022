#include "widgets/settings_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStyle>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "posim/base/money.h"
#include "posim/scenarios/dialect_files.h"
#include "posim/scenarios/resolver.h"
#include "posim/settlement/policy.h"

namespace posim::gui {
namespace {

QStringList toQStringList(const std::vector<std::string>& names) {
  QStringList out;
  for (const std::string& name : names) out << QString::fromStdString(name);
  return out;
}

QComboBox* comboOf(QWidget* parent, const char* name, const QStringList& items, bool editable) {
  auto* combo = new QComboBox(parent);
  combo->setObjectName(QLatin1String(name));
  combo->addItems(items);
  combo->setEditable(editable);
  if (editable) combo->setInsertPolicy(QComboBox::NoInsert);
  return combo;
}

QLineEdit* lineOf(QWidget* parent, const char* name, const QString& placeholder = {}) {
  auto* line = new QLineEdit(parent);
  line->setObjectName(QLatin1String(name));
  line->setPlaceholderText(placeholder);
  return line;
}

void setComboText(QComboBox* combo, const QString& text) {
  const int at = combo->findText(text);
  if (at >= 0) {
    combo->setCurrentIndex(at);
  } else if (combo->isEditable()) {
    combo->setEditText(text);
  } else {
    combo->addItem(text);
    combo->setCurrentIndex(combo->count() - 1);
  }
}

QString comboText(const QComboBox* combo) {
  return combo->currentText().trimmed();
}

// A file field with a "…" button that opens a file chooser.
QWidget* withBrowse(QLineEdit* line, const QString& title, const QString& filter) {
  auto* box = new QWidget(line->parentWidget());
  auto* layout = new QHBoxLayout(box);
  layout->setContentsMargins(0, 0, 0, 0);
  line->setParent(box);
  layout->addWidget(line);
  auto* browse = new QToolButton(box);
  browse->setText(QStringLiteral("…"));
  browse->setToolTip(title);
  layout->addWidget(browse);
  QObject::connect(browse, &QToolButton::clicked, line, [line, title, filter] {
    const QString file = QFileDialog::getOpenFileName(line, title, line->text(), filter);
    if (!file.isEmpty()) line->setText(file);
  });
  return box;
}

// The label a problem names ("Backend port: ..." -> "Backend port").
QString labelOf(const QString& problem) {
  return problem.section(QLatin1Char(':'), 0, 0);
}

}  // namespace

SettingsDialog::SettingsDialog(const GuiSettings& settings, QWidget* parent)
    : QDialog(parent),
      tabs_(new QTabWidget(this)),
      problems_label_(new QLabel(this)),
      buttons_(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this)) {
  setObjectName(QStringLiteral("settingsDialog"));
  setWindowTitle(tr("Settings"));
  tabs_->setObjectName(QStringLiteral("settingsTabs"));
  tabs_->addTab(backendTab(), tr("Backend"));
  tabs_->addTab(terminalTab(), tr("Terminal && settlement"));
  tabs_->addTab(hostTab(), tr("Host"));

  problems_label_->setObjectName(QStringLiteral("settingsProblems"));
  problems_label_->setWordWrap(true);
  problems_label_->setStyleSheet(QStringLiteral("color: #b00020;"));
  buttons_->setObjectName(QStringLiteral("settingsButtons"));
  connect(buttons_, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(tabs_);
  layout->addWidget(problems_label_);
  layout->addWidget(buttons_);

  fill(settings);
  // Every edit re-checks.
  for (QLineEdit* line : findChildren<QLineEdit*>()) {
    connect(line, &QLineEdit::textChanged, this, &SettingsDialog::validate);
  }
  for (QComboBox* combo : findChildren<QComboBox*>()) {
    connect(combo, &QComboBox::currentTextChanged, this, &SettingsDialog::validate);
  }
  for (QCheckBox* check : findChildren<QCheckBox*>()) {
    connect(check, &QCheckBox::toggled, this, &SettingsDialog::validate);
  }
  validate();
}

QWidget* SettingsDialog::backendTab() {
  auto* tab = new QWidget(this);
  backend_kind_ =
      comboOf(tab, "backendKind", {QStringLiteral("embedded"), QStringLiteral("iso8583")}, false);
  backend_kind_->setToolTip(
      tr("embedded: the in-process acquirer and issuer; iso8583: a host over TCP"));
  host_ = lineOf(tab, "backendHost", QStringLiteral("127.0.0.1"));
  port_ = lineOf(tab, "backendPort", QStringLiteral("8583"));
  const QStringList dialects = toQStringList(scenarios::builtinDialectIds());
  dialect_ = comboOf(tab, "backendDialect", dialects, true);
  dialect_->setToolTip(tr("a built-in dialect id or a dialect YAML file"));
  framing_ = comboOf(tab, "backendFraming", GuiSettings::framingNames(), false);
  timeout_ = lineOf(tab, "backendTimeout", QStringLiteral("30000"));
  connect_timeout_ = lineOf(tab, "backendConnectTimeout", QStringLiteral("5000"));
  eager_connect_ =
      new QCheckBox(tr("Connect when the session starts (else at the first message)"), tab);
  eager_connect_->setObjectName(QStringLiteral("backendEagerConnect"));
  tls_ = new QCheckBox(tr("TLS (the host's certificate is always verified)"), tab);
  tls_->setObjectName(QStringLiteral("backendTls"));
  tls_ca_ = lineOf(tab, "tlsCaFile", tr("the system's CAs"));
  tls_cert_ = lineOf(tab, "tlsCertFile", tr("none"));
  tls_key_ = lineOf(tab, "tlsKeyFile", tr("none"));
  tls_server_name_ = lineOf(tab, "tlsServerName", tr("the host name"));

  const QString pem = tr("PEM files (*.pem *.crt *.key);;All files (*)");
  auto* form = new QFormLayout(tab);
  form->addRow(tr("Backend"), backend_kind_);
  form->addRow(tr("Host"), host_);
  form->addRow(tr("Port"), port_);
  form->addRow(tr("Dialect"), dialect_);
  form->addRow(tr("Framing"), framing_);
  form->addRow(tr("Response timeout (ms)"), timeout_);
  form->addRow(tr("Connect timeout (ms)"), connect_timeout_);
  form->addRow(QString(), eager_connect_);
  form->addRow(QString(), tls_);
  form->addRow(tr("CA file"), withBrowse(tls_ca_, tr("Trusted CAs"), pem));
  form->addRow(tr("Client certificate"), withBrowse(tls_cert_, tr("Client certificate"), pem));
  form->addRow(tr("Client key"), withBrowse(tls_key_, tr("Client key"), pem));
  form->addRow(tr("Server name"), tls_server_name_);
  return tab;
}

QWidget* SettingsDialog::terminalTab() {
  auto* tab = new QWidget(this);
  const scenarios::Resolver resolver;
  terminal_ = comboOf(tab, "terminalProfile",
                      toQStringList(resolver.availableNames(scenarios::kTerminalReference)), true);
  terminal_->setToolTip(tr("a terminal profile of examples/terminals/, or a path"));
  calendar_ = comboOf(tab, "calendar",
                      toQStringList(resolver.availableNames(scenarios::kCalendarReference)), true);
  calendar_->setToolTip(tr("a business calendar of examples/calendars/, or a path"));
  QStringList currencies;
  for (const Currency& currency : allCurrencies()) {
    currencies << QString::fromUtf8(currency.alpha.data(),
                                    static_cast<qsizetype>(currency.alpha.size()));
  }
  currency_ = comboOf(tab, "currency", currencies, false);
  cycle_ = comboOf(tab, "settlementCycle",
                   {QStringLiteral("T+0"), QStringLiteral("T+1"), QStringLiteral("T+2"),
                    QStringLiteral("D+0"), QStringLiteral("D+1"), QStringLiteral("instant")},
                   true);
  cycle_->setToolTip(tr("T+n: n business days; D+n: n calendar days; instant"));
  cutoff_ = lineOf(tab, "cutoff", QStringLiteral("23:00"));
  payout_ = lineOf(tab, "payout", QStringLiteral("09:00"));
  fee_rate_ = lineOf(tab, "feeRate", QStringLiteral("0.006"));
  fee_rate_->setToolTip(tr("a fraction (0.006) or a percentage (0.6%)"));
  what_if_ = lineOf(tab, "whatIf", QStringLiteral("T+1, D+1, D+0, instant"));
  what_if_->setToolTip(tr("the policies to compare the session's captures under, by commas"));
  seed_ = lineOf(tab, "seed", QStringLiteral("1"));

  auto* form = new QFormLayout(tab);
  form->addRow(tr("Terminal profile"), terminal_);
  form->addRow(tr("Calendar"), calendar_);
  form->addRow(tr("Currency"), currency_);
  form->addRow(tr("Settlement cycle"), cycle_);
  form->addRow(tr("Cut-off"), cutoff_);
  form->addRow(tr("Payout time"), payout_);
  form->addRow(tr("Fee rate"), fee_rate_);
  form->addRow(tr("What-if policies"), what_if_);
  form->addRow(tr("Seed"), seed_);
  return tab;
}

QWidget* SettingsDialog::hostTab() {
  auto* tab = new QWidget(this);
  host_address_ = lineOf(tab, "hostListenAddress", QStringLiteral("127.0.0.1"));
  host_port_ = lineOf(tab, "hostListenPort", QStringLiteral("8583"));
  host_port_->setToolTip(tr("0: any free port"));
  const QStringList dialects = toQStringList(scenarios::builtinDialectIds());
  host_dialect_ = comboOf(tab, "hostDialect", dialects, true);
  host_framing_ = comboOf(tab, "hostFraming", GuiSettings::framingNames(), false);
  host_config_ = lineOf(tab, "hostConfig", tr("the built-in test cards"));
  host_config_->setToolTip(tr("a scenario file whose cards, accounts and rules the issuer serves"));

  auto* form = new QFormLayout(tab);
  form->addRow(tr("Listen address"), host_address_);
  form->addRow(tr("Port"), host_port_);
  form->addRow(tr("Dialect"), host_dialect_);
  form->addRow(tr("Framing"), host_framing_);
  form->addRow(tr("Issuer scenario"), withBrowse(host_config_, tr("Issuer scenario"),
                                                 tr("Scenarios (*.yaml *.yml);;All files (*)")));
  return tab;
}

void SettingsDialog::fill(const GuiSettings& s) {
  backend_kind_->setCurrentIndex(s.isIso8583() ? 1 : 0);
  host_->setText(s.host);
  port_->setText(QString::number(s.port));
  setComboText(dialect_, s.dialect);
  setComboText(framing_, s.framing);
  timeout_->setText(QString::number(s.timeout_ms));
  connect_timeout_->setText(QString::number(s.connect_timeout_ms));
  eager_connect_->setChecked(s.eager_connect);
  tls_->setChecked(s.tls);
  tls_ca_->setText(s.tls_ca_file);
  tls_cert_->setText(s.tls_cert_file);
  tls_key_->setText(s.tls_key_file);
  tls_server_name_->setText(s.tls_server_name);

  setComboText(terminal_, s.terminal);
  setComboText(calendar_, s.calendar);
  setComboText(currency_, s.currency);
  setComboText(cycle_, s.cycle);
  cutoff_->setText(s.cutoff);
  payout_->setText(s.payout);
  fee_rate_->setText(QString::number(s.fee_rate, 'g', 9));
  what_if_->setText(s.what_if.join(QStringLiteral(", ")));
  seed_->setText(QString::number(s.seed));

  host_address_->setText(s.host_listen_address);
  host_port_->setText(QString::number(s.host_listen_port));
  setComboText(host_dialect_, s.host_dialect);
  setComboText(host_framing_, s.host_framing);
  host_config_->setText(s.host_config);
}

GuiSettings SettingsDialog::settings() const {
  GuiSettings s;
  const auto number = [](const QLineEdit* line, int fallback) {
    bool ok = false;
    const int value = line->text().trimmed().toInt(&ok);
    return ok ? value : fallback;
  };
  s.backend_kind = comboText(backend_kind_);
  s.host = host_->text().trimmed();
  s.port = number(port_, 0);
  s.dialect = comboText(dialect_);
  s.framing = comboText(framing_);
  s.timeout_ms = number(timeout_, 0);
  s.connect_timeout_ms = number(connect_timeout_, 0);
  s.eager_connect = eager_connect_->isChecked();
  s.tls = tls_->isChecked();
  s.tls_ca_file = tls_ca_->text().trimmed();
  s.tls_cert_file = tls_cert_->text().trimmed();
  s.tls_key_file = tls_key_->text().trimmed();
  s.tls_server_name = tls_server_name_->text().trimmed();

  s.terminal = comboText(terminal_);
  s.calendar = comboText(calendar_);
  s.currency = comboText(currency_);
  s.cycle = comboText(cycle_);
  s.cutoff = cutoff_->text().trimmed();
  s.payout = payout_->text().trimmed();
  auto rate = settlement::FeeRule::parseRate(fee_rate_->text().trimmed().toStdString());
  s.fee_rate = rate.isOk() ? static_cast<double>(*rate) /
                                 static_cast<double>(settlement::FeeRule::kRateScale)
                           : -1.0;
  s.what_if.clear();
  for (const QString& policy : what_if_->text().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
    if (!policy.trimmed().isEmpty()) s.what_if << policy.trimmed();
  }
  bool seed_ok = false;
  const qulonglong seed = seed_->text().trimmed().toULongLong(&seed_ok);
  s.seed = seed_ok ? seed : 1;

  s.host_listen_address = host_address_->text().trimmed();
  s.host_listen_port = number(host_port_, -1);
  s.host_dialect = comboText(host_dialect_);
  s.host_framing = comboText(host_framing_);
  s.host_config = host_config_->text().trimmed();
  return s;
}

QStringList SettingsDialog::parseProblems() const {
  QStringList out;
  const bool iso = backend_kind_->currentIndex() == 1;
  const auto integer = [&out](const QLineEdit* line, const QString& label) {
    bool ok = false;
    line->text().trimmed().toInt(&ok);
    if (!ok) out << tr("%1: '%2' is not a number").arg(label, line->text());
  };
  if (iso) {
    integer(port_, QStringLiteral("Backend port"));
    integer(timeout_, QStringLiteral("Response timeout"));
    integer(connect_timeout_, QStringLiteral("Connect timeout"));
  }
  integer(host_port_, QStringLiteral("Host port"));
  auto rate = settlement::FeeRule::parseRate(fee_rate_->text().trimmed().toStdString());
  if (!rate.isOk()) {
    out << QStringLiteral("Fee rate: %1").arg(QString::fromStdString(rate.status().message()));
  }
  bool seed_ok = false;
  seed_->text().trimmed().toULongLong(&seed_ok);
  if (!seed_ok) out << tr("Seed: '%1' is not a whole number").arg(seed_->text());
  return out;
}

void SettingsDialog::validate() {
  updateEnabled();
  problems_ = parseProblems();
  QStringList labels;
  for (const QString& problem : problems_) labels << labelOf(problem);
  for (const QString& problem : settings().problems()) {
    if (!labels.contains(labelOf(problem))) problems_ << problem;
  }

  // Mark the fields the problems name.
  const std::map<QString, std::vector<QWidget*>> fields = {
      {QStringLiteral("Backend host"), {host_}},
      {QStringLiteral("Backend port"), {port_}},
      {QStringLiteral("Backend dialect"), {dialect_}},
      {QStringLiteral("Backend framing"), {framing_}},
      {QStringLiteral("Response timeout"), {timeout_}},
      {QStringLiteral("Connect timeout"), {connect_timeout_}},
      {QStringLiteral("TLS CA file"), {tls_ca_}},
      {QStringLiteral("TLS certificate"), {tls_cert_}},
      {QStringLiteral("TLS key"), {tls_key_}},
      {QStringLiteral("TLS server name"), {tls_server_name_}},
      {QStringLiteral("TLS"), {tls_cert_, tls_key_}},
      {QStringLiteral("Terminal profile"), {terminal_}},
      {QStringLiteral("Calendar"), {calendar_}},
      {QStringLiteral("Currency"), {currency_}},
      {QStringLiteral("Settlement cycle"), {cycle_}},
      {QStringLiteral("Cut-off"), {cutoff_}},
      {QStringLiteral("Payout time"), {payout_}},
      {QStringLiteral("Fee rate"), {fee_rate_}},
      {QStringLiteral("What-if"), {what_if_}},
      {QStringLiteral("Seed"), {seed_}},
      {QStringLiteral("Host address"), {host_address_}},
      {QStringLiteral("Host port"), {host_port_}},
      {QStringLiteral("Host dialect"), {host_dialect_}},
      {QStringLiteral("Host framing"), {host_framing_}},
  };
  std::vector<QWidget*> invalid;
  for (const QString& problem : problems_) {
    auto it = fields.find(labelOf(problem));
    if (it != fields.end()) invalid.insert(invalid.end(), it->second.begin(), it->second.end());
  }
  for (const auto& [label, widgets] : fields) {
    for (QWidget* widget : widgets) {
      const bool bad = std::find(invalid.begin(), invalid.end(), widget) != invalid.end();
      if (widget->property("invalid").toBool() == bad) continue;
      widget->setProperty("invalid", bad);
      widget->setStyleSheet(bad ? QStringLiteral("border: 1px solid #b00020;") : QString());
    }
  }

  problems_label_->setText(problems_.join(QLatin1Char('\n')));
  problems_label_->setVisible(!problems_.isEmpty());
  buttons_->button(QDialogButtonBox::Ok)->setEnabled(problems_.isEmpty());
  buttons_->button(QDialogButtonBox::Ok)->setToolTip(problems_.join(QLatin1Char('\n')));
}

void SettingsDialog::updateEnabled() {
  const bool iso = backend_kind_->currentIndex() == 1;
  for (QWidget* widget : std::vector<QWidget*>{host_, port_, dialect_, framing_, timeout_,
                                               connect_timeout_, eager_connect_, tls_}) {
    widget->setEnabled(iso);
  }
  const bool tls = iso && tls_->isChecked();
  // The file fields sit in a box with their browse button.
  for (QLineEdit* file : {tls_ca_, tls_cert_, tls_key_}) file->parentWidget()->setEnabled(tls);
  tls_server_name_->setEnabled(tls);
}

}  // namespace posim::gui
