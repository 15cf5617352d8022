// The crash-point hook of the `posim` executable (posim/base/crash_point.h), a testing facility
// for the crash-recovery tests (tests/e2e/crash_kill_test.cpp, docs/reliability.md):
//
//   POSIM_CRASH_AT=NAME[:N]   the process kills itself with SIGKILL the Nth time (default 1) it
//                             reaches the crash point NAME: no destructor, no flush, no atexit
//                             handler runs, as when the machine's operator pulls the plug on
//                             the process
//   POSIM_CRASH_TRACE=FILE    appends one line per crash point reached ("NAME") to FILE, so
//                             that a test can learn every point and its hit count from a clean
//                             run and then sweep them
//
// Neither variable set: no hook is installed and crash points cost one atomic load.
#pragma once

#include "posim/base/status.h"

namespace posim::cli {

// Reads the variables above and installs the hook. InvalidArgument for a malformed
// POSIM_CRASH_AT, IoError when the trace file cannot be opened.
Status installCrashHookFromEnvironment();

}  // namespace posim::cli
