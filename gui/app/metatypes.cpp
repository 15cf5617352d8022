#include "app/metatypes.h"

namespace posim::gui {

void registerMetaTypes() {
  qRegisterMetaType<posim::TraceEvent>();
  qRegisterMetaType<posim::scenarios::StepResult>();
  qRegisterMetaType<posim::scenarios::ReportedTransaction>();
  qRegisterMetaType<posim::scenarios::RunResult>();
}

}  // namespace posim::gui
