// A fleet (issue 17): three real `wxlived run` processes share one config
// and one PostgreSQL database (the ctest fixture's throw-away cluster, a
// database owned by a role that is no superuser), 30 apps served by one
// wxlive-fakewx (--apps 30), one verifying receiver. Leases spread the apps;
// a kill -9 and a SIGSTOP longer than the lease are survived without losing,
// repeating or rolling back anything.
#include <sys/wait.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "e2e_harness.hpp"
#include "support/postgres_test_cluster.hpp"

using namespace wxlived::e2e;
using wxlived::fakewx::testing::room;
using wxlived::fakewx::testing::RunningFakewx;
using wxlived::fakewx::testing::ScenarioText;

namespace {

constexpr int kLeaseS = 3;

// Copy i of the fake's app (SPEC section 7: --apps N).
std::string copy_suffix(int i) {
  std::ostringstream s;
  s << '-' << std::setw(5) << std::setfill('0') << i;
  return s.str();
}
std::string app_name(int i) { return "app" + copy_suffix(i); }

// Every app: room 11 goes live, pauses, resumes and ends; room 12 goes live,
// pauses and resumes; room 13 never starts and expires. The changes are
// spread over ~45 s so that a failover lands between them.
ScenarioText fleet_scenario() {
  ScenarioText s;
  s.daily_quota = 1'000'000;
  s.rooms.push_back(room(11, 4, 600, -86400, "[[6,101],[16,105],[27,101],[40,103]]"));
  s.rooms.push_back(room(12, 8, 600, -86400, "[[10,101],[31,105],[44,101]]"));
  s.rooms.push_back(room(13, 3, 36));
  return s;
}

// A fresh database owned by a fresh role without superuser rights: what
// docs/OPERATIONS.md tells an operator to create.
std::string fleet_database(const std::string& name) {
  const std::string base = wxlived::testing::postgres_base_dsn();
  auto admin = wxlived::store::Database::connect_postgresql(base);
  REQUIRE(admin.has_value());
  for (const std::string& sql : {"DROP DATABASE IF EXISTS " + name, "DROP ROLE IF EXISTS " + name,
                                 "CREATE ROLE " + name + " LOGIN", "CREATE DATABASE " + name + " OWNER " + name}) {
    auto done = admin->exec(sql);
    REQUIRE_MESSAGE(done.has_value(), (done ? std::string() : done.error().to_string()));
  }
  const auto host = base.substr(0, base.find(" user="));
  return host + " user=" + name + " dbname=" + name;
}

class Fleet {
 public:
  Fleet(int apps, const std::string& database) : apps_(apps), fake_(scenario_.json(), {"--origin", "now", "--apps", std::to_string(apps)}) {
    started_ = Clock::now();
    auto parsed = wxlived::scenario::parse_scenario(scenario_.json());
    REQUIRE(parsed.has_value());
    truth_ = truth_of(*parsed);
    dsn_ = fleet_database(database);
    std::filesystem::permissions(dir_.write("secrets/hook", std::string(kNewHookSecret) + "\n"),
                                 std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    std::string config = "[daemon]\nstate_dir = \"state\"\nlog_format = \"text\"\nlog_level = \"info\"\n"
                         "admin_listen = \"\"\n\n[store]\nbackend = \"postgresql\"\ndsn = \"" + dsn_ +
                         "\"\nlease_s = " + std::to_string(kLeaseS) + "\n";
    for (int i = 1; i <= apps; ++i) {
      const std::string name = app_name(i);
      std::filesystem::permissions(
          dir_.write("secrets/" + name, std::string(wxlived::fakewx::testing::secret) + copy_suffix(i) + "\n"),
          std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
      config += "\n[[app]]\nname = \"" + name + "\"\nappid = \"" + wxlived::fakewx::testing::appid + copy_suffix(i) +
                "\"\nsecret_file = \"secrets/" + name + "\"\ntoken_mode = \"stable\"\napi_base = \"http://127.0.0.1:" +
                std::to_string(fake_.port()) + "\"\ndaily_quota = 1000000\n";
    }
    config += "\n[poll]\nmin_interval_s = 1\n\n[rules]\nabnormal_timeout_s = 6\nreplay_delay_s = 3\n\n"
              "[[webhook]]\nname = \"hook\"\nurl = \"" + receiver_.url() +
              "\"\nsecret_file = \"secrets/hook\"\ntimeout_s = 5\n";
    config_ = dir_.write("wxlived.toml", config);  // one config for every daemon of the fleet
  }
  ~Fleet() { daemons_.clear(); }

  int start_daemon() {
    const int n = static_cast<int>(daemons_.size());
    daemons_.push_back(std::make_unique<wxlived::testing::ChildProcess>(
        wxlived::testing::bin("wxlived"), std::vector<std::string>{"run", "--config", config_.string()}, log_path(n)));
    return n;
  }
  wxlived::testing::ChildProcess& daemon(int n) { return *daemons_.at(static_cast<std::size_t>(n)); }
  std::filesystem::path log_path(int n) const { return dir_ / ("daemon-" + std::to_string(n) + ".log"); }
  std::string log(int n) const {
    std::ifstream in(log_path(n));
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  // The last 5000 bytes of each daemon's log, read from the end: a daemon
  // that logged in a loop must not make a failing test read gigabytes (a
  // failed ASan run grew a 32 GB buffer reading whole logs here).
  std::string logs() const {
    constexpr std::uintmax_t kTail = 5000;
    std::string out;
    for (std::size_t n = 0; n < daemons_.size(); ++n) {
      const auto path = log_path(static_cast<int>(n));
      std::error_code ec;
      const std::uintmax_t size = std::filesystem::file_size(path, ec);
      out += "--- daemon " + std::to_string(n) + " (" + (ec ? std::string("no log") : std::to_string(size) + " bytes") +
             ") ---\n";
      if (ec) continue;
      std::ifstream in(path, std::ios::binary);
      if (size > kTail) {
        in.seekg(static_cast<std::streamoff>(size - kTail));
        out += "...";
      }
      std::string tail(static_cast<std::size_t>(std::min(size, kTail)), '\0');
      in.read(tail.data(), static_cast<std::streamsize>(tail.size()));
      out += tail.substr(0, static_cast<std::size_t>(in.gcount())) + "\n";
    }
    return out;
  }

  wxlived::store::StateStore store() const {
    auto store = wxlived::store::StateStore::connect_postgresql_readonly(dsn_);
    REQUIRE_MESSAGE(store.has_value(), (store ? std::string() : store.error().to_string()));
    return std::move(*store);
  }

  // Live leases: owner -> apps (none before the first daemon migrated).
  std::map<std::string, std::set<std::string>> holders() const {
    auto opened = wxlived::store::StateStore::connect_postgresql_readonly(dsn_);
    if (!opened) return {};
    auto& s = *opened;
    auto q = s.database().query(
        "SELECT owner, app FROM app_leases WHERE expires_at_ms > (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT");
    REQUIRE(q.has_value());
    std::map<std::string, std::set<std::string>> out;
    for (;;) {
      auto row = q->step();
      REQUIRE(row.has_value());
      if (!*row) break;
      out[q->text(0)].insert(q->text(1));
    }
    return out;
  }

  // The owner id a daemon logged when it joined ("joined the fleet owner=...").
  std::string owner_of(int n) const {
    const std::string text = log(n);
    const auto at = text.find("joined the fleet owner=");
    if (at == std::string::npos) return {};
    const auto from = at + std::string("joined the fleet owner=").size();
    return text.substr(from, text.find_first_of(" \n", from) - from);
  }

  bool balanced(std::size_t daemons, std::size_t low, std::size_t high) const {
    const auto h = holders();
    std::size_t total = 0;
    for (const auto& entry : h) {
      if (entry.second.size() < low || entry.second.size() > high) return false;
      total += entry.second.size();
    }
    return h.size() == daemons && total == static_cast<std::size_t>(apps_);
  }

  // The fake's count of admitted getliveinfo calls for one app.
  std::int64_t fake_calls(const std::string& app) {
    const int i = std::stoi(app.substr(app.size() - 5));
    const auto a = fake_.get("/fakewx/stats?appid=" + std::string(wxlived::fakewx::testing::appid) + copy_suffix(i));
    REQUIRE_MESSAGE(a.json.IsObject(), a.body);
    return a.json["getliveinfo_total"].GetInt64();
  }

  std::vector<Hit> hits_of(const std::string& app) const {
    std::vector<Hit> out;
    for (const Hit& h : receiver_.hits())
      if (h.event.app == app) out.push_back(h);
    return out;
  }
  bool complete() const {
    for (int i = 1; i <= apps_; ++i)
      if (!everything_arrived(hits_of(app_name(i)), truth_)) return false;
    return true;
  }
  bool drained() const {
    auto s = store();
    wxlived::store::DeliveryFilter all;
    all.limit = 1'000'000;
    auto rows = s.deliveries(all);
    REQUIRE(rows.has_value());
    return std::all_of(rows->begin(), rows->end(), [](const wxlived::store::DeliveryRecord& d) {
      return d.state == wxlived::store::DeliveryState::delivered;
    });
  }

  // Every app: its chains are the truth's (each transition once, in order),
  // in the outbox's order, one room.created per room; every room ends at its
  // true status (nothing rolled back).
  void check_every_app() {
    auto s = store();
    wxlived::store::EventFilter filter;
    filter.limit = 1'000'000;
    auto events = s.events(filter);
    REQUIRE(events.has_value());
    for (int i = 1; i <= apps_; ++i) {
      const std::string app = app_name(i);
      CAPTURE(app);
      const auto mine = hits_of(app);
      std::vector<wxlived::store::EventRecord> stored;
      for (const auto& e : *events)
        if (e.app == app) stored.push_back(e);
      check_chains_match_truth(mine, truth_);
      check_outbox_delivered_in_order(mine, stored);
      check_single_created(mine, stored);
      auto rooms = s.rooms(app);
      REQUIRE(rooms.has_value());
      REQUIRE(rooms->size() == truth_.size());
      for (const auto& r : *rooms) CHECK(r.status == truth_.at(r.room_id).final_status);
    }
  }

  double since_start_s(Clock::time_point at) const { return std::chrono::duration<double>(at - started_).count(); }
  int apps() const { return apps_; }
  HookReceiver& receiver() { return receiver_; }
  wxlived::testing::ProcessResult ctl(const std::string& args) const {
    return wxlived::testing::run_process(wxlived::testing::bin("wxlivectl") + " --config " + config_.string() + " " +
                                         args);
  }

 private:
  int apps_;
  ScenarioText scenario_ = fleet_scenario();
  wxlived::testing::TempDir dir_;
  HookReceiver receiver_{always(204)};
  RunningFakewx fake_;
  Clock::time_point started_;
  std::map<std::int64_t, RoomTruth> truth_;
  std::string dsn_;
  std::filesystem::path config_;
  std::vector<std::unique_ptr<wxlived::testing::ChildProcess>> daemons_;
};

std::string fmt(double s) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(1) << s << " s";
  return out.str();
}

}  // namespace

TEST_CASE("three daemons share 30 apps evenly and a killed one's apps are taken over losing nothing") {
  Fleet fleet(30, "fleet_kill");
  for (int n = 0; n < 3; ++n) fleet.start_daemon();
  INFO(fleet.logs());
  REQUIRE(eventually([&] { return fleet.balanced(3, 9, 11); }, 40s));
  const auto balanced_at = Clock::now();
  const auto spread = fleet.holders();
  std::string spread_text;
  for (const auto& entry : spread) spread_text += std::to_string(entry.second.size()) + " ";
  // The operator's view says the same.
  const auto view = fleet.ctl("fleet --json");
  REQUIRE_MESSAGE(view.exit_code == 0, view.output);
  rapidjson::Document doc_view;
  doc_view.Parse(view.output.c_str());
  REQUIRE_MESSAGE(doc_view.IsObject(), view.output);
  std::int64_t alive = 0, apps_held = 0, live_leases = 0;
  for (const auto& m : doc_view["members"].GetArray()) {
    alive += m["alive"].GetBool() ? 1 : 0;
    apps_held += m["apps"].GetInt64();
  }
  for (const auto& l : doc_view["leases"].GetArray()) live_leases += l["live"].GetBool() ? 1 : 0;
  CHECK(alive == 3);
  CHECK(apps_held == 30);
  CHECK(live_leases == 30);
  const auto table = fleet.ctl("fleet");
  CHECK_MESSAGE(table.output.find("NODE") != std::string::npos, table.output);
  MESSAGE("wxlivectl fleet:\n" << table.output.substr(0, table.output.find("\n\n")));
  MESSAGE("apps per daemon: " << spread_text << "(balanced " << fmt(fleet.since_start_s(balanced_at))
                              << " after the start)");

  // Kill the first daemon while rooms are mid-timeline (room 11 paused at 16 s).
  std::this_thread::sleep_until(Clock::now() + std::chrono::milliseconds(std::max<std::int64_t>(
                                                   0, 18'000 - static_cast<std::int64_t>(
                                                                   fleet.since_start_s(Clock::now()) * 1000))));
  const std::string victim = fleet.owner_of(0);
  REQUIRE_FALSE(victim.empty());
  const auto orphans = fleet.holders()[victim];
  REQUIRE_FALSE(orphans.empty());
  std::map<std::string, std::int64_t> calls_at_kill;
  for (const auto& app : orphans) calls_at_kill[app] = fleet.fake_calls(app);
  const auto killed_at = Clock::now();
  const auto killed_wall = std::chrono::system_clock::now();
  REQUIRE(::kill(fleet.daemon(0).pid(), SIGKILL) == 0);
  (void)fleet.daemon(0).stop(SIGKILL, 10s);

  // The survivors hold every app once the victim's leases expired...
  REQUIRE(eventually([&] { return fleet.balanced(2, 14, 16); }, 30s));
  const auto taken_at = Clock::now();
  // ...and poll each of its apps again (the fake counts their calls).
  REQUIRE(eventually(
      [&] {
        for (const auto& app : orphans)
          if (fleet.fake_calls(app) <= calls_at_kill[app]) return false;
        return true;
      },
      30s));
  const auto polled_at = Clock::now();
  const double polled_after = std::chrono::duration<double>(polled_at - killed_at).count();
  // Lease expiry + one beat of the keeper + one floor, with room for a loaded machine.
  CHECK(polled_after < kLeaseS + 1 + 1 + 10);

  REQUIRE(eventually([&] { return fleet.complete() && fleet.drained(); }, 120s));
  std::optional<double> first_delivery_after;
  for (const Hit& h : fleet.receiver().hits()) {
    if (h.at < killed_wall || !orphans.contains(h.event.app)) continue;
    first_delivery_after = std::chrono::duration<double>(h.at - killed_wall).count();
    break;
  }
  MESSAGE("failover: kill -9 at " << fmt(fleet.since_start_s(killed_at)) << "; every app leased again after "
                                  << fmt(std::chrono::duration<double>(taken_at - killed_at).count())
                                  << "; all " << orphans.size() << " orphaned apps polled again after "
                                  << fmt(polled_after) << "; first event of an orphaned app delivered after "
                                  << (first_delivery_after ? fmt(*first_delivery_after) : std::string("-")));

  for (int n = 1; n < 3; ++n) CHECK(fleet.daemon(n).stop(SIGTERM, 20s) == 0);
  const auto hits = fleet.receiver().hits();
  INFO(hits_text(hits));
  fleet.check_every_app();
  for (const Hit& h : hits) CHECK(h.verification == wxlived::delivery::Verification::ok);

  // The quota ledgers add up across owners: the fake counted each app's
  // calls; the ledger has them all, but for the victim's call in flight at
  // the kill (made, never committed: at most one per app).
  const auto ledger = fleet.ctl("quota --json");
  REQUIRE_MESSAGE(ledger.exit_code == 0, ledger.output);
  rapidjson::Document doc;
  doc.Parse(ledger.output.c_str());
  REQUIRE((doc.IsObject() && doc.HasMember("apps")));
  REQUIRE(doc["apps"].GetArray().Size() == 30);
  for (const auto& entry : doc["apps"].GetArray()) {
    const std::string app = entry["app"].GetString();
    CAPTURE(app);
    const auto in_ledger = entry["getliveinfo_calls"].GetInt64();
    const auto at_fake = fleet.fake_calls(app);
    // The ledger counts a call that failed in transport (the fake's idle
    // keep-alive close: "Empty reply from server") as spent, as the crash
    // suite's ledger >= fake does: it may exceed the fake by exactly those.
    std::int64_t transport_failures = 0;
    for (int n = 0; n < 3; ++n) {
      const std::string log = fleet.log(n);
      const std::string needle = "wechat call failed app=" + app + " ";
      for (auto at = log.find(needle); at != std::string::npos; at = log.find(needle, at + 1))
        if (log.substr(at, log.find('\n', at) - at).find("outcome=transport_error") != std::string::npos)
          ++transport_failures;
    }
    CHECK(in_ledger - at_fake <= transport_failures);
    CHECK(at_fake - in_ledger <= (orphans.contains(app) ? 1 : 0));
  }
}

TEST_CASE("a daemon paused longer than its lease commits nothing for the apps it lost and says so") {
  Fleet fleet(10, "fleet_pause");
  fleet.start_daemon();
  fleet.start_daemon();
  INFO(fleet.logs());
  REQUIRE(eventually([&] { return fleet.balanced(2, 5, 5); }, 40s));
  const std::string paused = fleet.owner_of(0);
  const auto lost = fleet.holders()[paused];
  REQUIRE(lost.size() == 5);

  REQUIRE(::kill(fleet.daemon(0).pid(), SIGSTOP) == 0);
  // Whatever happens below, the daemon must not stay stopped (its stop at the end would hang).
  struct ContinueAtExit {
    pid_t pid;
    ~ContinueAtExit() { ::kill(pid, SIGCONT); }
  } continue_at_exit{fleet.daemon(0).pid()};
  REQUIRE(eventually([&] { return fleet.balanced(1, 10, 10); }, 30s));  // the other took them over
  std::this_thread::sleep_for(2s);  // and polls them for a while
  REQUIRE(::kill(fleet.daemon(0).pid(), SIGCONT) == 0);

  // Back, it says it lost each app (from its lease keeper, or from a commit
  // that the fencing refused or that failed because the server ended the
  // session it had left in a transaction), and the two share the apps again.
  const auto said_lost = [&](const std::string& log, const std::string& app) {
    for (const std::string& line : {"lease lost: another daemon may poll this app now; this one stops app=" + app,
                                    "lease lost: commit refused, this daemon stops polling the app app=" + app,
                                    "commit failed: this daemon hands the app back to the fleet app=" + app})
      if (log.find(line) != std::string::npos) return true;
    return false;
  };
  REQUIRE(eventually(
      [&] {
        const std::string log = fleet.log(0);
        return std::all_of(lost.begin(), lost.end(), [&](const std::string& app) { return said_lost(log, app); });
      },
      20s));
  REQUIRE(eventually([&] { return fleet.balanced(2, 5, 5); }, 40s));
  REQUIRE(eventually([&] { return fleet.complete() && fleet.drained(); }, 120s));
  for (int n = 0; n < 2; ++n) CHECK(fleet.daemon(n).stop(SIGTERM, 20s) == 0);

  // After its first "lease lost" line, the paused daemon committed no event
  // for an app it had lost until it took that app again.
  const std::string log = fleet.log(0);
  const auto resumed = std::min(log.find("lease lost: "), log.find("commit failed: this daemon hands"));
  REQUIRE(resumed != std::string::npos);
  for (const auto& app : lost) {
    CAPTURE(app);
    const auto retaken = log.find("lease taken: this daemon polls the app now app=" + app, resumed);
    const auto event = log.find(" info event app=" + app + " ", resumed);
    CHECK((event == std::string::npos || (retaken != std::string::npos && event > retaken)));
  }
  fleet.check_every_app();
}
