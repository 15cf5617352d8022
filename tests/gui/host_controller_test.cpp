// HostController: an in-process `posim host` on 127.0.0.1 port 0 serves
// examples/scenarios/chip-sale-online-pin.yaml run over iso8583:// (with the scenario's issuer,
// and with the default issuer of the built-in test cards), logs each message with the PAN
// masked, frees its port on stop(), and fails with a message on a port already taken.
#include "app/host_controller.h"

#include <QSignalSpy>
#include <QTest>
#include <string>

#include "posim/acquirer/registry.h"
#include "posim/base/clock.h"
#include "posim/scenarios/resolver.h"
#include "posim/scenarios/runner.h"
#include "posim/scenarios/scenario.h"

#include "app/gui_settings.h"
#include "app/metatypes.h"

using posim::gui::GuiSettings;
using posim::gui::HostController;

namespace {

QString scenarioFile() {
  return qEnvironmentVariable("POSIM_EXAMPLES") +
         QStringLiteral("/scenarios/chip-sale-online-pin.yaml");
}

GuiSettings anyPort() {
  GuiSettings settings;
  settings.host_listen_address = QStringLiteral("127.0.0.1");
  settings.host_listen_port = 0;
  return settings;
}

}  // namespace

class HostControllerTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    posim::gui::registerMetaTypes();
    QVERIFY2(!qEnvironmentVariable("POSIM_EXAMPLES").isEmpty(), "POSIM_EXAMPLES is not set");
    posim::scenarios::Resolver resolver;
    auto loaded = posim::scenarios::loadScenario(scenarioFile().toStdString(), resolver);
    QVERIFY2(loaded.isOk(), loaded.errorText().c_str());
    scenario_ = std::move(loaded).value();
  }

  void servesAScenarioRun_data() {
    QTest::addColumn<bool>("with_scenario_issuer");
    QTest::newRow("scenario issuer") << true;
    QTest::newRow("built-in test cards") << false;
  }

  void servesAScenarioRun() {
    QFETCH(bool, with_scenario_issuer);
    HostController host;
    QSignalSpy started(&host, &HostController::started);
    QSignalSpy stopped(&host, &HostController::stopped);
    QSignalSpy served(&host, &HostController::messageServed);
    QSignalSpy failed(&host, &HostController::failed);
    QVERIFY(!host.isRunning());
    QCOMPARE(host.address(), QString());
    QVERIFY(host.start(anyPort(), with_scenario_issuer ? scenarioFile() : QString()));
    QVERIFY(host.isRunning());
    QCOMPARE(failed.count(), 0);
    QCOMPARE(started.count(), 1);
    const int port = host.port();
    QVERIFY(port > 0);
    QCOMPARE(host.address(), QStringLiteral("127.0.0.1:%1").arg(port));
    QCOMPARE(started.front().at(0).toString(), host.address());

    // The scenario, run over ISO 8583 against the host (on this thread; the host serves on its).
    posim::acquirer::BackendRegistry backends;
    posim::acquirer::addBuiltinBackends(backends);
    const posim::RealSteadyClock steady;
    posim::scenarios::RunOptions options;
    options.steady = &steady;
    options.backend = "iso8583://127.0.0.1:" + std::to_string(port) +
                      "?dialect=iso87-ascii&framing=binary2&timeout_ms=10000";
    auto run = posim::scenarios::runScenario(scenario_, options, backends);
    QVERIFY2(run.isOk(), run.status().message().c_str());
    QString failures;
    for (const auto& step : run->steps) {
      for (const std::string& failure : step.failures) failures += QString::fromStdString(failure);
      failures += QString::fromStdString(step.error);
    }
    QVERIFY2(run->passed, qPrintable(failures));
    QCOMPARE(run->transactions.size(), std::size_t{1});
    QCOMPARE(run->transactions.front().record.response_code, std::string("00"));
    QVERIFY(host.requestsServed() >= 1);

    // One line per message, queued to this thread; the PAN masked.
    QTRY_VERIFY(served.count() >= 1);
    const std::string pan = run->transactions.front().record.pan.digits();
    const std::string masked = run->transactions.front().record.masked_pan;
    bool saw_masked = false;
    for (const QList<QVariant>& line : served) {
      const QString text = line.at(0).toString();
      QVERIFY(!text.contains(QLatin1Char('\n')));
      QVERIFY2(!text.contains(QString::fromStdString(pan)), qPrintable(text));
      saw_masked = saw_masked || text.contains(QString::fromStdString(masked));
    }
    QVERIFY(saw_masked);

    // stop() frees the port: a second host binds it.
    host.stop();
    QVERIFY(!host.isRunning());
    QCOMPARE(stopped.count(), 1);
    QCOMPARE(host.address(), QString());
    host.stop();  // twice: nothing more
    QCOMPARE(stopped.count(), 1);
    GuiSettings same = anyPort();
    same.host_listen_port = port;
    HostController again;
    QVERIFY(again.start(same));
    QCOMPARE(again.port(), port);
  }

  void aTakenPortFailsWithAMessage() {
    HostController first;
    QVERIFY(first.start(anyPort()));
    GuiSettings taken = anyPort();
    taken.host_listen_port = first.port();
    HostController second;
    QSignalSpy failed(&second, &HostController::failed);
    QSignalSpy started(&second, &HostController::started);
    QVERIFY(!second.start(taken));
    QVERIFY(!second.isRunning());
    QCOMPARE(started.count(), 0);
    QCOMPARE(failed.count(), 1);
    const QString message = failed.front().at(0).toString();
    QVERIFY2(message.contains(QString::number(first.port())), qPrintable(message));
    QVERIFY(first.isRunning());
    // Starting twice is refused too, without touching the running host.
    QSignalSpy first_failed(&first, &HostController::failed);
    QVERIFY(!first.start(anyPort()));
    QCOMPARE(first_failed.count(), 1);
    QVERIFY(first.isRunning());
  }

  void badSettingsFailWithTheReason() {
    HostController host;
    QSignalSpy failed(&host, &HostController::failed);
    GuiSettings settings = anyPort();
    settings.host_dialect = QStringLiteral("iso78");
    QVERIFY(!host.start(settings));
    QVERIFY(failed.takeFirst().at(0).toString().contains(QStringLiteral("iso78")));
    settings = anyPort();
    settings.host_framing = QStringLiteral("len3");
    QVERIFY(!host.start(settings));
    QVERIFY(failed.takeFirst().at(0).toString().contains(QStringLiteral("len3")));
    QVERIFY(!host.start(anyPort(), QStringLiteral("/no/such/scenario.yaml")));
    QVERIFY(failed.takeFirst().at(0).toString().contains(QStringLiteral("/no/such/scenario.yaml")));
    QVERIFY(!host.isRunning());
  }

  void masksPansLeftInALine() {
    QCOMPARE(HostController::maskPans(QStringLiteral("sale 4761739001010010 STAN 000042 "
                                                     "amount 000000012800")),
             QStringLiteral("sale 476173******0010 STAN 000042 amount 000000012800"));
    // Not Luhn-valid, or too short: left alone.
    QCOMPARE(HostController::maskPans(QStringLiteral("rrn 4761739001010011")),
             QStringLiteral("rrn 4761739001010011"));
  }

 private:
  posim::scenarios::Scenario scenario_;
};

QTEST_MAIN(HostControllerTest)
#include "host_controller_test.moc"
