// The yaml-cpp adapter: yaml-cpp's event parser feeds NodeBuilder, which builds posim's own
// tree with explicit stacks (no recursion over untrusted input) and enforces posim's limits.
// Every yaml-cpp exception stops here and becomes a diagnostic.
#include "posim/scenarios/document.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <fstream>
#include <limits>
#include <sstream>
#include <system_error>
#include <unordered_map>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

namespace posim::scenarios {
namespace {

const std::string& emptyString() {
  static const std::string empty;
  return empty;
}

// Thrown by the builder to stop yaml-cpp after a fatal problem; never leaves this file.
struct StopParsing {};

// Line starts of the text, to turn yaml-cpp's byte columns into character columns.
class LineIndex {
 public:
  explicit LineIndex(std::string_view text) : text_(text) {
    starts_.push_back(0);
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') starts_.push_back(i + 1);
    }
  }

  // 1-based line and character column of a 0-based yaml-cpp (line, byte column).
  std::pair<int, int> position(int line, int byte_column) const {
    if (line < 0) return {0, 0};
    const auto l = static_cast<std::size_t>(line);
    if (l >= starts_.size() || byte_column < 0) return {line + 1, byte_column + 1};
    std::size_t start = starts_[l];
    // yaml-cpp does not count a UTF-8 byte order mark in its columns.
    if (l == 0 && text_.substr(0, 3) == "\xEF\xBB\xBF") start = 3;
    const std::size_t end = std::min(text_.size(), start + static_cast<std::size_t>(byte_column));
    int column = 1;
    // Nodes come in text order: go on from the previous node of the same line, so a line of a
    // million flow items costs a million steps, not a million squared.
    if (cached_line_ == l && cached_end_ >= start && cached_end_ <= end) {
      start = cached_end_;
      column = cached_column_;
    }
    for (std::size_t i = start; i < end; ++i) {
      if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++column;
    }
    cached_line_ = l;
    cached_end_ = end;
    cached_column_ = column;
    return {line + 1, column};
  }

  // 1-based line and character column of a byte offset.
  std::pair<int, int> positionOfOffset(std::size_t offset) const {
    std::size_t line = 0;
    while (line + 1 < starts_.size() && starts_[line + 1] <= offset) ++line;
    int column = 1;
    for (std::size_t i = starts_[line]; i < offset && i < text_.size(); ++i) {
      if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++column;
    }
    return {static_cast<int>(line) + 1, column};
  }

 private:
  std::string_view text_;
  std::vector<std::size_t> starts_;
  // The last position() asked for: its line, the byte it ended at and its column there.
  mutable std::size_t cached_line_ = std::numeric_limits<std::size_t>::max();
  mutable std::size_t cached_end_ = 0;
  mutable int cached_column_ = 1;
};

// The offset of the first byte that makes `text` invalid UTF-8 (overlong forms, surrogates and
// code points above U+10FFFF included), or npos.
std::size_t firstInvalidUtf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    std::uint32_t code = 0;
    std::uint32_t minimum = 0;
    if ((c & 0xE0) == 0xC0) {
      length = 2;
      code = c & 0x1Fu;
      minimum = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      length = 3;
      code = c & 0x0Fu;
      minimum = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      length = 4;
      code = c & 0x07u;
      minimum = 0x10000;
    } else {
      return i;
    }
    if (i + length > text.size()) return i;
    for (std::size_t k = 1; k < length; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) return i;
      code = (code << 6) | (cc & 0x3Fu);
    }
    if (code < minimum || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return i;
    i += length;
  }
  return std::string_view::npos;
}

// True when the 0-based line of text is indented with a tab: yaml-cpp then reports a generic
// syntax error, and the tab is what a person needs to hear about.
bool indentedWithTab(std::string_view text, int line) {
  std::size_t start = 0;
  for (int l = 0; l < line; ++l) {
    start = text.find('\n', start);
    if (start == std::string_view::npos) return false;
    ++start;
  }
  for (std::size_t i = start; i < text.size(); ++i) {
    if (text[i] == '\t') return true;
    if (text[i] != ' ') return false;
  }
  return false;
}

}  // namespace

// Builds Nodes from yaml-cpp's events. Fatal problems are reported and stop the parse by
// throwing StopParsing; duplicate keys are reported and parsing goes on.
class NodeBuilder final : public YAML::EventHandler {
 public:
  NodeBuilder(std::shared_ptr<const std::string> file, const LineIndex& index,
              const DocumentLimits& limits, Diagnostics& diagnostics)
      : file_(std::move(file)), index_(index), limits_(limits), diagnostics_(diagnostics) {}

  int documents() const { return documents_; }
  std::optional<Node>& root() { return root_; }

  void OnDocumentStart(const YAML::Mark& mark) override {
    ++documents_;
    if (documents_ > 1) {
      fatal(mark, "more than one YAML document in the file; posim reads one document per file");
    }
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Node node = make(Node::Kind::kNull, mark);
    complete(std::move(node), anchor, 1, 0);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    const auto it = anchors_.find(anchor);
    if (it == anchors_.end()) fatal(mark, "alias to an unknown anchor");
    if (!it->second.complete) {
      fatal(mark, "recursive alias: the alias refers to a node that contains it");
    }
    const int nesting = it->second.alias_nesting + 1;
    if (nesting > limits_.max_alias_nesting) {
      fatal(mark, "aliases nested more than " + std::to_string(limits_.max_alias_nesting) +
                      " levels deep (an anchored node containing aliases of nodes containing "
                      "aliases...)");
    }
    count(mark, it->second.size);
    Node copy = it->second.node;
    const auto [line, column] = index_.position(mark.line, mark.column);
    copy.line_ = line;
    copy.column_ = column;
    complete(std::move(copy), YAML::NullAnchor, it->second.size, nesting);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    Node node = make(Node::Kind::kScalar, mark);
    node.scalar_ = value;
    node.quoted_ = tag != "?";
    complete(std::move(node), anchor, 1, 0);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value /*style*/) override {
    open(Node::Kind::kSequence, mark, anchor);
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value /*style*/) override {
    open(Node::Kind::kMapping, mark, anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Frame {
    Node node;
    YAML::anchor_t anchor = YAML::NullAnchor;
    std::size_t size = 1;
    int alias_nesting = 0;
    std::optional<Node> pending_key;
    std::unordered_map<std::string, std::pair<int, int>> keys;  // key -> line, column
  };
  struct Anchor {
    Node node;
    std::size_t size = 0;
    int alias_nesting = 0;
    bool complete = false;
  };

  Node make(Node::Kind kind, const YAML::Mark& mark) {
    count(mark, 1);
    Node node;
    node.kind_ = kind;
    node.file_ = file_;
    const auto [line, column] = index_.position(mark.line, mark.column);
    node.line_ = line;
    node.column_ = column;
    return node;
  }

  void count(const YAML::Mark& mark, std::size_t nodes) {
    total_nodes_ += nodes;
    if (total_nodes_ > limits_.max_nodes) {
      fatal(mark, "the document has more than " + std::to_string(limits_.max_nodes) +
                      " nodes (after expanding aliases)");
    }
  }

  void open(Node::Kind kind, const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (stack_.size() >= static_cast<std::size_t>(limits_.max_depth)) {
      fatal(mark, "lists and mappings nested more than " + std::to_string(limits_.max_depth) +
                      " levels deep");
    }
    Frame frame;
    frame.node = make(kind, mark);
    frame.anchor = anchor;
    if (anchor != YAML::NullAnchor) anchors_[anchor].complete = false;
    stack_.push_back(std::move(frame));
  }

  void close() {
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    if (frame.pending_key.has_value()) {
      // yaml-cpp always pairs keys with values (a missing value is a null); defensive only.
      frame.node.entries_.push_back({std::move(*frame.pending_key), Node()});
    }
    if (frame.node.kind_ == Node::Kind::kMapping) applyMergeKeys(frame);
    complete(std::move(frame.node), frame.anchor, frame.size, frame.alias_nesting);
  }

  // YAML merge keys (`<<: *defaults` or `<<: [*a, *b]`), which yaml-cpp 0.7 leaves to the
  // application: the entries of the merged mappings are added unless the mapping already has
  // the key (explicit keys win, then earlier mappings in the list). Entries are moved, not
  // copied, so merging never grows the document.
  void applyMergeKeys(Frame& frame) {
    std::vector<MappingEntry>& entries = frame.node.entries_;
    const bool has_merge = std::any_of(entries.begin(), entries.end(), [](const MappingEntry& e) {
      return e.key.scalar_ == "<<" && !e.key.quoted_;
    });
    if (!has_merge) return;
    std::vector<MappingEntry> kept;
    std::vector<Node> sources;
    for (MappingEntry& entry : entries) {
      if (entry.key.scalar_ != "<<" || entry.key.quoted_) {
        kept.push_back(std::move(entry));
        continue;
      }
      frame.keys.erase("<<");
      if (entry.value.isMapping()) {
        sources.push_back(std::move(entry.value));
      } else if (entry.value.isSequence() &&
                 std::all_of(entry.value.items_.begin(), entry.value.items_.end(),
                             [](const Node& item) { return item.isMapping(); })) {
        for (Node& item : entry.value.items_) sources.push_back(std::move(item));
      } else {
        diagnostics_.error(entry.value.position(),
                           "the merge key '<<' expects a mapping or a list of mappings, got " +
                               std::string(entry.value.kindName()));
      }
    }
    for (Node& source : sources) {
      for (MappingEntry& merged : source.entries_) {
        if (frame.keys
                .emplace(merged.key.scalar_, std::make_pair(merged.key.line_, merged.key.column_))
                .second) {
          kept.push_back(std::move(merged));
        }
      }
    }
    entries = std::move(kept);
  }

  void complete(Node node, YAML::anchor_t anchor, std::size_t size, int alias_nesting) {
    if (anchor != YAML::NullAnchor) {
      anchors_[anchor] = Anchor{node, size, alias_nesting, true};
    }
    if (stack_.empty()) {
      root_ = std::move(node);
      return;
    }
    Frame& parent = stack_.back();
    parent.size += size;
    parent.alias_nesting = std::max(parent.alias_nesting, alias_nesting);
    if (parent.node.kind_ == Node::Kind::kSequence) {
      parent.node.items_.push_back(std::move(node));
      return;
    }
    if (!parent.pending_key.has_value()) {
      parent.pending_key = std::move(node);
      return;
    }
    Node key = std::move(*parent.pending_key);
    parent.pending_key.reset();
    if (node.isNull() && node.line_ != key.line_) {
      // yaml-cpp places an empty value (`key:` and nothing) at the next token; the key is where
      // a person looks for it.
      node.line_ = key.line_;
      node.column_ = key.column_;
    }
    if (!key.isScalar()) {
      diagnostics_.error(key.position(),
                         "mapping keys must be plain text, got " + std::string(key.kindName()));
      return;
    }
    const auto [it, inserted] =
        parent.keys.emplace(key.scalar_, std::make_pair(key.line_, key.column_));
    if (!inserted) {
      diagnostics_.error(key.position(), "duplicate key '" + key.scalar_ +
                                             "' (first defined at line " +
                                             std::to_string(it->second.first) + ", column " +
                                             std::to_string(it->second.second) + ")");
      return;
    }
    parent.node.entries_.push_back({std::move(key), std::move(node)});
  }

  [[noreturn]] void fatal(const YAML::Mark& mark, std::string message) {
    const auto [line, column] = index_.position(mark.line, mark.column);
    diagnostics_.error({*file_, line, column}, std::move(message));
    throw StopParsing{};
  }

  std::shared_ptr<const std::string> file_;
  const LineIndex& index_;
  const DocumentLimits& limits_;
  Diagnostics& diagnostics_;
  std::vector<Frame> stack_;
  std::unordered_map<YAML::anchor_t, Anchor> anchors_;
  std::optional<Node> root_;
  std::size_t total_nodes_ = 0;
  int documents_ = 0;
};

const std::string& Node::file() const {
  return file_ ? *file_ : emptyString();
}

const Node* Node::find(std::string_view key) const {
  for (const MappingEntry& entry : entries_) {
    if (entry.key.scalar_ == key) return &entry.value;
  }
  return nullptr;
}

std::string_view Node::kindName() const {
  switch (kind_) {
    case Kind::kNull: return "nothing (null)";
    case Kind::kScalar: return "a string";
    case Kind::kSequence: return "a list";
    case Kind::kMapping: return "a mapping";
  }
  return "a node";
}

std::string Node::describe() const {
  if (kind_ != Kind::kScalar) return std::string(kindName());
  constexpr std::size_t kMaxShown = 40;
  if (scalar_.size() <= kMaxShown) return "'" + scalar_ + "'";
  return "'" + scalar_.substr(0, kMaxShown) + "...'";
}

std::shared_ptr<const Document> parseYaml(std::string_view text, std::string display_name,
                                          Diagnostics& diagnostics, const DocumentLimits& limits) {
  if (text.size() > limits.max_bytes) {
    diagnostics.error({display_name, 0, 0}, "file too large: " + std::to_string(text.size()) +
                                                " bytes; the limit is " +
                                                std::to_string(limits.max_bytes) + " bytes");
    return nullptr;
  }
  const LineIndex index(text);
  if (const auto nul = text.find('\0'); nul != std::string_view::npos) {
    const auto [line, column] = index.positionOfOffset(nul);
    diagnostics.error({display_name, line, column}, "not a text file: NUL byte at byte offset " +
                                                        std::to_string(nul) +
                                                        "; posim reads UTF-8 YAML");
    return nullptr;
  }
  if (const auto bad = firstInvalidUtf8(text); bad != std::string_view::npos) {
    const auto [line, column] = index.positionOfOffset(bad);
    diagnostics.error({display_name, line, column},
                      "not a text file: invalid UTF-8 at byte offset " + std::to_string(bad) +
                          "; posim reads UTF-8 YAML");
    return nullptr;
  }

  auto file = std::make_shared<const std::string>(display_name);
  NodeBuilder builder(file, index, limits, diagnostics);
  try {
    std::istringstream stream{std::string(text)};
    YAML::Parser parser(stream);
    // A second call finds a second document, which the builder rejects.
    if (parser.HandleNextDocument(builder)) {
      (void)parser.HandleNextDocument(builder);
    }
  } catch (const StopParsing&) {
    return nullptr;
  } catch (const YAML::Exception& e) {
    const auto [line, column] =
        e.mark.is_null() ? std::make_pair(0, 0) : index.position(e.mark.line, e.mark.column);
    std::string hint;
    if (!e.mark.is_null() && indentedWithTab(text, e.mark.line)) {
      hint = " (the line is indented with a tab; YAML indents with spaces only)";
    } else if (e.msg == YAML::ErrorMsg::MAP_VALUE && e.mark.column > 1024) {
      // YAML 1.2 §7.4.2 limits an implicit key to 1024 characters; yaml-cpp says only this.
      hint = " (a key longer than 1024 characters; YAML allows no longer implicit key)";
    }
    diagnostics.error({display_name, line, column}, "not valid YAML: " + e.msg + hint);
    return nullptr;
  } catch (const std::exception& e) {
    diagnostics.error({display_name, 0, 0}, std::string("cannot parse YAML: ") + e.what());
    return nullptr;
  }
  if (builder.documents() == 0 || !builder.root().has_value()) {
    diagnostics.error({display_name, 0, 0}, "empty file: expected a YAML document");
    return nullptr;
  }
  Node& root = *builder.root();
  if (root.isNull()) {
    diagnostics.error(root.position(), "the document is empty (null)");
    return nullptr;
  }
  return std::make_shared<const Document>(std::move(display_name), std::move(root));
}

std::shared_ptr<const Document> readYamlFile(const std::filesystem::path& path,
                                             Diagnostics& diagnostics,
                                             const DocumentLimits& limits) {
  const std::string display = path.string();
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) {
    diagnostics.error({display, 0, 0}, "cannot read file: no such file");
    return nullptr;
  }
  if (!std::filesystem::is_regular_file(status)) {
    diagnostics.error({display, 0, 0}, "cannot read file: not a regular file");
    return nullptr;
  }
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > limits.max_bytes) {
    diagnostics.error({display, 0, 0}, "file too large: " + std::to_string(size) +
                                           " bytes; the limit is " +
                                           std::to_string(limits.max_bytes) + " bytes");
    return nullptr;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diagnostics.error({display, 0, 0}, std::string("cannot read file: ") + std::strerror(errno));
    return nullptr;
  }
  // Read at most one byte past the limit, in case the file grew since file_size().
  std::string text;
  text.resize(limits.max_bytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) {
    diagnostics.error({display, 0, 0}, "cannot read file: I/O error");
    return nullptr;
  }
  text.resize(static_cast<std::size_t>(in.gcount()));
  return parseYaml(text, display, diagnostics, limits);
}

LoadResult<std::shared_ptr<const Document>> loadYaml(std::string_view text,
                                                     std::string display_name,
                                                     const DocumentLimits& limits) {
  Diagnostics diagnostics;
  auto document = parseYaml(text, std::move(display_name), diagnostics, limits);
  return LoadResult<std::shared_ptr<const Document>>::from(
      document ? std::optional(document) : std::nullopt, std::move(diagnostics));
}

LoadResult<std::shared_ptr<const Document>> loadYamlFile(const std::filesystem::path& path,
                                                         const DocumentLimits& limits) {
  Diagnostics diagnostics;
  auto document = readYamlFile(path, diagnostics, limits);
  return LoadResult<std::shared_ptr<const Document>>::from(
      document ? std::optional(document) : std::nullopt, std::move(diagnostics));
}

}  // namespace posim::scenarios
