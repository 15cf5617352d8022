#include <iostream>

#include "app.h"
#include "crash_hook.h"
#include "exit_codes.h"

int main(int argc, char** argv) {
  posim::cli::Io io{std::cout, std::cerr, std::cin};
  // A testing facility (POSIM_CRASH_AT, POSIM_CRASH_TRACE): see crash_hook.h.
  if (const posim::Status hook = posim::cli::installCrashHookFromEnvironment(); !hook.isOk()) {
    io.err << "posim: " << hook.message() << "\n";
    return posim::cli::kExitUsage;
  }
  return posim::cli::runApp(argc, argv, io);
}
