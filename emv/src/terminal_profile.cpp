#include "posim/emv/terminal_profile.h"

#include <algorithm>

namespace posim::emv {

const TerminalApplication* TerminalProfile::findApplication(ByteView card_aid) const {
  for (const TerminalApplication& app : applications) {
    if (app.aid.size() > card_aid.size()) continue;
    if (!std::equal(app.aid.begin(), app.aid.end(), card_aid.begin())) continue;
    if (app.aid.size() == card_aid.size() || app.partial_selection) return &app;
  }
  return nullptr;
}

}  // namespace posim::emv
