#include <doctest/doctest.h>

#include <string>

#include "wxlived/log/utf8.hpp"

using namespace wxlived::log;

TEST_CASE("valid UTF-8 passes through unchanged") {
  for (const std::string s : {"", "plain ascii", "直播间 已开播", "emoji \xF0\x9F\x8E\xA5", "\xEF\xBF\xBD"}) {
    CHECK(valid_utf8(s) == s);
  }
}

TEST_CASE("invalid UTF-8 bytes become replacement characters") {
  const std::string fffd = "\xEF\xBF\xBD";
  CHECK(valid_utf8("a\xFFz") == "a" + fffd + "z");
  CHECK(valid_utf8("\xC0\xAF") == fffd + fffd);          // overlong "/"
  CHECK(valid_utf8("\xED\xA0\x80") == fffd + fffd + fffd);  // surrogate
  CHECK(valid_utf8("\xF4\x90\x80\x80") == fffd + fffd + fffd + fffd);  // above U+10FFFF
  CHECK(valid_utf8("ok\xE7\x9B") == "ok" + fffd + fffd);  // truncated at the end
}
