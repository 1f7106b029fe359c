#include "wxlived/scenario/quota.hpp"

#include <doctest/doctest.h>

namespace ws = wxlived::scenario;

namespace {
constexpr ws::UnixSeconds beijing_midnight = 1'795'449'600;  // 2026-11-24T00:00:00+08:00
}

TEST_CASE("the Beijing day turns at 16:00 UTC") {
  CHECK(ws::beijing_day(beijing_midnight) == ws::beijing_day(beijing_midnight - 1) + 1);
  CHECK(ws::beijing_day(beijing_midnight + 86399) == ws::beijing_day(beijing_midnight));
  CHECK(ws::beijing_date(beijing_midnight) == "2026-11-24");
  CHECK(ws::beijing_date(beijing_midnight - 1) == "2026-11-23");
  CHECK(ws::next_beijing_midnight(beijing_midnight) == beijing_midnight + 86400);
  CHECK(ws::next_beijing_midnight(beijing_midnight - 1) == beijing_midnight);
}

TEST_CASE("Beijing days before 1970 round down") {
  CHECK(ws::beijing_day(-8 * 3600) == 0);
  CHECK(ws::beijing_day(-8 * 3600 - 1) == -1);
  CHECK(ws::beijing_date(-8 * 3600 - 1) == "1969-12-31");
}

TEST_CASE("calls past daily_quota in one Beijing day are refused and not counted") {
  ws::DailyCallCount count;
  CHECK(count.try_spend(beijing_midnight + 10, 2));
  CHECK(count.try_spend(beijing_midnight + 20, 2));
  CHECK_FALSE(count.try_spend(beijing_midnight + 30, 2));
  CHECK(count.used_on(beijing_midnight + 30) == 2);
  CHECK(count.remaining_on(beijing_midnight + 30, 2) == 0);
}

TEST_CASE("the call count resets at Beijing midnight") {
  ws::DailyCallCount count;
  CHECK(count.try_spend(beijing_midnight - 1, 1));
  CHECK_FALSE(count.try_spend(beijing_midnight - 1, 1));
  CHECK(count.used_on(beijing_midnight) == 0);
  CHECK(count.remaining_on(beijing_midnight, 1) == 1);
  CHECK(count.try_spend(beijing_midnight, 1));
}

TEST_CASE("a zero quota refuses every call") {
  ws::DailyCallCount count;
  CHECK_FALSE(count.try_spend(beijing_midnight, 0));
}
