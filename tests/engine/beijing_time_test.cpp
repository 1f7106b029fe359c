#include <doctest/doctest.h>

#include "wxlived/engine/beijing_time.hpp"

using namespace wxlived::engine;

// 2026-11-24T00:00:00+08:00 = 2026-11-23T16:00:00Z
constexpr Millis kOrigin = 1'795'449'600'000LL;

TEST_CASE("beijing midnight is 16:00 UTC of the day before") {
  CHECK(rfc3339_utc(kOrigin) == "2026-11-23T16:00:00Z");
  CHECK(beijing_date(kOrigin) == "2026-11-24");
  CHECK(beijing_date(kOrigin - 1) == "2026-11-23");
  CHECK(next_beijing_midnight(kOrigin - 1) == kOrigin);
  CHECK(next_beijing_midnight(kOrigin) == kOrigin + kDay);
  CHECK(beijing_day(kOrigin) == beijing_day(kOrigin - 1) + 1);
}

TEST_CASE("times before 1970 floor to the earlier day") {
  CHECK(beijing_date(-8 * kHour - 1) == "1969-12-31");
  CHECK(beijing_date(-8 * kHour) == "1970-01-01");
  CHECK(rfc3339_utc(-1) == "1969-12-31T23:59:59Z");
}
