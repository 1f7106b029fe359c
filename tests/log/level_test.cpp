#include <doctest/doctest.h>

#include "wxlived/log/level.hpp"

using namespace wxlived::log;

TEST_CASE("parse_level accepts every documented level name") {
  CHECK(*parse_level("trace") == Level::trace);
  CHECK(*parse_level("debug") == Level::debug);
  CHECK(*parse_level("info") == Level::info);
  CHECK(*parse_level("warn") == Level::warn);
  CHECK(*parse_level("error") == Level::error);
  CHECK(*parse_level("critical") == Level::critical);
  CHECK(*parse_level("off") == Level::off);
}

TEST_CASE("parse_level rejects unknown names and says which input was bad") {
  for (const char* bad : {"", "INFO", "warning", "verbose", "info ", "err"}) {
    const auto parsed = parse_level(bad);
    REQUIRE_FALSE(parsed.has_value());
    CHECK(parsed.error().find(std::string("'") + bad + "'") != std::string::npos);
  }
}

TEST_CASE("parse_format accepts text and json only") {
  CHECK(*parse_format("text") == Format::text);
  CHECK(*parse_format("json") == Format::json);
  CHECK_FALSE(parse_format("JSON").has_value());
  CHECK_FALSE(parse_format("logfmt").has_value());
}

TEST_CASE("syslog priorities follow sd-daemon.h") {
  CHECK(syslog_priority(Level::trace) == 7);
  CHECK(syslog_priority(Level::debug) == 7);
  CHECK(syslog_priority(Level::info) == 6);
  CHECK(syslog_priority(Level::warn) == 4);
  CHECK(syslog_priority(Level::error) == 3);
  CHECK(syslog_priority(Level::critical) == 2);
}
