// References between posim's files (DESIGN.md §6): a card, terminal, calendar, dialect or key
// set is written as a path relative to the referring file, as a name that resolves to
// examples/<kind>/<name>.yaml, or inline as a mapping.
//
//   terminal: countertop                  # a name: <root>/terminals/countertop.yaml
//   terminal: ../lab/my-terminal.yaml     # a path, relative to this file
//   terminal: {type: "22", ...}           # inline
//
// Rules: a value containing '/' or ending in .yaml/.yml is a path and must exist. Any other
// value is first tried as a file next to the referring file, then as a name in each example
// root in order. A file that (directly or through others) refers back to itself is an error
// naming the chain.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "posim/scenarios/diagnostic.h"
#include "posim/scenarios/document.h"

namespace posim::scenarios {

// What a reference points at: the folder under an example root and the word used in messages.
struct ReferenceKind {
  std::string_view folder;  // "cards"
  std::string_view noun;    // "card"
};
inline constexpr ReferenceKind kCardReference{"cards", "card"};
inline constexpr ReferenceKind kTerminalReference{"terminals", "terminal"};
inline constexpr ReferenceKind kCalendarReference{"calendars", "calendar"};
inline constexpr ReferenceKind kDialectReference{"dialects", "dialect"};
inline constexpr ReferenceKind kPkiReference{"pki", "key set"};
inline constexpr ReferenceKind kScenarioReference{"scenarios", "scenario"};

// The example roots posim searches by default, in order, skipping entries that are not
// directories: each entry of $POSIM_EXAMPLES (':'-separated), ./examples, the source tree's
// examples/ (when built from source), and the installed share/posim/examples.
std::vector<std::filesystem::path> defaultExampleRoots();

class Resolver;

// A resolved reference: the node to read (an inline mapping, or the root of the referenced
// file). While it is alive its file counts as "being loaded", which is how circular references
// are found; it also keeps the document alive. Move-only.
class ResolvedReference {
 public:
  ResolvedReference(ResolvedReference&& other) noexcept;
  ResolvedReference& operator=(ResolvedReference&&) = delete;
  ResolvedReference(const ResolvedReference&) = delete;
  ResolvedReference& operator=(const ResolvedReference&) = delete;
  ~ResolvedReference();

  const Node& node() const { return *node_; }
  // The file holding node() (the referring file for an inline reference).
  const std::string& file() const { return node_->file(); }
  bool isInline() const { return !pushed_; }
  // The document holding node().
  const std::shared_ptr<const Document>& document() const { return document_; }

 private:
  friend class Resolver;
  ResolvedReference(Resolver* resolver, std::shared_ptr<const Document> document, const Node* node,
                    bool pushed, std::string key)
      : resolver_(resolver),
        document_(std::move(document)),
        node_(node),
        pushed_(pushed),
        key_(std::move(key)) {}

  Resolver* resolver_;
  std::shared_ptr<const Document> document_;
  const Node* node_;
  bool pushed_;
  std::string key_;
};

// Opens files and resolves references, caching parsed documents by canonical path.
// Not thread-safe.
class Resolver {
 public:
  static constexpr std::size_t kMaxReferenceDepth = 16;

  explicit Resolver(std::vector<std::filesystem::path> example_roots = defaultExampleRoots(),
                    DocumentLimits limits = {});

  // Opens a top-level file. std::nullopt (with diagnostics) if it cannot be read or parsed.
  std::optional<ResolvedReference> open(const std::filesystem::path& path,
                                        Diagnostics& diagnostics);
  // Opens text already in memory (tests, editors); display_name is its file name, also the
  // base for relative references.
  std::optional<ResolvedReference> openText(std::string_view text, std::string display_name,
                                            Diagnostics& diagnostics);

  // Resolves `reference` (a scalar name or path, or an inline mapping) to a `kind`.
  // REQUIRES: `reference` belongs to a document opened through this resolver and alive.
  // Errors: "unknown card 'visa-credt': no file visa-credt next to s.yaml and no
  // cards/visa-credt.yaml in the example roots (…); did you mean visa-credit?",
  // "card file not found: ../x.yaml (looked for /abs/x.yaml)",
  // "circular reference: a.yaml -> b.yaml -> a.yaml",
  // "expected a card name, a path or a mapping, got a list".
  std::optional<ResolvedReference> resolve(const Node& reference, const ReferenceKind& kind,
                                           Diagnostics& diagnostics);

  // Resolves a name or path typed by a person (command line): relative to the current
  // directory, then as a name in the example roots. Errors as for resolve(), without a position.
  std::optional<ResolvedReference> resolveText(std::string_view text, const ReferenceKind& kind,
                                               Diagnostics& diagnostics);

  // The names available for `kind` in the example roots (file stems, sorted, unique).
  std::vector<std::string> availableNames(const ReferenceKind& kind) const;
  // The file a name resolves to in the example roots.
  std::optional<std::filesystem::path> findByName(const ReferenceKind& kind,
                                                  std::string_view name) const;

  const std::vector<std::filesystem::path>& exampleRoots() const { return roots_; }

 private:
  friend class ResolvedReference;
  struct ActiveFile {
    std::string key;      // canonical path
    std::string display;  // as in diagnostics (Node::file())
  };

  std::optional<ResolvedReference> openFile(const std::filesystem::path& path,
                                            const SourcePosition* referrer,
                                            Diagnostics& diagnostics);
  std::optional<ResolvedReference> resolveScalar(std::string_view text, const SourcePosition& where,
                                                 const ReferenceKind& kind,
                                                 Diagnostics& diagnostics);
  void release(const std::string& key);

  std::vector<std::filesystem::path> roots_;
  DocumentLimits limits_;
  std::map<std::string, std::shared_ptr<const Document>> cache_;  // canonical path -> document
  std::vector<ActiveFile> active_;  // files being loaded, outermost first
};

}  // namespace posim::scenarios
