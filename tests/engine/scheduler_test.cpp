#include "engine_fixture.hpp"

using namespace engine_test;

namespace {

std::vector<RoomInfo> many_rooms(int old_ended, std::vector<RoomInfo> fresh) {
  std::vector<RoomInfo> rooms = std::move(fresh);
  for (int i = 0; i < old_ended; ++i) {
    const Millis start = kT0 - (10 + i) * kDay;
    rooms.push_back(room(1000 + i, kEnded, start, start + kHour));
  }
  return rooms;
}

}  // namespace

TEST_CASE("room.removed only after a complete sweep and never from a short page") {
  AppEngine engine(settings());
  const std::vector<RoomInfo> three = {room(1, kLive, kT0, kT0 + kHour), room(2, kLive, kT0, kT0 + kHour),
                                       room(3, kLive, kT0, kT0 + kHour)};
  Plan p = engine.plan(kT0);
  engine.on_list_page(kT0, *p.call, page_of(three, 0, 100));

  // WeChat says 3 but sends 2: a short page proves nothing.
  Millis now = kT0 + kHour;
  p = engine.plan(now);
  REQUIRE(p.call);
  RoomListPage short_page = page_of(three, 0, 100);
  short_page.rooms.pop_back();
  Effects e = engine.on_list_page(now, *p.call, short_page);
  CHECK(events_of(e, "room.removed").empty());
  CHECK(engine.room_status(1).has_value());

  // A complete, consistent answer without room 1 removes it.
  now += 10 * kHour;
  p = engine.plan(now);
  REQUIRE(p.call);
  e = engine.on_list_page(now, *p.call, page_of({three[1], three[2]}, 0, 100));
  const auto removed = events_of(e, "room.removed");
  REQUIRE(removed.size() == 1);
  CHECK(removed[0]->room_id == 1);
  CHECK_FALSE(engine.room_status(1).has_value());
}

TEST_CASE("a room missing from a shallow sweep is not removed") {
  Driver d(settings());
  std::vector<RoomInfo> rooms = many_rooms(250, {room(1, kLive, kT0, kT0 + 10 * kHour)});
  d.rooms_at = [&](Millis t) {
    std::vector<RoomInfo> now_rooms = rooms;
    if (t > kT0 + 30 * kMinute) now_rooms.pop_back();  // the deepest, oldest room is deleted
    return now_rooms;
  };
  d.run_until(kT0 + 35 * kMinute);
  CHECK(events_of(d.all, "room.removed").empty());
  d.run_until(kT0 + 14 * kHour);  // a deep sweep comes round
  CHECK(events_of(d.all, "room.removed").size() == 1);
}

TEST_CASE("sweeps page only as deep as the oldest room that can still change") {
  Driver d(settings());
  d.rooms_at = [](Millis) { return many_rooms(250, {room(1, kLive, kT0, kT0 + 10 * kHour)}); };
  d.run_until(kT0 + 2 * kHour);
  // The first sweep is full (3 pages); later ones read one page, bar deep sweeps.
  std::int64_t deep_pages = 0;
  for (const auto& [t, c] : d.calls) {
    if (c.kind == Call::Kind::list && c.start > 0) ++deep_pages;
  }
  const auto sweeps = static_cast<std::int64_t>(d.sweep_starts().size());
  CHECK(sweeps > 10);
  CHECK(deep_pages <= 2 * 3);
  CHECK(d.calls.front().second.start == 0);
  CHECK(d.calls[1].second.start == 100);
  CHECK(d.calls[2].second.start == 200);
}

TEST_CASE("a live room deep in the list is still reached") {
  Driver d(settings());
  // Room 5's planned start is old, so it sorts below 150 ended rooms, but it is live.
  d.rooms_at = [](Millis t) {
    std::vector<RoomInfo> rooms = many_rooms(150, {});
    rooms.push_back(room(5, t > kT0 + kHour ? kEnded : kLive, kT0 - 200 * kDay, kT0 - 199 * kDay));
    return rooms;
  };
  d.run_until(kT0 + 2 * kHour);
  CHECK(d.engine.room_status(5) == kEnded);
  std::int64_t second_pages = 0;
  for (const auto& [t, c] : d.calls) {
    if (c.kind == Call::Kind::list && c.start == 100 && t > kT0) ++second_pages;
  }
  CHECK(second_pages >= 1);
}

TEST_CASE("sweeps never start closer than the floor at any budget") {
  for (const std::int64_t quota : {500LL, 5000LL, 100000LL}) {
    Driver d(settings(quota));
    d.rooms_at = [](Millis t) {
      std::vector<RoomInfo> rooms;
      for (int i = 0; i < 8; ++i) {
        const Millis start = kT0 + i * kHour;
        const int status = t < start ? kNotStarted : (t < start + 45 * kMinute ? kLive : kEnded);
        rooms.push_back(room(10 + i, status, start, start + 40 * kMinute));
      }
      return rooms;
    };
    d.now = kMidnight;
    d.run_until(kMidnight + kDay);
    const auto starts = d.sweep_starts();
    Millis min_gap = kDay;
    for (std::size_t i = 1; i < starts.size(); ++i) min_gap = std::min(min_gap, starts[i] - starts[i - 1]);
    CHECK(min_gap >= 60 * kSecond);
    CHECK(d.calls_on_day(kMidnight) <= quota);
    if (quota == 100000) CHECK(min_gap == 60 * kSecond);  // the floor binds, not the quota
  }
}

TEST_CASE("the budget lasts the whole day at 500 calls") {
  Driver d(settings(500));
  d.rooms_at = [](Millis t) {
    std::vector<RoomInfo> rooms;
    for (int i = 0; i < 12; ++i) {
      const Millis start = kMidnight + (9 + i) * kHour;
      const int status = t < start ? kNotStarted : (t < start + 3 * kHour ? kLive : kEnded);
      rooms.push_back(room(10 + i, status, start, start + 2 * kHour));
    }
    return rooms;
  };
  d.now = kMidnight;
  d.run_until(kMidnight + kDay);
  CHECK(d.calls_on_day(kMidnight) <= 500);
  CHECK(d.calls_on_day(kMidnight) >= 400);  // and is used
  CHECK(events_of(d.all, "app.quota_exhausted").empty());
  const auto starts = d.sweep_starts();
  CHECK(starts.back() > kMidnight + 23 * kHour);  // still sweeping at the end of the day
}

TEST_CASE("replays are fetched after the delay retried and followed up for more segments") {
  const Millis end = kT0 + kHour;
  Driver d(settings());
  d.rooms_at = [=](Millis t) { return std::vector<RoomInfo>{room(7, t >= end ? kEnded : kLive, kT0, end)}; };
  d.replay_at = [=](std::int64_t, Millis t) {
    ReplayPage p;
    if (t >= end + 20 * kMinute) p.segments.push_back({"http://v/0.mp4", "2026-11-24T01:20:00Z", "2027-11-24T01:20:00Z"});
    if (t >= end + 50 * kMinute) p.segments.push_back({"http://v/1.mp4", "2026-11-24T01:50:00Z", "2027-11-24T01:50:00Z"});
    p.total = static_cast<std::int64_t>(p.segments.size());
    return p;
  };
  d.run_until(end + 4 * kHour);
  std::vector<Millis> replay_calls;
  for (const auto& [t, c] : d.calls) {
    if (c.kind == Call::Kind::replay) replay_calls.push_back(t);
  }
  REQUIRE(replay_calls.size() >= 3);
  CHECK(replay_calls[0] >= end + 10 * kMinute);  // not before replay_delay_s
  CHECK(replay_calls[0] <= end + 12 * kMinute);
  const auto ready = events_of(d.all, "room.replay_ready");
  REQUIRE(ready.size() == 2);
  CHECK(body_has(*ready[0], R"("segments":[{"media_url":"http://v/0.mp4")"));
  CHECK(body_has(*ready[1], R"("expire_time":"2027-11-24T01:50:00Z"}],"total":2)"));
  CHECK(replay_calls.size() <= 6);  // bounded
}

TEST_CASE("replays of a room that never produces one stop after the limit") {
  const Millis end = kT0 + kHour;
  Driver d(settings());
  d.rooms_at = [=](Millis t) { return std::vector<RoomInfo>{room(7, t >= end ? kEnded : kLive, kT0, end)}; };
  d.run_until(end + 8 * kHour);
  std::int64_t replay_calls = 0;
  Millis last = 0;
  for (const auto& [t, c] : d.calls) {
    if (c.kind == Call::Kind::replay) {
      ++replay_calls;
      last = t;
    }
  }
  CHECK(replay_calls >= 3);
  CHECK(replay_calls <= 8);
  CHECK(last <= end + 10 * kMinute + 2 * kHour + kMinute);
}

TEST_CASE("a replay answered room-not-found stops its follow-up and the next sweep confirms the removal") {
  const Millis end = kT0 + kHour;
  const Millis deleted = end + 5 * kMinute;
  Driver d(settings());
  d.rooms_at = [=](Millis t) {
    std::vector<RoomInfo> fresh;
    if (t < deleted) fresh.push_back(room(7, t >= end ? kEnded : kLive, kT0, end));
    fresh.push_back(room(8, kNotStarted, kT0 + 10 * kHour, kT0 + 11 * kHour));
    return many_rooms(250, fresh);
  };
  d.fault = [=](const Call& c, Millis t) -> std::optional<ApiError> {
    if (c.kind == Call::Kind::replay && c.room_id == 7 && t >= deleted) {
      return ApiError{Outcome::room_not_found, 300022, 0, "room not exist"};
    }
    return std::nullopt;
  };
  d.run_until(end + 6 * kHour);
  std::vector<Millis> replay_calls;
  for (const auto& [t, c] : d.calls) {
    if (c.kind == Call::Kind::replay) replay_calls.push_back(t);
  }
  REQUIRE(replay_calls.size() == 1);  // asked once, answered "gone": never again
  const auto removed = events_of(d.all, "room.removed");
  REQUIRE(removed.size() == 1);
  CHECK(removed[0]->room_id == 7);
  // Confirmed by the next sweep, which reads the whole list (deep sweeps
  // otherwise come round once in many hours), so the removal is sent then.
  std::vector<std::int64_t> next_sweep_pages;
  Millis next_sweep = 0;
  for (const auto& [t, c] : d.calls) {
    if (t <= replay_calls[0] || c.kind != Call::Kind::list) continue;
    if (c.start == 0 && next_sweep != 0) break;
    if (c.start == 0) next_sweep = t;
    next_sweep_pages.push_back(c.start);
  }
  CHECK(next_sweep_pages == std::vector<std::int64_t>{0, 100, 200});
  CHECK(removed[0]->created_at >= next_sweep);
  CHECK(removed[0]->created_at < next_sweep + kMinute);
  for (const Warning& w : d.all.warnings) CHECK(w.field("retry_in_s") == nullptr);  // no backoff
}

TEST_CASE("the fixed policy sweeps full depth at the even-spending interval") {
  EngineSettings s = settings(500);
  s.policy = Policy::fixed;
  s.fixed_reserve_share = 0;
  Driver d(s);
  d.rooms_at = [](Millis) { return many_rooms(150, {room(1, kLive, kT0, kT0 + 20 * kHour)}); };
  d.run_until(kT0 + 3 * kHour);
  const auto starts = d.sweep_starts();
  REQUIRE(starts.size() > 5);
  for (std::size_t i = 2; i < starts.size(); ++i) CHECK(starts[i] - starts[i - 1] == 345'600);
  for (const auto& [t, c] : d.calls) CHECK(c.start <= 100);
  std::int64_t second_pages = 0;
  for (const auto& [t, c] : d.calls) second_pages += c.start == 100 ? 1 : 0;
  CHECK(second_pages == static_cast<std::int64_t>(starts.size()));
}

TEST_CASE("failures back off from the floor and auth failure is announced once") {
  Driver d(settings());
  d.rooms_at = [](Millis) { return std::vector<RoomInfo>{room(1, kLive, kT0, kT0 + 20 * kHour)}; };
  d.fault = [](const Call&, Millis t) {
    if (t < kT0 + kHour) return std::optional<ApiError>(ApiError{Outcome::auth_failed, 40125, 0, "invalid appsecret"});
    return std::optional<ApiError>{};
  };
  d.run_until(kT0 + 2 * kHour);
  CHECK(events_of(d.all, "app.auth_failed").size() == 1);
  CHECK(events_of(d.all, "app.recovered").size() == 1);
  REQUIRE(d.calls.size() >= 3);
  CHECK(d.calls[1].first - d.calls[0].first == 30 * kMinute);
}
