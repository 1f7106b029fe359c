// The operator's outlook (outlook.hpp): what plan() intends next and why,
// from the same values the decision used.
#include "engine_fixture.hpp"

using namespace engine_test;

namespace {

// One sweep answered with `rooms`; returns the idle plan after it.
Plan after_first_sweep(AppEngine& engine, const std::vector<RoomInfo>& rooms, Millis now) {
  Plan p = engine.plan(now);
  REQUIRE(p.call);
  engine.on_list_page(now, *p.call, page_of(rooms, 0, 100));
  return engine.plan(now + kSecond);
}

}  // namespace

TEST_CASE("the first plan's outlook is the first sweep, now, with the budget before and after it") {
  AppEngine engine(settings(500));
  const Plan p = engine.plan(kT0);
  REQUIRE(p.call);
  REQUIRE(p.outlook);
  CHECK(p.outlook->reason == OutlookReason::first_sweep);
  CHECK(p.outlook->call == "list");
  CHECK(p.outlook->at == kT0);
  CHECK(p.outlook->daily_limit == 500);
  CHECK(p.outlook->used_today == 1);
  CHECK(p.outlook->budget_left == 499);
  CHECK(p.outlook->policy == "adaptive");
}

TEST_CASE("an idle plan's outlook names the next sweep, its time and the rooms likely to change") {
  AppEngine engine(settings(500));
  const Plan p = after_first_sweep(engine, {room(7, kLive, kT0 - kHour, kT0 + 10 * kMinute)}, kT0);
  REQUIRE_FALSE(p.call);
  REQUIRE(p.outlook);
  CHECK(p.outlook->call == "list");
  CHECK(p.outlook->at > kT0);
  CHECK(p.outlook->at >= p.wake_at);
  CHECK(p.outlook->reason == OutlookReason::likely_change);
  CHECK(p.outlook->rooms == std::vector<std::int64_t>{7});
  REQUIRE(p.outlook->sweeps_left);
  CHECK(*p.outlook->sweeps_left > 0);
  REQUIRE(p.outlook->even_interval);
  CHECK(*p.outlook->even_interval > 0);
  CHECK(p.outlook->last_sweep == kT0);
}

TEST_CASE("a room planned for days ahead leaves the outlook quiet with no room named") {
  AppEngine engine(settings(500));
  const Plan p = after_first_sweep(engine, {room(3, kNotStarted, kT0 + 3 * kDay, kT0 + 3 * kDay + kHour)}, kT0);
  REQUIRE(p.outlook);
  CHECK(p.outlook->reason == OutlookReason::quiet);
  CHECK(p.outlook->rooms.empty());
}

TEST_CASE("an ended room's replay check comes before the next sweep and names the room") {
  AppEngine engine(settings(500));
  const Plan p = after_first_sweep(engine, {room(3, kEnded, kT0 - 3 * kHour, kT0 - kHour)}, kT0);
  REQUIRE(p.outlook);
  CHECK(p.outlook->reason == OutlookReason::replay_check);
  CHECK(p.outlook->call == "replay");
  CHECK(p.outlook->rooms == std::vector<std::int64_t>{3});
  CHECK(p.outlook->at == p.wake_at);
}

TEST_CASE("a 106 room's outlook names its rule deadline and the room") {
  AppEngine engine(settings(500));
  Plan p = engine.plan(kT0);
  engine.on_list_page(kT0, *p.call, page_of({room(8, kLive, kT0 - kHour, kT0 + 3 * kHour)}, 0, 100));
  // Seen abnormal a minute later: the rule fires 15 minutes after the onset at the latest.
  const Millis seen = kT0 + 2 * kMinute;
  p = engine.plan(seen);
  REQUIRE(p.call);
  engine.on_list_page(seen, *p.call, page_of({room(8, kAbnormal, kT0 - kHour, kT0 + 3 * kHour)}, 0, 100));
  // Walk the idle plans until the outlook is the deadline's confirmation.
  std::optional<Outlook> deadline;
  for (Millis t = seen + kSecond; t < seen + 20 * kMinute && !deadline; t += kMinute) {
    p = engine.plan(t);
    if (p.call) {
      engine.on_list_page(t, *p.call, page_of({room(8, kAbnormal, kT0 - kHour, kT0 + 3 * kHour)}, 0, 100));
      continue;
    }
    if (p.outlook && p.outlook->reason == OutlookReason::rule_deadline) deadline = p.outlook;
  }
  REQUIRE(deadline);
  CHECK(deadline->rooms == std::vector<std::int64_t>{8});
  REQUIRE(deadline->deadline);
  CHECK(*deadline->deadline == seen + 15 * kMinute);
}

TEST_CASE("after 45009 the outlook waits for the Beijing midnight reset") {
  AppEngine engine(settings(500));
  const Plan p = engine.plan(kT0);
  engine.on_failure(kT0, *p.call, ApiError{Outcome::quota_exhausted, 45009, 0, "reach max api daily quota limit"});
  const Plan idle = engine.plan(kT0 + kSecond);
  REQUIRE_FALSE(idle.call);
  REQUIRE(idle.outlook);
  CHECK(idle.outlook->reason == OutlookReason::quota_exhausted);
  CHECK(idle.outlook->at == next_beijing_midnight(kT0));
  CHECK(idle.outlook->resets_at == next_beijing_midnight(kT0));
  CHECK(idle.outlook->budget_left == 0);
}

TEST_CASE("an outlook survives its JSON round trip and unknown text is refused") {
  Outlook o;
  o.computed_at = kT0;
  o.call = "replay";
  o.at = kT0 + kMinute;
  o.reason = OutlookReason::replay_check;
  o.rooms = {1, 2};
  o.deadline = kT0 + 2 * kMinute;
  o.policy = "steady";
  o.daily_limit = 500;
  o.limit_known = false;
  o.used_today = 12;
  o.budget_left = 488;
  o.resets_at = kT0 + kDay;
  o.last_sweep = kT0 - kMinute;
  o.sweeps_left = 40;
  o.even_interval = 5 * kMinute;
  CHECK(outlook_from_json(outlook_to_json(o)) == o);
  CHECK_FALSE(outlook_from_json("{}"));
  CHECK_FALSE(outlook_from_json(R"({"call":"list","reason":"because","computed_at_ms":1,"at_ms":2})"));
  CHECK_FALSE(outlook_from_json("not json"));
}
