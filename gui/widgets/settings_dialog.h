// The settings of posim-gui (GuiSettings) in three tabs: Backend (embedded or ISO 8583
// host:port, dialect, framing, timeouts, TLS), Terminal & settlement (terminal profile,
// calendar, currency, settlement cycle, cut-off, payout time, fee rate, what-if policies, seed)
// and Host (the embedded `posim host`: listen address and port, dialect, framing, the scenario
// whose issuer it serves).
//
// Choices come from the core: terminal profiles and calendars from the resolver's example roots
// (as `posim terminals` / `posim calendars` list them), dialect ids from the built-in dialects,
// framings and currencies from their tables; the combos stay editable for a path. Every edit is
// checked at once (GuiSettings::problems() plus the fields that are not numbers): an invalid field
// is marked (dynamic property "invalid" = true, red frame), the reasons are listed under the
// tabs, and OK is disabled until they are fixed.
//
// Child objectNames: settingsTabs (QTabWidget); backendKind, backendDialect, backendFraming
// (QComboBox), backendHost, backendPort, backendTimeout, backendConnectTimeout, tlsCaFile,
// tlsCertFile, tlsKeyFile, tlsServerName (QLineEdit), backendEagerConnect, backendTls
// (QCheckBox); terminalProfile, calendar, currency, settlementCycle (QComboBox), cutoff, payout,
// feeRate, whatIf, seed (QLineEdit); hostListenAddress, hostListenPort, hostConfig (QLineEdit),
// hostDialect, hostFraming (QComboBox); settingsProblems (QLabel), settingsButtons
// (QDialogButtonBox).
#pragma once

#include <QDialog>
#include <QStringList>

#include "app/gui_settings.h"

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QTabWidget;

namespace posim::gui {

class SettingsDialog final : public QDialog {
  Q_OBJECT

 public:
  explicit SettingsDialog(const GuiSettings& settings, QWidget* parent = nullptr);

  // The settings as the widgets show them now.
  GuiSettings settings() const;
  // Why OK is disabled (empty when it is enabled).
  QStringList problems() const { return problems_; }

 private:
  void fill(const GuiSettings& settings);
  void validate();
  void updateEnabled();
  QWidget* backendTab();
  QWidget* terminalTab();
  QWidget* hostTab();
  // Problems of fields that do not even parse (ports, timeouts, fee rate, seed).
  QStringList parseProblems() const;

  QTabWidget* tabs_;
  // Backend.
  QComboBox* backend_kind_;
  QLineEdit* host_;
  QLineEdit* port_;
  QComboBox* dialect_;
  QComboBox* framing_;
  QLineEdit* timeout_;
  QLineEdit* connect_timeout_;
  QCheckBox* eager_connect_;
  QCheckBox* tls_;
  QLineEdit* tls_ca_;
  QLineEdit* tls_cert_;
  QLineEdit* tls_key_;
  QLineEdit* tls_server_name_;
  // Terminal and settlement.
  QComboBox* terminal_;
  QComboBox* calendar_;
  QComboBox* currency_;
  QComboBox* cycle_;
  QLineEdit* cutoff_;
  QLineEdit* payout_;
  QLineEdit* fee_rate_;
  QLineEdit* what_if_;
  QLineEdit* seed_;
  // Host.
  QLineEdit* host_address_;
  QLineEdit* host_port_;
  QComboBox* host_dialect_;
  QComboBox* host_framing_;
  QLineEdit* host_config_;

  QLabel* problems_label_;
  QDialogButtonBox* buttons_;
  QStringList problems_;
};

}  // namespace posim::gui
