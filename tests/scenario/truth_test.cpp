#include "wxlived/scenario/truth.hpp"

#include <doctest/doctest.h>

#include "room_builder.hpp"

namespace ws = wxlived::scenario;
using ws::LiveStatus;
using ws::Transition;
using ws::TransitionCause;
using ws::testing::room_with;

namespace {
constexpr ws::Seconds timeout = 900;
}

TEST_CASE("a room is 102 until its first timeline entry") {
  const ws::Room room = room_with(1, {{1050, 101}});
  CHECK(ws::status_at(room, timeout, -100000) == LiveStatus::not_started);
  CHECK(ws::status_at(room, timeout, 1049) == LiveStatus::not_started);
  CHECK(ws::status_at(room, timeout, 1050) == LiveStatus::live);
}

TEST_CASE("the latest timeline entry at or before t gives the status") {
  const ws::Room room = room_with(1, {{1050, 101}, {2000, 105}, {2300, 101}, {4000, 103}});
  CHECK(ws::status_at(room, timeout, 1999) == LiveStatus::live);
  CHECK(ws::status_at(room, timeout, 2000) == LiveStatus::paused);
  CHECK(ws::status_at(room, timeout, 2299) == LiveStatus::paused);
  CHECK(ws::status_at(room, timeout, 2300) == LiveStatus::live);
  CHECK(ws::status_at(room, timeout, 4000) == LiveStatus::ended);
  CHECK(ws::status_at(room, timeout, 1'000'000) == LiveStatus::ended);
}

TEST_CASE("106 held for abnormal_timeout_s without recovery becomes 103 at the deadline") {
  const ws::Room room = room_with(1, {{1050, 101}, {2000, 106}});
  CHECK(ws::status_at(room, timeout, 2000 + timeout - 1) == LiveStatus::abnormal);
  CHECK(ws::status_at(room, timeout, 2000 + timeout) == LiveStatus::ended);
  CHECK(ws::transitions(room, timeout).back() ==
        Transition{2000 + timeout, LiveStatus::abnormal, LiveStatus::ended, TransitionCause::abnormal_timeout});
}

TEST_CASE("106 recovering one second before the deadline stays alive") {
  const ws::Room room = room_with(1, {{1050, 101}, {2000, 106}, {2000 + timeout - 1, 101}});
  CHECK(ws::status_at(room, timeout, 2000 + timeout - 1) == LiveStatus::live);
  CHECK(ws::status_at(room, timeout, 2000 + timeout) == LiveStatus::live);
  CHECK(ws::status_at(room, timeout, 100000) == LiveStatus::live);
  CHECK_FALSE(ws::ended_at(room, timeout).has_value());
}

TEST_CASE("a recovery at the exact deadline second comes too late") {
  const ws::Room room = room_with(1, {{1050, 101}, {2000, 106}, {2000 + timeout, 101}});
  CHECK(ws::status_at(room, timeout, 2000 + timeout) == LiveStatus::ended);
  const auto changes = ws::transitions(room, timeout);
  REQUIRE(changes.size() == 3);
  CHECK(changes[2].cause == TransitionCause::abnormal_timeout);
}

TEST_CASE("106 then 105 leaves abnormal and the paused room never times out") {
  const ws::Room room = room_with(1, {{1050, 101}, {2000, 106}, {2500, 105}, {5000, 101}, {6000, 106}});
  CHECK(ws::status_at(room, timeout, 2000 + timeout) == LiveStatus::paused);
  CHECK(ws::status_at(room, timeout, 4999) == LiveStatus::paused);
  CHECK(ws::status_at(room, timeout, 5000) == LiveStatus::live);
  // The second abnormal spell has its own clock.
  CHECK(ws::status_at(room, timeout, 6000 + timeout - 1) == LiveStatus::abnormal);
  CHECK(ws::status_at(room, timeout, 6000 + timeout) == LiveStatus::ended);
}

TEST_CASE("a repeated 106 entry does not restart the abnormal clock") {
  const ws::Room room = room_with(1, {{1050, 101}, {2000, 106}, {2500, 106}});
  CHECK(ws::status_at(room, timeout, 2000 + timeout) == LiveStatus::ended);
  CHECK(ws::transitions(room, timeout).size() == 3);
}

TEST_CASE("a shortened abnormal_timeout_s moves the deadline") {
  const ws::Room room = room_with(1, {{1050, 101}, {2000, 106}});
  CHECK(ws::status_at(room, 30, 2029) == LiveStatus::abnormal);
  CHECK(ws::status_at(room, 30, 2030) == LiveStatus::ended);
}

TEST_CASE("102 still held at end_time becomes 107 exactly then") {
  const ws::Room room = room_with(1, {}, 1000, 4600);
  CHECK(ws::status_at(room, timeout, 4599) == LiveStatus::not_started);
  CHECK(ws::status_at(room, timeout, 4600) == LiveStatus::expired);
  CHECK(ws::transitions(room, timeout) ==
        std::vector<Transition>{{4600, LiveStatus::not_started, LiveStatus::expired, TransitionCause::end_time_passed}});
}

TEST_CASE("a room that starts after end_time has already expired and never goes live") {
  const ws::Room room = room_with(1, {{5000, 101}, {6000, 103}}, 1000, 4600);
  CHECK(ws::status_at(room, timeout, 5000) == LiveStatus::expired);
  CHECK(ws::transitions(room, timeout).size() == 1);
}

TEST_CASE("a room going live at the exact end_time second is expired instead") {
  const ws::Room room = room_with(1, {{4600, 101}}, 1000, 4600);
  CHECK(ws::status_at(room, timeout, 4600) == LiveStatus::expired);
}

TEST_CASE("a live room passing its end_time is not expired") {
  const ws::Room room = room_with(1, {{1050, 101}}, 1000, 4600);
  CHECK(ws::status_at(room, timeout, 100000) == LiveStatus::live);
}

TEST_CASE("a 102 timeline entry after end_time expires the room in one change") {
  const ws::Room room = room_with(1, {{1050, 101}, {5000, 102}}, 1000, 4600);
  const auto changes = ws::transitions(room, timeout);
  REQUIRE(changes.size() == 2);
  CHECK(changes[1] == Transition{5000, LiveStatus::live, LiveStatus::expired, TransitionCause::end_time_passed});
}

TEST_CASE("timeline entries after 103 are ignored") {
  const ws::Room room = room_with(1, {{1050, 101}, {3000, 103}, {3500, 101}, {4000, 106}});
  CHECK(ws::status_at(room, timeout, 3500) == LiveStatus::ended);
  CHECK(ws::status_at(room, timeout, 100000) == LiveStatus::ended);
  CHECK(ws::transitions(room, timeout).size() == 2);
}

TEST_CASE("timeline entries after the abnormal rule ended the room are ignored") {
  const ws::Room room = room_with(1, {{1050, 101}, {2000, 106}, {5000, 101}});
  CHECK(ws::status_at(room, timeout, 5000) == LiveStatus::ended);
  CHECK(ws::ended_at(room, timeout) == 2000 + timeout);
}

TEST_CASE("107 from the timeline is terminal") {
  const ws::Room room = room_with(1, {{1050, 107}, {2000, 101}});
  CHECK(ws::status_at(room, timeout, 2000) == LiveStatus::expired);
}

TEST_CASE("transitions list every change with its cause in time order") {
  const ws::Room room = room_with(1, {{1050, 101}, {2000, 105}, {2300, 101}, {3000, 106}});
  const std::vector<Transition> expected{
      {1050, LiveStatus::not_started, LiveStatus::live, TransitionCause::timeline},
      {2000, LiveStatus::live, LiveStatus::paused, TransitionCause::timeline},
      {2300, LiveStatus::paused, LiveStatus::live, TransitionCause::timeline},
      {3000, LiveStatus::live, LiveStatus::abnormal, TransitionCause::timeline},
      {3900, LiveStatus::abnormal, LiveStatus::ended, TransitionCause::abnormal_timeout},
  };
  CHECK(ws::transitions(room, timeout) == expected);
}

TEST_CASE("status_at agrees with transitions at every second") {
  const ws::Room room = room_with(1, {{1050, 101}, {2000, 106}, {2100, 104}, {2200, 106}, {3500, 101}}, 1000, 2500);
  const auto changes = ws::transitions(room, 60);
  for (ws::Seconds t = 900; t < 4000; ++t) {
    LiveStatus expected = LiveStatus::not_started;
    for (const auto& change : changes) {
      if (change.t <= t) expected = change.to;
    }
    REQUIRE(ws::status_at(room, 60, t) == expected);
  }
}

TEST_CASE("status names follow the webhook contract") {
  CHECK(ws::status_name(LiveStatus::live) == "live");
  CHECK(ws::status_name(LiveStatus::not_started) == "not_started");
  CHECK(ws::status_name(LiveStatus::expired) == "expired");
  CHECK(ws::cause_name(TransitionCause::end_time_passed) == "end_time_passed");
}
