// Diagnostics of posim's input files: every problem names file:line:column and says what was
// expected, and a loader collects all of them instead of stopping at the first.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "posim/base/status.h"

namespace posim::scenarios {

// A place in a text file. line and column are 1-based; 0 means "the file as a whole".
struct SourcePosition {
  std::string file;
  int line = 0;
  int column = 0;

  // "card.yaml:3:5", "card.yaml" when line is 0, "" when there is no file (command line).
  std::string toString() const;

  friend bool operator==(const SourcePosition&, const SourcePosition&) = default;
};

enum class Severity { kError, kWarning };

// One problem found in an input file.
struct Diagnostic {
  SourcePosition position;
  std::string message;
  Severity severity = Severity::kError;

  // "card.yaml:3:5: error: unknown key 'amout' in sale; did you mean amount?"; without a file
  // (a name typed on the command line) just "error: ...".
  std::string toString() const;
};

// Collects the diagnostics of a load. Not thread-safe. Keeps at most kMaxDiagnostics errors (the
// last one then says how many more were dropped), so a file with a million broken lines cannot
// exhaust memory.
class Diagnostics {
 public:
  static constexpr std::size_t kMaxDiagnostics = 200;

  void error(SourcePosition position, std::string message);
  void warning(SourcePosition position, std::string message);
  void add(Diagnostic diagnostic);
  void append(const Diagnostics& other);

  bool hasErrors() const { return error_count_ > 0; }
  std::size_t errorCount() const { return error_count_; }
  bool empty() const { return items_.empty() && dropped_ == 0; }

  // In order of file (first mention), then line, then column; a final note counts dropped ones.
  std::vector<Diagnostic> sorted() const;
  // sorted(), one toString() per line, ending with '\n' (empty string when there is nothing).
  std::string toString() const;
  // OK when there are no errors, else an InvalidArgument whose message is toString() without
  // the final newline.
  Status toStatus() const;

 private:
  std::vector<Diagnostic> items_;
  std::size_t error_count_ = 0;
  std::size_t dropped_ = 0;
};

// The outcome of loading a file: a value when there were no errors, and every diagnostic
// (errors or warnings) found on the way.
template <typename T>
class [[nodiscard]] LoadResult {
 public:
  // A success (diagnostics may still hold warnings). REQUIRES: !diagnostics.hasErrors().
  LoadResult(T value, Diagnostics diagnostics = {})
      : value_(std::move(value)), diagnostics_(std::move(diagnostics)) {}
  // A failure. REQUIRES: diagnostics.hasErrors() (aborts otherwise).
  static LoadResult failure(Diagnostics diagnostics) { return LoadResult(std::move(diagnostics)); }
  // value when diagnostics has no errors, else a failure.
  static LoadResult from(std::optional<T> value, Diagnostics diagnostics) {
    if (diagnostics.hasErrors() || !value.has_value()) {
      if (!diagnostics.hasErrors()) diagnostics.error({}, "internal: no value and no diagnostic");
      return failure(std::move(diagnostics));
    }
    return LoadResult(std::move(*value), std::move(diagnostics));
  }

  bool isOk() const { return value_.has_value(); }
  explicit operator bool() const { return isOk(); }

  // REQUIRES: isOk() (aborts otherwise).
  const T& value() const& { return checked(); }
  T& value() & { return checked(); }
  T&& value() && { return std::move(checked()); }
  const T* operator->() const { return &checked(); }
  const T& operator*() const { return checked(); }

  const Diagnostics& diagnostics() const { return diagnostics_; }
  // Every diagnostic, one "file:line:col: error: message" per line.
  std::string errorText() const { return diagnostics_.toString(); }
  // OK on success, else InvalidArgument with errorText().
  Status status() const { return diagnostics_.toStatus(); }

 private:
  explicit LoadResult(Diagnostics diagnostics) : diagnostics_(std::move(diagnostics)) {
    if (!diagnostics_.hasErrors()) std::abort();
  }
  T& checked() {
    if (!value_.has_value()) std::abort();
    return *value_;
  }
  const T& checked() const {
    if (!value_.has_value()) std::abort();
    return *value_;
  }

  std::optional<T> value_;
  Diagnostics diagnostics_;
};

}  // namespace posim::scenarios
