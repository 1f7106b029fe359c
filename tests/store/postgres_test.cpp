// PostgreSQL only (test_store_pg): the schema the shared migrations give it,
// its text rules, a dropped connection, and the fleet's leases and fencing.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <map>
#include <string>
#include <thread>

#include "sample_data.hpp"
#include "temp_dir.hpp"
#include "wxlived/store/migrations.hpp"

using namespace wxlived::store;
using namespace wxlived::store::testing;

namespace {

using Columns = std::map<std::string, std::vector<std::string>>;

Columns postgres_columns(Database& db) {
  Columns columns;
  auto q = must(db.query("SELECT table_name, column_name FROM information_schema.columns "
                         "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"));
  while (must(q.step())) columns[q.text(0)].push_back(q.text(1));
  return columns;
}

Columns sqlite_columns(Database& db) {
  Columns columns;
  auto q = must(db.query("SELECT m.name, p.name FROM sqlite_schema m, pragma_table_info(m.name) p "
                         "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid"));
  while (must(q.step())) columns[q.text(0)].push_back(q.text(1));
  return columns;
}

// Room 7 of `app` goes live: one event to crm.
Observation room_goes_live(const std::string& app, const std::string& event_id) {
  Observation o;
  o.app = app;
  o.room_upserts.push_back(sample_room(7, 101, 1000, app));
  o.events.push_back(sample_event(event_id, 7, 1000, {"crm"}, app));
  o.quota = {QuotaIncrement{"2026-12-05", 1, 0, 0, 0, std::nullopt}};
  return o;
}

constexpr std::int64_t kLongTtl = 600'000;
constexpr std::chrono::milliseconds kLongLease{600'000};

}  // namespace

TEST_CASE("PostgreSQL gets the same tables and columns as SQLite from the same migrations") {
  TempDir dir;
  auto pg = open_store(dir);
  auto lite = must(StateStore::open(db_file(dir)));
  CHECK(must(schema_version(pg.database())) == latest_schema_version());
  CHECK(postgres_columns(pg.database()) == sqlite_columns(lite.database()));
}

TEST_CASE("migrating a PostgreSQL schema twice changes nothing and a newer one is refused") {
  TempDir dir;
  auto store = open_store(dir);
  must(apply_migrations(store.database()));
  auto count = must(store.database().query("SELECT count(*) FROM schema_version"));
  REQUIRE(must(count.step()));
  CHECK(count.int64(0) == latest_schema_version());
  must(store.database().run("INSERT INTO schema_version(version, applied_at_ms) VALUES (?1, 0)",
                            latest_schema_version() + 1));
  auto refused = StateStore::connect_postgresql(wxlived::testing::postgres_dsn_for(dir.path()));
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().message.find("newer than this build") != std::string::npos);
}

TEST_CASE("text that is not valid UTF-8 or holds NUL is stored with U+FFFD instead of failing the commit") {
  TempDir dir;
  auto store = open_store(dir);
  must(store.kv_put("answer", std::string("ok\xff\xfe end\0x", 10), std::nullopt));
  CHECK(must(store.kv_get("answer", 0)) == std::optional<std::string>("ok\xEF\xBF\xBD\xEF\xBF\xBD end\xEF\xBF\xBDx"));
  must(store.kv_put("chinese", "直播中", std::nullopt));
  CHECK(must(store.kv_get("chinese", 0)) == std::optional<std::string>("直播中"));
}

TEST_CASE("a dropped PostgreSQL connection fails one statement and is re-established for the next") {
  TempDir dir;
  auto store = open_store(dir);
  auto admin = must(Database::connect_postgresql(wxlived::testing::postgres_base_dsn()));
  auto pid = must(store.database().query("SELECT pg_backend_pid()"));
  REQUIRE(must(pid.step()));
  const auto backend = pid.int64(0);
  must(admin.run("SELECT pg_terminate_backend(?1::int)", backend));
  CHECK_FALSE(store.kv_put("k", "v", std::nullopt).has_value());
  must(store.kv_put("k", "v", std::nullopt));
  CHECK(must(store.kv_get("k", 0)) == std::optional<std::string>("v"));
}

TEST_CASE("an app's lease is held by one owner until it expires or is released, and its epoch grows") {
  TempDir dir;
  auto a = open_store(dir);
  auto b = open_store(dir);
  must(a.join_fleet("a", kLongLease));
  must(b.join_fleet("b", kLongLease));
  CHECK(must(a.acquire_lease("shop", kLongTtl)) == std::optional<std::int64_t>(1));
  CHECK_FALSE(must(b.acquire_lease("shop", kLongTtl)).has_value());
  CHECK(must(a.renew_leases(kLongTtl)) == std::vector<std::string>{"shop"});
  must(a.release_lease("shop"));
  CHECK(must(a.renew_leases(kLongTtl)).empty());
  CHECK(must(b.acquire_lease("shop", kLongTtl)) == std::optional<std::int64_t>(2));
  // A lease that lapsed (ttl 0) goes to whoever asks next, with a new epoch.
  CHECK(must(a.acquire_lease("mall", 0)) == std::optional<std::int64_t>(1));
  CHECK(must(b.acquire_lease("mall", kLongTtl)) == std::optional<std::int64_t>(2));
  CHECK(must(a.renew_leases(kLongTtl)).empty());
  const auto leases = must(a.leases());
  REQUIRE(leases.size() == 2);
  CHECK(leases[0].app == "mall");
  CHECK(leases[0].owner == "b");
  CHECK(leases[1].owner == "b");
}

TEST_CASE("a daemon whose lease was taken over commits nothing for that app") {
  TempDir dir;
  auto a = open_store(dir);
  auto b = open_store(dir);
  must(a.join_fleet("a", kLongLease));
  must(b.join_fleet("b", kLongLease));
  REQUIRE(must(a.acquire_lease("shop", 0)));  // expires at once: as after a long pause
  REQUIRE(must(b.acquire_lease("shop", kLongTtl)));

  auto refused = a.commit_observation(room_goes_live("shop", "evt-a"));
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().lease_lost);
  CHECK(refused.error().message.find("lease of app shop lost") != std::string::npos);
  CHECK_FALSE(must(a.room("shop", 7)).has_value());
  CHECK(must(a.events()).empty());
  CHECK(must(a.quota_day("shop", "2026-12-05")).list_calls == 0);
  CHECK(a.add_quota_calls("shop", "2026-12-05", QuotaKind::list, 1).error().lease_lost);
  CHECK(a.set_app_state(AppRecord{"shop", "wx1", AppState::ok, 1, 1}).error().lease_lost);
  CHECK(a.put_app_schedule(AppSchedule{"shop", 1, "{}"}).error().lease_lost);
  CHECK(must(a.quota_day("shop", "2026-12-05")).list_calls == 0);

  must(b.commit_observation(room_goes_live("shop", "evt-b")));
  CHECK(must(b.events()).size() == 1);
}

TEST_CASE("a takeover waits for the fenced write in progress, so the old owner's last commit comes first") {
  TempDir dir;
  auto a = open_store(dir);
  auto b = open_store(dir);
  must(a.join_fleet("a", kLongLease));
  must(b.join_fleet("b", kLongLease));
  REQUIRE(must(a.acquire_lease("shop", 2000)));
  // a's write has checked its lease (share lock held) and not committed yet.
  auto tx = must(a.database().begin_immediate());
  must(a.database().run("SELECT epoch FROM app_leases WHERE app = 'shop' FOR SHARE"));
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));  // the lease is now expired
  auto takeover = std::async(std::launch::async, [&] { return b.acquire_lease("shop", kLongTtl); });
  CHECK(takeover.wait_for(std::chrono::milliseconds(300)) == std::future_status::timeout);
  must(tx.commit());
  auto epoch = takeover.get();
  REQUIRE(epoch.has_value());
  CHECK(*epoch == std::optional<std::int64_t>(2));
}

TEST_CASE("in a fleet a daemon is due only the deliveries of apps it holds, and of apps nobody leases") {
  TempDir dir;
  auto a = open_store(dir);
  auto b = open_store(dir);
  must(a.join_fleet("a", kLongLease));
  must(b.join_fleet("b", kLongLease));
  REQUIRE(must(a.acquire_lease("shop", kLongTtl)));
  REQUIRE(must(b.acquire_lease("mall", kLongTtl)));
  must(a.commit_observation(room_goes_live("shop", "evt-shop")));
  must(b.commit_observation(room_goes_live("mall", "evt-mall")));
  NewEvent test_event = sample_event("evt-test", std::nullopt, 1000, {"crm"}, "");
  test_event.type = "webhook.test";
  must(a.append_event(test_event));

  const auto ids = [](const std::vector<DueDelivery>& due) {
    std::vector<std::string> out;
    for (const auto& d : due) out.push_back(d.event.id);
    std::sort(out.begin(), out.end());
    return out;
  };
  CHECK(ids(must(a.due_deliveries(5000, 10))) == std::vector<std::string>{"evt-shop", "evt-test"});
  CHECK(ids(must(b.due_deliveries(5000, 10))) == std::vector<std::string>{"evt-mall", "evt-test"});
  must(b.leave_fleet());
  CHECK(must(b.leases())[0].expires_at_ms == 0);
  REQUIRE(must(a.acquire_lease("mall", kLongTtl)));
  CHECK(ids(must(a.due_deliveries(5000, 10))) == std::vector<std::string>{"evt-mall", "evt-shop", "evt-test"});
}

TEST_CASE("the fleet's heartbeats list the daemons alive, oldest first, and a clean leave removes one") {
  TempDir dir;
  auto a = open_store(dir);
  auto b = open_store(dir);
  must(a.join_fleet("a", kLongLease));
  must(b.join_fleet("b", kLongLease));
  CHECK(must(a.fleet_heartbeat("node-1", 100, kLongTtl)).size() == 1);
  const auto members = must(b.fleet_heartbeat("node-2", 200, kLongTtl));
  REQUIRE(members.size() == 2);
  CHECK(members[0].owner == "a");
  CHECK(members[1].node == "node-2");
  must(a.leave_fleet());
  CHECK(must(b.fleet_heartbeat("node-2", 200, kLongTtl)).size() == 1);
  // A member that stops beating (ttl 0 here) is no longer counted.
  CHECK(must(a.fleet_heartbeat("node-1", 100, 0)).size() == 1);
}

TEST_CASE("a member paused inside a fenced write loses its session after the lease and the takeover goes on") {
  TempDir dir;
  auto a = open_store(dir);
  auto b = open_store(dir);
  must(a.join_fleet("a", std::chrono::milliseconds(1000)));
  must(b.join_fleet("b", kLongLease));
  REQUIRE(must(a.acquire_lease("shop", 1000)));
  {
    // a checked its lease (the share lock) and then stopped answering.
    auto tx = must(a.database().begin_immediate());
    must(a.database().run("SELECT epoch FROM app_leases WHERE app = 'shop' FOR SHARE"));
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // past the lease and the idle limit
    // The server ended a's session: b takes the app without waiting for a.
    const auto taken = must(b.acquire_leases({"shop"}, 1, kLongTtl));
    REQUIRE(taken.size() == 1);
    CHECK(taken[0].second == 2);
    CHECK_FALSE(tx.commit().has_value());
  }
  // Back, a reconnects, and its write for the app is refused.
  auto refused = a.commit_observation(room_goes_live("shop", "evt-a"));
  if (refused) FAIL("a commit of a lost lease went through");
  if (!refused.error().lease_lost) {
    // The first statement after the server ended the session may fail for that reason instead.
    refused = a.commit_observation(room_goes_live("shop", "evt-a"));
    REQUIRE_FALSE(refused.has_value());
  }
  CHECK(refused.error().lease_lost);
  CHECK(must(b.events()).empty());
}
