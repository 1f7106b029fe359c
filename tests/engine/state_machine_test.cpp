#include "engine_fixture.hpp"

using namespace engine_test;

namespace {

// The next sweep at or after `now` (the engine picks the moment), answered
// with `rooms`; replay calls on the way get an empty answer. `now` moves to
// the sweep's time.
Effects observe(AppEngine& engine, Millis& now, std::vector<RoomInfo> rooms) {
  for (int guard = 0; guard < 100; ++guard) {
    Plan plan = engine.plan(now);
    if (!plan.call) {
      now = plan.wake_at;
      continue;
    }
    if (plan.call->kind == Call::Kind::list) {
      return engine.on_list_page(now, *plan.call, page_of(std::move(rooms), plan.call->start, plan.call->limit));
    }
    engine.on_replay(now, *plan.call, ReplayPage{});
  }
  FAIL("no sweep came");
  return {};
}

}  // namespace

TEST_CASE("a room seen for the first time emits room.created and no status_changed") {
  AppEngine engine(settings());
  Millis t0 = kT0;
  const Effects e = observe(engine, t0, {room(7, kNotStarted, kT0 + kHour, kT0 + 3 * kHour)});
  REQUIRE(events_of(e, "room.created").size() == 1);
  CHECK(events_of(e, "room.status_changed").empty());
  const EventOut& created = *events_of(e, "room.created")[0];
  CHECK(created.room_id == 7);
  CHECK(body_has(created, R"("type":"room.created")"));
  CHECK(body_has(created, R"("to":102)"));
  CHECK(body_has(created, R"("app":"shop","appid":"wx0123456789abcdef","room_id":7)"));
  REQUIRE(e.transitions.size() == 1);
  CHECK_FALSE(e.transitions[0].from.has_value());
  CHECK(e.transitions[0].event_id == created.id);
  REQUIRE(e.rooms.size() == 1);
  CHECK(e.rooms[0].status == kNotStarted);
}

TEST_CASE("every observed status change emits status_changed with codes and names") {
  const int chain[] = {kNotStarted, kLive, kPaused, kLive, kAbnormal, kLive, kEnded};
  AppEngine engine(settings());
  Millis now = kT0;
  observe(engine, now, {room(7, chain[0], kT0 + kHour, kT0 + 5 * kHour)});
  for (std::size_t i = 1; i < std::size(chain); ++i) {
    now += 10 * kMinute;
    const Effects e = observe(engine, now, {room(7, chain[i], kT0 + kHour, kT0 + 5 * kHour)});
    const auto changed = events_of(e, "room.status_changed");
    REQUIRE(changed.size() == 1);
    const std::string from = std::to_string(chain[i - 1]);
    const std::string to = std::to_string(chain[i]);
    CHECK(body_has(*changed[0], "\"from\":" + from + ",\"to\":" + to));
    CHECK(body_has(*changed[0], "\"from_name\":\"" + std::string(status_name(chain[i - 1])) + "\""));
    CHECK(body_has(*changed[0], "\"to_name\":\"" + std::string(status_name(chain[i])) + "\""));
    CHECK(body_has(*changed[0], R"("inferred":false,"reason":"observed")"));
    CHECK(body_has(*changed[0], "\"changed_at\":\"" + rfc3339_utc(now) + "\""));
    REQUIRE(e.transitions.size() == 1);
    CHECK(e.transitions[0].from == chain[i - 1]);
    CHECK(e.transitions[0].to == chain[i]);
    CHECK(engine.room_status(7) == chain[i]);
  }
}

TEST_CASE("a status change carries the last sighting with the old status as its lower bound") {
  AppEngine engine(settings());
  Millis now = kT0;
  const Effects first = observe(engine, now, {room(7, kNotStarted, kT0 + kHour, kT0 + 5 * kHour)});
  REQUIRE(first.transitions.size() == 1);
  CHECK_FALSE(first.transitions[0].after.has_value());
  now += 10 * kMinute;
  observe(engine, now, {room(7, kNotStarted, kT0 + kHour, kT0 + 5 * kHour)});
  const Millis last_not_started = now;
  now += 10 * kMinute;
  const Effects live = observe(engine, now, {room(7, kLive, kT0 + kHour, kT0 + 5 * kHour)});
  REQUIRE(live.transitions.size() == 1);
  CHECK(live.transitions[0].at == now);
  CHECK(live.transitions[0].after == last_not_started);
}

TEST_CASE("an unchanged room emits nothing") {
  AppEngine engine(settings());
  Millis t0 = kT0;
  Millis t1 = kT0 + 10 * kMinute;
  observe(engine, t0, {room(7, kLive, kT0, kT0 + kHour)});
  const Effects e = observe(engine, t1, {room(7, kLive, kT0, kT0 + kHour)});
  CHECK(e.events.empty());
  CHECK(e.transitions.empty());
}

TEST_CASE("a name or goods edit emits room.updated with the changed fields") {
  AppEngine engine(settings());
  Millis t0 = kT0;
  Millis t1 = kT0 + 10 * kMinute;
  observe(engine, t0, {room(7, kNotStarted, kT0 + kHour, kT0 + 2 * kHour, "Old")});
  RoomInfo edited = room(7, kNotStarted, kT0 + kHour, kT0 + 2 * kHour, "New");
  edited.goods_json = R"([{"name":"tea","price":100}])";
  const Effects e = observe(engine, t1, {edited});
  const auto updated = events_of(e, "room.updated");
  REQUIRE(updated.size() == 1);
  CHECK(body_has(*updated[0], R"("changed":["name","goods"])"));
  CHECK(body_has(*updated[0], R"("previous":{"name":"Old")"));
  CHECK(body_has(*updated[0], R"("goods":[{"name":"tea","price":100}])"));
  CHECK(events_of(e, "room.status_changed").empty());
}

TEST_CASE("103 then 101 is recorded as observed with a warning") {
  AppEngine engine(settings());
  Millis t0 = kT0;
  Millis t1 = kT0 + 10 * kMinute;
  observe(engine, t0, {room(7, kEnded, kT0 - 2 * kHour, kT0 - kHour)});
  const Effects e = observe(engine, t1, {room(7, kLive, kT0 - 2 * kHour, kT0 - kHour)});
  CHECK(events_of(e, "room.status_changed").size() == 1);
  REQUIRE(e.warnings.size() == 1);
  CHECK(e.warnings[0].msg == "status changed after a final status; recorded as observed");
  CHECK(*e.warnings[0].field("from") == Warning::Value(std::int64_t{103}));
  CHECK(*e.warnings[0].field("to_name") == Warning::Value(std::string("live")));
  CHECK(engine.room_status(7) == kLive);
}

TEST_CASE("an unknown status code is recorded as seen with a warning, never as a change") {
  AppEngine engine(settings());
  Millis t0 = kT0;
  Millis t1 = kT0 + 10 * kMinute;
  observe(engine, t0, {room(7, kLive, kT0, kT0 + kHour)});
  const Effects e = observe(engine, t1, {room(7, 120, kT0, kT0 + kHour)});
  CHECK(events_of(e, "room.status_changed").empty());
  REQUIRE_FALSE(e.warnings.empty());
  CHECK(e.warnings[0].msg == "unknown live_status; room recorded as seen, status unchanged");
  CHECK(*e.warnings[0].field("live_status") == Warning::Value(std::int64_t{120}));
  CHECK(engine.room_status(7) == kLive);
}

TEST_CASE("event ids are stable hashes and distinct within one millisecond") {
  AppEngine engine(settings());
  Millis t0 = kT0;
  const Effects e = observe(engine, t0, {room(1, kLive, kT0, kT0 + kHour), room(2, kLive, kT0, kT0 + kHour)});
  REQUIRE(e.events.size() == 2);
  CHECK(e.events[0].id != e.events[1].id);
  CHECK(e.events[0].id.rfind("evt_", 0) == 0);
  CHECK(e.events[0].id.size() == 36);
  CHECK(event_id("shop", "room.created", 1, kT0, 0, "{}") == event_id("shop", "room.created", 1, kT0, 0, "{}"));
  CHECK(event_id("shop", "room.created", 1, kT0, 0, "{}") != event_id("shop", "room.created", 1, kT0, 1, "{}"));
}

TEST_CASE("the webhook body carries type timestamp and the room object") {
  AppEngine engine(settings());
  Millis t0 = kT0;
  const Effects e = observe(engine, t0, {room(7, kLive, kT0, kT0 + kHour)});
  const EventOut& ev = e.events.at(0);
  CHECK(body_has(ev, "{\"type\":\"room.created\",\"timestamp\":\"" + rfc3339_utc(kT0) + "\",\"data\":{"));
  CHECK(body_has(ev, "\"room\":{\"name\":\"Room 7\",\"anchor_name\":\"Li\",\"start_time\":" +
                         std::to_string(unix_s(kT0)) + ",\"end_time\":" + std::to_string(unix_s(kT0 + kHour)) +
                         ",\"live_status\":101"));
}
