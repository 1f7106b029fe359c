// The hazard model: when each room's next change is likely, per status.
#include <doctest/doctest.h>

#include "engine_fixture.hpp"
#include "wxlived/engine/hazard.hpp"

using namespace engine_test;

namespace {

const Millis kStart = kT0 + 2 * kHour;
const Millis kEnd = kT0 + 4 * kHour;

}  // namespace

TEST_CASE("a room not started yet is due around its planned start and never past its end_time") {
  const Habits h = prior_habits();
  const TrackedRoom r = tracked(kNotStarted, kStart, kEnd, kT0, kT0);
  const double at_start = next_change_density(r, h, kT0, kStart + 5 * kMinute);
  CHECK(at_start > 10 * next_change_density(r, h, kT0, kStart - 40 * kMinute));
  CHECK(at_start > 10 * next_change_density(r, h, kT0, kStart + 50 * kMinute));
  CHECK(next_change_density(r, h, kT0, kEnd + kMinute) == 0);  // the 107 deadline's business
  CHECK(next_change_density(r, h, kT0, kT0 - kMinute) == 0);   // nothing before what was seen
}

TEST_CASE("a room still not started late into its window is more likely to start any moment") {
  const Habits h = prior_habits();
  const TrackedRoom early = tracked(kNotStarted, kStart, kEnd, kT0, kStart - 10 * kMinute);
  const TrackedRoom late = tracked(kNotStarted, kStart, kEnd, kT0, kStart + 12 * kMinute);
  const Millis t = kStart + 13 * kMinute;
  CHECK(next_change_density(late, h, late.last_seen, t) > 1.5 * next_change_density(early, h, early.last_seen, t));
}

TEST_CASE("a paused room resumes within the pause lengths the habits know") {
  const Habits h = prior_habits();
  const Millis paused = kStart + kHour;
  const TrackedRoom r = tracked(kPaused, kStart, kEnd, paused, paused, paused - kMinute);
  const double soon = next_change_density(r, h, paused, paused + 10 * kMinute);
  CHECK(soon > 0);
  CHECK(soon > 10 * next_change_density(r, h, paused, paused + 50 * kMinute));
  // Held longer than most pauses: what is left is due sooner.
  CHECK(next_change_density(r, h, paused + 20 * kMinute, paused + 21 * kMinute) > soon);
}

TEST_CASE("an abnormal room recovers within minutes or is left to the 15-minute rule") {
  const Habits h = prior_habits();
  const Millis dropped = kStart + kHour;
  const TrackedRoom r = tracked(kAbnormal, kStart, kEnd, dropped, dropped, dropped - kMinute);
  CHECK(next_change_density(r, h, dropped, dropped + 5 * kMinute) > 0);
  // Past the recoveries the habits know, nothing but the rule (a deadline, not a hazard).
  CHECK(next_change_density(r, h, dropped, dropped + 40 * kMinute) <
        0.05 * next_change_density(r, h, dropped, dropped + 5 * kMinute));
}

TEST_CASE("a live room is rarely interrupted right after it starts and ends around its planned end") {
  const Habits h = prior_habits();
  const TrackedRoom r = tracked(kLive, kStart, kEnd, kStart, kStart, kStart - kMinute);
  const double right_after = next_change_density(r, h, kStart, kStart + 2 * kMinute);
  const double later = next_change_density(r, h, kStart, kStart + 30 * kMinute);
  CHECK(later > 5 * right_after);
  // Near the planned end (plus the usual half hour) the end adds to the interruptions.
  const TrackedRoom running = tracked(kLive, kStart, kEnd, kStart, kEnd, kStart - kMinute);
  CHECK(next_change_density(running, h, kEnd, kEnd + 30 * kMinute) >
        next_change_density(r, h, kStart, kStart + 30 * kMinute));
}

TEST_CASE("final statuses never change and removed rooms are not watched") {
  const Habits h = prior_habits();
  for (int status : {kEnded, kExpired, kBanned}) {
    CHECK(next_change_density(tracked(status, kStart, kEnd, kStart, kStart), h, kStart, kStart + kMinute) == 0);
    CHECK(forecast_density(tracked(status, kStart, kEnd, kStart, kStart), h, kStart, kStart + kMinute) == 0);
  }
  TrackedRoom gone = tracked(kLive, kStart, kEnd, kStart, kStart);
  gone.removed_at = kStart;
  CHECK(next_change_density(gone, h, kStart, kStart + 20 * kMinute) == 0);
}

TEST_CASE("learned late starts move the hazard off the planned start") {
  Habits h = prior_habits();
  for (int i = 0; i < 40; ++i) h.start_offset.observe(19 * 60, 21 * 60);
  const TrackedRoom r = tracked(kNotStarted, kStart, kEnd, kT0, kT0);
  const Habits prior = prior_habits();
  CHECK(next_change_density(r, h, kT0, kStart + 2 * kMinute) <
        0.3 * next_change_density(r, prior, kT0, kStart + 2 * kMinute));
  CHECK(next_change_density(r, h, kT0, kStart + 20 * kMinute) >
        2 * next_change_density(r, prior, kT0, kStart + 20 * kMinute));
  // The window the interval cap watches begins later too.
  CHECK(likely_change_window(r, h, kT0).from > likely_change_window(r, prior, kT0).from);
}

TEST_CASE("the forecast of a room not started counts the broadcast that follows") {
  const Habits h = prior_habits();
  const TrackedRoom r = tracked(kNotStarted, kStart, kEnd, kT0, kT0);
  // Mid-broadcast: no start left to come, but interruptions of a started room.
  CHECK(next_change_density(r, h, kT0, kStart + 90 * kMinute) < forecast_density(r, h, kT0, kStart + 90 * kMinute));
}
