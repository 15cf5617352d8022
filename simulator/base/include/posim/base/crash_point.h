// Crash points: named places in the core where a test may kill the process, to prove that the
// journal and the store-and-forward queue recover from a crash at exactly that place (a testing
// facility: docs/reliability.md).
//
// The core only calls crashPoint(name) at the places that matter (before and after journal
// commits, between "request journaled" and "sent", ...). Nothing happens unless a shell has
// installed a hook: the core never reads the environment. `posim` installs one from
// POSIM_CRASH_AT / POSIM_CRASH_TRACE (cli/src/crash_hook.h); in-process tests install their own.
//
// Names are dotted words, "engine.sale.request_journaled"; a point reached several times in a
// run is told apart by its hit count.
#pragma once

#include <atomic>
#include <string_view>

namespace posim {

using CrashHook = void (*)(std::string_view name);

namespace detail {
extern std::atomic<CrashHook> crash_hook;
}  // namespace detail

// Installs `hook` for the whole process (nullptr: none). The hook may be called from any thread
// that reaches a crash point; it must be thread-safe.
void setCrashHook(CrashHook hook);

// Whether a hook is installed (callers that compose a name skip the work otherwise).
inline bool crashPointsEnabled() {
  return detail::crash_hook.load(std::memory_order_acquire) != nullptr;
}

// Passes `name` to the hook, if any.
inline void crashPoint(std::string_view name) {
  if (CrashHook hook = detail::crash_hook.load(std::memory_order_acquire)) hook(name);
}

// The point "scope.subject.step" ("engine" "refund" "request_journaled"); the name is composed
// only when a hook is installed.
void crashPoint(std::string_view scope, std::string_view subject, std::string_view step);

}  // namespace posim
