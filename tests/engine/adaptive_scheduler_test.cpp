// The adaptive and steady policies: where the sweeps go and how the
// threshold spends the budget.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <numeric>

#include "engine_fixture.hpp"
#include "wxlived/engine/scheduler.hpp"

using namespace engine_test;

namespace {

EngineSettings policy(Policy p, std::int64_t quota = 500) {
  EngineSettings s = settings(quota);
  s.policy = p;
  return s;
}

double mean_gap(const std::vector<Millis>& starts, Millis from, Millis to) {
  std::vector<Millis> gaps;
  for (std::size_t i = 1; i < starts.size(); ++i) {
    if (starts[i - 1] >= from && starts[i] <= to) gaps.push_back(starts[i] - starts[i - 1]);
  }
  REQUIRE(!gaps.empty());
  return static_cast<double>(std::accumulate(gaps.begin(), gaps.end(), Millis{0})) / static_cast<double>(gaps.size());
}

}  // namespace

TEST_CASE("the threshold is 0 when the floor fits everywhere and infinite when not even the caps fit") {
  const std::vector<ForecastBucket> hour{{kHour, 0.001, 10 * kMinute}};
  CHECK(pace_threshold(hour, kMinute, 60) == 0);
  CHECK(std::isinf(pace_threshold(hour, kMinute, 5)));
  // Between: a threshold whose sqrt(2 theta / rate) interval spends exactly the sweeps.
  const double theta = pace_threshold(hour, kMinute, 20);
  CHECK(std::sqrt(2 * theta / 0.001) == doctest::Approx(180.0).epsilon(0.01));
  // More sweeps, a lower threshold.
  CHECK(pace_threshold(hour, kMinute, 30) < theta);
}

TEST_CASE("busier buckets get denser sweeps: the square-root rule") {
  const std::vector<ForecastBucket> day{{kHour, 0.004, kHour}, {kHour, 0.001, kHour}};
  const double theta = pace_threshold(day, kMinute, 30);
  const double busy = std::sqrt(2 * theta / 0.004);
  const double quiet = std::sqrt(2 * theta / 0.001);
  CHECK(quiet / busy == doctest::Approx(2.0));
  CHECK(3600 / busy + 3600 / quiet == doctest::Approx(30).epsilon(0.01));
}

TEST_CASE("the trigger waits for expected latency and never passes the cap while something can happen") {
  RoomTable rooms;
  CHECK(latency_trigger(rooms, prior_habits(), kT0, kT0 + kMinute, kT0 + 5 * kMinute, kT0 + 30 * kMinute, 10, 0.1) ==
        kT0 + 30 * kMinute);  // nothing can change: the latest
  TrackedRoom paused;
  paused.memory.info = room(1, kPaused, kT0 - kHour, kT0 + kHour);
  paused.status = kPaused;
  paused.status_since = kT0;
  paused.last_seen = kT0;
  rooms[1] = paused;
  const Habits h = prior_habits();
  const Millis low = latency_trigger(rooms, h, kT0, kT0 + kMinute, kT0 + kHour, kT0 + kHour, 1, 0.1);
  const Millis high = latency_trigger(rooms, h, kT0, kT0 + kMinute, kT0 + kHour, kT0 + kHour, 20, 0.1);
  CHECK(low >= kT0 + kMinute);
  CHECK(high > low);
  CHECK(latency_trigger(rooms, h, kT0, kT0 + kMinute, kT0 + 3 * kMinute, kT0 + kHour, 1e9, 0.0) ==
        kT0 + 3 * kMinute);  // the cap
}

TEST_CASE("steady spreads its sweeps evenly over the hours a room can change") {
  Driver d(policy(Policy::steady));
  d.rooms_at = [](Millis) {
    return std::vector<RoomInfo>{room(1, kLive, kT0, kT0 + 6 * kHour), room(2, kLive, kT0, kT0 + 6 * kHour)};
  };
  d.run_until(kT0 + 4 * kHour);
  const auto starts = d.sweep_starts();
  std::vector<Millis> gaps;
  for (std::size_t i = 2; i < starts.size(); ++i) gaps.push_back(starts[i] - starts[i - 1]);
  REQUIRE(gaps.size() > 20);
  const auto [lo, hi] = std::minmax_element(gaps.begin(), gaps.end());
  CHECK(static_cast<double>(*hi) <= 1.1 * static_cast<double>(*lo));
}

TEST_CASE("adaptive sweeps more densely where a change is due than through a quiet broadcast") {
  Driver d(policy(Policy::adaptive));
  const Millis start = kT0 + 4 * kHour;
  d.rooms_at = [&](Millis t) {
    return std::vector<RoomInfo>{room(1, kLive, kT0 - kHour, kT0 + 10 * kHour),
                                 room(2, t >= start + 8 * kMinute ? kLive : kNotStarted, start, start + 2 * kHour)};
  };
  d.run_until(start + 30 * kMinute);
  const auto starts = d.sweep_starts();
  const double around_start = mean_gap(starts, start - 3 * kMinute, start + 8 * kMinute);
  const double quiet = mean_gap(starts, kT0 + 30 * kMinute, kT0 + 2 * kHour);
  CHECK(around_start < 0.8 * quiet);
  CHECK(d.engine.stats().min_sweep_gap >= kMinute);
}

TEST_CASE("a merchant whose rooms start 20 minutes late stops paying for sweeps at the planned start") {
  // The same room and day, once with the prior, once with habits learned from
  // forty late starts: the learned engine sweeps less in the ten minutes
  // around the planned start.
  Habits late = prior_habits();
  for (int i = 0; i < 40; ++i) late.start_offset.observe(19 * 60, 21 * 60);
  RestoredApp learned;
  learned.habits_json = habits_to_json(late);
  const Millis start = kT0 + 3 * kHour;
  auto around_planned_start = [&](const RestoredApp& saved) {
    Driver d(policy(Policy::adaptive));
    (void)d.engine.restore(saved, d.now);
    d.rooms_at = [&](Millis t) {
      return std::vector<RoomInfo>{room(1, kLive, kT0 - kHour, kT0 + 10 * kHour),
                                   room(2, t >= start + 20 * kMinute ? kLive : kNotStarted, start, start + 2 * kHour)};
    };
    d.run_until(start + kHour);
    const auto starts = d.sweep_starts();
    return std::count_if(starts.begin(), starts.end(),
                         [&](Millis t) { return t >= start - 5 * kMinute && t < start + 5 * kMinute; });
  };
  CHECK(around_planned_start(learned) < around_planned_start(RestoredApp{}));
}

TEST_CASE("adaptive and steady keep within the quota each Beijing day and never sweep closer than the floor") {
  for (Policy p : {Policy::adaptive, Policy::steady}) {
    CAPTURE(to_string(p));
    Driver d(policy(p, 200));
    d.rooms_at = [](Millis t) {
      std::vector<RoomInfo> rooms;
      for (int i = 0; i < 6; ++i) {
        const Millis start = kT0 + i * 2 * kHour;
        rooms.push_back(room(10 + i, t >= start && t < start + kHour ? kLive : (t < start ? kNotStarted : kEnded),
                             start, start + kHour));
      }
      return rooms;
    };
    d.run_until(kT0 + 2 * kDay);
    CHECK(d.calls_on_day(kMidnight) <= 200);
    CHECK(d.calls_on_day(kMidnight + kDay) <= 200);
    CHECK(d.engine.stats().min_sweep_gap >= kMinute);
  }
}

TEST_CASE("a sweep that failed is retried as soon as the floor and the backoff allow") {
  Driver d(policy(Policy::adaptive));
  d.rooms_at = [](Millis) { return std::vector<RoomInfo>{room(1, kLive, kT0, kT0 + 10 * kHour)}; };
  const Millis from = kT0 + kHour;
  d.fault = [&](const Call&, Millis t) {
    if (t >= from && t < from + 5 * kMinute) return std::optional<ApiError>(ApiError{Outcome::busy, -1, 0, "busy"});
    return std::optional<ApiError>{};
  };
  d.run_until(from + 30 * kMinute);
  // The first sweep after the window comes within one floor plus one backoff step (two floors).
  Millis first_after = 0;
  for (Millis t : d.sweep_starts()) {
    if (t >= from + 5 * kMinute) {
      first_after = t;
      break;
    }
  }
  REQUIRE(first_after > 0);
  CHECK(first_after - (from + 5 * kMinute) <= 2 * kMinute);
}
