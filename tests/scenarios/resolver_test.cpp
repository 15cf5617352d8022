#include "posim/scenarios/resolver.h"

#include <filesystem>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

namespace posim::scenarios {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A scratch folder with a project-like layout: <dir>/examples/<kind>/… and <dir>/work/….
class ResolverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("posim-resolver-" + std::string(info->name()) + "-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "examples" / "cards");
    fs::create_directories(dir_ / "examples" / "terminals");
    fs::create_directories(dir_ / "work" / "sub");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const fs::path& relative, std::string_view text) {
    std::ofstream out(dir_ / relative, std::ios::binary);
    out << text;
  }
  Resolver resolver() { return Resolver({dir_ / "examples"}); }
  std::string path(const fs::path& relative) const { return (dir_ / relative).string(); }

  fs::path dir_;
  Diagnostics diagnostics_;
};

TEST_F(ResolverTest, ANameResolvesToTheExamplesFolderOfItsKind) {
  write("examples/cards/visa-credit.yaml", "id: visa-credit\n");
  write("work/s.yaml", "card: visa-credit\n");
  Resolver r = resolver();
  auto scenario = r.open(dir_ / "work/s.yaml", diagnostics_);
  ASSERT_TRUE(scenario.has_value()) << diagnostics_.toString();
  auto card = r.resolve(*scenario->node().find("card"), kCardReference, diagnostics_);
  ASSERT_TRUE(card.has_value()) << diagnostics_.toString();
  EXPECT_FALSE(card->isInline());
  EXPECT_EQ(card->file(), path("examples/cards/visa-credit.yaml"));
  EXPECT_EQ(card->node().find("id")->scalar(), "visa-credit");
  EXPECT_THAT(r.availableNames(kCardReference), ElementsAre("visa-credit"));
}

TEST_F(ResolverTest, APathIsRelativeToTheReferringFile) {
  write("work/sub/my-card.yaml", "id: mine\n");
  write("work/s.yaml", "a: sub/my-card.yaml\nb: ./sub/my-card.yaml\n");
  write("work/sub/t.yaml", "card: ../sub/my-card.yaml\n");
  Resolver r = resolver();
  auto scenario = r.open(dir_ / "work/s.yaml", diagnostics_);
  ASSERT_TRUE(scenario.has_value());
  for (const char* key : {"a", "b"}) {
    auto card = r.resolve(*scenario->node().find(key), kCardReference, diagnostics_);
    ASSERT_TRUE(card.has_value()) << diagnostics_.toString();
    EXPECT_EQ(card->node().find("id")->scalar(), "mine");
    EXPECT_EQ(card->file(), path("work/sub/my-card.yaml"));
  }
  auto other = r.open(dir_ / "work/sub/t.yaml", diagnostics_);
  auto card = r.resolve(*other->node().find("card"), kCardReference, diagnostics_);
  ASSERT_TRUE(card.has_value()) << diagnostics_.toString();
}

TEST_F(ResolverTest, AFileNextToTheReferrerWinsOverAnExampleName) {
  write("examples/terminals/countertop", "x: 1\n");  // not .yaml: never a name
  write("examples/terminals/countertop.yaml", "name: example\n");
  write("work/countertop", "name: local\n");
  write("work/s.yaml", "terminal: countertop\n");
  Resolver r = resolver();
  auto scenario = r.open(dir_ / "work/s.yaml", diagnostics_);
  auto terminal = r.resolve(*scenario->node().find("terminal"), kTerminalReference, diagnostics_);
  ASSERT_TRUE(terminal.has_value()) << diagnostics_.toString();
  EXPECT_EQ(terminal->node().find("name")->scalar(), "local");
}

TEST_F(ResolverTest, AnInlineMappingIsUsedAsIs) {
  write("work/s.yaml", "terminal:\n  name: inline\n");
  Resolver r = resolver();
  auto scenario = r.open(dir_ / "work/s.yaml", diagnostics_);
  auto terminal = r.resolve(*scenario->node().find("terminal"), kTerminalReference, diagnostics_);
  ASSERT_TRUE(terminal.has_value());
  EXPECT_TRUE(terminal->isInline());
  EXPECT_EQ(terminal->file(), path("work/s.yaml"));
  EXPECT_EQ(terminal->node().line(), 2);
}

TEST_F(ResolverTest, UnknownNamesSuggestTheNearestExample) {
  write("examples/cards/visa-credit.yaml", "id: visa-credit\n");
  write("examples/cards/visa-debit-sda.yaml", "id: visa-debit-sda\n");
  write("work/s.yaml", "card: visa-credt\n");
  Resolver r = resolver();
  auto scenario = r.open(dir_ / "work/s.yaml", diagnostics_);
  EXPECT_FALSE(r.resolve(*scenario->node().find("card"), kCardReference, diagnostics_));
  EXPECT_EQ(diagnostics_.toString(),
            path("work/s.yaml") +
                ":1:7: error: unknown card 'visa-credt': no file visa-credt next to " +
                path("work/s.yaml") + " and no cards/visa-credt.yaml in the example roots (" +
                path("examples") + "); did you mean visa-credit?\n");
}

TEST_F(ResolverTest, AMissingPathSaysWhereItLooked) {
  write("work/s.yaml", "card: cards/nope.yaml\n");
  Resolver r = resolver();
  auto scenario = r.open(dir_ / "work/s.yaml", diagnostics_);
  EXPECT_FALSE(r.resolve(*scenario->node().find("card"), kCardReference, diagnostics_));
  EXPECT_EQ(diagnostics_.toString(), path("work/s.yaml") +
                                         ":1:7: error: card file not found: cards/nope.yaml "
                                         "(looked for " +
                                         path("work/cards/nope.yaml") + ", relative to " +
                                         path("work/s.yaml") + ")\n");
}

TEST_F(ResolverTest, AReferenceMustBeANamePathOrMapping) {
  write("work/s.yaml", "card: [a, b]\n");
  Resolver r = resolver();
  auto scenario = r.open(dir_ / "work/s.yaml", diagnostics_);
  EXPECT_FALSE(r.resolve(*scenario->node().find("card"), kCardReference, diagnostics_));
  EXPECT_EQ(diagnostics_.toString(), path("work/s.yaml") +
                                         ":1:7: error: expected a card name, a path or a "
                                         "mapping, got a list\n");
}

TEST_F(ResolverTest, DetectsCircularReferences) {
  write("work/a.yaml", "next: b.yaml\n");
  write("work/b.yaml", "next: sub/../a.yaml\n");
  Resolver r = resolver();
  auto a = r.open(dir_ / "work/a.yaml", diagnostics_);
  ASSERT_TRUE(a.has_value());
  auto b = r.resolve(*a->node().find("next"), kCardReference, diagnostics_);
  ASSERT_TRUE(b.has_value()) << diagnostics_.toString();
  EXPECT_FALSE(r.resolve(*b->node().find("next"), kCardReference, diagnostics_));
  EXPECT_EQ(diagnostics_.toString(),
            path("work/b.yaml") + ":1:7: error: circular reference: " + path("work/a.yaml") +
                " -> " + path("work/b.yaml") + " -> " + path("work/a.yaml") + "\n");
}

TEST_F(ResolverTest, DetectsAFileReferringToItself) {
  write("work/self.yaml", "next: self.yaml\n");
  Resolver r = resolver();
  auto self = r.open(dir_ / "work/self.yaml", diagnostics_);
  EXPECT_FALSE(r.resolve(*self->node().find("next"), kCardReference, diagnostics_));
  EXPECT_THAT(diagnostics_.toString(),
              HasSubstr(":1:7: error: circular reference: " + path("work/self.yaml") + " -> " +
                        path("work/self.yaml")));
}

TEST_F(ResolverTest, SiblingsThatShareAFileAreNotCircular) {
  write("examples/cards/one.yaml", "pki: keys.yaml\n");
  write("examples/cards/two.yaml", "pki: keys.yaml\n");
  write("examples/cards/keys.yaml", "k: 1\n");
  write("work/s.yaml", "cards: [one, two]\n");
  Resolver r = resolver();
  auto scenario = r.open(dir_ / "work/s.yaml", diagnostics_);
  const auto& items = scenario->node().find("cards")->items();
  auto one = r.resolve(items[0], kCardReference, diagnostics_);
  auto two = r.resolve(items[1], kCardReference, diagnostics_);  // `one` still held
  ASSERT_TRUE(one && two);
  auto keys_one = r.resolve(*one->node().find("pki"), kPkiReference, diagnostics_);
  auto keys_two = r.resolve(*two->node().find("pki"), kPkiReference, diagnostics_);
  EXPECT_TRUE(keys_one && keys_two) << diagnostics_.toString();
  EXPECT_EQ(keys_one->document(), keys_two->document());  // parsed once
}

TEST_F(ResolverTest, ErrorsOfAReferencedFileNameThatFile) {
  write("examples/cards/broken.yaml", "id: [\n");
  write("work/s.yaml", "card: broken\n");
  Resolver r = resolver();
  auto scenario = r.open(dir_ / "work/s.yaml", diagnostics_);
  EXPECT_FALSE(r.resolve(*scenario->node().find("card"), kCardReference, diagnostics_));
  EXPECT_THAT(diagnostics_.toString(),
              HasSubstr(path("examples/cards/broken.yaml") + ":2:1: error: not valid YAML"));
}

TEST_F(ResolverTest, OpenTextResolvesRelativeToItsDisplayName) {
  write("work/sub/my-card.yaml", "id: mine\n");
  Resolver r = resolver();
  auto text = r.openText("card: sub/my-card.yaml\n", path("work/inline.yaml"), diagnostics_);
  ASSERT_TRUE(text.has_value());
  auto card = r.resolve(*text->node().find("card"), kCardReference, diagnostics_);
  EXPECT_TRUE(card.has_value()) << diagnostics_.toString();
}

TEST_F(ResolverTest, ResolveTextTakesANameOrAPathFromTheCommandLine) {
  write("examples/terminals/countertop.yaml", "name: countertop\n");
  Resolver r = resolver();
  auto by_name = r.resolveText("countertop", kTerminalReference, diagnostics_);
  ASSERT_TRUE(by_name.has_value()) << diagnostics_.toString();
  EXPECT_EQ(by_name->node().find("name")->scalar(), "countertop");
  auto by_path =
      r.resolveText(path("examples/terminals/countertop.yaml"), kTerminalReference, diagnostics_);
  ASSERT_TRUE(by_path.has_value()) << diagnostics_.toString();
  EXPECT_FALSE(r.resolveText("countertp", kTerminalReference, diagnostics_));
  EXPECT_EQ(diagnostics_.toString(),
            "error: unknown terminal 'countertp': no file countertp in the current "
            "directory and no terminals/countertp.yaml in the example roots (" +
                path("examples") + "); did you mean countertop?\n");
}

TEST_F(ResolverTest, BoundsHowDeepFilesReferToEachOther) {
  for (int i = 0; i < 20; ++i) {
    write("work/f" + std::to_string(i) + ".yaml", "next: f" + std::to_string(i + 1) + ".yaml\n");
  }
  write("work/f20.yaml", "end: true\n");
  Resolver r = resolver();
  std::vector<ResolvedReference> chain;
  auto first = r.open(dir_ / "work/f0.yaml", diagnostics_);
  ASSERT_TRUE(first.has_value());
  chain.push_back(std::move(*first));
  while (true) {
    auto next = r.resolve(*chain.back().node().find("next"), kCardReference, diagnostics_);
    if (!next.has_value()) break;
    chain.push_back(std::move(*next));
  }
  EXPECT_EQ(chain.size(), Resolver::kMaxReferenceDepth);
  EXPECT_EQ(diagnostics_.toString(), path("work/f15.yaml") +
                                         ":1:7: error: files refer to each other more than 16 "
                                         "levels deep\n");
}

TEST(DefaultExampleRootsTest, HonoursPosimExamples) {
  const fs::path dir = fs::temp_directory_path() / ("posim-roots-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  ::setenv("POSIM_EXAMPLES", (dir.string() + ":/nonexistent/posim").c_str(), 1);
  const auto roots = defaultExampleRoots();
  ::unsetenv("POSIM_EXAMPLES");
  ASSERT_FALSE(roots.empty());
  EXPECT_EQ(roots.front(), dir);
  for (const auto& root : roots) EXPECT_NE(root, fs::path("/nonexistent/posim"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace posim::scenarios
