// Habits: the prior, interval-censored learning, persistence, the daily fade.
#include <doctest/doctest.h>

#include <cmath>

#include "engine_fixture.hpp"
#include "wxlived/engine/habit_learning.hpp"
#include "wxlived/engine/habits.hpp"

using namespace engine_test;

namespace {

double total_mass(const HabitDistribution& d) {
  double sum = d.never();
  for (std::size_t k = 0; k < d.bins(); ++k) sum += d.mass(k);
  return sum;
}

}  // namespace

TEST_CASE("the prior is a distribution: mass sums to one and every value stays possible") {
  const Habits h = prior_habits();
  for (Habit which : kAllHabits) {
    CAPTURE(to_string(which));
    const HabitDistribution& d = h.of(which);
    CHECK(total_mass(d) == doctest::Approx(1.0));
    CHECK(d.observations() == 0);
    for (std::size_t k = 0; k < d.bins(); ++k) CHECK(d.mass(k) > 0);  // the support floor
    CHECK(d.survival(-1e9) == doctest::Approx(1.0));
    CHECK(d.survival(1e9) == doctest::Approx(d.never()));
  }
  // Starts mostly between 4 minutes early and 15 late, one room in seven a no-show.
  CHECK(h.start_offset.quantile(0.5) > 0);
  CHECK(h.start_offset.quantile(0.5) < 10 * 60);
  CHECK(h.start_offset.never() == doctest::Approx(0.15));
  CHECK(h.abnormal_recovery.never() == doctest::Approx(0.26));
}

TEST_CASE("copies of the prior learn apart: one app's observations never reach another's") {
  // Every app starts from prior_habits(); the copies share the prior's arrays.
  Habits a = prior_habits();
  const Habits b = prior_habits();
  const double before = b.pause_length.survival(10 * 60);
  for (int i = 0; i < 5; ++i) a.pause_length.observe(20 * 60, 21 * 60);
  a.abnormal_recovery.observe_never();
  CHECK(a.pause_length.survival(10 * 60) > before);
  CHECK(b.pause_length.survival(10 * 60) == before);
  CHECK(b.pause_length.observations() == 0);
  CHECK(b.abnormal_recovery.never() == doctest::Approx(0.26));
  CHECK(prior_habits().pause_length.survival(10 * 60) == before);
  for (double x : b.pause_length.observed()) CHECK(x == 0);
  CHECK(b.pause_length.observed().size() == b.pause_length.bins());
}

TEST_CASE("a fresh prior and one that was faded or restored with nothing observed answer alike") {
  const Habits fresh = prior_habits();
  Habits faded = prior_habits();
  faded.end_offset.fade(0.5);
  Habits restored = prior_habits();
  restored.end_offset.set_observed(std::vector<double>(restored.end_offset.bins(), 0.0), 0, 0);
  for (double x = -7200; x <= 12000; x += 450) {
    CAPTURE(x);
    CHECK(faded.end_offset.survival(x) == fresh.end_offset.survival(x));
    CHECK(restored.end_offset.survival(x) == fresh.end_offset.survival(x));
    CHECK(restored.end_offset.density(x) == fresh.end_offset.density(x));
  }
  CHECK(restored.end_offset.quantile(0.3) == fresh.end_offset.quantile(0.3));
}

TEST_CASE("observations move the blend off the prior in proportion to their number") {
  Habits h = prior_habits();
  const double prior_median = h.start_offset.quantile(0.5);
  for (int i = 0; i < 3; ++i) h.start_offset.observe(20 * 60, 21 * 60);
  const double few = h.start_offset.quantile(0.5);
  for (int i = 0; i < 30; ++i) h.start_offset.observe(20 * 60, 21 * 60);
  const double many = h.start_offset.quantile(0.5);
  CHECK(h.start_offset.observations() == doctest::Approx(33));
  CHECK(few > prior_median);
  CHECK(many > few);
  CHECK(many == doctest::Approx(20.5 * 60).epsilon(0.1));
  CHECK(h.start_offset.quantile(0.5, true) == doctest::Approx(prior_median));  // the prior itself is kept
  CHECK(total_mass(h.start_offset) == doctest::Approx(1.0));
}

TEST_CASE("a change seen between two sightings is spread over that gap by the current belief") {
  Habits h = prior_habits();
  // Recovery prior: nothing below 25 s but the support floor. A drop seen
  // once, back at the next sweep: "somewhere in 0..240 s".
  HabitDistribution& d = h.abnormal_recovery;
  const HabitDistribution before = d;
  d.observe(0, 240);
  double inside = 0;
  for (std::size_t k = 0; k < 8; ++k) inside += d.mass(k) - before.mass(k);  // bins of [0, 240) + smoothing
  double gained = 0;
  for (std::size_t k = 0; k < d.bins(); ++k) gained += d.mass(k) * 7 - before.mass(k) * 6;  // (6 prior + 1)
  CHECK(gained == doctest::Approx(1.0 - (d.never() * 7 - before.never() * 6)).epsilon(0.01));
  // The first bin (0..30 s), which the prior all but rules out, gets far less
  // than an even share of the gap.
  CHECK(d.mass(0) * 7 - before.mass(0) * 6 < 0.05);
  CHECK(inside > 0);
}

TEST_CASE("a live run cut short by the end is counted as at least that long") {
  Habits h = prior_habits();
  const double survival_before = h.live_run.survival(40 * 60);
  for (int i = 0; i < 20; ++i) h.live_run.observe_beyond(40 * 60);
  CHECK(h.live_run.observations() == doctest::Approx(20));
  CHECK(h.live_run.survival(40 * 60) > survival_before);  // runs are longer than the prior thought
  CHECK(total_mass(h.live_run) == doctest::Approx(1.0));
  // Nothing moves below the censoring point.
  const Habits prior = prior_habits();
  CHECK(h.live_run.mass(5) < prior.live_run.mass(5));
}

TEST_CASE("learning from changes: starts, no-shows, pauses, drops, rule endings and live runs") {
  Habits h = prior_habits();
  const Millis start = kT0 + kHour;
  const Millis end = kT0 + 3 * kHour;
  // 102 -> 101 seen between sightings 20 and 22 minutes after the planned start.
  CHECK(learn_from_change(h, tracked(kNotStarted, start, end, kT0, start + 20 * kMinute),
                          SeenChange{kNotStarted, kLive, start + 20 * kMinute, start + 22 * kMinute, false}));
  CHECK(h.start_offset.observations() == doctest::Approx(1));
  // 102 -> 107 by the rule: a no-show.
  learn_from_change(h, tracked(kNotStarted, start, end, kT0, end), SeenChange{kNotStarted, kExpired, end, end, true});
  CHECK(h.start_offset.observed_never() == doctest::Approx(1));
  // 101 -> 105 after 30 minutes live: an interruption and a live run.
  const Millis live_since = start + 21 * kMinute;
  learn_from_change(h, tracked(kLive, start, end, live_since, live_since + 30 * kMinute, live_since - kMinute),
                    SeenChange{kLive, kPaused, live_since + 30 * kMinute, live_since + 31 * kMinute, false});
  CHECK(h.interruptions.events == doctest::Approx(1));
  CHECK(h.interruptions.live_hours == doctest::Approx(0.5).epsilon(0.05));
  CHECK(h.live_run.observations() == doctest::Approx(1));
  // 105 -> 101 after about 10 minutes.
  const Millis paused = live_since + 31 * kMinute;
  learn_from_change(h, tracked(kPaused, start, end, paused, paused + 10 * kMinute, paused - kMinute),
                    SeenChange{kPaused, kLive, paused + 10 * kMinute, paused + 11 * kMinute, false});
  CHECK(h.pause_length.observations() == doctest::Approx(1));
  // 106 -> 103 by WeChat's rule: a drop that never recovered.
  learn_from_change(h, tracked(kAbnormal, start, end, paused, paused + 14 * kMinute),
                    SeenChange{kAbnormal, kEnded, paused + 14 * kMinute, paused + 15 * kMinute, true});
  CHECK(h.abnormal_recovery.observed_never() == doctest::Approx(1));
  CHECK(h.end_offset.observations() == 0);  // a rule ending says nothing of the merchant's end
  // 101 -> 103 observed: an end, and a live run cut by it.
  learn_from_change(h, tracked(kLive, start, end, end, end + 5 * kMinute),
                    SeenChange{kLive, kEnded, end + 5 * kMinute, end + 6 * kMinute, false});
  CHECK(h.end_offset.observations() == doctest::Approx(1));
  CHECK(h.live_run.observations() == doctest::Approx(2));
  // --no-learn: nothing moves.
  Habits fixed = prior_habits();
  fixed.learning = false;
  CHECK_FALSE(learn_from_change(fixed, tracked(kNotStarted, start, end, kT0, start),
                                SeenChange{kNotStarted, kLive, start, start + kMinute, false}));
  CHECK(fixed.start_offset.observations() == 0);
}

TEST_CASE("habits survive the store: JSON round trip keeps every bin and count") {
  Habits h = prior_habits();
  for (int i = 0; i < 7; ++i) h.start_offset.observe(1100 + i * 10, 1300);
  h.abnormal_recovery.observe_never();
  h.live_run.observe_beyond(3600);
  h.pause_length.observe(300, 420);
  h.interruptions.events = 3;
  h.interruptions.live_hours = 12.5;
  h.day = beijing_day(kT0);
  const auto back = habits_from_json(habits_to_json(h));
  REQUIRE(back);
  CHECK(back->day == h.day);
  for (Habit which : kAllHabits) {
    CAPTURE(to_string(which));
    CHECK(back->of(which).observations() == doctest::Approx(h.of(which).observations()));
    for (double q : {0.1, 0.5, 0.9}) CHECK(back->of(which).quantile(q) == doctest::Approx(h.of(which).quantile(q)).epsilon(0.01));
  }
  CHECK(back->interruptions.per_hour() == doctest::Approx(h.interruptions.per_hour()));
  CHECK_FALSE(habits_from_json("{}"));
  CHECK_FALSE(habits_from_json("not json"));
  CHECK_FALSE(habits_from_json(R"({"version":1,"day":0,"start_offset":{"n":1,"never":0,"bins":[[99999,1]]}})"));
}

TEST_CASE("a new Beijing day fades older observations, once per day") {
  Habits h = prior_habits();
  CHECK_FALSE(fade_for_day(h, kT0));  // the first day only sets the date
  for (int i = 0; i < 10; ++i) h.start_offset.observe(600, 660);
  CHECK_FALSE(fade_for_day(h, kT0 + 10 * kHour));  // still the same Beijing day (23:59 at most)
  CHECK(h.start_offset.observations() == doctest::Approx(10));
  const Millis next_day = next_beijing_midnight(kT0);
  CHECK(fade_for_day(h, next_day));
  CHECK(h.start_offset.observations() == doctest::Approx(10 * kDailyFade));
  CHECK_FALSE(fade_for_day(h, next_day + kHour));
  CHECK(fade_for_day(h, next_day + 3 * kDay));  // three days later: three fades at once
  CHECK(h.start_offset.observations() == doctest::Approx(10 * std::pow(kDailyFade, 4)));
}

TEST_CASE("the engine stores what it learns and a restarted engine carries on from it") {
  Driver d(settings());
  const Millis start = kT0 + kHour;
  // A room that starts 20 minutes late.
  d.rooms_at = [&](Millis t) {
    return std::vector<RoomInfo>{room(1, t >= start + 20 * kMinute ? kLive : kNotStarted, start, start + 2 * kHour)};
  };
  d.run_until(start + kHour);
  REQUIRE(d.all.habits_json);
  CHECK(d.engine.habits().start_offset.observations() == doctest::Approx(1));
  RestoredApp saved;
  saved.habits_json = d.all.habits_json;
  AppEngine again(settings());
  const Effects restored = again.restore(saved, start + kHour);
  CHECK(restored.warnings.empty());
  CHECK(again.habits().start_offset.observations() == doctest::Approx(1));
  CHECK(again.habits().start_offset.quantile(0.5) ==
        doctest::Approx(d.engine.habits().start_offset.quantile(0.5)).epsilon(0.001));  // stored to 1e-4 per bin
  // Unreadable habits: the prior, and a warning.
  RestoredApp broken;
  broken.habits_json = "{";
  AppEngine third(settings());
  CHECK(third.restore(broken, start).warnings.size() == 1);
  CHECK(third.habits().start_offset.observations() == 0);
}
