// Errors as values: Status and Result<T> (leveldb / abseil style).
//
// A Status says that an operation could not do what was asked: bad input, a missing file, an
// unreachable host. A business outcome (declined, go online, fallback) is never a Status: it is a
// value in the success result. Every message a person can read says what went wrong, where
// (file:line:col, byte offset, field) and, where it helps, what to do.
#pragma once

#include <cstdlib>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace posim {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // the caller passed something unusable (bad hex, wrong key length)
  kMalformed,           // input data could not be decoded (truncated TLV, bad ISO 8583 field)
  kNotFound,            // a named thing does not exist (file, card profile, tag)
  kOutOfRange,          // a value outside its allowed range
  kFailedPrecondition,  // the system is not in a state that allows the operation
  kUnavailable,         // a peer could not be reached (host down, connection refused)
  kDeadlineExceeded,    // a peer did not answer in time
  kIoError,             // reading or writing a file or socket failed
  kUnimplemented,       // not supported by this build or dialect
  kInternal,            // a bug: an invariant of posim itself failed
};

// Short lowercase name of a code ("invalid argument"), for messages.
std::string_view statusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  // An OK status.
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() { return Status(); }

  bool isOk() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "invalid argument: --key: odd number of hex digits (7)"; "ok" for an OK status.
  std::string toString() const;

  // Returns a copy whose message is prefixed with context, e.g. withContext("card.yaml:3:5").
  Status withContext(std::string_view context) const;

  // Marks an error deliberately ignored.
  void ignoreError() const {}

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status invalidArgument(std::string message) {
  return {StatusCode::kInvalidArgument, std::move(message)};
}
inline Status malformed(std::string message) {
  return {StatusCode::kMalformed, std::move(message)};
}
inline Status notFound(std::string message) {
  return {StatusCode::kNotFound, std::move(message)};
}
inline Status outOfRange(std::string message) {
  return {StatusCode::kOutOfRange, std::move(message)};
}
inline Status failedPrecondition(std::string message) {
  return {StatusCode::kFailedPrecondition, std::move(message)};
}
inline Status unavailable(std::string message) {
  return {StatusCode::kUnavailable, std::move(message)};
}
inline Status ioError(std::string message) {
  return {StatusCode::kIoError, std::move(message)};
}
inline Status unimplemented(std::string message) {
  return {StatusCode::kUnimplemented, std::move(message)};
}
inline Status internalError(std::string message) {
  return {StatusCode::kInternal, std::move(message)};
}

// Result<T> holds either a value or a non-OK Status.
//
// REQUIRES: constructing from a Status only with a non-OK status (an OK status without a value
// is a bug and aborts). Accessing value() of an error result aborts.
template <typename T>
class [[nodiscard]] Result {
  static_assert(!std::is_same_v<std::remove_cvref_t<T>, Status>, "Result<Status> makes no sense");

 public:
  Result(const T& value) : data_(value) {}            // NOLINT(google-explicit-constructor)
  Result(T&& value) : data_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Status status) : data_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    if (std::get<Status>(data_).isOk()) std::abort();
  }
  template <typename U>
  requires(std::is_constructible_v<T, U&&> && !std::is_same_v<std::remove_cvref_t<U>, T> &&
           !std::is_same_v<std::remove_cvref_t<U>, Status> &&
           !std::is_same_v<std::remove_cvref_t<U>, Result>) Result(U&& value)
      : data_(T(std::forward<U>(value))) {}  // NOLINT(google-explicit-constructor)

  bool isOk() const { return std::holds_alternative<T>(data_); }
  explicit operator bool() const { return isOk(); }

  // The error; an OK status when this holds a value.
  Status status() const { return isOk() ? Status() : std::get<Status>(data_); }

  T& value() & { return checked(); }
  const T& value() const& { return checked(); }
  T&& value() && { return std::move(checked()); }
  T& operator*() & { return checked(); }
  const T& operator*() const& { return checked(); }
  T* operator->() { return &checked(); }
  const T* operator->() const { return &checked(); }

  T valueOr(T fallback) const& { return isOk() ? std::get<T>(data_) : std::move(fallback); }

 private:
  T& checked() {
    if (!isOk()) std::abort();
    return std::get<T>(data_);
  }
  const T& checked() const {
    if (!isOk()) std::abort();
    return std::get<T>(data_);
  }

  std::variant<T, Status> data_;
};

namespace internal {
inline Status toStatus(const Status& s) {
  return s;
}
template <typename T>
Status toStatus(const Result<T>& r) {
  return r.status();
}
}  // namespace internal

}  // namespace posim

#define POSIM_INTERNAL_CONCAT2(a, b) a##b
#define POSIM_INTERNAL_CONCAT(a, b) POSIM_INTERNAL_CONCAT2(a, b)

// Returns the status of expr from the current function if it is an error.
#define POSIM_RETURN_IF_ERROR(expr)                                      \
  do {                                                                   \
    ::posim::Status posim_status_ = ::posim::internal::toStatus((expr)); \
    if (!posim_status_.isOk()) return posim_status_;                     \
  } while (false)

// POSIM_ASSIGN_OR_RETURN(auto x, computeX());  declares/assigns x from a Result, or returns
// its error from the current function.
#define POSIM_ASSIGN_OR_RETURN(lhs, expr) \
  POSIM_INTERNAL_ASSIGN_OR_RETURN(POSIM_INTERNAL_CONCAT(posim_result_, __LINE__), lhs, expr)
#define POSIM_INTERNAL_ASSIGN_OR_RETURN(tmp, lhs, expr) \
  auto tmp = (expr);                                    \
  if (!tmp.isOk()) return tmp.status();                 \
  lhs = std::move(tmp).value()
