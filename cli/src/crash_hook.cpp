#include "crash_hook.h"

#include <atomic>
#include <cstdlib>
#include <string>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "posim/base/crash_point.h"

namespace posim::cli {
namespace {

// Set once, before any thread starts; read by the hook on any thread.
std::string g_crash_at;
long g_crash_hit = 1;
std::atomic<long> g_hits{0};
int g_trace_fd = -1;

void traceLine(std::string_view name) {
  if (g_trace_fd < 0) return;
  std::string line(name);
  line += '\n';
  // One write per line on an O_APPEND descriptor: lines of several threads never interleave,
  // and what was written survives the SIGKILL (it is in the kernel's page cache).
  (void)!::write(g_trace_fd, line.data(), line.size());
}

void crashHook(std::string_view name) {
  traceLine(name);
  if (g_crash_at.empty() || name != g_crash_at) return;
  if (g_hits.fetch_add(1) + 1 == g_crash_hit) ::kill(::getpid(), SIGKILL);
}

}  // namespace

Status installCrashHookFromEnvironment() {
  const char* at = std::getenv("POSIM_CRASH_AT");
  const char* trace = std::getenv("POSIM_CRASH_TRACE");
  const bool want_at = at != nullptr && *at != '\0';
  const bool want_trace = trace != nullptr && *trace != '\0';
  if (!want_at && !want_trace) return Status::ok();
  if (want_at) {
    std::string spec(at);
    const auto colon = spec.rfind(':');
    if (colon != std::string::npos) {
      const std::string count = spec.substr(colon + 1);
      const bool digits = !count.empty() && count.size() <= 9 &&
                          count.find_first_not_of("0123456789") == std::string::npos;
      if (!digits || std::stol(count) < 1) {
        return invalidArgument("POSIM_CRASH_AT: '" + spec +
                               "' is not NAME[:N] with N a hit count from 1");
      }
      g_crash_hit = std::stol(count);
      spec.resize(colon);
    }
    if (spec.empty()) return invalidArgument("POSIM_CRASH_AT: no crash point name");
    g_crash_at = spec;
  }
  if (want_trace) {
    g_trace_fd = ::open(trace, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (g_trace_fd < 0) return ioError("POSIM_CRASH_TRACE: cannot open " + std::string(trace));
  }
  setCrashHook(&crashHook);
  return Status::ok();
}

}  // namespace posim::cli
