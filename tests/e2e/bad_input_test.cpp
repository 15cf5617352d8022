// The bad-input corpus (tests/data/bad/, README.md there): every case is an input file and a
// <case>.expect file with the posim command line, the exit code and the exact output. Each case
// runs the real binary from the case's directory and must give exactly that: a clear message
// naming the place, never a crash (134/139) or C++ exception text. Cases are found by listing the
// directory, so adding a case is adding two files. Files too large to commit (hundreds of MB) are
// generated at test time below.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "e2e_files.h"

namespace posim::test {
namespace {

namespace fs = std::filesystem;

fs::path corpusDir() {
  return fs::path(POSIM_SOURCE_DIR) / "tests" / "data" / "bad";
}

// One case of the corpus, as its .expect file says.
struct BadCase {
  fs::path expect_file;
  std::optional<fs::path> input;  // the sibling file or directory with the same stem, if any
  std::vector<std::string> args;
  std::optional<std::string> stdin_file;
  int exit_code = -1;
  // Whole expected streams (every line ends in '\n'); a stream no line names must be empty.
  std::string out;
  std::string err;
  bool out_first_line_only = false;
  bool err_first_line_only = false;
  std::vector<std::string> problems;  // lines the parser did not understand
};

std::string caseName(const fs::path& expect_file) {
  std::string name = fs::relative(expect_file, corpusDir()).replace_extension().string();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

std::vector<std::string> splitWords(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

std::string replaceAll(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

BadCase readCase(const fs::path& expect_file) {
  BadCase c;
  c.expect_file = expect_file;
  for (const auto& entry : fs::directory_iterator(expect_file.parent_path())) {
    const fs::path& p = entry.path();
    const bool same_stem =
        entry.is_directory() ? p.filename() == expect_file.stem() : p.stem() == expect_file.stem();
    if (p != expect_file && same_stem && p.extension() != ".expect") c.input = p;
  }
  const std::string file_name = c.input ? c.input->filename().string() : "";
  std::ifstream in(expect_file);
  bool saw_exit = false;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos) {
      c.problems.push_back(line);
      continue;
    }
    const std::string key = line.substr(0, colon);
    std::string value = line.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.erase(0, 1);
    value = replaceAll(value, "{file}", file_name);
    if (key == "args") {
      for (const auto& w : splitWords(value)) c.args.push_back(w);
    } else if (key == "stdin") {
      c.stdin_file = value;
    } else if (key == "exit") {
      c.exit_code = std::atoi(value.c_str());
      saw_exit = true;
    } else if (key == "stdout" || key == "stdout-first-line") {
      c.out += value + "\n";
      c.out_first_line_only = key == "stdout-first-line";
    } else if (key == "stderr" || key == "stderr-first-line") {
      c.err += value + "\n";
      c.err_first_line_only = key == "stderr-first-line";
    } else {
      c.problems.push_back(line);
    }
  }
  if (!saw_exit) c.problems.push_back("(no exit: line)");
  if (c.args.empty()) c.problems.push_back("(no args: line)");
  return c;
}

std::vector<fs::path> expectFiles() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(corpusDir())) {
    if (entry.is_regular_file() && entry.path().extension() == ".expect") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
  long max_rss_kib = 0;  // peak resident memory of the posim process
};

std::string readAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs posim in `dir` with stdin from `stdin_path` ("" for /dev/null) and measures its peak RSS.
Outcome runIn(const fs::path& dir, const std::vector<std::string>& args,
              const std::string& stdin_path = "") {
  const fs::path out_path =
      fs::temp_directory_path() / ("posim-bad-out-" + std::to_string(::getpid()));
  const fs::path err_path =
      fs::temp_directory_path() / ("posim-bad-err-" + std::to_string(::getpid()));
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (::chdir(dir.c_str()) != 0) _exit(126);
    ::alarm(120);  // a case that hangs (a host that starts serving) fails instead of blocking
    const int in_fd = ::open(stdin_path.empty() ? "/dev/null" : stdin_path.c_str(), O_RDONLY);
    const int out_fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err_fd = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (in_fd < 0 || out_fd < 0 || err_fd < 0) _exit(126);
    ::dup2(in_fd, 0);
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    std::vector<std::string> copies(args);
    std::string binary = POSIM_BINARY;
    std::vector<char*> argv{binary.data()};
    for (auto& a : copies) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(binary.c_str(), argv.data());
    _exit(127);
  }
  Outcome run;
  int status = 0;
  rusage usage{};
  ::wait4(pid, &status, 0, &usage);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.max_rss_kib = usage.ru_maxrss;
  run.out = readAll(out_path);
  run.err = readAll(err_path);
  fs::remove(out_path);
  fs::remove(err_path);
  return run;
}

std::string firstLine(const std::string& text) {
  const auto nl = text.find('\n');
  return nl == std::string::npos ? text : text.substr(0, nl + 1);
}

// What no message of posim may contain: C++ exception and sanitizer text.
void expectNoInternals(const std::string& text) {
  for (const char* word : {"std::", "what()", "terminate called", "exception", "Sanitizer",
                           "basic_string", "yaml-cpp", "YAML::"}) {
    EXPECT_EQ(text.find(word), std::string::npos) << "'" << word << "' in:\n" << text;
  }
}

class BadInputTest : public ::testing::TestWithParam<fs::path> {};

TEST_P(BadInputTest, GivesTheExpectedMessageAndExitCode) {
  const BadCase c = readCase(GetParam());
  ASSERT_TRUE(c.problems.empty()) << GetParam() << ": lines not understood:\n"
                                  << ::testing::PrintToString(c.problems);
  const fs::path dir = GetParam().parent_path();
  const std::string stdin_path = c.stdin_file ? (dir / *c.stdin_file).string() : "";
  if (c.stdin_file) {
    ASSERT_TRUE(fs::exists(stdin_path)) << stdin_path;
  }
  const Outcome run = runIn(dir, c.args, stdin_path);
  EXPECT_EQ(run.exit_code, c.exit_code) << "stdout:\n" << run.out << "stderr:\n" << run.err;
  EXPECT_EQ(c.out_first_line_only ? firstLine(run.out) : run.out, c.out);
  EXPECT_EQ(c.err_first_line_only ? firstLine(run.err) : run.err, c.err);
  expectNoInternals(run.out + run.err);
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadInputTest, ::testing::ValuesIn(expectFiles()),
                         [](const ::testing::TestParamInfo<fs::path>& param_info) {
                           return caseName(param_info.param);
                         });

TEST(BadInputCorpusTest, EveryInputHasAnExpectation) {
  // Each kind folder holds inputs (files, or folders of files that refer to each other) and
  // their .expect files. The YAML files directly under bad/ belong to
  // tests/scenarios/document_test.cpp.
  std::vector<std::string> orphans;
  for (const auto& kind : fs::directory_iterator(corpusDir())) {
    if (!kind.is_directory()) continue;
    for (const auto& entry : fs::directory_iterator(kind.path())) {
      const fs::path& p = entry.path();
      if (p.extension() == ".expect") continue;
      const fs::path expect =
          p.parent_path() / ((entry.is_directory() ? p.filename() : p.stem()).string() + ".expect");
      if (!fs::exists(expect)) orphans.push_back(fs::relative(p, corpusDir()).string());
    }
  }
  EXPECT_TRUE(orphans.empty()) << ::testing::PrintToString(orphans);
  EXPECT_GE(expectFiles().size(), 40u);
}

// --- huge inputs, generated (never committed) ------------------------------------------------

// Far below the sizes below. Under AddressSanitizer (shadow memory, redzones, the quarantine of
// freed blocks) the same work takes a few times the memory: the bound grows with it.
#if defined(__SANITIZE_ADDRESS__)
constexpr long kMemoryBoundKib = 1024 * 1024;
#else
constexpr long kMemoryBoundKib = 256 * 1024;
#endif

class HugeInputTest : public ::testing::Test {
 protected:
  fs::path file(const std::string& name) const { return dir_.path() / name; }
  // Writes `head`, then `line` until the file has `bytes` bytes.
  fs::path generate(const std::string& name, const std::string& head, const std::string& line,
                    std::size_t bytes) {
    const fs::path path = file(name);
    std::ofstream out(path, std::ios::binary);
    out << head;
    std::string block;
    while (block.size() < (1u << 20)) block += line;
    for (std::size_t written = head.size(); written < bytes; written += block.size()) {
      if (bytes - written < block.size()) block.resize(bytes - written);
      out << block;
    }
    return path;
  }

  struct Dir {
    Dir() : path_(fs::temp_directory_path() / ("posim-huge-" + std::to_string(::getpid()))) {
      fs::create_directories(path_);
    }
    ~Dir() {
      std::error_code ec;
      fs::remove_all(path_, ec);
    }
    const fs::path& path() const { return path_; }
    fs::path path_;
  } dir_;
};

TEST_F(HugeInputTest, A200MegabyteFileIsRejectedForItsSizeWithoutBeingRead) {
  const fs::path huge = generate("huge.yaml", "posim: 1\nsteps:\n", "  - sale: {amount: 1.00}\n",
                                 std::size_t{200} << 20);
  const std::string size = std::to_string(fs::file_size(huge));
  const std::string limit = " bytes; the limit is 4194304 bytes\n";
  {
    const Outcome run = runIn(dir_.path(), {"validate", "huge.yaml"});
    EXPECT_EQ(run.exit_code, 3);
    EXPECT_EQ(run.out, "huge.yaml: error: file too large: " + size + limit);
    EXPECT_LT(run.max_rss_kib, kMemoryBoundKib);
  }
  {
    const Outcome run = runIn(dir_.path(), {"emv", "run", "--card", "huge.yaml", "--amount", "1"});
    EXPECT_EQ(run.exit_code, 3);
    EXPECT_EQ(run.err, "huge.yaml: error: file too large: " + size + limit);
    EXPECT_LT(run.max_rss_kib, kMemoryBoundKib);
  }
  {
    const Outcome run = runIn(dir_.path(), {"iso8583", "decode", "--dialect", "huge.yaml", "00"});
    EXPECT_EQ(run.exit_code, 3);
    EXPECT_EQ(run.err, "huge.yaml: error: file too large: " + size + limit +
                           "posim: --dialect: invalid dialect file\n");
    EXPECT_LT(run.max_rss_kib, kMemoryBoundKib);
  }
}

TEST_F(HugeInputTest, AMillionStepsStopAtTheNodeLimit) {
  // Just under the 4 MiB byte limit, 1.3 million list items: the node limit stops the parse.
  const std::string head = "posim: 1\nname: many\nsteps: [";
  const fs::path many = generate("many.yaml", head, "1,", (std::size_t{4} << 20) - 4096);
  { std::ofstream(many, std::ios::app) << "1]\n"; }
  const Outcome run = runIn(dir_.path(), {"validate", "many.yaml"});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_EQ(firstLine(run.out).rfind("many.yaml:3:", 0), 0u) << run.out;
  EXPECT_NE(run.out.find("error: the document has more than 1000000 nodes"), std::string::npos)
      << run.out;
  EXPECT_LT(run.max_rss_kib, kMemoryBoundKib);
}

TEST_F(HugeInputTest, HugeStandardInputIsRefusedAtItsLimit) {
  const fs::path hex = generate("huge.hex", "", "00", std::size_t{64} << 20);
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"iso8583", "decode", "--dialect", "iso87-ascii", "-"},
        std::vector<std::string>{"emv", "decode", "-"}}) {
    const Outcome run = runIn(dir_.path(), args, hex.string());
    EXPECT_EQ(run.exit_code, 3) << run.err;
    EXPECT_EQ(run.err,
              "posim: standard input: more than 16777216 bytes; posim reads at most that\n");
    EXPECT_LT(run.max_rss_kib, kMemoryBoundKib);
  }
}

}  // namespace
}  // namespace posim::test
