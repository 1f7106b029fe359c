// A WeChat answer that lies must not cost the day's quota or become events
// (issue 13): a total far above the rooms listed, the same rooms on every
// page, one room id several times in one page.
#include "engine_fixture.hpp"

using namespace engine_test;

namespace {

// Answers every list call of the engine with `answer` for `span` of virtual
// time; returns the list calls made.
std::int64_t run_against(AppEngine& engine, Millis from, Millis span,
                         const std::function<RoomListPage(const Call&)>& answer, Effects& all) {
  std::int64_t calls = 0;
  for (Millis now = from; now < from + span;) {
    Plan plan = engine.plan(now);
    all.append(std::move(plan.effects));
    if (!plan.call) {
      now = plan.wake_at;
      continue;
    }
    REQUIRE(plan.call->kind == Call::Kind::list);
    ++calls;
    all.append(engine.on_list_page(now, *plan.call, answer(*plan.call)));
  }
  return calls;
}

std::vector<RoomInfo> hundred_rooms(std::int64_t first_id) {
  std::vector<RoomInfo> rooms;
  for (std::int64_t i = 0; i < 100; ++i) rooms.push_back(room(first_id + i, kLive, kT0 - kHour, kT0 + 10 * kHour));
  return rooms;
}

}  // namespace

TEST_CASE("a total of a billion with the same 100 rooms on every page ends each sweep at its second page") {
  AppEngine engine(settings());
  Effects all;
  const auto liar = [](const Call&) {
    RoomListPage page;
    page.total = 1'000'000'000;
    page.rooms = hundred_rooms(1000);
    return page;
  };
  const std::int64_t calls = run_against(engine, kT0, kHour, liar, all);
  const std::int64_t sweeps = static_cast<std::int64_t>(engine.stats().sweeps);
  CHECK(sweeps >= 1);
  CHECK(calls <= 2 * sweeps);
  CHECK(engine.ledger().remaining(kT0 + kHour) >= 400);  // it spent 500 in two seconds before
  CHECK(events_of(all, "room.created").size() == 100);
  CHECK(events_of(all, "room.removed").empty());
}

TEST_CASE("a total beyond the budget is read only to max_sweep_share of the daily quota per sweep") {
  AppEngine engine(settings());
  Effects all;
  // Fresh ids on every page, as a list of a billion rooms would have.
  const auto endless = [](const Call& call) {
    RoomListPage page;
    page.total = 1'000'000'000;
    page.rooms = hundred_rooms(1'000'000 + call.start);
    return page;
  };
  Plan first = engine.plan(kT0);
  REQUIRE(first.call);
  std::int64_t pages = 0;
  std::optional<Call> call = first.call;
  while (call && call->kind == Call::Kind::list && (pages == 0 || call->start > 0)) {
    ++pages;
    all.append(engine.on_list_page(kT0, *call, endless(*call)));
    call = engine.plan(kT0).call;
  }
  CHECK(pages == 100);  // 0.2 x 500
  CHECK(engine.ledger().remaining(kT0) == 400);
}

TEST_CASE("one room id three times in one page is one room: created once, no status change") {
  AppEngine engine(settings());
  Plan plan = engine.plan(kT0);
  REQUIRE(plan.call);
  RoomListPage page;
  page.total = 3;
  page.rooms = {room(7, kLive, kT0 - kHour, kT0 + kHour), room(7, kPaused, kT0 - kHour, kT0 + kHour),
                room(7, kEnded, kT0 - kHour, kT0 + kHour)};
  const Effects out = engine.on_list_page(kT0, *plan.call, page);
  CHECK(events_of(out, "room.created").size() == 1);
  CHECK(events_of(out, "room.status_changed").empty());
  CHECK(engine.room_status(7) == kLive);
}

TEST_CASE("statuses outside 101-107 flapping poll after poll announce nothing and keep the last known status") {
  Driver d(settings());
  const std::vector<int> reported{101, -1, 0, 999, 12345, -1, 0, 103};
  std::size_t poll = 0;
  d.rooms_at = [&](Millis) {
    const int status = reported[std::min(poll, reported.size() - 1)];
    return std::vector<RoomInfo>{room(7, status, kT0 - kHour, kT0 + kHour)};
  };
  while (poll < reported.size()) {
    const std::size_t before = d.calls.size();
    d.step();
    if (d.calls.size() > before && d.calls.back().second.kind == Call::Kind::list) ++poll;
  }
  CHECK(events_of(d.all, "room.created").size() == 1);
  const auto changes = events_of(d.all, "room.status_changed");
  REQUIRE(changes.size() == 1);
  CHECK(body_has(*changes[0], R"("from":101,"to":103)"));
}
