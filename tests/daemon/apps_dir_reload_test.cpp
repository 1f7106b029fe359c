// apps_dir on the running daemon (real wxlived, real wxlive-fakewx processes,
// a real SQLite file): provisioning adds, changes, removes and breaks app
// files, each followed by SIGHUP, and the loops follow the files; a folder
// gone refuses the reload.
#include <doctest/doctest.h>

#include <csignal>
#include <filesystem>
#include <set>
#include <string>

#include "fakewx/fakewx_process.hpp"
#include "support/child_process.hpp"
#include "support/eventually.hpp"
#include "support/run_process.hpp"
#include "support/temp_dir.hpp"
#include "wxlived/store/state_store.hpp"

using namespace std::chrono_literals;
using wxlived::fakewx::testing::RoomText;
using wxlived::fakewx::testing::RunningFakewx;
using wxlived::fakewx::testing::ScenarioText;
using wxlived::testing::ChildProcess;
using wxlived::testing::eventually;
using wxlived::testing::TempDir;

namespace {

constexpr const char* kOutletAppid = "wxfake000000000002";
constexpr std::int64_t kQuota = 1'000'000;  // enough that the sweeps go at the 1 s floor all through the test

// One room live from the start, so every sweep has something to read.
std::string scenario_for(const std::string& appid) {
  ScenarioText s;
  s.daily_quota = kQuota;
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

// One app file; its secret_file is relative to apps.d.
std::string app_file(const std::string& appid, int port, int page_size = 100) {
  return "appid = \"" + appid + "\"\nsecret_file = \"../secrets/app\"\napi_base = \"http://127.0.0.1:" +
         std::to_string(port) + "\"\ndaily_quota = " + std::to_string(kQuota) +
         "\npage_size = " + std::to_string(page_size) + "\n";
}

std::string config_text() {
  return "[daemon]\nstate_dir = \"state\"\nlog_format = \"text\"\nadmin_listen = \"\"\napps_dir = \"apps.d\"\n\n"
         "[poll]\nmin_interval_s = 1\n\n[rules]\nabnormal_timeout_s = 6\nreplay_delay_s = 3\n";
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

// The room list calls a fake has answered, from its request log.
std::size_t list_calls(const RunningFakewx& fake) { return count_of(fake.output(), "path=/wxa/business/getliveinfo"); }

std::size_t rooms_of(const std::filesystem::path& db, const std::string& app) {
  auto store = wxlived::store::StateStore::open_readonly(db);
  if (!store) return 0;
  auto rooms = store->rooms(app);
  return rooms ? rooms->size() : 0;
}

// The apps with a plan stored (what wxlivectl schedule shows).
std::set<std::string> scheduled_apps(const std::filesystem::path& db) {
  std::set<std::string> apps;
  auto store = wxlived::store::StateStore::open_readonly(db);
  if (!store) return apps;
  auto schedules = store->app_schedules();
  if (!schedules) return apps;
  for (const auto& s : *schedules) apps.insert(s.app);
  return apps;
}

}  // namespace

TEST_CASE("an app file removed while the daemon is down has its stored plan dropped at the next start") {
  TempDir dir;
  RunningFakewx shop_fake(scenario_for(wxlived::fakewx::testing::appid));
  RunningFakewx outlet_fake(scenario_for(kOutletAppid));
  std::filesystem::permissions(dir.write("secrets/app", std::string(wxlived::fakewx::testing::secret) + "\n"),
                               std::filesystem::perms(0600));
  dir.write("apps.d/shop.toml", app_file(wxlived::fakewx::testing::appid, shop_fake.port()));
  dir.write("apps.d/outlet.toml", app_file(kOutletAppid, outlet_fake.port()));
  const auto config = dir.write("wxlived.toml", config_text());
  const auto db = dir / "state" / "wxlived.db";
  {
    ChildProcess daemon(wxlived::testing::bin("wxlived"), {"run", "--config", config.string()}, dir / "first.log");
    INFO("daemon log:\n" << daemon.output());
    REQUIRE(eventually([&] { return scheduled_apps(db) == std::set<std::string>{"outlet", "shop"}; }, 20s));
    CHECK(daemon.stop(SIGTERM, 20s) == 0);
  }
  std::filesystem::remove(dir / "apps.d/outlet.toml");
  ChildProcess daemon(wxlived::testing::bin("wxlived"), {"run", "--config", config.string()}, dir / "second.log");
  INFO("daemon log:\n" << daemon.output());
  REQUIRE(eventually([&] { return count_of(daemon.output(), " started ") == 1; }, 20s));
  CHECK(scheduled_apps(db) == std::set<std::string>{"shop"});
  CHECK(daemon.stop(SIGTERM, 20s) == 0);
}

TEST_CASE("SIGHUP re-reads apps_dir: a file added starts its app, changed restarts it, removed stops it, broken or "
          "a folder gone is refused") {
  TempDir dir;
  RunningFakewx shop_fake(scenario_for(wxlived::fakewx::testing::appid));
  RunningFakewx outlet_fake(scenario_for(kOutletAppid));
  std::filesystem::permissions(dir.write("secrets/app", std::string(wxlived::fakewx::testing::secret) + "\n"),
                               std::filesystem::perms(0600));
  dir.write("apps.d/shop.toml", app_file(wxlived::fakewx::testing::appid, shop_fake.port()));
  const auto config = dir.write("wxlived.toml", config_text());
  const auto db = dir / "state" / "wxlived.db";

  ChildProcess daemon(wxlived::testing::bin("wxlived"), {"run", "--config", config.string()}, dir / "daemon.log");
  INFO("daemon log:\n" << daemon.output());
  const auto logged = [&](const std::string& text) { return count_of(daemon.output(), text); };
  const auto reload = [&] { REQUIRE(::kill(daemon.pid(), SIGHUP) == 0); };
  REQUIRE(eventually([&] { return rooms_of(db, "shop") == 1; }, 20s));

  // Added: outlet.toml's app starts and sweeps its own fake.
  const auto outlet_file = dir.write("apps.d/outlet.toml", app_file(kOutletAppid, outlet_fake.port()));
  reload();
  REQUIRE(eventually([&] { return logged("app started app=outlet") == 1; }, 10s));
  REQUIRE(eventually([&] { return rooms_of(db, "outlet") == 1 && list_calls(outlet_fake) > 0; }, 20s));
  CHECK(logged(" reloaded ") == 1);

  // Removed: shop's loop stops. Its fake hears nothing more while outlet's
  // goes on being swept (outlet's sweeps are the clock, not a sleep).
  std::filesystem::remove(dir / "apps.d/shop.toml");
  reload();
  REQUIRE(eventually([&] { return logged("app removed: its loop stops app=shop") == 1; }, 10s));
  const auto outlet_at_removal = list_calls(outlet_fake);
  REQUIRE(eventually([&] { return list_calls(outlet_fake) >= outlet_at_removal + 2; }, 20s));
  const auto shop_after_removal = list_calls(shop_fake);  // a call in flight at the reload is answered by now
  REQUIRE(eventually([&] { return list_calls(outlet_fake) >= outlet_at_removal + 5; }, 20s));
  CHECK(list_calls(shop_fake) == shop_after_removal);

  // Changed: outlet's loop restarts with the file's new values.
  dir.write("apps.d/outlet.toml", app_file(kOutletAppid, outlet_fake.port(), 50));
  reload();
  REQUIRE(eventually([&] { return logged("app changed: restarting its loop app=outlet") == 1; }, 10s));
  REQUIRE(eventually([&] { return logged("app started app=outlet") == 2; }, 10s));
  const auto outlet_at_change = list_calls(outlet_fake);
  REQUIRE(eventually([&] { return list_calls(outlet_fake) > outlet_at_change; }, 20s));

  // Broken: the whole reload is refused with the app file's FILE:LINE, and
  // no loop changes: outlet goes on, shop stays stopped, nothing restarts.
  dir.write("apps.d/outlet.toml", app_file(kOutletAppid, outlet_fake.port(), 10) + "colour = \"red\"\n");
  dir.write("apps.d/shop.toml", app_file(wxlived::fakewx::testing::appid, shop_fake.port()));
  reload();
  REQUIRE(eventually([&] { return logged("kept the previous config after a refused reload") == 1; }, 10s));
  CHECK(logged(outlet_file.string() + ":6: app.colour: unknown key") == 1);
  const auto outlet_at_refusal = list_calls(outlet_fake);
  const auto shop_at_refusal = list_calls(shop_fake);
  REQUIRE(eventually([&] { return list_calls(outlet_fake) >= outlet_at_refusal + 3; }, 20s));
  CHECK(list_calls(shop_fake) == shop_at_refusal);
  CHECK(logged("app started") == 2);  // outlet added, outlet changed (the start logs "started")
  CHECK(logged("app changed: restarting its loop") == 1);
  CHECK(logged("app removed: its loop stops") == 1);
  CHECK(logged(" reloaded ") == 3);

  // The folder gone: refused at the apps_dir line of the config file, outlet goes on.
  std::filesystem::rename(dir / "apps.d", dir / "apps.d.moved");
  reload();
  REQUIRE(eventually([&] { return logged("kept the previous config after a refused reload") == 2; }, 10s));
  CHECK(logged(config.string() + ":5: daemon.apps_dir: " + (dir / "apps.d").string() +
               ": No such file or directory") == 1);
  const auto outlet_at_missing = list_calls(outlet_fake);
  REQUIRE(eventually([&] { return list_calls(outlet_fake) > outlet_at_missing; }, 20s));
  CHECK(logged("app removed") == 1);

  CHECK(daemon.stop(SIGTERM, 20s) == 0);
}
