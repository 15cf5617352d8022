// The core reports what happens (APDUs, ISO 8583 messages, display prompts, receipts, state
// changes) through an EventSink and never knows who listens: the CLI writes a trace file, the
// GUI fills its trace dock, tests record.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "posim/base/bytes.h"
#include "posim/base/clock.h"

namespace posim {

enum class TraceKind {
  kApduCommand,      // terminal -> card
  kApduResponse,     // card -> terminal
  kIso8583Request,   // terminal/acquirer -> host
  kIso8583Response,  // host -> terminal/acquirer
  kDisplay,          // a prompt or message on the terminal display
  kReceipt,          // a printed receipt
  kStateChange,      // a transaction moved to a new state
  kNote,             // anything else worth reading in a trace
};

std::string_view traceKindName(TraceKind kind);

// One event. `data` carries raw bytes where there are any (an APDU, a message); `summary` is a
// one-line human reading; `format` says what `data` holds:
//   "apdu"                 a C-APDU (kApduCommand) or an R-APDU, data and SW1 SW2 (kApduResponse),
//                          as the kernel exchanged them (a VERIFY keeps its header only);
//   "iso8583:<dialect id>" one ISO 8583 message packed in that dialect ("iso8583:iso87-ascii"),
//                          without the frame's length prefix;
//   ""                     anything else (no bytes, or bytes of no particular format).
// REQUIRES of producers: PANs in `summary` masked; PIN blocks and keys never in `summary` or
// `data` (an ISO 8583 message is traced without DE 52 and key fields). `data` may hold a PAN in
// clear: whoever shows it masks it (emv/apdu_trace.h, iso8583/describe.h).
struct TraceEvent {
  TraceKind kind = TraceKind::kNote;
  Instant at{};        // virtual (scenario) time
  std::string source;  // "card", "kernel", "acquirer", "terminal:T1"...
  std::string summary;
  Bytes data;
  std::string format;  // what `data` holds: "apdu", "iso8583:<dialect id>" or ""
};

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void onEvent(const TraceEvent& event) = 0;
};

// Discards everything (tracing off).
class NullEventSink final : public EventSink {
 public:
  void onEvent(const TraceEvent&) override {}
};

// Keeps every event in memory, for tests and for the GUI's per-transaction trace.
class RecordingEventSink final : public EventSink {
 public:
  void onEvent(const TraceEvent& event) override { events_.push_back(event); }
  const std::vector<TraceEvent>& events() const { return events_; }
  void clear() { events_.clear(); }

 private:
  std::vector<TraceEvent> events_;
};

}  // namespace posim
