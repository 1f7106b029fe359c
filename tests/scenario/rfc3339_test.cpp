#include "wxlived/scenario/rfc3339.hpp"

#include <doctest/doctest.h>

namespace ws = wxlived::scenario;

TEST_CASE("RFC 3339 times with an offset become unix seconds") {
  CHECK(ws::parse_rfc3339("2026-11-24T00:00:00+08:00") == 1'795'449'600);
  CHECK(ws::parse_rfc3339("2026-11-23T16:00:00Z") == 1'795'449'600);
  CHECK(ws::parse_rfc3339("1970-01-01T00:00:00Z") == 0);
  CHECK(ws::parse_rfc3339("1969-12-31T23:59:59Z") == -1);
  CHECK(ws::parse_rfc3339("2024-02-29T12:00:00.750-05:30") == 1'709'227'800);
}

TEST_CASE("malformed RFC 3339 times are rejected") {
  for (const char* bad : {"", "2026-11-24", "2026-11-24T00:00:00", "2026-13-01T00:00:00Z", "2025-02-29T00:00:00Z",
                          "2026-11-24T24:00:00Z", "2026-11-24T00:00:00+0800", "2026-11-24T00:00:00Zjunk",
                          "2026-11-24 00:00:00Z", "2026-11-24T00:00:00."}) {
    CAPTURE(bad);
    CHECK_FALSE(ws::parse_rfc3339(bad).has_value());
  }
}

TEST_CASE("unix seconds format as WeChat's UTC Z times") {
  CHECK(ws::format_rfc3339_utc(1'795'449'600) == "2026-11-23T16:00:00Z");
  CHECK(ws::format_rfc3339_utc(-1) == "1969-12-31T23:59:59Z");
  CHECK(ws::format_rfc3339_utc(951'782'400) == "2000-02-29T00:00:00Z");
}
