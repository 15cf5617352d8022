// The live line of a real-time load run on stderr (issue 9): elapsed time, completed, the rate of
// the last second, errors and timeouts, and the latency p50/p99 of the last second. On a terminal
// it rewrites one line every second; in a CI log it prints a line every 10 seconds.
#pragma once

#include <atomic>
#include <string>

#include "posim/scenarios/load_stats.h"

#include "command.h"

namespace posim::cli {

std::string formatLoadProgress(const scenarios::LoadProgress& p);

class LoadProgressLine {
 public:
  explicit LoadProgressLine(Io& io);
  void show(const scenarios::LoadProgress& p);
  void clear();  // removes the line (terminal) before the summary is printed

 private:
  Io& io_;
  bool tty_;
  std::size_t width_ = 0;
  double last_logged_ = -1e9;
};

// SIGINT and SIGTERM set the flag (the run then stops and reports what finished) while an
// instance lives; a second signal is left to the default action.
class StopOnSignal {
 public:
  StopOnSignal();
  ~StopOnSignal();
  StopOnSignal(const StopOnSignal&) = delete;
  StopOnSignal& operator=(const StopOnSignal&) = delete;
  const std::atomic<bool>* flag() const;
};

}  // namespace posim::cli
