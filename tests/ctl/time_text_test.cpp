// wxlivectl's time parsing and formatting.
#include <doctest/doctest.h>

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
