#include <doctest/doctest.h>

#include <string>

#include "sample_data.hpp"
#include "temp_dir.hpp"

using namespace wxlived::store;
using namespace wxlived::store::testing;

namespace {

// The typical poll result: room 7 goes live, reported by one event to two
// endpoints, one list call spent.
Observation room_goes_live(std::string event_id, std::int64_t at_ms) {
  Observation observation;
  observation.app = "shop";
  observation.room_upserts.push_back(sample_room(7, 101, at_ms));
  observation.transitions.push_back(sample_transition(7, 102, 101, at_ms, event_id));
  observation.events.push_back(sample_event(event_id, 7, at_ms, {"crm", "erp"}));
  observation.quota = {QuotaIncrement{"2026-11-24", 1, 0, 0, 0, std::nullopt}};
  return observation;
}

std::int64_t count_rows(StateStore& store, const std::string& table) {
  auto q = must(store.database().query("SELECT count(*) FROM " + table));
  REQUIRE(must(q.step()));
  return q.int64(0);
}

}  // namespace

TEST_CASE("an observation commits room transition event deliveries and quota together") {
  TempDir dir;
  auto store = open_store(dir);
  auto committed = must(store.commit_observation(room_goes_live("evt-1", 1000)));
  REQUIRE(committed.event_seqs.size() == 1);

  auto room = must(store.room("shop", 7));
  REQUIRE(room.has_value());
  CHECK(*room == sample_room(7, 101, 1000));

  auto transitions = must(store.transitions("shop", 7));
  REQUIRE(transitions.size() == 1);
  CHECK(transitions[0].from_status == 102);
  CHECK(transitions[0].to_status == 101);
  CHECK(transitions[0].event_id == "evt-1");
  CHECK_FALSE(transitions[0].inferred);

  auto events = must(store.events());
  REQUIRE(events.size() == 1);
  CHECK(events[0].seq == committed.event_seqs[0]);
  CHECK(events[0].id == "evt-1");
  CHECK(events[0].room_id == 7);

  CHECK(must(store.deliveries()).size() == 2);
  CHECK(must(store.quota_day("shop", "2026-11-24")).list_calls == 1);
}

TEST_CASE("a transaction that fails midway leaves nothing") {
  TempDir dir;
  auto store = open_store(dir);
  must(store.commit_observation(room_goes_live("evt-1", 1000)));

  // Second event reuses evt-1: the store must undo the room change, the
  // transition, the first event, its deliveries and the quota increment.
  Observation observation;
  observation.app = "shop";
  observation.app_record = AppRecord{"shop", "wx1", AppState::ok, 2000, 2000};
  observation.room_upserts = {sample_room(7, 103, 2000), sample_room(8, 102, 2000)};
  observation.transitions.push_back(sample_transition(7, 101, 103, 2000, "evt-2"));
  observation.events.push_back(sample_event("evt-2", 7, 2000, {"crm", "erp"}));
  observation.events.push_back(sample_event("evt-1", 8, 2000, {"crm"}));
  observation.quota = {QuotaIncrement{"2026-11-24", 1, 1, 0, 0, 2000}};

  auto failed = store.commit_observation(observation);
  REQUIRE_FALSE(failed.has_value());
  CHECK(failed.error().code == SQLITE_CONSTRAINT_UNIQUE);
  CHECK(failed.error().sql.find("INSERT INTO events") != std::string::npos);

  CHECK(must(store.room("shop", 7))->status == 101);
  CHECK_FALSE(must(store.room("shop", 8)).has_value());
  CHECK(must(store.transitions("shop", 7)).size() == 1);
  CHECK(must(store.events()).size() == 1);
  CHECK(must(store.deliveries()).size() == 2);
  CHECK(must(store.quota_day("shop", "2026-11-24")) == QuotaDay{"shop", "2026-11-24", 1, 0, 0, 0, std::nullopt});
  CHECK(must(store.apps()).empty());
  CHECK(count_rows(store, "transitions") == 1);

  // And the connection is usable afterwards.
  must(store.commit_observation(room_goes_live("evt-3", 3000)));
  CHECK(must(store.events()).size() == 2);
}

TEST_CASE("habits committed with an observation are read back after the database is reopened") {
  TempDir dir;
  {
    auto store = open_store(dir);
    CHECK_FALSE(must(store.app_habits("shop")).has_value());
    Observation observation = room_goes_live("evt-1", 1000);
    observation.habits_json = R"({"version":1,"day":20416})";
    must(store.commit_observation(observation));
    // A later observation without habits leaves them as they are; one with
    // habits replaces them.
    must(store.commit_observation(room_goes_live("evt-2", 2000)));
    CHECK(must(store.app_habits("shop")) == std::optional<std::string>(R"({"version":1,"day":20416})"));
    Observation relearned;
    relearned.app = "shop";
    relearned.habits_json = R"({"version":1,"day":20417})";
    must(store.commit_observation(relearned));
  }
  auto store = open_store(dir);  // as after a restart of the daemon
  CHECK(must(store.app_habits("shop")) == std::optional<std::string>(R"({"version":1,"day":20417})"));
  CHECK_FALSE(must(store.app_habits("mall")).has_value());
  CHECK(count_rows(store, "app_habits") == 1);
  auto reader = open_reader(dir);
  CHECK(must(reader.app_habits("shop")) == std::optional<std::string>(R"({"version":1,"day":20417})"));
}

TEST_CASE("an observation whose commit fails stores no habits") {
  TempDir dir;
  auto store = open_store(dir);
  Observation first = room_goes_live("evt-1", 1000);
  first.habits_json = R"({"version":1,"day":1})";
  must(store.commit_observation(first));

  // A duplicate event id fails the commit after the habits were written in
  // the same transaction: neither the new habits nor anything else stays.
  Observation failing = room_goes_live("evt-1", 2000);
  failing.habits_json = R"({"version":1,"day":2})";
  auto failed = store.commit_observation(failing);
  REQUIRE_FALSE(failed.has_value());
  CHECK(failed.error().code == SQLITE_CONSTRAINT_UNIQUE);
  CHECK(must(store.app_habits("shop")) == std::optional<std::string>(R"({"version":1,"day":1})"));

  // The first habits of another app fail with their observation too.
  Observation other = room_goes_live("evt-1", 3000);
  other.app = "mall";
  other.habits_json = R"({"version":1,"day":3})";
  REQUIRE_FALSE(store.commit_observation(other).has_value());
  CHECK_FALSE(must(store.app_habits("mall")).has_value());
  CHECK(count_rows(store, "app_habits") == 1);
}

TEST_CASE("app names are every app with an apps row habits rooms or a quota day") {
  TempDir dir;
  auto store = open_store(dir);
  CHECK(must(store.app_names()).empty());
  must(store.set_app_state(AppRecord{"d-health", "wx1", AppState::auth_failed, 100, std::nullopt}));
  Observation habits;
  habits.app = "c-habits";
  habits.habits_json = "{}";
  must(store.commit_observation(habits));
  Observation rooms;
  rooms.app = "b-rooms";
  rooms.room_upserts.push_back(sample_room(1, 102, 100, "b-rooms"));
  rooms.room_upserts.push_back(sample_room(2, 102, 100, "b-rooms"));
  must(store.commit_observation(rooms));
  must(store.add_quota_calls("a-quota", "2026-11-24", QuotaKind::list, 1));
  must(store.add_quota_calls("b-rooms", "2026-11-24", QuotaKind::list, 1));
  CHECK(must(store.app_names()) == std::vector<std::string>{"a-quota", "b-rooms", "c-habits", "d-health"});
}

TEST_CASE("a room upsert keeps the first sighting and updates the rest") {
  TempDir dir;
  auto store = open_store(dir);
  Observation first;
  first.app = "shop";
  first.room_upserts.push_back(sample_room(7, 102, 1000));
  must(store.commit_observation(first));

  Observation later;
  later.app = "shop";
  RoomRecord removed = sample_room(7, 103, 5000);
  removed.removed_at_ms = 6000;
  later.room_upserts.push_back(removed);
  must(store.commit_observation(later));

  auto room = must(store.room("shop", 7));
  REQUIRE(room.has_value());
  CHECK(room->first_seen_ms == 1000);
  CHECK(room->last_seen_ms == 5000);
  CHECK(room->status == 103);
  CHECK(room->removed_at_ms == 6000);
}

TEST_CASE("rooms can be listed per app or all together") {
  TempDir dir;
  auto store = open_store(dir);
  Observation observation;
  observation.app = "shop";
  observation.room_upserts = {sample_room(9, 102, 1), sample_room(7, 101, 1), sample_room(3, 103, 1, "other")};
  must(store.commit_observation(observation));

  auto all = must(store.rooms());
  REQUIRE(all.size() == 3);
  CHECK(all[0].app == "other");
  CHECK(all[1].room_id == 7);
  CHECK(all[2].room_id == 9);
  CHECK(must(store.rooms("shop")).size() == 2);
  CHECK(must(store.rooms("nobody")).empty());
}

TEST_CASE("quota increments add up and persist across reopen") {
  TempDir dir;
  {
    auto store = open_store(dir);
    must(store.add_quota_calls("shop", "2026-11-24", QuotaKind::list, 3));
    must(store.add_quota_calls("shop", "2026-11-24", QuotaKind::replay, 2));
    must(store.add_quota_calls("shop", "2026-11-24", QuotaKind::token, 1));
    must(store.add_quota_calls("shop", "2026-11-24", QuotaKind::quota_error, 1));
    must(store.mark_quota_exhausted("shop", "2026-11-24", 5000));
    must(store.mark_quota_exhausted("shop", "2026-11-24", 9000));  // the first time is kept
    must(store.commit_observation(room_goes_live("evt-1", 6000)));
    must(store.add_quota_calls("shop", "2026-11-25", QuotaKind::list, 1));
  }
  auto reopened = open_store(dir);
  CHECK(must(reopened.quota_day("shop", "2026-11-24")) == QuotaDay{"shop", "2026-11-24", 4, 2, 1, 1, 5000});
  CHECK(must(reopened.quota_day("shop", "2026-11-25")).list_calls == 1);
  CHECK(must(reopened.quota_day("shop", "2026-11-26")) == QuotaDay{"shop", "2026-11-26", 0, 0, 0, 0, std::nullopt});
  CHECK(must(reopened.quota_days("2026-11-24")).size() == 1);
}

TEST_CASE("kv entries can be replaced and erased and read as absent once expired") {
  TempDir dir;
  auto store = open_store(dir);
  must(store.kv_put("token:shop", "t1", 10'000));
  CHECK(must(store.kv_get("token:shop", 9'999)) == std::optional<std::string>("t1"));
  CHECK_FALSE(must(store.kv_get("token:shop", 10'000)).has_value());
  must(store.kv_put("token:shop", "t2", std::nullopt));
  CHECK(must(store.kv_get("token:shop", 99'999)) == std::optional<std::string>("t2"));
  must(store.kv_erase("token:shop"));
  CHECK_FALSE(must(store.kv_get("token:shop", 0)).has_value());
}

TEST_CASE("app state changes are stored and replaced") {
  TempDir dir;
  auto store = open_store(dir);
  must(store.set_app_state(AppRecord{"shop", "wx1", AppState::auth_failed, 100, std::nullopt}));
  must(store.set_app_state(AppRecord{"shop", "wx1", AppState::ok, 200, 200}));
  auto apps = must(store.apps());
  REQUIRE(apps.size() == 1);
  CHECK(apps[0] == AppRecord{"shop", "wx1", AppState::ok, 200, 200});
  CHECK(must(store.app("shop")) == std::optional<AppRecord>(AppRecord{"shop", "wx1", AppState::ok, 200, 200}));
  CHECK_FALSE(must(store.app("mall")).has_value());
}

TEST_CASE("a read-only second connection sees the last committed state while a write transaction is open") {
  TempDir dir;
  auto writer = open_store(dir);
  must(writer.commit_observation(room_goes_live("evt-1", 1000)));

  auto tx = must(writer.database().begin_immediate());
  must(writer.database().run("UPDATE rooms SET status = 103 WHERE room_id = 7"));
  must(writer.database().run("DELETE FROM events"));

  auto reader = open_reader(dir);
  CHECK(must(reader.room("shop", 7))->status == 101);
  CHECK(must(reader.events()).size() == 1);
  CHECK(reader.database().read_only());
  CHECK_FALSE(reader.kv_put("k", "v", std::nullopt).has_value());

  must(tx.commit());
  CHECK(must(reader.room("shop", 7))->status == 103);
  CHECK(must(reader.events()).empty());
}
