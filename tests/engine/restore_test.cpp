#include <map>

#include "engine_fixture.hpp"

using namespace engine_test;

namespace {

std::vector<RoomInfo> busy_day(Millis t) {
  std::vector<RoomInfo> rooms;
  for (int i = 0; i < 5; ++i) {
    const Millis start = kT0 + i * 2 * kHour;
    int status = kNotStarted;
    if (t >= start + 5 * kMinute) status = kLive;
    if (t >= start + 90 * kMinute) status = kEnded;
    rooms.push_back(room(100 + i, status, start, start + 80 * kMinute));
  }
  return rooms;
}

// What the store would hand back: the last upsert of each room, today's calls.
RestoredApp saved_from(const Effects& all, std::int64_t calls_today) {
  std::map<std::int64_t, RestoredRoom> rows;
  for (const RoomUpsert& u : all.rooms) {
    RestoredRoom& r = rows[u.room_id];
    if (r.first_seen == 0) r.first_seen = u.seen_at;
    r.room_id = u.room_id;
    r.status = u.status;
    r.status_since = u.status_since;
    r.snapshot_json = u.snapshot_json;
    r.last_seen = u.seen_at;
    r.removed_at = u.removed_at;
  }
  RestoredApp saved;
  for (auto& [id, r] : rows) saved.rooms.push_back(r);
  saved.quota_used_today = calls_today;
  return saved;
}

}  // namespace

TEST_CASE("a restart with a half-spent day neither re-spends nor re-announces") {
  Driver first(settings());
  first.rooms_at = busy_day;
  first.run_until(kT0 + 3 * kHour);
  const std::int64_t spent = first.calls_on_day(kMidnight);
  REQUIRE(spent > 0);
  const std::size_t created_before = events_of(first.all, "room.created").size();
  CHECK(created_before == 5);

  Driver second(settings());
  second.rooms_at = busy_day;
  second.now = first.now + 10 * kSecond;
  const Effects restored = second.engine.restore(saved_from(first.all, spent), second.now);
  CHECK(restored.warnings.empty());
  CHECK(second.engine.ledger().used(second.now) == spent);
  CHECK(second.engine.known_rooms() == 5);
  second.run_until(kMidnight + kDay - kSecond);
  CHECK(events_of(second.all, "room.created").empty());
  CHECK(spent + second.calls_on_day(kMidnight) <= 500);
  // The rooms that ended after the restart were still announced, once each.
  std::int64_t ended = 0;
  for (const EventOut* e : events_of(second.all, "room.status_changed")) {
    if (body_has(*e, R"("to":103)")) ++ended;
  }
  std::int64_t ended_before = 0;
  for (const EventOut* e : events_of(first.all, "room.status_changed")) {
    if (body_has(*e, R"("to":103)")) ++ended_before;
  }
  CHECK(ended + ended_before == 5);
}

TEST_CASE("a snapshot round-trips the engine's follow-up state") {
  RoomMemory m;
  m.info = room(9, kEnded, kT0, kT0 + kHour);
  m.info.goods_json = R"([{"goods_id":1}])";
  m.changed_after = kT0 + 5 * kMinute;
  m.replay = ReplayTrack{true, kT0 + 2 * kHour, kT0 + 4 * kHour, 5 * kMinute, 1, 1};
  const auto back = snapshot_from_json(snapshot_to_json(m));
  REQUIRE(back);
  CHECK(*back == m);
  CHECK_FALSE(snapshot_from_json("not json"));
}

TEST_CASE("a restart after an unreadable snapshot keeps the status and warns") {
  AppEngine engine(settings());
  RestoredApp saved;
  saved.rooms.push_back(RestoredRoom{7, kLive, kT0, "{oops", kT0, kT0, std::nullopt});
  const Effects e = engine.restore(saved, kT0 + kHour);
  CHECK(e.warnings.size() == 1);
  CHECK(engine.room_status(7) == kLive);
}

TEST_CASE("a stored snapshot nested a million deep is restored as unreadable, not a crash") {
  RestoredRoom r;
  r.room_id = 7;
  r.status = kLive;
  r.status_since = kT0;
  r.first_seen = kT0;
  r.last_seen = kT0;
  r.snapshot_json = std::string(1'000'000, '[') + std::string(1'000'000, ']');
  RestoredApp saved;
  saved.rooms.push_back(r);
  AppEngine engine(settings());
  const Effects restored = engine.restore(saved, kT0 + kMinute);
  REQUIRE(restored.warnings.size() == 1);
  CHECK(restored.warnings[0].msg == "stored room snapshot unreadable; keeping its status only");
  CHECK(engine.room_status(7) == kLive);
}
