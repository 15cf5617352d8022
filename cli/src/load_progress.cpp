#include "load_progress.h"

#include <csignal>
#include <cstdio>
#include <ostream>

#include <unistd.h>

namespace posim::cli {
namespace {

std::atomic<bool> g_stop{false};

extern "C" void onStopSignal(int signal) {
  g_stop.store(true);
  std::signal(signal, SIG_DFL);  // a second Ctrl+C ends the process
}

}  // namespace

std::string formatLoadProgress(const scenarios::LoadProgress& p) {
  char line[200];
  std::snprintf(line, sizeof line,
                "load %6.1fs  %llu done  %.0f/s  errors %llu (timeouts %llu)  "
                "p50 %.2f ms  p99 %.2f ms",
                p.elapsed_seconds, static_cast<unsigned long long>(p.completed), p.rate_per_second,
                static_cast<unsigned long long>(p.errors),
                static_cast<unsigned long long>(p.timeouts), p.p50_ms, p.p99_ms);
  std::string text = line;
  if (p.scheduled > p.completed + p.errors + 1000) {
    text += "  behind by " + std::to_string(p.scheduled - p.completed - p.errors);
  }
  return text;
}

LoadProgressLine::LoadProgressLine(Io& io) : io_(io), tty_(isatty(STDERR_FILENO) == 1) {}

void LoadProgressLine::show(const scenarios::LoadProgress& p) {
  const std::string line = formatLoadProgress(p);
  if (!tty_) {
    if (p.elapsed_seconds - last_logged_ < 10.0) return;
    last_logged_ = p.elapsed_seconds;
    io_.err << line << '\n' << std::flush;
    return;
  }
  const std::size_t pad = width_ > line.size() ? width_ - line.size() : 0;
  io_.err << '\r' << line << std::string(pad, ' ') << std::flush;
  width_ = line.size();
}

void LoadProgressLine::clear() {
  if (!tty_ || width_ == 0) return;
  io_.err << '\r' << std::string(width_, ' ') << '\r' << std::flush;
  width_ = 0;
}

StopOnSignal::StopOnSignal() {
  g_stop.store(false);
  std::signal(SIGINT, onStopSignal);
  std::signal(SIGTERM, onStopSignal);
}

StopOnSignal::~StopOnSignal() {
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

const std::atomic<bool>* StopOnSignal::flag() const {
  return &g_stop;
}

}  // namespace posim::cli
