// Fault injection on any backend (DESIGN.md §4): a decorator that wraps a backend and makes the
// next requests fail in the ways real networks and hosts fail.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "posim/acquirer/backend.h"

namespace posim::acquirer {

enum class FaultKind {
  kAddedLatency,       // the answer comes `latency` later (Response::host_time grows)
  kTimeout,            // the host processes the request but the answer never arrives in time
  kNoAnswer,           // the request is lost before the host (nothing processed): timeout
  kDuplicateResponse,  // the answer arrives twice (the second is counted as late/unmatched)
  kDisconnect,         // the connection drops before the request leaves: unavailable
  kMalformedResponse,  // the host processes it, the answer cannot be decoded: malformed
  kWrongMac,           // the host processes it, the answer fails its MAC check: malformed
  kHostDown,           // every request until `until` (virtual time) is unavailable
  kResponseCode,       // the host answers with `response_code` without processing
};
std::string_view faultKindName(FaultKind kind);
std::optional<FaultKind> faultKindByName(std::string_view name);  // "timeout", "host_down", ...

struct Fault {
  FaultKind kind = FaultKind::kTimeout;
  int count = 1;                 // how many requests it applies to (kHostDown: ignored)
  Duration latency{0};           // kAddedLatency; for kTimeout, the timeout waited
  std::optional<Instant> until;  // kHostDown
  std::string response_code;     // kResponseCode
  // Only requests of this type are affected; nullopt: any (reversals and advices included).
  std::optional<TransactionType> only_type;
};

class FaultInjectingBackend final : public AcquirerBackend {
 public:
  explicit FaultInjectingBackend(AcquirerBackend& inner) : inner_(inner) {}
  std::string_view id() const override { return inner_.id(); }
  // Applies the oldest injected fault that matches the request (only_type), else forwards.
  // kTimeout, kMalformedResponse and kWrongMac forward first (the host processes the request)
  // and then return DeadlineExceeded / Malformed; kNoAnswer (DeadlineExceeded), kDisconnect and
  // kHostDown (Unavailable) and kResponseCode (that answer) never reach the host; kAddedLatency
  // and kDuplicateResponse forward and return the host's answer. Each use decrements `count`
  // (below 1 counts as 1) and the fault goes when it reaches 0; kHostDown stays until a request
  // transmitted at or after `until` (for ever without one, until clear()).
  Result<Response> send(const Request& request) override;

  void inject(Fault fault) { faults_.push_back(std::move(fault)); }
  void clear() { faults_.clear(); }
  std::size_t pending() const { return faults_.size(); }
  // Answers that arrived after the terminal gave up, or twice (kDuplicateResponse), for traces.
  std::size_t lateResponses() const { return late_; }

 private:
  AcquirerBackend& inner_;
  std::deque<Fault> faults_;
  std::size_t late_ = 0;
};

}  // namespace posim::acquirer
