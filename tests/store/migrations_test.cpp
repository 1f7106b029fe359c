#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "sample_data.hpp"
#include "temp_dir.hpp"
#include "wxlived/store/migrations.hpp"

using namespace wxlived::store;
using namespace wxlived::store::testing;

namespace {

// Representative data as a database at version N (index N-1) holds it: SQL
// valid against that schema only. Adding migration N+1 means adding a seed
// for version N here (the test below insists).
// Every seed has room 1000+N of app "old" and a quota row, checked after upgrade.
const std::vector<std::string> kSeedAtVersion = {
    // version 1: room state, ledger, kv
    "INSERT INTO apps(name, appid, state, state_since_ms) VALUES ('old', 'wxold', 'ok', 1);"
    "INSERT INTO rooms(app, room_id, status, status_since_ms, snapshot_json, first_seen_ms, last_seen_ms) "
    "  VALUES ('old', 1001, 101, 10, '{\"roomid\":1001}', 5, 10);"
    "INSERT INTO transitions(app, room_id, from_status, to_status, at_ms, reason, inferred) "
    "  VALUES ('old', 1001, 102, 101, 10, 'observed', 0);"
    "INSERT INTO quota_ledger(app, day, list_calls) VALUES ('old', '2026-11-24', 7);"
    "INSERT INTO kv(key, value) VALUES ('token:old', 'abc');",
    // version 2: + the outbox (events, deliveries, endpoints)
    "INSERT INTO apps(name, appid, state, state_since_ms) VALUES ('old', 'wxold', 'ok', 1);"
    "INSERT INTO rooms(app, room_id, status, status_since_ms, snapshot_json, first_seen_ms, last_seen_ms) "
    "  VALUES ('old', 1002, 101, 10, '{\"roomid\":1002}', 5, 10);"
    "INSERT INTO transitions(app, room_id, from_status, to_status, at_ms, reason, inferred, event_id) "
    "  VALUES ('old', 1002, 102, 101, 10, 'observed', 0, 'evt-old');"
    "INSERT INTO quota_ledger(app, day, list_calls) VALUES ('old', '2026-11-24', 7);"
    "INSERT INTO kv(key, value) VALUES ('token:old', 'abc');"
    "INSERT INTO events(id, type, app, room_id, body_json, created_at_ms) "
    "  VALUES ('evt-old', 'room.status_changed', 'old', 1002, '{}', 10);"
    "INSERT INTO deliveries(event_seq, endpoint, app, room_id, state, attempts, queued_at_ms, next_attempt_at_ms, "
    "  delivered_at_ms) VALUES (1, 'crm', 'old', 1002, 'delivered', 1, 10, 10, 11);"
    "INSERT INTO endpoints(name, disabled_at_ms, disabled_reason) VALUES ('gone', 12, '410 Gone');",
    // version 3: + app habits
    "INSERT INTO apps(name, appid, state, state_since_ms) VALUES ('old', 'wxold', 'ok', 1);"
    "INSERT INTO rooms(app, room_id, status, status_since_ms, snapshot_json, first_seen_ms, last_seen_ms) "
    "  VALUES ('old', 1003, 101, 10, '{\"roomid\":1003}', 5, 10);"
    "INSERT INTO transitions(app, room_id, from_status, to_status, at_ms, reason, inferred, event_id) "
    "  VALUES ('old', 1003, 102, 101, 10, 'observed', 0, 'evt-old');"
    "INSERT INTO quota_ledger(app, day, list_calls) VALUES ('old', '2026-11-24', 7);"
    "INSERT INTO kv(key, value) VALUES ('token:old', 'abc');"
    "INSERT INTO events(id, type, app, room_id, body_json, created_at_ms) "
    "  VALUES ('evt-old', 'room.status_changed', 'old', 1003, '{}', 10);"
    "INSERT INTO app_habits(app, habits_json) VALUES ('old', '{\"version\":1}');",
    // version 4: + transitions.after_ms
    "INSERT INTO apps(name, appid, state, state_since_ms) VALUES ('old', 'wxold', 'ok', 1);"
    "INSERT INTO rooms(app, room_id, status, status_since_ms, snapshot_json, first_seen_ms, last_seen_ms) "
    "  VALUES ('old', 1004, 101, 10, '{\"roomid\":1004}', 5, 10);"
    "INSERT INTO transitions(app, room_id, from_status, to_status, at_ms, reason, inferred, event_id, after_ms) "
    "  VALUES ('old', 1004, 102, 101, 10, 'observed', 0, 'evt-old', 8);"
    "INSERT INTO quota_ledger(app, day, list_calls) VALUES ('old', '2026-11-24', 7);"
    "INSERT INTO kv(key, value) VALUES ('token:old', 'abc');"
    "INSERT INTO app_habits(app, habits_json) VALUES ('old', '{\"version\":1}');",
    // version 5: + app_schedule
    "INSERT INTO apps(name, appid, state, state_since_ms) VALUES ('old', 'wxold', 'ok', 1);"
    "INSERT INTO rooms(app, room_id, status, status_since_ms, snapshot_json, first_seen_ms, last_seen_ms) "
    "  VALUES ('old', 1005, 101, 10, '{\"roomid\":1005}', 5, 10);"
    "INSERT INTO transitions(app, room_id, from_status, to_status, at_ms, reason, inferred, event_id, after_ms) "
    "  VALUES ('old', 1005, 102, 101, 10, 'observed', 0, 'evt-old', 8);"
    "INSERT INTO quota_ledger(app, day, list_calls) VALUES ('old', '2026-11-24', 7);"
    "INSERT INTO kv(key, value) VALUES ('token:old', 'abc');"
    "INSERT INTO app_schedule(app, written_at_ms, outlook_json) VALUES ('old', 10, '{}');"
    "INSERT INTO events(id, type, app, room_id, body_json, created_at_ms) "
    "  VALUES ('evt-old', 'room.status_changed', 'old', 1005, '{}', 10);"
    "INSERT INTO deliveries(event_seq, endpoint, app, room_id, state, attempts, queued_at_ms, next_attempt_at_ms, "
    "  last_status, last_error) VALUES (1, 'crm', 'old', 1005, 'failed', 1, 10, 20, 503, 'HTTP 503');",
    // version 6: + deliveries.last_latency_ms, last_answer
    "INSERT INTO apps(name, appid, state, state_since_ms) VALUES ('old', 'wxold', 'ok', 1);"
    "INSERT INTO rooms(app, room_id, status, status_since_ms, snapshot_json, first_seen_ms, last_seen_ms) "
    "  VALUES ('old', 1006, 101, 10, '{\"roomid\":1006}', 5, 10);"
    "INSERT INTO transitions(app, room_id, from_status, to_status, at_ms, reason, inferred, event_id, after_ms) "
    "  VALUES ('old', 1006, 102, 101, 10, 'observed', 0, 'evt-old', 8);"
    "INSERT INTO quota_ledger(app, day, list_calls) VALUES ('old', '2026-11-24', 7);"
    "INSERT INTO kv(key, value) VALUES ('token:old', 'abc');"
    "INSERT INTO events(id, type, app, room_id, body_json, created_at_ms) "
    "  VALUES ('evt-old', 'room.status_changed', 'old', 1006, '{}', 10);"
    "INSERT INTO deliveries(event_seq, endpoint, app, room_id, state, attempts, queued_at_ms, next_attempt_at_ms, "
    "  last_status, last_error, last_latency_ms, last_answer) "
    "  VALUES (1, 'crm', 'old', 1006, 'failed', 1, 10, 20, 503, 'HTTP 503', 12, 'down');",
};

std::string file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<std::string> table_names(Database& db) {
  std::vector<std::string> names;
  auto q = must(db.query("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name"));
  while (must(q.step())) {
    names.push_back(q.text(0));
  }
  return names;
}

}  // namespace

TEST_CASE("migrations are numbered 1 to N without gaps") {
  int expected = 1;
  for (const Migration& migration : migrations()) {
    CHECK(migration.version == expected);
    ++expected;
  }
  CHECK(latest_schema_version() == expected - 1);
}

TEST_CASE("a fresh database gets the latest schema") {
  TempDir dir;
  auto store = open_store(dir);
  CHECK(must(schema_version(store.database())) == latest_schema_version());
  const std::vector<std::string> expected = {
      "app_habits",   "app_leases", "app_schedule",   "apps",           "deliveries",      "endpoints",  "events",
      "fleet_members", "kv",        "quota_ledger",   "rooms",          "schema_version", "sqlite_sequence",
      "transitions"};
  CHECK(table_names(store.database()) == expected);
}

TEST_CASE("opening an up-to-date database again applies nothing") {
  TempDir dir;
  { auto first = open_store(dir); }
  auto again = open_store(dir);
  auto count = must(again.database().query("SELECT count(*) FROM schema_version"));
  REQUIRE(must(count.step()));
  CHECK(count.int64(0) == latest_schema_version());
  must(apply_migrations(again.database()));
  CHECK(must(schema_version(again.database())) == latest_schema_version());
}

TEST_CASE("a database at every older version migrates with its data intact") {
  REQUIRE_MESSAGE(kSeedAtVersion.size() >= static_cast<std::size_t>(latest_schema_version() - 1),
                  "add a seed for the previous latest version");
  for (int version = 1; version < latest_schema_version(); ++version) {
    CAPTURE(version);
    TempDir dir;
    {
      auto db = must(Database::open(db_file(dir)));
      must(apply_migrations(db, version));
      REQUIRE(must(schema_version(db)) == version);
      must(db.exec(kSeedAtVersion.at(static_cast<std::size_t>(version - 1))));
    }
    auto store = open_store(dir);
    CHECK(must(schema_version(store.database())) == latest_schema_version());
    auto room = must(store.room("old", 1000 + version));
    REQUIRE(room.has_value());
    CHECK(room->status == 101);
    CHECK(room->first_seen_ms == 5);
    CHECK(must(store.quota_day("old", "2026-11-24")).list_calls == 7);
    CHECK(must(store.kv_get("token:old", 0)) == std::optional<std::string>("abc"));
    CHECK(must(store.transitions("old", 1000 + version)).size() == 1);
    // The upgraded database takes new writes of every kind.
    const auto deliveries_before = must(store.deliveries()).size();
    commit_room_event(store, "after-upgrade", 1000 + version, 20, {"crm"});
    CHECK(must(store.deliveries()).size() == deliveries_before + 1);
  }
}

TEST_CASE("the habits migration keeps the outbox and app state of a version 2 database") {
  TempDir dir;
  {
    auto db = must(Database::open(db_file(dir)));
    must(apply_migrations(db, 2));
    must(db.exec(kSeedAtVersion.at(1)));
  }
  auto store = open_store(dir);
  CHECK(must(schema_version(store.database())) == latest_schema_version());
  // The version 2 data, as it was.
  const auto apps = must(store.apps());
  REQUIRE(apps.size() == 1);
  CHECK(apps[0] == AppRecord{"old", "wxold", AppState::ok, 1, std::nullopt});
  const auto events = must(store.events());
  REQUIRE(events.size() == 1);
  CHECK(events[0].id == "evt-old");
  const auto deliveries = must(store.deliveries());
  REQUIRE(deliveries.size() == 1);
  CHECK(deliveries[0].state == DeliveryState::delivered);
  CHECK(deliveries[0].delivered_at_ms == 11);
  const auto endpoints = must(store.endpoints());
  REQUIRE(endpoints.size() == 1);
  CHECK(endpoints[0].disabled_reason == std::optional<std::string>("410 Gone"));
  CHECK(must(store.transitions("old", 1002)).at(0).event_id == std::optional<std::string>("evt-old"));
  // No habits yet: the engine starts "old" from the prior; then they can be stored.
  CHECK_FALSE(must(store.app_habits("old")).has_value());
  CHECK(must(store.app_names()) == std::vector<std::string>{"old"});
  Observation learned;
  learned.app = "old";
  learned.habits_json = R"({"version":1})";
  must(store.commit_observation(learned));
  CHECK(must(store.app_habits("old")) == std::optional<std::string>(R"({"version":1})"));
}

TEST_CASE("the transitions lower bound migration leaves old rows without one and stores it for new rows") {
  TempDir dir;
  {
    auto db = must(Database::open(db_file(dir)));
    must(apply_migrations(db, 3));
    must(db.exec(kSeedAtVersion.at(2)));
  }
  auto store = open_store(dir);
  CHECK(must(schema_version(store.database())) == latest_schema_version());
  const auto old_rows = must(store.transitions("old", 1003));
  REQUIRE(old_rows.size() == 1);
  CHECK(old_rows[0].at_ms == 10);
  CHECK_FALSE(old_rows[0].after_ms.has_value());
  CHECK(must(store.app_habits("old")) == std::optional<std::string>(R"({"version":1})"));

  Observation seen;
  seen.app = "old";
  TransitionRecord paused = sample_transition(1003, 101, 105, 40, "evt-paused");
  paused.app = "old";
  paused.after_ms = 25;
  seen.transitions.push_back(paused);
  must(store.commit_observation(seen));
  const auto rows = must(store.transitions("old", 1003));
  REQUIRE(rows.size() == 2);
  CHECK(rows[1].at_ms == 40);
  CHECK(rows[1].after_ms == std::optional<std::int64_t>(25));
}

TEST_CASE("a database newer than this build is refused and left untouched") {
  TempDir dir;
  {
    auto store = open_store(dir);
    must(store.database().run("INSERT INTO schema_version(version, applied_at_ms) VALUES (?1, 0)",
                              latest_schema_version() + 1));
  }
  const std::string before = file_bytes(db_file(dir));

  auto refused = StateStore::open(db_file(dir));
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().message.find("newer than this build") != std::string::npos);
  CHECK(refused.error().message.find(std::to_string(latest_schema_version() + 1)) != std::string::npos);

  auto refused_reader = StateStore::open_readonly(db_file(dir));
  REQUIRE_FALSE(refused_reader.has_value());
  CHECK(refused_reader.error().message.find("newer than this build") != std::string::npos);

  CHECK(file_bytes(db_file(dir)) == before);
}

TEST_CASE("a read-only opener refuses an older schema it cannot migrate") {
  TempDir dir;
  {
    auto db = must(Database::open(db_file(dir)));
    must(apply_migrations(db, latest_schema_version() - 1));
  }
  auto reader = StateStore::open_readonly(db_file(dir));
  REQUIRE_FALSE(reader.has_value());
  CHECK(reader.error().message.find("older") != std::string::npos);
}

TEST_CASE("another program's SQLite file is refused, neither read nor migrated") {
  TempDir dir;
  {
    auto db = must(Database::open(db_file(dir)));
    must(db.exec("CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers VALUES (1, 'a');"));
  }

  auto writer = StateStore::open(db_file(dir));
  REQUIRE_FALSE(writer.has_value());
  CHECK(writer.error().message.find("not a wxlived database") != std::string::npos);
  auto reader = StateStore::open_readonly(db_file(dir));
  REQUIRE_FALSE(reader.has_value());
  CHECK(reader.error().message.find("not a wxlived database") != std::string::npos);

  auto db = must(Database::open(db_file(dir)));
  CHECK(table_names(db) == std::vector<std::string>{"customers"});
}

TEST_CASE("an app's schedule is replaced in place and dropped with the app") {
  TempDir dir;
  auto store = open_store(dir);
  must(store.put_app_schedule(AppSchedule{"shop", 10, R"({"v":1})"}));
  must(store.put_app_schedule(AppSchedule{"mall", 11, R"({"v":2})"}));
  must(store.put_app_schedule(AppSchedule{"shop", 12, R"({"v":3})"}));
  CHECK(must(store.app_schedules()) ==
        std::vector<AppSchedule>{{"mall", 11, R"({"v":2})"}, {"shop", 12, R"({"v":3})"}});
  CHECK(must(store.app_schedules("shop")) == std::vector<AppSchedule>{{"shop", 12, R"({"v":3})"}});
  must(store.drop_app_schedule("shop"));
  CHECK(must(store.app_schedules()).size() == 1);
}

TEST_CASE("migration 6 keeps a version 5 delivery, its latency and answer unknown until the next attempt") {
  TempDir dir;
  {
    auto db = must(Database::open(db_file(dir)));
    must(apply_migrations(db, 5));
    must(db.exec(kSeedAtVersion.at(4)));
  }
  auto store = open_store(dir);
  auto before = must(store.attempt_report(1, "crm"));
  REQUIRE(before.has_value());
  CHECK(before->state == DeliveryState::failed);
  CHECK(before->attempts == 1);
  CHECK(before->last_status == 503);
  CHECK_FALSE(before->last_latency_ms.has_value());
  CHECK_FALSE(before->last_answer.has_value());
  DeliveryAttempt attempt;
  attempt.event_seq = 1;
  attempt.endpoint = "crm";
  attempt.new_state = DeliveryState::delivered;
  attempt.status = 204;
  attempt.now_ms = 30;
  attempt.latency_ms = 12;
  attempt.answer = "";
  must(store.record_delivery_attempt(attempt));
  const auto after = must(store.attempt_report(1, "crm"));
  REQUIRE(after.has_value());
  CHECK(after->state == DeliveryState::delivered);
  CHECK(after->attempts == 2);
  CHECK(after->last_latency_ms == 12);
  CHECK(after->last_answer == "");
  CHECK_FALSE(must(store.attempt_report(1, "nobody")).has_value());
}
