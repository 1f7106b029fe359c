#include "engine_fixture.hpp"

using namespace engine_test;

namespace {

constexpr Millis kOnset = kT0 + 10 * kMinute;  // the room drops to 106 here
constexpr Millis kTimeout = 900 * kSecond;

// A live room that drops to 106 at kOnset and, if recover_at is set, comes
// back then; otherwise WeChat ends it at kOnset + 900 s.
std::vector<RoomInfo> abnormal_world(Millis t, std::optional<Millis> recover_at) {
  int status = kLive;
  if (t >= kOnset) status = kAbnormal;
  if (recover_at && t >= *recover_at) status = kLive;
  if (!recover_at && t >= kOnset + kTimeout) status = kEnded;
  return {room(7, status, kT0 - kHour, kT0 + 5 * kHour)};
}

ApiError quota_error() { return ApiError{Outcome::quota_exhausted, 45009, 0, "reach max api daily quota limit"}; }

// Runs `d` until a sweep sees the room at 106; from then on every call
// meets 45009 (the budget is gone). Returns when the 106 was seen.
Millis see_106_then_run_out_of_budget(Driver& d, Millis& seen) {
  d.rooms_at = [](Millis t) { return abnormal_world(t, std::nullopt); };
  d.fault = [&seen](const Call&, Millis t) {
    return seen > 0 && t > seen ? std::optional<ApiError>(quota_error()) : std::nullopt;
  };
  while (seen == 0 && d.now < kOnset + kHour) {
    d.step();
    for (const EventOut* e : events_of(d.all, "room.status_changed"))
      if (body_has(*e, R"("to":106)")) seen = e->created_at;
  }
  return seen;
}

}  // namespace

TEST_CASE("106 recovering one second before the deadline never becomes 103") {
  Driver d(settings());
  d.rooms_at = [](Millis t) { return abnormal_world(t, kOnset + kTimeout - kSecond); };
  d.run_until(kOnset + 2 * kHour);
  for (const EventOut* e : events_of(d.all, "room.status_changed")) {
    CHECK_FALSE(body_has(*e, R"("to":103)"));
    CHECK_FALSE(body_has(*e, R"("inferred":true)"));
  }
  CHECK(d.engine.room_status(7) == kLive);
}

TEST_CASE("106 held to the deadline is confirmed by a poll within the floor of it") {
  Driver d(settings());
  d.rooms_at = [](Millis t) { return abnormal_world(t, std::nullopt); };
  d.run_until(kOnset + 2 * kHour);
  const EventOut* ended = nullptr;
  for (const EventOut* e : events_of(d.all, "room.status_changed")) {
    if (body_has(*e, R"("to":103)")) ended = e;
  }
  REQUIRE(ended != nullptr);
  CHECK(body_has(*ended, R"("inferred":false,"reason":"abnormal_timeout")"));
  CHECK(ended->created_at >= kOnset + kTimeout);
  CHECK(ended->created_at <= kOnset + kTimeout + 60 * kSecond);
}

TEST_CASE("a sweep lands exactly on the deadline the engine knows") {
  // The 106 is seen at the first sweep after kOnset; the engine's own
  // deadline is that sighting + 900 s, and a sweep must start exactly there.
  Driver d(settings());
  d.rooms_at = [](Millis t) { return abnormal_world(t, kOnset + kTimeout + 30 * kMinute); };
  d.run_until(kOnset + kHour);
  Millis seen = 0;
  for (const EventOut* e : events_of(d.all, "room.status_changed")) {
    if (body_has(*e, R"("to":106)")) seen = e->created_at;
  }
  REQUIRE(seen > 0);
  const auto starts = d.sweep_starts();
  CHECK(std::find(starts.begin(), starts.end(), seen + kTimeout) != starts.end());
}

TEST_CASE("102 at end_time is confirmed by a poll at end_time") {
  const Millis end = kT0 + 2 * kHour + 17 * kSecond;
  Driver d(settings());
  d.rooms_at = [=](Millis t) { return std::vector<RoomInfo>{room(7, t >= end ? kExpired : kNotStarted, kT0 + kHour, end)}; };
  d.run_until(end + kHour);
  const auto changed = events_of(d.all, "room.status_changed");
  REQUIRE(changed.size() == 1);
  CHECK(changed[0]->created_at == end);
  CHECK(body_has(*changed[0], R"("from":102,"to":107)"));
  CHECK(body_has(*changed[0], R"("inferred":false,"reason":"end_time_passed")"));
}

TEST_CASE("out of budget 102 at end_time is inferred at the deadline") {
  const Millis end = kT0 + 2 * kHour;
  Driver d(settings());
  d.rooms_at = [=](Millis t) { return std::vector<RoomInfo>{room(7, t >= end ? kExpired : kNotStarted, kT0 + kHour, end)}; };
  d.fault = [](const Call&, Millis t) { return t > kT0 ? std::optional<ApiError>(quota_error()) : std::nullopt; };
  d.run_until(end + kHour);
  const auto changed = events_of(d.all, "room.status_changed");
  REQUIRE(changed.size() == 1);
  CHECK(changed[0]->created_at == end);
  CHECK(body_has(*changed[0], "\"changed_at\":\"" + rfc3339_utc(end) + "\",\"inferred\":true,\"reason\":\"end_time_passed\""));
  REQUIRE(d.all.transitions.size() == 2);
  CHECK(d.all.transitions[1].inferred);
}

TEST_CASE("out of budget 106 is inferred ended at its latest possible deadline") {
  Driver d(settings());
  Millis seen = 0;
  REQUIRE(see_106_then_run_out_of_budget(d, seen) > 0);
  d.run_until(seen + 2 * kHour);
  const EventOut* ended = nullptr;
  for (const EventOut* e : events_of(d.all, "room.status_changed")) {
    if (body_has(*e, R"("to":103)")) ended = e;
  }
  REQUIRE(ended != nullptr);
  CHECK(ended->created_at == seen + kTimeout);
  CHECK(body_has(*ended, R"("inferred":true,"reason":"abnormal_timeout")"));
}

TEST_CASE("with budget left a deadline is confirmed by a poll and never inferred") {
  Driver d(settings());
  d.rooms_at = [](Millis t) {
    return std::vector<RoomInfo>{room(7, t >= kT0 + kHour ? kExpired : kNotStarted, kT0, kT0 + kHour),
                                 room(8, t >= kOnset ? kAbnormal : kLive, kT0 - kHour, kT0 + 3 * kHour)};
  };
  d.run_until(kT0 + 6 * kHour);
  for (const TransitionOut& t : d.all.transitions) CHECK_FALSE(t.inferred);
  CHECK(d.engine.stats().inferred == 0);
}

TEST_CASE("sweeps through a 106's uncertainty window run at the floor on a grid ending at the known deadline") {
  Driver d(settings(60));  // a small budget: sweeps many minutes apart, so the onset is known only loosely
  d.rooms_at = [](Millis t) { return abnormal_world(t, std::nullopt); };
  d.run_until(kOnset + 2 * kHour);
  Millis seen = 0;
  const EventOut* ended = nullptr;
  for (const EventOut* e : events_of(d.all, "room.status_changed")) {
    if (body_has(*e, R"("to":106)")) seen = e->created_at;
    if (body_has(*e, R"("to":103)")) ended = e;
  }
  REQUIRE(seen > 0);
  REQUIRE(ended != nullptr);
  const auto starts = d.sweep_starts();
  Millis before = 0;  // the last sighting before the 106: the onset lies in (before, seen]
  for (const Millis t : starts) {
    if (t < seen) before = t;
  }
  REQUIRE(before > 0);
  const Millis known_deadline = seen + kTimeout;
  const Millis window_from = before + kTimeout;
  // The poll that sees the 103 is on the grid, no later than the known deadline
  // and within one floor of the true one.
  CHECK(ended->created_at <= known_deadline);
  CHECK((known_deadline - ended->created_at) % (60 * kSecond) == 0);
  CHECK(ended->created_at >= kOnset + kTimeout);
  CHECK(ended->created_at < kOnset + kTimeout + 60 * kSecond);
  // Inside the window every sweep is one floor after the previous one.
  std::vector<Millis> inside;
  for (const Millis t : starts) {
    if (t > window_from && t <= ended->created_at) inside.push_back(t);
  }
  INFO("window from ", window_from, " seen ", seen, " ended ", ended->created_at, " inside ", inside.size());
  REQUIRE(inside.size() >= 3);
  for (std::size_t i = 1; i < inside.size(); ++i) CHECK(inside[i] - inside[i - 1] == 60 * kSecond);
  CHECK(body_has(*ended, R"("inferred":false,"reason":"abnormal_timeout")"));
}

TEST_CASE("a failed sweep at end_time is retried one floor later, not left to the regular pace") {
  const Millis end = kT0 + 2 * kHour;
  Driver d(settings());
  d.rooms_at = [=](Millis t) { return std::vector<RoomInfo>{room(7, t >= end ? kExpired : kNotStarted, kT0 + kHour, end)}; };
  d.fault = [=](const Call& c, Millis t) {
    return c.kind == Call::Kind::list && t == end ? std::optional<ApiError>(ApiError{Outcome::busy, -1, 0, "system busy"})
                                                   : std::nullopt;
  };
  d.run_until(end + kHour);
  const auto changed = events_of(d.all, "room.status_changed");
  REQUIRE(changed.size() == 1);
  CHECK(changed[0]->created_at == end + 60 * kSecond);
  CHECK(body_has(*changed[0], R"("inferred":false,"reason":"end_time_passed")"));
}

TEST_CASE("an inferred 103 keeps last_seen at the last list page that held the room") {
  Driver d(settings());
  Millis seen = 0;
  REQUIRE(see_106_then_run_out_of_budget(d, seen) > 0);
  d.run_until(seen + 2 * kHour);
  REQUIRE_FALSE(d.all.rooms.empty());
  const RoomUpsert& last = d.all.rooms.back();
  CHECK(last.status == kEnded);
  // The inference came at seen + 900 s; WeChat was last heard from at seen.
  CHECK(last.seen_at == seen);
  for (const RoomUpsert& row : d.all.rooms) CHECK(row.seen_at <= seen);
}
