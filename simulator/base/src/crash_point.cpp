#include "posim/base/crash_point.h"

#include <string>

namespace posim {

namespace detail {
std::atomic<CrashHook> crash_hook{nullptr};
}  // namespace detail

void setCrashHook(CrashHook hook) {
  detail::crash_hook.store(hook, std::memory_order_release);
}

void crashPoint(std::string_view scope, std::string_view subject, std::string_view step) {
  CrashHook hook = detail::crash_hook.load(std::memory_order_acquire);
  if (hook == nullptr) return;
  std::string name;
  name.reserve(scope.size() + subject.size() + step.size() + 2);
  name.append(scope).append(".").append(subject).append(".").append(step);
  hook(name);
}

}  // namespace posim
