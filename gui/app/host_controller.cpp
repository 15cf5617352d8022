#include "app/host_controller.h"

#include <QMetaObject>
#include <chrono>
#include <string>
#include <utility>

#include "posim/acquirer/embedded.h"
#include "posim/acquirer/iso8583_transport.h"
#include "posim/base/clock.h"
#include "posim/base/event_sink.h"
#include "posim/base/pan.h"
#include "posim/base/random.h"
#include "posim/iso8583/framing.h"
#include "posim/scenarios/dialect_files.h"
#include "posim/scenarios/host_setup.h"
#include "posim/scenarios/resolver.h"
#include "posim/scenarios/scenario.h"

namespace posim::gui {
namespace {

// Called by the host on its network thread, one event at a time; hands each line over to the
// controller's thread. Queued calls die with the controller (the context object).
class HostLogSink final : public EventSink {
 public:
  explicit HostLogSink(HostController* controller) : controller_(controller) {}
  void onEvent(const TraceEvent& event) override {
    QString line = QString::fromStdString(event.summary).simplified();
    line = HostController::maskPans(line);
    HostController* controller = controller_;
    QMetaObject::invokeMethod(
        controller, [controller, line] { emit controller->messageServed(line); },
        Qt::QueuedConnection);
  }

 private:
  HostController* controller_;
};

QString qs(const std::string& text) {
  return QString::fromStdString(text);
}

}  // namespace

struct HostController::Server {
  explicit Server(HostController* controller, std::uint64_t seed)
      : log(controller), random(scenarios::hostRandomSeed(seed)) {}
  HostLogSink log;
  SeededRandom random;
  RealSteadyClock steady;
  std::unique_ptr<acquirer::Iso8583Host> host;  // last: stops before the rest goes
};

HostController::HostController(QObject* parent) : QObject(parent) {}

HostController::~HostController() {
  if (server_) server_->host.reset();
}

bool HostController::start(const GuiSettings& settings, const QString& config_scenario) {
  if (isRunning()) {
    emit failed(tr("posim host already runs on %1: stop it first").arg(address()));
    return false;
  }
  const auto fail = [this](const QString& message) {
    emit failed(message);
    return false;
  };
  acquirer::HostOptions options;
  options.listen_address = settings.host_listen_address.trimmed().toStdString();
  if (options.listen_address.size() >= 2 && options.listen_address.front() == '[' &&
      options.listen_address.back() == ']') {
    options.listen_address = options.listen_address.substr(1, options.listen_address.size() - 2);
  }
  if (options.listen_address.empty()) return fail(tr("posim host: the listen address is empty"));
  if (settings.host_listen_port < 0 || settings.host_listen_port > 65535) {
    return fail(tr("posim host: %1 is not a TCP port (0..65535; 0: any free port)")
                    .arg(settings.host_listen_port));
  }
  options.listen_port = static_cast<std::uint16_t>(settings.host_listen_port);
  const std::string framing = settings.host_framing.trimmed().toStdString();
  const auto framing_value = iso8583::framingByName(framing);
  if (!framing_value) {
    return fail(
        tr("posim host: framing '%1' is not one of %2")
            .arg(settings.host_framing, GuiSettings::framingNames().join(QStringLiteral(", "))));
  }
  options.framing = *framing_value;
  auto dialect = scenarios::resolveDialect(settings.host_dialect.trimmed().toStdString());
  if (!dialect.isOk())
    return fail(tr("posim host: dialect: %1").arg(qs(dialect.status().message())));
  options.dialect = *dialect;

  acquirer::EmbeddedConfig issuer;
  const QString config = config_scenario.isEmpty() ? settings.host_config : config_scenario;
  if (!config.trimmed().isEmpty()) {
    scenarios::Resolver resolver;
    auto scenario = scenarios::loadScenario(config.trimmed().toStdString(), resolver);
    if (!scenario.isOk()) {
      return fail(tr("posim host: the issuer's scenario %1 does not load:\n%2")
                      .arg(config, qs(scenario.errorText()).trimmed()));
    }
    issuer = scenarios::issuerConfigFor(*scenario);
    options.reference_time = scenario->start;
  } else {
    issuer = scenarios::defaultHostIssuer();
    // The shell reads the real clock: DE 7 carries no year, the host takes the nearest one.
    options.reference_time =
        LocalDateTime{std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now()),
                      std::chrono::minutes(0)};
  }

  auto server = std::make_unique<Server>(this, settings.seed);
  auto backend =
      std::make_unique<acquirer::EmbeddedBackend>(std::move(issuer), server->random, nullptr);
  auto host = acquirer::Iso8583Host::start(std::move(options), std::move(backend), &server->log,
                                           nullptr, &server->steady);
  if (!host.isOk()) return fail(tr("posim host: %1").arg(qs(host.status().message())));
  server->host = std::move(host).value();
  server_ = std::move(server);
  emit started(address());
  return true;
}

void HostController::stop() {
  if (!server_) return;
  server_->host.reset();  // stops the network thread and closes every connection
  server_.reset();
  emit stopped();
}

bool HostController::isRunning() const {
  return server_ != nullptr && server_->host != nullptr;
}

QString HostController::address() const {
  return isRunning() ? qs(server_->host->address()) : QString();
}

int HostController::port() const {
  return isRunning() ? server_->host->port() : 0;
}

std::uint64_t HostController::requestsServed() const {
  return isRunning() ? server_->host->requestsServed() : 0;
}

QString HostController::maskPans(const QString& line) {
  QString out;
  out.reserve(line.size());
  qsizetype i = 0;
  while (i < line.size()) {
    const auto digit = [&line](qsizetype at) {
      return line[at] >= QLatin1Char('0') && line[at] <= QLatin1Char('9');
    };
    if (!digit(i)) {
      out += line[i++];
      continue;
    }
    qsizetype end = i;
    while (end < line.size() && digit(end)) ++end;
    const std::string digits = line.mid(i, end - i).toStdString();
    if (digits.size() >= 13 && digits.size() <= 19 && luhnValid(digits)) {
      out += QString::fromStdString(maskPan(digits));
    } else {
      out += line.mid(i, end - i);
    }
    i = end;
  }
  return out;
}

}  // namespace posim::gui
