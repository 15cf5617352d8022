// Core value types that travel through queued signals between the worker threads and the UI.
// registerMetaTypes() runs once at start-up (main.cpp and every GUI test).
#pragma once

#include <QMetaType>

#include "posim/base/event_sink.h"
#include "posim/scenarios/runner.h"

namespace posim::gui {
void registerMetaTypes();
}  // namespace posim::gui

Q_DECLARE_METATYPE(posim::TraceEvent)
Q_DECLARE_METATYPE(posim::scenarios::StepResult)
Q_DECLARE_METATYPE(posim::scenarios::ReportedTransaction)
Q_DECLARE_METATYPE(posim::scenarios::RunResult)
