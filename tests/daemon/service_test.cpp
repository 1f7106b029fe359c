// `wxlived run` as systemd sees it: the notify sequence through a real
// NOTIFY_SOCKET, watchdog pings, SIGHUP reloads that add, change and remove
// apps (and a bad reload that changes nothing), SIGTERM exit 0. Real
// wxlive-fakewx processes, the real daemon binary, a real SQLite file.
#include <doctest/doctest.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "fakewx/fakewx_process.hpp"
#include "support/eventually.hpp"
#include "support/child_process.hpp"
#include "support/notify_listener.hpp"
#include "support/run_process.hpp"
#include "support/temp_dir.hpp"
#include "wxlived/store/state_store.hpp"

using namespace std::chrono_literals;
using wxlived::fakewx::testing::RoomText;
using wxlived::fakewx::testing::RunningFakewx;
using wxlived::fakewx::testing::ScenarioText;
using wxlived::testing::ChildProcess;
using wxlived::testing::NotifyListener;
using wxlived::testing::TempDir;

namespace {

constexpr const char* kOutletAppid = "wxfake000000000002";

// One room live from the start, so every sweep has something to read.
std::string scenario_for(const std::string& appid) {
  ScenarioText s;
  RoomText room;
  room.roomid = appid == kOutletAppid ? 21 : 11;
  room.start_time = 0;
  room.end_time = 3600;
  room.timeline = "[[0, 101]]";
  s.rooms.push_back(room);
  std::string json = s.json();
  const std::string from = wxlived::fakewx::testing::appid;
  json.replace(json.find(from), from.size(), appid);
  return json;
}

std::string app_block(const std::string& name, const std::string& appid, int port, int daily_quota) {
  return "[[app]]\nname = \"" + name + "\"\nappid = \"" + appid +
         "\"\nsecret_file = \"secrets/app\"\ntoken_mode = \"stable\"\napi_base = \"http://127.0.0.1:" +
         std::to_string(port) + "\"\ndaily_quota = " + std::to_string(daily_quota) + "\n\n";
}

std::string config_with(const std::string& apps) {
  return "[daemon]\nstate_dir = \"state\"\nlog_format = \"text\"\nadmin_listen = \"\"\n\n" + apps +
         "[poll]\nmin_interval_s = 1\n\n[rules]\nabnormal_timeout_s = 6\nreplay_delay_s = 3\n";
}

using wxlived::testing::eventually;

std::size_t rooms_of(const std::filesystem::path& db, const std::string& app) {
  auto store = wxlived::store::StateStore::open_readonly(db);
  if (!store) return 0;
  auto rooms = store->rooms(app);
  return rooms ? rooms->size() : 0;
}

// Points the child's NOTIFY_SOCKET and watchdog at the test's listener; the
// test process's own environment is put back once the child is spawned.
struct NotifyEnvironment {
  NotifyEnvironment(const std::string& socket, const std::string& watchdog_usec) {
    setenv("NOTIFY_SOCKET", socket.c_str(), 1);
    setenv("WATCHDOG_USEC", watchdog_usec.c_str(), 1);
    unsetenv("WATCHDOG_PID");
  }
  ~NotifyEnvironment() {
    unsetenv("NOTIFY_SOCKET");
    unsetenv("WATCHDOG_USEC");
  }
};

}  // namespace

TEST_CASE("under systemd the daemon notifies READY, pings the watchdog, reloads apps and stops with STOPPING") {
  TempDir dir;
  RunningFakewx shop_fake(scenario_for(wxlived::fakewx::testing::appid));
  RunningFakewx outlet_fake(scenario_for(kOutletAppid));
  dir.write("secrets/app", std::string(wxlived::fakewx::testing::secret) + "\n");
  const std::string shop = app_block("shop", wxlived::fakewx::testing::appid, shop_fake.port(), 500);
  const auto config = dir.write("wxlived.toml", config_with(shop));
  const auto db = dir / "state" / "wxlived.db";

  NotifyListener listener(dir / "notify.sock");
  std::unique_ptr<ChildProcess> daemon;
  {
    NotifyEnvironment env(listener.path().string(), "400000");  // pings every 200 ms
    daemon = std::make_unique<ChildProcess>(wxlived::testing::bin("wxlived"),
                                            std::vector<std::string>{"run", "--config", config.string()},
                                            dir / "daemon.log");
  }
  std::vector<std::string> seen;
  INFO("notifications: " << [&] {
    std::string all;
    for (const auto& m : seen) all += "[" + m + "] ";
    return all;
  }());
  INFO("daemon log:\n" << daemon->output());

  // READY=1 comes once the store is open and the first poll is scheduled,
  // with a STATUS line an operator can read in `systemctl status`.
  const auto ready = listener.wait_for("READY=1", 20s, seen);
  REQUIRE(ready);
  CHECK(ready->find("STATUS=1 app, ") != std::string::npos);
  CHECK(ready->find("quota left: shop ") != std::string::npos);
  CHECK(std::filesystem::exists(db));

  // The watchdog is pinged from the loop, more than once.
  REQUIRE(listener.wait_for("WATCHDOG=1", 5s, seen));
  REQUIRE(listener.wait_for("WATCHDOG=1", 5s, seen));
  REQUIRE(eventually([&] { return rooms_of(db, "shop") == 1; }, 20s));

  SUBCASE("a reload with a broken config keeps the old one running") {
    dir.write("wxlived.toml", config_with(shop) + "[poll]\nmin_interval_s = \"often\"\n");
    ::kill(daemon->pid(), SIGHUP);
    REQUIRE(listener.wait_for("RELOADING=1", 10s, seen));
    const auto back = listener.wait_for("READY=1", 10s, seen);
    REQUIRE(back);
    CHECK(back->find("STATUS=1 app, ") != std::string::npos);
    REQUIRE(eventually([&] { return daemon->output().find("reload refused") != std::string::npos; }, 5s));
    // Every problem as check-config would print it: FILE:LINE.
    CHECK(daemon->output().find(config.string() + ":") != std::string::npos);
    CHECK_FALSE(daemon->poll_exit().has_value());
    REQUIRE(listener.wait_for("WATCHDOG=1", 5s, seen));
  }

  SUBCASE("reloads add an app, change one and remove one, keeping state") {
    const std::string outlet = app_block("outlet", kOutletAppid, outlet_fake.port(), 500);
    dir.write("wxlived.toml", config_with(shop + outlet));
    ::kill(daemon->pid(), SIGHUP);
    REQUIRE(listener.wait_for("RELOADING=1", 10s, seen));
    const auto added = listener.wait_for("READY=1", 10s, seen);
    REQUIRE(added);
    CHECK(added->find("STATUS=2 apps, ") != std::string::npos);
    REQUIRE(eventually([&] { return rooms_of(db, "outlet") == 1; }, 20s));

    // A changed app restarts its loop from the store: nothing re-announced.
    const std::string outlet_changed = app_block("outlet", kOutletAppid, outlet_fake.port(), 400);
    dir.write("wxlived.toml", config_with(shop + outlet_changed));
    ::kill(daemon->pid(), SIGHUP);
    REQUIRE(listener.wait_for("RELOADING=1", 10s, seen));
    REQUIRE(listener.wait_for("READY=1", 10s, seen));
    REQUIRE(eventually([&] { return daemon->output().find("app changed: restarting its loop") != std::string::npos; },
                       5s));
    REQUIRE(eventually([&] { return daemon->output().find("app started") != std::string::npos; }, 10s));
    // A STATUS line shows the new quota once the new loop runs (it may have
    // come before READY=1 when the old loop had no call in flight).
    const auto says_400 = [](const std::string& m) { return m.find("outlet ") != std::string::npos &&
                                                             m.find("/400") != std::string::npos; };
    const bool shown = std::any_of(seen.begin(), seen.end(), says_400) || listener.wait_for("/400", 40s, seen);
    CHECK(shown);

    dir.write("wxlived.toml", config_with(outlet_changed));
    ::kill(daemon->pid(), SIGHUP);
    REQUIRE(listener.wait_for("RELOADING=1", 10s, seen));
    const auto removed = listener.wait_for("READY=1", 10s, seen);
    REQUIRE(removed);
    CHECK(removed->find("STATUS=1 app, ") != std::string::npos);
    CHECK(removed->find("outlet ") != std::string::npos);
    CHECK(removed->find("shop ") == std::string::npos);
    CHECK(daemon->output().find("app removed: its loop stops") != std::string::npos);

    // State was kept: each room was created exactly once across the reloads.
    auto store = wxlived::store::StateStore::open_readonly(db);
    REQUIRE(store);
    wxlived::store::EventFilter filter;
    filter.limit = 10000;
    auto events = store->events(filter);
    REQUIRE(events);
    const auto created = std::count_if(events->begin(), events->end(),
                                       [](const auto& e) { return e.type == "room.created"; });
    CHECK(created == 2);
  }

  ::kill(daemon->pid(), SIGTERM);
  REQUIRE(listener.wait_for("STOPPING=1", 10s, seen));
  CHECK(daemon->wait_exit(20s) == 0);
}

TEST_CASE("auth failure, quota exhaustion and failed calls each leave one greppable log line, and no secret") {
  TempDir dir;
  ScenarioText exhausted;
  exhausted.rooms.push_back(RoomText{});
  wxlived::fakewx::testing::FaultText fault;
  fault.kind = "quota_exhausted";
  fault.api = "list";  // tokens still work: the list call itself gets 45009
  exhausted.faults.push_back(fault);
  std::string outlet_json = exhausted.json();
  const std::string from = wxlived::fakewx::testing::appid;
  outlet_json.replace(outlet_json.find(from), from.size(), kOutletAppid);
  RunningFakewx shop_fake(scenario_for(wxlived::fakewx::testing::appid));
  RunningFakewx outlet_fake(outlet_json);
  // shop's secret is wrong: WeChat answers 40125 to every token request.
  const std::string wrong_secret = "wrong-secret-7f3a9c";
  dir.write("secrets/shop", wrong_secret + "\n");
  dir.write("secrets/app", std::string(wxlived::fakewx::testing::secret) + "\n");
  std::string shop = app_block("shop", wxlived::fakewx::testing::appid, shop_fake.port(), 500);
  shop.replace(shop.find("secrets/app"), 11, "secrets/shop");
  const auto config =
      dir.write("wxlived.toml", config_with(shop + app_block("outlet", kOutletAppid, outlet_fake.port(), 500)));
  ChildProcess daemon(wxlived::testing::bin("wxlived"), {"run", "--config", config.string()}, dir / "daemon.log");
  INFO("daemon log:\n" << daemon.output());

  const auto has = [&](const std::string& text) { return daemon.output().find(text) != std::string::npos; };
  CHECK(eventually([&] { return has("WeChat authentication failed") && has("daily quota exhausted (45009)"); }, 30s));
  CHECK(has("wechat call failed"));  // the client's line for every failed call
  CHECK(has("outcome=auth_failed"));
  CHECK(has("outcome=quota_exhausted"));
  CHECK(daemon.stop(SIGTERM, 20s) == 0);
  CHECK_FALSE(has(wrong_secret));
  CHECK_FALSE(has(wxlived::fakewx::testing::secret));
}
