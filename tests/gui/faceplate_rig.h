// A terminal for the faceplate tests: a TerminalSession on its worker thread and a Faceplate
// over it, shown, configured on the embedded backend with the given card profiles at a fixed
// start (2026-03-02 10:00 +08:00, seed 7), with spies on what a person would see.
#pragma once

#include <QSignalSpy>
#include <QTest>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "posim/base/clock.h"

#include "app/terminal_session.h"
#include "widgets/faceplate.h"

namespace posim::gui::test {

inline constexpr int kWaitMs = 30000;  // generous for AddressSanitizer; passing tests never wait

struct FaceplateRig {
  std::unique_ptr<TerminalSession> session;
  std::unique_ptr<Faceplate> faceplate;
  std::unique_ptr<QSignalSpy> finished;  // TerminalSession::transactionFinished
  std::unique_ptr<QSignalSpy> reported;  // TerminalSession::transactionReported
  std::unique_ptr<QSignalSpy> status;    // Faceplate::statusMessage

  // Empty when the terminal is ready; else what went wrong.
  QString open(const std::vector<std::string>& cards) {
    session = std::make_unique<TerminalSession>();
    session->devices()->setTimeout(std::chrono::milliseconds(kWaitMs));
    faceplate = std::make_unique<Faceplate>(session.get());
    faceplate->resize(400, 780);
    faceplate->show();
    if (!QTest::qWaitForWindowExposed(faceplate.get())) return QStringLiteral("never exposed");
    finished = std::make_unique<QSignalSpy>(session.get(), &TerminalSession::transactionFinished);
    reported = std::make_unique<QSignalSpy>(session.get(), &TerminalSession::transactionReported);
    status = std::make_unique<QSignalSpy>(faceplate.get(), &Faceplate::statusMessage);
    scenarios::WorkbenchChoice choice;
    choice.cards = cards;
    auto start = parseIso8601("2026-03-02T10:00:00+08:00");
    if (!start.isOk()) return QString::fromStdString(start.status().message());
    choice.start = *start;
    QSignalSpy configured(session.get(), &TerminalSession::configured);
    QSignalSpy failed(session.get(), &TerminalSession::failed);
    session->configure(choice, QStringLiteral("embedded"), 7);
    if (!QTest::qWaitFor([&] { return configured.count() + failed.count() > 0; }, kWaitMs)) {
      return QStringLiteral("the session was never configured");
    }
    if (!failed.isEmpty()) return failed.at(0).at(0).toString();
    return session->ready() ? QString() : QStringLiteral("configured but not ready");
  }

  void close() {
    status.reset();
    reported.reset();
    finished.reset();
    faceplate.reset();
    session.reset();
  }

  template <typename T>
  T* child(const QString& name) {
    T* found = faceplate->findChild<T*>(name);
    if (found == nullptr) qWarning("no child %s", qPrintable(name));
    return found;
  }
};

}  // namespace posim::gui::test
