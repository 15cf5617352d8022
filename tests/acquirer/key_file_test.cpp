// readKeyFile: a MAC key kept in a file, out of the process list. Spaces, line breaks and
// comments are allowed; everything else is refused with the file's name and never its content.
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>

#include "posim/acquirer/iso8583_transport.h"

namespace posim::acquirer {
namespace {

namespace fs = std::filesystem;

constexpr const char* kKey = "0123456789ABCDEFFEDCBA9876543210";

class KeyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("posim-key-file-" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }

  fs::path dir_;
};

TEST_F(KeyFileTest, ReadsHexWithSpacesLineBreaksAndComments) {
  const Result<Bytes> plain = readKeyFile(write("plain", std::string(kKey) + "\n"), 16);
  ASSERT_TRUE(plain.isOk()) << plain.status().toString();
  EXPECT_EQ(toHex(*plain), kKey);
  const Result<Bytes> laid_out =
      readKeyFile(write("laid-out",
                        "# TAK of terminal 12345678, test key\r\n0123 4567 89ab cdef\n"
                        "FEDC BA98 7654 3210  # second half\n"),
                  16);
  ASSERT_TRUE(laid_out.isOk()) << laid_out.status().toString();
  EXPECT_EQ(*laid_out, *plain);
}

TEST_F(KeyFileTest, RefusesWhatIsNotAKeyWithoutShowingIt) {
  struct Case {
    std::string text;
    std::string message;
  };
  for (const Case& c : {
           Case{"0123456789ABCDEF", "16 hex digits, expected 32"},
           Case{std::string(kKey) + "00", "34 hex digits, expected 32"},
           Case{"", "0 hex digits, expected 32"},
           Case{"0123456789ABCDEFFEDCBA987654321G", "a character that is not a hex digit"},
           Case{"key=0123456789ABCDEFFEDCBA9876543210", "a character that is not a hex digit"},
       }) {
    SCOPED_TRACE(c.text);
    const std::string path = write("bad", c.text);
    const Result<Bytes> key = readKeyFile(path, 16);
    ASSERT_FALSE(key.isOk());
    EXPECT_EQ(key.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(key.status().message(), "key file " + path + ": " + c.message);
    EXPECT_EQ(key.status().message().find("0123456789"), std::string::npos);
  }
}

TEST_F(KeyFileTest, MissingLargeAndDirectoryAreErrors) {
  const Result<Bytes> missing = readKeyFile((dir_ / "none").string(), 16);
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "key file " + (dir_ / "none").string() + ": no such file");
  EXPECT_EQ(readKeyFile(dir_.string(), 16).status().code(), StatusCode::kNotFound);
  const std::string large = write("large", std::string(8192, '0'));
  const Result<Bytes> too_large = readKeyFile(large, 16);
  EXPECT_EQ(too_large.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(too_large.status().message().find("not a key"), std::string::npos);
}

}  // namespace
}  // namespace posim::acquirer
