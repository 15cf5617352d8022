#include "app/event_bridge.h"

namespace posim::gui {

int EventBridge::nextTransactionKey() {
  static std::atomic<int> next{1};
  return next.fetch_add(1);
}

}  // namespace posim::gui
