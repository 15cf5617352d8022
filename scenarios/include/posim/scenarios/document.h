// posim's own YAML document model: a tree of scalars, lists and mappings in which every node
// remembers where it was written (file, line, column), so that every later check can name the
// place. yaml-cpp parses; nothing of it is visible here (DESIGN.md §1).
//
// The reader is strict where yaml-cpp is lenient: duplicate keys, non-scalar keys, recursive or
// deeply nested aliases, binary or huge input and multi-document files are errors.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "posim/scenarios/diagnostic.h"

namespace posim::scenarios {

struct MappingEntry;

// One YAML node. A scalar keeps its text exactly as written (after YAML unquoting and folding):
// `pin: 0123` reads "0123", `amount: 12.30` reads "12.30". Immutable once built.
// Copying and destroying a tree recurse over it; the parser bounds its depth (DocumentLimits).
class Node {  // NOLINT(misc-no-recursion)
 public:
  enum class Kind { kNull, kScalar, kSequence, kMapping };

  Node() = default;

  Kind kind() const { return kind_; }
  bool isNull() const { return kind_ == Kind::kNull; }
  bool isScalar() const { return kind_ == Kind::kScalar; }
  bool isSequence() const { return kind_ == Kind::kSequence; }
  bool isMapping() const { return kind_ == Kind::kMapping; }

  // Where the node starts: for a mapping value, the value's first character; for a key, the
  // key's first character. 1-based.
  const std::string& file() const;
  int line() const { return line_; }
  int column() const { return column_; }
  SourcePosition position() const { return {file(), line_, column_}; }

  // The text of a scalar ("" for other kinds).
  const std::string& scalar() const { return scalar_; }
  // True for a scalar written with quotes or as a block scalar ("1234", '1234', |), false for
  // plain text (1234).
  bool isQuoted() const { return quoted_; }

  // The items of a sequence (empty for other kinds).
  const std::vector<Node>& items() const { return items_; }
  // The entries of a mapping in file order, without duplicates (empty for other kinds).
  const std::vector<MappingEntry>& entries() const { return entries_; }
  // The value of the entry whose key is the scalar `key`, or nullptr.
  const Node* find(std::string_view key) const;

  // "a mapping", "a list", "a string", "nothing (null)": for "expected X, got Y" messages.
  std::string_view kindName() const;
  // A short rendering for messages: the scalar text (truncated to 40 characters) or the kind.
  std::string describe() const;

 private:
  friend class NodeBuilder;

  Kind kind_ = Kind::kNull;
  std::shared_ptr<const std::string> file_;
  int line_ = 0;
  int column_ = 0;
  bool quoted_ = false;
  std::string scalar_;
  std::vector<Node> items_;
  std::vector<MappingEntry> entries_;
};

struct MappingEntry {  // NOLINT(misc-no-recursion): see Node
  Node key;
  Node value;
};

// Limits that keep hostile or accidental input from exhausting memory or the stack.
struct DocumentLimits {
  std::size_t max_bytes = std::size_t{4} * 1024 * 1024;  // file size
  int max_depth = 64;                                    // nesting of lists and mappings
  int max_alias_nesting = 8;          // an anchored node containing aliases, containing…
  std::size_t max_nodes = 1'000'000;  // nodes after alias expansion
};

// A parsed YAML file.
class Document {
 public:
  Document(std::string file, Node root) : file_(std::move(file)), root_(std::move(root)) {}
  const std::string& file() const { return file_; }
  const Node& root() const { return root_; }

 private:
  std::string file_;
  Node root_;
};

// Parses `text` as one YAML document; `display_name` is the file name diagnostics use.
// Returns nullptr when the text is not usable at all (not YAML, empty, binary, too large, too
// deep); every problem goes to `diagnostics`. A document can come back together with errors
// (duplicate keys: the first occurrence is kept), so that later checks still run and report
// all problems of the file at once.
//
// Errors (exact wording is part of the contract, tests pin it):
//   "not valid YAML: <yaml-cpp message>" at the parser's line:col
//   "empty file: expected a YAML document" / "the document is empty (null)"
//   "not a text file: NUL byte at byte offset N; posim reads UTF-8 YAML"
//   "not a text file: invalid UTF-8 at byte offset N; posim reads UTF-8 YAML"
//   "file too large: N bytes; the limit is M bytes"
//   "duplicate key 'k' (first defined at line L, column C)"
//   "more than one YAML document in the file; posim reads one document per file"
std::shared_ptr<const Document> parseYaml(std::string_view text, std::string display_name,
                                          Diagnostics& diagnostics,
                                          const DocumentLimits& limits = {});

// Reads and parses a file. A missing or unreadable file is "cannot read file: <reason>".
// The display name is the path as given.
std::shared_ptr<const Document> readYamlFile(const std::filesystem::path& path,
                                             Diagnostics& diagnostics,
                                             const DocumentLimits& limits = {});

// Convenience forms: the document, or every diagnostic.
LoadResult<std::shared_ptr<const Document>> loadYaml(std::string_view text,
                                                     std::string display_name,
                                                     const DocumentLimits& limits = {});
LoadResult<std::shared_ptr<const Document>> loadYamlFile(const std::filesystem::path& path,
                                                         const DocumentLimits& limits = {});

}  // namespace posim::scenarios
