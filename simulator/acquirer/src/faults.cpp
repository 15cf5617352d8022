#include "posim/acquirer/faults.h"

#include <array>
#include <utility>

namespace posim::acquirer {
namespace {

constexpr std::array<std::pair<FaultKind, std::string_view>, 9> kFaultKindNames = {{
    {FaultKind::kAddedLatency, "added_latency"},
    {FaultKind::kTimeout, "timeout"},
    {FaultKind::kNoAnswer, "no_answer"},
    {FaultKind::kDuplicateResponse, "duplicate_response"},
    {FaultKind::kDisconnect, "disconnect"},
    {FaultKind::kMalformedResponse, "malformed_response"},
    {FaultKind::kWrongMac, "wrong_mac"},
    {FaultKind::kHostDown, "host_down"},
    {FaultKind::kResponseCode, "response_code"},
}};

std::string what(const Request& request) {
  std::string out(transactionTypeName(request.type));
  if (!request.stan.empty()) out += " STAN " + request.stan;
  return out;
}

}  // namespace

std::string_view faultKindName(FaultKind kind) {
  for (const auto& [value, name] : kFaultKindNames) {
    if (value == kind) return name;
  }
  return "unknown";
}

std::optional<FaultKind> faultKindByName(std::string_view name) {
  for (const auto& [value, text] : kFaultKindNames) {
    if (text == name) return value;
  }
  return std::nullopt;
}

Result<Response> FaultInjectingBackend::send(const Request& request) {
  // The oldest fault that applies to this request; host-down periods that are over go away.
  auto it = faults_.begin();
  while (it != faults_.end()) {
    if (it->kind == FaultKind::kHostDown && it->until &&
        request.transmitted_at.instant >= *it->until) {
      it = faults_.erase(it);
      continue;
    }
    if (!it->only_type || *it->only_type == request.type) break;
    ++it;
  }
  if (it == faults_.end()) return inner_.send(request);

  const Fault fault = *it;
  if (fault.kind != FaultKind::kHostDown && --it->count <= 0) faults_.erase(it);

  const std::string name = "injected fault " + std::string(faultKindName(fault.kind));
  switch (fault.kind) {
    case FaultKind::kAddedLatency: {
      Result<Response> response = inner_.send(request);
      if (response.isOk()) response->host_time += fault.latency;
      return response;
    }
    case FaultKind::kTimeout: {
      // The host processed the request; its answer comes after the terminal gave up.
      const Result<Response> response = inner_.send(request);
      if (response.isOk()) ++late_;
      return Status(StatusCode::kDeadlineExceeded, name + ": the host processed " + what(request) +
                                                       " but its answer did not arrive within " +
                                                       formatDuration(fault.latency) +
                                                       "; reverse it");
    }
    case FaultKind::kNoAnswer:
      return Status(StatusCode::kDeadlineExceeded,
                    name + ": " + what(request) + " was lost before reaching the host");
    case FaultKind::kDuplicateResponse: {
      Result<Response> response = inner_.send(request);
      if (response.isOk()) ++late_;
      return response;
    }
    case FaultKind::kDisconnect:
      return unavailable(name + ": the connection dropped before " + what(request) + " was sent");
    case FaultKind::kMalformedResponse:
    case FaultKind::kWrongMac: {
      const Result<Response> response = inner_.send(request);
      if (!response.isOk()) return response.status();
      return malformed(
          name + ": the answer to " + what(request) +
          (fault.kind == FaultKind::kWrongMac ? " failed its MAC check" : " could not be decoded"));
    }
    case FaultKind::kHostDown:
      return unavailable(name + ": the host is down" +
                         (fault.until ? " until " + formatIso8601({*fault.until, {}}) : "") + "; " +
                         what(request) + " not sent");
    case FaultKind::kResponseCode: {
      Response response;
      response.response_code = fault.response_code;
      response.message = name + ": " + std::string(responseCodeMeaning(fault.response_code));
      return response;
    }
  }
  return inner_.send(request);
}

}  // namespace posim::acquirer
