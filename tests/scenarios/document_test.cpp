#include "posim/scenarios/document.h"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_data.h"

namespace posim::scenarios {

// Readable failure messages for positions.
inline void PrintTo(const SourcePosition& position, std::ostream* out) {
  *out << position.toString();
}

namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsNull;
using ::testing::NotNull;

// The one diagnostic of a failed parse, as text.
std::string onlyError(std::string_view text, const DocumentLimits& limits = {}) {
  Diagnostics diagnostics;
  auto document = parseYaml(text, "t.yaml", diagnostics, limits);
  EXPECT_EQ(diagnostics.errorCount(), 1u) << diagnostics.toString();
  const auto sorted = diagnostics.sorted();
  return sorted.empty() ? std::string() : sorted.front().toString();
}

std::string badFile(std::string_view name) {
  return test::dataDir() + "/bad/" + std::string(name);
}

std::string fileError(std::string_view name) {
  auto result = loadYamlFile(badFile(name));
  EXPECT_FALSE(result.isOk());
  EXPECT_EQ(result.diagnostics().errorCount(), 1u) << result.errorText();
  return result.errorText();
}

TEST(DocumentTest, EveryKeyAndValueKnowsItsLineAndColumn) {
  Diagnostics diagnostics;
  auto document = parseYaml(
      "posim: 1\n"
      "name: \"quoted\"\n"
      "merchant: {id: \"123\", mcc: 5812}\n"
      "steps:\n"
      "  - id: hold\n"
      "    preauth:\n"
      "      amount: 12.30\n",
      "s.yaml", diagnostics);
  ASSERT_THAT(document, NotNull()) << diagnostics.toString();
  EXPECT_TRUE(diagnostics.empty());
  const Node& root = document->root();
  ASSERT_TRUE(root.isMapping());
  EXPECT_EQ(root.position(), (SourcePosition{"s.yaml", 1, 1}));
  ASSERT_EQ(root.entries().size(), 4u);
  EXPECT_EQ(root.entries()[1].key.position(), (SourcePosition{"s.yaml", 2, 1}));
  EXPECT_EQ(root.entries()[1].value.position(), (SourcePosition{"s.yaml", 2, 7}));
  EXPECT_EQ(root.entries()[1].value.scalar(), "quoted");
  EXPECT_TRUE(root.entries()[1].value.isQuoted());

  const Node* merchant = root.find("merchant");
  ASSERT_THAT(merchant, NotNull());
  EXPECT_EQ(merchant->line(), 3);
  EXPECT_EQ(merchant->column(), 11);
  EXPECT_EQ(merchant->entries()[1].key.column(), 23);
  EXPECT_EQ(merchant->find("mcc")->column(), 28);
  EXPECT_FALSE(merchant->find("mcc")->isQuoted());

  const Node* steps = root.find("steps");
  ASSERT_TRUE(steps->isSequence());
  const Node& hold = steps->items()[0];
  EXPECT_EQ(hold.line(), 5);
  EXPECT_EQ(hold.column(), 5);
  const Node* amount = hold.find("preauth")->find("amount");
  ASSERT_THAT(amount, NotNull());
  EXPECT_EQ(amount->position(), (SourcePosition{"s.yaml", 7, 15}));
  // Scalars keep their text exactly: no float conversion.
  EXPECT_EQ(amount->scalar(), "12.30");
}

TEST(DocumentTest, ColumnsCountCharactersNotBytes) {
  Diagnostics diagnostics;
  auto document = parseYaml("name: 国庆节\nlabel: x\n\"é\": 1\n", "u.yaml", diagnostics);
  ASSERT_THAT(document, NotNull()) << diagnostics.toString();
  EXPECT_EQ(document->root().find("name")->scalar(), "国庆节");
  EXPECT_EQ(document->root().entries()[2].key.column(), 1);
  EXPECT_EQ(document->root().find("é")->column(), 6);
  Diagnostics second;
  auto multi = parseYaml("a: [é, b, c]\n", "u.yaml", second);
  ASSERT_THAT(multi, NotNull());
  EXPECT_EQ(multi->root().find("a")->items()[2].column(), 11);
}

TEST(DocumentTest, AnEmptyValueIsNullAtItsKey) {
  Diagnostics diagnostics;
  auto document = parseYaml("a:\nb: 1\n", "t.yaml", diagnostics);
  ASSERT_THAT(document, NotNull());
  const Node* a = document->root().find("a");
  ASSERT_THAT(a, NotNull());
  EXPECT_TRUE(a->isNull());
  EXPECT_EQ(a->position(), (SourcePosition{"t.yaml", 1, 1}));
  EXPECT_EQ(a->describe(), "nothing (null)");
}

TEST(DocumentTest, AUtf8ByteOrderMarkIsAcceptedAndNotCounted) {
  Diagnostics diagnostics;
  auto document = parseYaml("\xEF\xBB\xBFname: x\n", "t.yaml", diagnostics);
  ASSERT_THAT(document, NotNull()) << diagnostics.toString();
  EXPECT_EQ(document->root().find("name")->column(), 7);
}

TEST(DocumentTest, AliasesAreExpandedAtTheAliasPosition) {
  Diagnostics diagnostics;
  auto document =
      parseYaml("base: &fee {rate: 0.006}\nvisa: *fee\nlist: [*fee, 1]\n", "t.yaml", diagnostics);
  ASSERT_THAT(document, NotNull()) << diagnostics.toString();
  const Node* visa = document->root().find("visa");
  ASSERT_TRUE(visa->isMapping());
  EXPECT_EQ(visa->find("rate")->scalar(), "0.006");
  EXPECT_EQ(visa->position(), (SourcePosition{"t.yaml", 2, 7}));
  EXPECT_EQ(document->root().find("list")->items()[0].column(), 8);
}

TEST(DocumentTest, RejectsTextThatIsNotYaml) {
  EXPECT_EQ(onlyError("a: b: c\n"), "t.yaml:1:5: error: not valid YAML: illegal map value");
  EXPECT_EQ(onlyError("a: [1, 2\n"),
            "t.yaml:2:1: error: not valid YAML: end of sequence flow not found");
  EXPECT_EQ(
      fileError("not-yaml.yaml"),
      badFile("not-yaml.yaml") + ":3:6: error: not valid YAML: end of sequence flow not found\n");
}

TEST(DocumentTest, RejectsEmptyFiles) {
  EXPECT_EQ(onlyError(""), "t.yaml: error: empty file: expected a YAML document");
  EXPECT_EQ(fileError("empty.yaml"),
            badFile("empty.yaml") + ": error: empty file: expected a YAML document\n");
  EXPECT_EQ(fileError("comments-only.yaml"),
            badFile("comments-only.yaml") + ": error: empty file: expected a YAML document\n");
  EXPECT_EQ(onlyError("---\n"), "t.yaml:2:1: error: the document is empty (null)");
}

TEST(DocumentTest, RejectsBinaryFilesWithTheByteOffset) {
  EXPECT_EQ(
      fileError("binary.yaml"),
      badFile("binary.yaml") +
          ":2:9: error: not a text file: NUL byte at byte offset 17; posim reads UTF-8 YAML\n");
  EXPECT_EQ(fileError("invalid-utf8.yaml"),
            badFile("invalid-utf8.yaml") +
                ":2:10: error: not a text file: invalid UTF-8 at byte offset 18; posim reads UTF-8 "
                "YAML\n");
  // Overlong encodings and surrogates are not UTF-8 either.
  EXPECT_THAT(onlyError("a: \xC0\xAF\n"), HasSubstr("invalid UTF-8 at byte offset 3"));
  EXPECT_THAT(onlyError("a: \xED\xA0\x80\n"), HasSubstr("invalid UTF-8 at byte offset 3"));
  EXPECT_THAT(onlyError("a: \xE4\xBD\n"), HasSubstr("invalid UTF-8 at byte offset 3"));
}

TEST(DocumentTest, RejectsHugeInputWithTheLimit) {
  DocumentLimits limits;
  limits.max_bytes = 16;
  EXPECT_EQ(onlyError("name: 0123456789ABCDEF\n", limits),
            "t.yaml: error: file too large: 23 bytes; the limit is 16 bytes");

  const auto path = std::filesystem::temp_directory_path() / "posim-huge-test.yaml";
  {
    std::ofstream out(path, std::ios::binary);
    const std::string line = "- 0123456789012345678901234567890123456789012345678901234567890\n";
    for (std::size_t written = 0; written <= DocumentLimits{}.max_bytes; written += line.size()) {
      out << line;
    }
  }
  auto result = loadYamlFile(path);
  ASSERT_FALSE(result.isOk());
  EXPECT_THAT(result.errorText(), HasSubstr(": error: file too large: "));
  EXPECT_THAT(result.errorText(), HasSubstr("bytes; the limit is 4194304 bytes"));
  std::filesystem::remove(path);
}

TEST(DocumentTest, ReportsEveryDuplicateKeyAndKeepsTheFirst) {
  auto result = loadYamlFile(badFile("duplicate-keys.yaml"));
  ASSERT_FALSE(result.isOk());
  EXPECT_EQ(result.errorText(), badFile("duplicate-keys.yaml") +
                                    ":4:1: error: duplicate key 'name' (first defined at line 2, "
                                    "column 1)\n");

  Diagnostics diagnostics;
  auto document =
      parseYaml("a: 1\nb: {x: 1, x: 2}\na: 3\nc:\n  - {k: 1, k: 1}\n", "t.yaml", diagnostics);
  ASSERT_THAT(document, NotNull());  // still usable, so later checks can report more
  EXPECT_EQ(document->root().find("a")->scalar(), "1");
  EXPECT_EQ(document->root().entries().size(), 3u);
  std::vector<std::string> lines;
  for (const auto& d : diagnostics.sorted()) lines.push_back(d.toString());
  EXPECT_THAT(
      lines,
      ElementsAre("t.yaml:2:11: error: duplicate key 'x' (first defined at line 2, column 5)",
                  "t.yaml:3:1: error: duplicate key 'a' (first defined at line 1, column 1)",
                  "t.yaml:5:12: error: duplicate key 'k' (first defined at line 5, column 6)"));
}

TEST(DocumentTest, MergeKeysMergeMappingsAndExplicitKeysWin) {
  Diagnostics diagnostics;
  auto document = parseYaml(
      "base: &base {tac_denial: \"0010000000\", floor_limit: \"100.00\"}\n"
      "extra: &extra {ttq: \"36004000\", floor_limit: \"1.00\"}\n"
      "visa:\n"
      "  <<: [*base, *extra]\n"
      "  floor_limit: \"0.00\"\n"
      "quoted: {\"<<\": 1}\n",
      "t.yaml", diagnostics);
  ASSERT_THAT(document, NotNull()) << diagnostics.toString();
  EXPECT_TRUE(diagnostics.empty()) << diagnostics.toString();
  const Node* visa = document->root().find("visa");
  ASSERT_THAT(visa, NotNull());
  std::vector<std::string> keys;
  for (const auto& entry : visa->entries()) keys.push_back(entry.key.scalar());
  EXPECT_THAT(keys, ElementsAre("floor_limit", "tac_denial", "ttq"));
  EXPECT_EQ(visa->find("floor_limit")->scalar(), "0.00");
  // A merged entry keeps the position where it was written.
  EXPECT_EQ(visa->find("ttq")->position(), (SourcePosition{"t.yaml", 2, 21}));
  EXPECT_THAT(document->root().find("quoted")->find("<<"), NotNull());

  EXPECT_EQ(onlyError("a:\n  <<: 5\n"),
            "t.yaml:2:7: error: the merge key '<<' expects a mapping or a list of mappings, got a "
            "string");
}

TEST(DocumentTest, RejectsNonScalarKeys) {
  Diagnostics diagnostics;
  auto document = parseYaml("? [a, b]\n: 1\nc: 2\n", "t.yaml", diagnostics);
  ASSERT_THAT(document, NotNull());
  EXPECT_EQ(diagnostics.toString(),
            "t.yaml:1:3: error: mapping keys must be plain text, got a list\n");
}

TEST(DocumentTest, RejectsMoreThanOneDocument) {
  EXPECT_EQ(onlyError("a: 1\n---\nb: 2\n"),
            "t.yaml:2:1: error: more than one YAML document in the file; posim reads one document "
            "per file");
}

TEST(DocumentTest, RejectsAliasBombs) {
  EXPECT_EQ(
      fileError("alias-bomb.yaml"),
      badFile("alias-bomb.yaml") +
          ":7:36: error: the document has more than 1000000 nodes (after expanding aliases)\n");
}

TEST(DocumentTest, RejectsAliasesNestedBeyondTheLimit) {
  DocumentLimits limits;
  limits.max_alias_nesting = 2;
  const std::string text = "a: &a [1]\nb: &b [*a]\nc: &c [*b]\nd: [*c]\n";
  EXPECT_EQ(
      onlyError(text, limits),
      "t.yaml:4:5: error: aliases nested more than 2 levels deep (an anchored node containing "
      "aliases of nodes containing aliases...)");
  Diagnostics diagnostics;
  EXPECT_THAT(parseYaml(text, "t.yaml", diagnostics), NotNull());  // 3 levels: fine by default
}

TEST(DocumentTest, RejectsRecursiveAliasesAndUnknownAnchors) {
  EXPECT_EQ(onlyError("a: &x [1, *x]\n"),
            "t.yaml:1:11: error: recursive alias: the alias refers to a node that contains it");
  EXPECT_EQ(onlyError("a: *nope\n"),
            "t.yaml:1:4: error: not valid YAML: the referenced anchor is not defined");
}

TEST(DocumentTest, RejectsNestingBeyondTheDepthLimit) {
  std::string deep;
  for (int i = 0; i < 65; ++i) deep += "[";
  deep += "1";
  for (int i = 0; i < 65; ++i) deep += "]";
  EXPECT_EQ(onlyError(deep),
            "t.yaml:1:65: error: lists and mappings nested more than 64 levels deep");
  std::string very_deep(100000, '[');
  EXPECT_THAT(onlyError(very_deep), HasSubstr("error:"));
}

TEST(DocumentTest, RejectsNodeCountsBeyondTheLimit) {
  DocumentLimits limits;
  limits.max_nodes = 5;
  EXPECT_EQ(onlyError("[1, 2, 3, 4, 5]\n", limits),
            "t.yaml:1:14: error: the document has more than 5 nodes (after expanding aliases)");
}

TEST(DocumentTest, MissingFilesAndDirectoriesAreReported) {
  auto missing = loadYamlFile("/nonexistent/posim.yaml");
  EXPECT_EQ(missing.errorText(),
            "/nonexistent/posim.yaml: error: cannot read file: no such file\n");
  auto directory = loadYamlFile(std::filesystem::temp_directory_path());
  EXPECT_THAT(directory.errorText(), HasSubstr("cannot read file: not a regular file"));
}

TEST(DocumentTest, LoadResultCarriesTheDocument) {
  auto result = loadYaml("a: 1\n", "inline");
  ASSERT_TRUE(result.isOk()) << result.errorText();
  EXPECT_EQ((*result)->file(), "inline");
  EXPECT_TRUE(result.status().isOk());
  auto failed = loadYaml("", "inline");
  EXPECT_EQ(failed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(failed.status().message(), "inline: error: empty file: expected a YAML document");
}

// Not a fuzzer, but a cheap guard: thousands of deterministic mutations of a real file must each
// give a document or a diagnostic with a position, never a crash (run under ASan in CI).
TEST(DocumentTest, SurvivesMutatedInput) {
  const std::string original =
      "posim: 1\nname: x\nbase: &b {q: 1}\nanchors: &a {k: [1, 2, {z: *b}]}\ncards:\n  visa: "
      "{profile: v, pin: "
      "\"1234\"}\nsteps:\n  - sale: {card: visa, amount: \"1.00\"}\n    expect: *a\n";
  const std::string alphabet = "{}[]:,-&*!|>'\"#%@` \n\t?x0\xC3\xA9";
  std::uint32_t state = 12345;
  const auto next = [&state] {
    state = state * 1103515245u + 12345u;
    return (state >> 8) & 0xFFFFFFu;
  };
  int parsed = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string text = original;
    const int edits = 1 + static_cast<int>(next() % 4);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = next() % (text.size() + 1);
      const char c = alphabet[next() % alphabet.size()];
      switch (next() % 3) {
        case 0: text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), c); break;
        case 1:
          if (at < text.size()) text.erase(at, 1);
          break;
        default:
          if (at < text.size()) text[at] = c;
      }
    }
    Diagnostics diagnostics;
    auto document = parseYaml(text, "m.yaml", diagnostics);
    if (!document) {
      ASSERT_TRUE(diagnostics.hasErrors()) << text;
    } else {
      ++parsed;
    }
  }
  EXPECT_GT(parsed, 300);  // the mutations do not all break the file
}

TEST(DiagnosticsTest, SortsByFileThenPositionAndCapsTheCount) {
  Diagnostics diagnostics;
  diagnostics.error({"b.yaml", 3, 1}, "third");
  diagnostics.error({"a.yaml", 9, 2}, "second");
  diagnostics.error({"b.yaml", 1, 5}, "first");
  diagnostics.warning({"a.yaml", 1, 1}, "note");
  EXPECT_EQ(diagnostics.toString(),
            "b.yaml:1:5: error: first\nb.yaml:3:1: error: third\na.yaml:1:1: warning: note\n"
            "a.yaml:9:2: error: second\n");
  EXPECT_EQ(diagnostics.errorCount(), 3u);

  Diagnostics many;
  for (int i = 0; i < 250; ++i) many.error({"x.yaml", i + 1, 1}, "bad");
  EXPECT_EQ(many.errorCount(), 250u);
  const auto sorted = many.sorted();
  ASSERT_EQ(sorted.size(), Diagnostics::kMaxDiagnostics + 1);
  EXPECT_EQ(sorted.back().toString(), "x.yaml: error: too many problems: 50 more not shown");
}

}  // namespace
}  // namespace posim::scenarios
