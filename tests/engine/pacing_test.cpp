#include "engine_fixture.hpp"
#include "wxlived/engine/pacing.hpp"

using namespace engine_test;

TEST_CASE("fixed interval spends the quota evenly and never goes below the floor") {
  CHECK(fixed_interval(500, 2, 60 * kSecond, 0) == 345'600);
  CHECK(fixed_interval(500, 1, 60 * kSecond, 0) == 172'800);
  CHECK(fixed_interval(100000, 1, 60 * kSecond, 0) == 60 * kSecond);
  CHECK(fixed_interval(500, 16, 60 * kSecond, 0) == 2'764'800);
}

TEST_CASE("nothing hot means the cold interval") {
  PacingInput in;
  in.now = kT0;
  in.day_end = kMidnight + kDay;
  in.sweeps_left = 400;
  in.cold_interval = 30 * kMinute;
  const PacingAdvice a = adaptive_pacing(in);
  CHECK_FALSE(a.hot);
  CHECK(a.interval == 30 * kMinute);
}

TEST_CASE("hot time gets the budget left after the cold sweeps") {
  PacingInput in;
  in.now = kT0;
  in.day_end = kT0 + 10 * kHour;
  in.cold_interval = 30 * kMinute;
  in.spans = {HotSpan{kT0, kT0 + 2 * kHour, 1.0}};
  in.sweeps_left = 16 + 40;  // 8 h cold = 16 sweeps; 40 for 2 h hot = 180 s
  const PacingAdvice a = adaptive_pacing(in);
  CHECK(a.hot);
  CHECK(a.cold_sweeps == 16);
  CHECK(a.interval == 180 * kSecond);
  CHECK(a.next_change == kT0 + 2 * kHour);
}

TEST_CASE("more rooms that can change at once mean denser sweeps") {
  PacingInput in;
  in.now = kT0;
  in.day_end = kT0 + 4 * kHour;
  in.cold_interval = 30 * kMinute;
  in.sweeps_left = 100;
  in.spans = {HotSpan{kT0, kT0 + 4 * kHour, 1.0}};
  const Millis one = adaptive_pacing(in).interval;
  in.spans = {HotSpan{kT0, kT0 + kHour, 4.0}, HotSpan{kT0 + kHour, kT0 + 4 * kHour, 1.0}};
  const Millis four = adaptive_pacing(in).interval;
  CHECK(four < one);
}

TEST_CASE("a huge budget is bounded by the floor") {
  PacingInput in;
  in.now = kT0;
  in.day_end = kT0 + 4 * kHour;
  in.sweeps_left = 100000;
  in.spans = {HotSpan{kT0, kT0 + 4 * kHour, 1.0}};
  CHECK(adaptive_pacing(in).interval == 60 * kSecond);
  CHECK(cold_interval(100000, 1, 60 * kSecond, 0.08) == 60 * kSecond);
  CHECK(cold_interval(500, 1, 60 * kSecond, 0.08) == 30 * kMinute);
  CHECK(deep_sweep_period(500, 15, 60 * kSecond, 0.05) == 12 * kHour);
  CHECK(deep_sweep_period(100000, 15, 60 * kSecond, 0.05) == 259'200);
}

TEST_CASE("an empty budget waits for the reset") {
  PacingInput in;
  in.now = kT0;
  in.day_end = kMidnight + kDay;
  in.sweeps_left = 0;
  in.spans = {HotSpan{kT0, kT0 + kHour, 1.0}};
  CHECK(adaptive_pacing(in).interval == kMidnight + kDay - kT0);
}
