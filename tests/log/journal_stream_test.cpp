#include <doctest/doctest.h>

#include <cstdio>
#include <string>
#include <sys/stat.h>

#include "wxlived/log/journal_stream.hpp"

using namespace wxlived::log;

TEST_CASE("JOURNAL_STREAM matching device and inode is the journal") {
  CHECK(journal_stream_matches("8:12345", 8, 12345));
  CHECK(journal_stream_matches("0:1", 0, 1));
}

TEST_CASE("JOURNAL_STREAM naming another file is not the journal") {
  CHECK_FALSE(journal_stream_matches("8:12345", 8, 12346));
  CHECK_FALSE(journal_stream_matches("9:12345", 8, 12345));
}

TEST_CASE("malformed JOURNAL_STREAM is not the journal") {
  for (const char* bad : {"", ":", "8:", ":12345", "8", "8:12345:1", "8;12345", " 8:12345", "8:12345 ", "-8:12345",
                          "+8:12345", "0x8:12345", "8:abc", "99999999999999999999999:1"}) {
    INFO(bad);
    CHECK_FALSE(journal_stream_matches(bad, 8, 12345));
  }
}

TEST_CASE("fd_is_journal_stream compares the environment with fstat of the fd") {
  std::FILE* file = std::tmpfile();
  REQUIRE(file != nullptr);
  const int fd = fileno(file);
  struct stat st {};
  REQUIRE(fstat(fd, &st) == 0);
  const std::string same = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  const std::string other = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino + 1);

  CHECK(fd_is_journal_stream(fd, same.c_str()));
  CHECK_FALSE(fd_is_journal_stream(fd, other.c_str()));
  CHECK_FALSE(fd_is_journal_stream(fd, nullptr));
  std::fclose(file);
  CHECK_FALSE(fd_is_journal_stream(-1, same.c_str()));
}
