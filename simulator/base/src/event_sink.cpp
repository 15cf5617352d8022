#include "posim/base/event_sink.h"

namespace posim {

std::string_view traceKindName(TraceKind kind) {
  switch (kind) {
    case TraceKind::kApduCommand: return "apdu-command";
    case TraceKind::kApduResponse: return "apdu-response";
    case TraceKind::kIso8583Request: return "iso8583-request";
    case TraceKind::kIso8583Response: return "iso8583-response";
    case TraceKind::kDisplay: return "display";
    case TraceKind::kReceipt: return "receipt";
    case TraceKind::kStateChange: return "state";
    case TraceKind::kNote: return "note";
  }
  return "note";
}

}  // namespace posim
