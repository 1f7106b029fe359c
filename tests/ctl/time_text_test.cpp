// wxlivectl's time parsing and formatting.
#include <doctest/doctest.h>

#include <cstdint>

#include "time_text.hpp"

using namespace wxlived::ctl;

TEST_CASE("times print as RFC 3339 UTC") {
  CHECK(format_utc(0) == "1970-01-01T00:00:00Z");
  CHECK(format_utc(1764000000123) == "2025-11-24T16:00:00Z");
}

TEST_CASE("since accepts RFC 3339 dates unix seconds and ages") {
  const std::int64_t now = 1764000000000;
  CHECK(parse_time("1764000000", now) == 1764000000000);
  CHECK(parse_time("2025-11-24T16:00:00Z", now) == 1764000000000);
  CHECK(parse_time("2025-11-25T00:00:00+08:00", now) == 1764000000000);
  CHECK(parse_time("2025-11-24T16:00:00.250Z", now) == 1764000000000);
  CHECK(parse_time("2025-11-24", now) == 1763942400000);
  CHECK(parse_time("90s", now) == now - 90000);
  CHECK(parse_time("2h", now) == now - 7200000);
  CHECK(parse_time("7d", now) == now - 7 * 86400000LL);
  CHECK_FALSE(parse_time("yesterday", now).has_value());
  CHECK_FALSE(parse_time("2025-13-01", now).has_value());
  CHECK_FALSE(parse_time("2025-11-24T16:00:00", now).has_value());
}

TEST_CASE("the quota day is the Beijing date") {
  CHECK(beijing_day(1764000000000) == "2025-11-25");  // 16:00 UTC = 00:00 next day in Beijing
  CHECK(beijing_day(1763999999000) == "2025-11-24");
}

TEST_CASE("status codes have their SPEC names") {
  CHECK(status_name(101) == "live");
  CHECK(status_name(107) == "expired");
  CHECK(status_name(1) == "unknown");
}

TEST_CASE("lengths and offsets of time print as hours minutes and seconds") {
  CHECK(format_seconds(0) == "0s");
  CHECK(format_seconds(45) == "45s");
  CHECK(format_seconds(270) == "4m30s");
  CHECK(format_seconds(180) == "3m");
  CHECK(format_seconds(3600) == "1h");
  CHECK(format_seconds(3605) == "1h00m05s");
  CHECK(format_seconds(3723) == "1h02m03s");
  CHECK(format_seconds(1205, true) == "+20m05s");
  CHECK(format_seconds(-180, true) == "-3m");
  CHECK(format_seconds(0, true) == "0s");
  CHECK(format_seconds(-45) == "-45s");
  CHECK(format_seconds(INT64_MIN, true) == "-2562047788015215h30m08s");
}
