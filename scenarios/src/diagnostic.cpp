#include "posim/scenarios/diagnostic.h"

#include <algorithm>

namespace posim::scenarios {

std::string SourcePosition::toString() const {
  std::string out = file;
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (column > 0) out += ":" + std::to_string(column);
  }
  return out;
}

std::string Diagnostic::toString() const {
  const std::string where = position.toString();
  const char* kind = severity == Severity::kError ? "error: " : "warning: ";
  // Something typed on the command line has no file: "error: unknown card ...".
  return (where.empty() ? std::string() : where + ": ") + kind + message;
}

void Diagnostics::error(SourcePosition position, std::string message) {
  add({std::move(position), std::move(message), Severity::kError});
}

void Diagnostics::warning(SourcePosition position, std::string message) {
  add({std::move(position), std::move(message), Severity::kWarning});
}

void Diagnostics::add(Diagnostic diagnostic) {
  if (diagnostic.severity == Severity::kError) ++error_count_;
  if (items_.size() >= kMaxDiagnostics) {
    ++dropped_;
    return;
  }
  items_.push_back(std::move(diagnostic));
}

void Diagnostics::append(const Diagnostics& other) {
  for (const Diagnostic& d : other.items_) add(d);
  dropped_ += other.dropped_;
  // Errors dropped by `other` still count.
  error_count_ +=
      other.error_count_ - static_cast<std::size_t>(std::count_if(
                               other.items_.begin(), other.items_.end(),
                               [](const Diagnostic& d) { return d.severity == Severity::kError; }));
}

std::vector<Diagnostic> Diagnostics::sorted() const {
  // Files in order of first mention, then by position.
  std::vector<std::string> files;
  for (const Diagnostic& d : items_) {
    if (std::find(files.begin(), files.end(), d.position.file) == files.end()) {
      files.push_back(d.position.file);
    }
  }
  auto file_rank = [&files](const std::string& f) {
    return std::find(files.begin(), files.end(), f) - files.begin();
  };
  std::vector<Diagnostic> out = items_;
  std::stable_sort(out.begin(), out.end(), [&](const Diagnostic& a, const Diagnostic& b) {
    const auto ra = file_rank(a.position.file);
    const auto rb = file_rank(b.position.file);
    if (ra != rb) return ra < rb;
    if (a.position.line != b.position.line) return a.position.line < b.position.line;
    return a.position.column < b.position.column;
  });
  if (dropped_ > 0) {
    out.push_back({SourcePosition{files.empty() ? std::string() : files.back(), 0, 0},
                   "too many problems: " + std::to_string(dropped_) + " more not shown",
                   Severity::kError});
  }
  return out;
}

std::string Diagnostics::toString() const {
  std::string out;
  for (const Diagnostic& d : sorted()) out += d.toString() + "\n";
  return out;
}

Status Diagnostics::toStatus() const {
  if (!hasErrors()) return Status::ok();
  std::string text = toString();
  if (!text.empty() && text.back() == '\n') text.pop_back();
  return invalidArgument(std::move(text));
}

}  // namespace posim::scenarios
