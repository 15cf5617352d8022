#include "posim/scenarios/resolver.h"

#include <algorithm>
#include <cstdlib>
#include <system_error>

#include "posim/scenarios/schema.h"

namespace posim::scenarios {
namespace {

namespace fs = std::filesystem;

std::string canonicalKey(const fs::path& path) {
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(path, ec);
  if (ec) canonical = fs::absolute(path, ec).lexically_normal();
  return canonical.string();
}

bool isRegularFile(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

bool isDirectory(const fs::path& path) {
  std::error_code ec;
  return fs::is_directory(path, ec);
}

bool looksLikePath(std::string_view text) {
  const auto ends_with = [&text](std::string_view suffix) {
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
  };
  return text.find('/') != std::string_view::npos || text.find('\\') != std::string_view::npos ||
         ends_with(".yaml") || ends_with(".yml");
}

bool isValidName(std::string_view name) {
  if (name.empty() || name.front() == '.') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

}  // namespace

std::vector<fs::path> defaultExampleRoots() {
  std::vector<fs::path> candidates;
  if (const char* env = std::getenv("POSIM_EXAMPLES"); env != nullptr) {
    std::string_view list = env;
    while (!list.empty()) {
      const auto colon = list.find(':');
      const std::string_view entry = list.substr(0, colon);
      if (!entry.empty()) candidates.emplace_back(entry);
      if (colon == std::string_view::npos) break;
      list.remove_prefix(colon + 1);
    }
  }
  candidates.emplace_back("examples");
#ifdef POSIM_EXAMPLES_DIR
  candidates.emplace_back(POSIM_EXAMPLES_DIR);
#endif
#ifdef POSIM_INSTALLED_EXAMPLES_DIR
  candidates.emplace_back(POSIM_INSTALLED_EXAMPLES_DIR);
#endif
  std::vector<fs::path> roots;
  std::vector<std::string> seen;
  for (const fs::path& candidate : candidates) {
    if (!isDirectory(candidate)) continue;
    const std::string key = canonicalKey(candidate);
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
    seen.push_back(key);
    roots.push_back(candidate);
  }
  return roots;
}

// ---- ResolvedReference ----

ResolvedReference::ResolvedReference(ResolvedReference&& other) noexcept
    : resolver_(other.resolver_),
      document_(std::move(other.document_)),
      node_(other.node_),
      pushed_(other.pushed_),
      key_(std::move(other.key_)) {
  other.resolver_ = nullptr;
  other.pushed_ = false;
}

ResolvedReference::~ResolvedReference() {
  if (resolver_ != nullptr && pushed_) resolver_->release(key_);
}

// ---- Resolver ----

Resolver::Resolver(std::vector<fs::path> example_roots, DocumentLimits limits)
    : roots_(std::move(example_roots)), limits_(limits) {}

void Resolver::release(const std::string& key) {
  for (std::size_t i = active_.size(); i > 0; --i) {
    if (active_[i - 1].key == key) {
      active_.erase(active_.begin() + static_cast<std::ptrdiff_t>(i - 1));
      return;
    }
  }
}

std::optional<ResolvedReference> Resolver::open(const fs::path& path, Diagnostics& diagnostics) {
  return openFile(path, nullptr, diagnostics);
}

std::optional<ResolvedReference> Resolver::openText(std::string_view text, std::string display_name,
                                                    Diagnostics& diagnostics) {
  const std::string key = canonicalKey(display_name);
  auto document = parseYaml(text, display_name, diagnostics, limits_);
  if (!document) return std::nullopt;
  cache_[key] = document;
  active_.push_back({key, std::move(display_name)});
  const Node* root = &document->root();
  return ResolvedReference(this, std::move(document), root, true, key);
}

std::optional<ResolvedReference> Resolver::openFile(const fs::path& path,
                                                    const SourcePosition* referrer,
                                                    Diagnostics& diagnostics) {
  const std::string key = canonicalKey(path);
  const std::string display = path.lexically_normal().string();
  if (referrer != nullptr) {
    // The files above the referring one: everything in active_ up to its last entry. Entries
    // after it are siblings still held by the caller, not ancestors.
    std::size_t end = active_.size();
    while (end > 0 && active_[end - 1].display != referrer->file) --end;
    for (std::size_t i = 0; i < end; ++i) {
      if (active_[i].key != key) continue;
      std::string chain;
      for (std::size_t k = i; k < end; ++k) chain += active_[k].display + " -> ";
      chain += display;
      diagnostics.error(*referrer, "circular reference: " + chain);
      return std::nullopt;
    }
    if (end >= kMaxReferenceDepth) {
      diagnostics.error(*referrer, "files refer to each other more than " +
                                       std::to_string(kMaxReferenceDepth) + " levels deep");
      return std::nullopt;
    }
  }
  std::shared_ptr<const Document> document;
  if (const auto it = cache_.find(key); it != cache_.end()) {
    document = it->second;  // a file that failed to load was reported the first time
  } else {
    document = readYamlFile(display, diagnostics, limits_);
    cache_[key] = document;
  }
  if (!document) return std::nullopt;
  active_.push_back({key, document->file()});
  const Node* root = &document->root();
  return ResolvedReference(this, std::move(document), root, true, key);
}

std::optional<ResolvedReference> Resolver::resolve(const Node& reference, const ReferenceKind& kind,
                                                   Diagnostics& diagnostics) {
  if (reference.isMapping()) return ResolvedReference(this, nullptr, &reference, false, {});
  if (!reference.isScalar() || reference.scalar().empty()) {
    reportExpected(reference, diagnostics,
                   "a " + std::string(kind.noun) + " name, a path or a mapping");
    return std::nullopt;
  }
  return resolveScalar(reference.scalar(), reference.position(), kind, diagnostics);
}

std::optional<ResolvedReference> Resolver::resolveText(std::string_view text,
                                                       const ReferenceKind& kind,
                                                       Diagnostics& diagnostics) {
  if (text.empty()) {
    diagnostics.error({}, "expected a " + std::string(kind.noun) + " name or a path, got ''");
    return std::nullopt;
  }
  return resolveScalar(text, SourcePosition{}, kind, diagnostics);
}

std::optional<ResolvedReference> Resolver::resolveScalar(std::string_view text,
                                                         const SourcePosition& where,
                                                         const ReferenceKind& kind,
                                                         Diagnostics& diagnostics) {
  const std::string noun(kind.noun);
  const fs::path referrer_dir = fs::path(where.file).parent_path();
  const fs::path candidate = fs::path(text).is_absolute() ? fs::path(text) : referrer_dir / text;
  const std::string referrer_name = where.file.empty() ? std::string() : where.file;

  if (looksLikePath(text)) {
    if (!isRegularFile(candidate)) {
      diagnostics.error(
          where, noun + " file not found: " + std::string(text) + " (looked for " +
                     candidate.lexically_normal().string() + ", relative to " +
                     (referrer_name.empty() ? "the current directory" : referrer_name) + ")");
      return std::nullopt;
    }
    return openFile(candidate, &where, diagnostics);
  }
  if (isRegularFile(candidate)) return openFile(candidate, &where, diagnostics);
  if (isValidName(text)) {
    if (auto path = findByName(kind, text)) return openFile(*path, &where, diagnostics);
  }

  std::string message = "unknown " + noun + " '" + std::string(text) + "': no file " +
                        std::string(text) +
                        (referrer_name.empty() ? std::string(" in the current directory")
                                               : " next to " + referrer_name) +
                        " and no " + std::string(kind.folder) + "/" + std::string(text) +
                        ".yaml in the example roots (";
  if (roots_.empty()) {
    message += "none configured; set POSIM_EXAMPLES";
  } else {
    for (std::size_t i = 0; i < roots_.size(); ++i) {
      if (i > 0) message += ", ";
      message += roots_[i].string();
    }
  }
  message += ")";
  const std::vector<std::string> names = availableNames(kind);
  const std::vector<std::string_view> views(names.begin(), names.end());
  message += didYouMean(text, views);
  diagnostics.error(where, std::move(message));
  return std::nullopt;
}

std::vector<std::string> Resolver::availableNames(const ReferenceKind& kind) const {
  std::vector<std::string> names;
  for (const fs::path& root : roots_) {
    std::error_code ec;
    fs::directory_iterator it(root / kind.folder, ec);
    if (ec) continue;
    for (const fs::directory_entry& entry : it) {
      if (entry.path().extension() == ".yaml" && isRegularFile(entry.path())) {
        names.push_back(entry.path().stem().string());
      }
    }
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

std::optional<fs::path> Resolver::findByName(const ReferenceKind& kind,
                                             std::string_view name) const {
  if (!isValidName(name)) return std::nullopt;
  for (const fs::path& root : roots_) {
    fs::path path = root / kind.folder / (std::string(name) + ".yaml");
    if (isRegularFile(path)) return path;
  }
  return std::nullopt;
}

}  // namespace posim::scenarios
