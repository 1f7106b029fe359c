// Several [[app]]s in one daemon: two wxlive-fakewx processes playing two
// mini programs (their own appid, secret and quota), one `wxlived run`, one
// receiver. Each app's events carry its own app and appid, each app has its
// own token and quota ledger, and an app whose WeChat hangs holds back no
// other app's events.
#include <csignal>
#include <fstream>
#include <sstream>

#include "e2e_harness.hpp"

using namespace wxlived::e2e;
using wxlived::fakewx::testing::FaultText;
using wxlived::fakewx::testing::room;
using wxlived::fakewx::testing::RunningFakewx;
using wxlived::fakewx::testing::ScenarioText;

namespace {

struct AppIdentity {
  const char* name;
  const char* appid;
  const char* secret;
};
constexpr AppIdentity kShop{"shop", "wxfake00000000000a", "shop-secret-for-e2e"};
constexpr AppIdentity kMall{"mall", "wxfake00000000000b", "mall-secret-for-e2e"};

// The scenario as the fake reads it, for another mini program.
std::string scenario_for(const ScenarioText& s, const AppIdentity& app) {
  std::string json = s.json();
  const auto swap = [&json](const std::string& from, const std::string& to) {
    const auto at = json.find("\"" + from + "\"");
    REQUIRE(at != std::string::npos);
    json.replace(at + 1, from.size(), to);
  };
  swap(wxlived::fakewx::testing::appid, app.appid);
  swap(wxlived::fakewx::testing::secret, app.secret);
  return json;
}

// Two fakes, one daemon with both apps, one receiver.
class TwoApps {
 public:
  TwoApps(const ScenarioText& shop, const ScenarioText& mall)
      : shop_(scenario_for(shop, kShop)), mall_(scenario_for(mall, kMall)) {
    started_ = Clock::now();
    for (const auto* s : {&shop, &mall}) {
      auto parsed = wxlived::scenario::parse_scenario(s->json());
      REQUIRE(parsed.has_value());
      truth_.push_back(truth_of(*parsed));
    }
    dir_.write("secrets/shop", std::string(kShop.secret) + "\n");
    dir_.write("secrets/mall", std::string(kMall.secret) + "\n");
    dir_.write("secrets/hook", std::string(kOldHookSecret) + "\n" + kNewHookSecret + "\n");
    std::string config =
        "[daemon]\nstate_dir = \"state\"\nlog_format = \"text\"\nlog_level = \"info\"\nadmin_listen = \"\"\n";
    for (const auto& [app, fake] : {std::pair{kShop, &shop_}, std::pair{kMall, &mall_}}) {
      config += "\n[[app]]\nname = \"" + std::string(app.name) + "\"\nappid = \"" + app.appid +
                "\"\nsecret_file = \"secrets/" + app.name + "\"\ntoken_mode = \"stable\"\napi_base = \"http://127.0.0.1:" +
                std::to_string(fake->port()) + "\"\ndaily_quota = 1000000\n";
    }
    config += "\n[poll]\nmin_interval_s = 1\n\n[rules]\nabnormal_timeout_s = 6\nreplay_delay_s = 3\n\n"
              "[[webhook]]\nname = \"hook\"\nurl = \"" +
              receiver_.url() + "\"\nsecret_file = \"secrets/hook\"\ntimeout_s = 5\n";
    config_ = dir_.write("wxlived.toml", config);
    daemon_ = std::make_unique<wxlived::testing::ChildProcess>(
        wxlived::testing::bin("wxlived"), std::vector<std::string>{"run", "--config", config_.string()},
        dir_ / "daemon.log");
  }
  ~TwoApps() { daemon_.reset(); }

  std::optional<int> stop_daemon() { return daemon_->stop(SIGTERM, 20s); }
  std::string daemon_log() const {
    std::ifstream in(dir_ / "daemon.log");
    std::stringstream text;
    text << in.rdbuf();
    std::string s = text.str();
    return s.size() > 8000 ? "...\n" + s.substr(s.size() - 8000) : s;
  }
  wxlived::testing::ProcessResult ctl(const std::string& args) const {
    return wxlived::testing::run_process(wxlived::testing::bin("wxlivectl") + " --config " + config_.string() + " " +
                                         args);
  }
  std::filesystem::path db() const { return dir_ / "state" / "wxlived.db"; }

  HookReceiver& receiver() { return receiver_; }
  RunningFakewx& fake(const AppIdentity& app) { return &app == &kShop ? shop_ : mall_; }
  const std::map<std::int64_t, RoomTruth>& truth(const AppIdentity& app) const {
    return truth_[&app == &kShop ? 0 : 1];
  }
  // Scenario seconds since the fakes started (both use --origin now).
  double scenario_s(std::chrono::system_clock::time_point at) const {
    const auto since = at - std::chrono::system_clock::now() + (Clock::now() - started_);
    return std::chrono::duration<double>(since).count();
  }

 private:
  wxlived::testing::TempDir dir_;
  HookReceiver receiver_{always(204)};
  RunningFakewx shop_;
  RunningFakewx mall_;
  Clock::time_point started_;
  std::vector<std::map<std::int64_t, RoomTruth>> truth_;
  std::filesystem::path config_;
  std::unique_ptr<wxlived::testing::ChildProcess> daemon_;
};

std::vector<Hit> hits_of(const std::vector<Hit>& hits, const AppIdentity& app) {
  std::vector<Hit> out;
  for (const Hit& h : hits)
    if (h.event.app == app.name) out.push_back(h);
  return out;
}

std::vector<wxlived::store::EventRecord> events_of(const std::vector<wxlived::store::EventRecord>& events,
                                                   const AppIdentity& app) {
  std::vector<wxlived::store::EventRecord> out;
  for (const auto& e : events)
    if (e.app == app.name) out.push_back(e);
  return out;
}

// The token the daemon keeps for `app` (see src/daemon/token_persistence.cpp).
std::string stored_token(const std::filesystem::path& db, const AppIdentity& app) {
  auto store = wxlived::store::StateStore::open_readonly(db);
  REQUIRE(store.has_value());
  auto value = store->kv_get(std::string("token/") + app.name + "/" + app.appid, 0);
  REQUIRE(value.has_value());
  REQUIRE(value->has_value());
  const std::string& text = **value;
  return text.substr(text.find(' ') + 1);
}

// The fake's answer to quota/get with `token`: its count of getliveinfo
// calls, or its errcode as a negative number.
std::int64_t fake_quota_used(RunningFakewx& fake, const std::string& token) {
  const auto a =
      fake.post("/cgi-bin/openapi/quota/get?access_token=" + token, R"({"cgi_path":"/wxa/business/getliveinfo"})");
  if (a.errcode() != 0) return -a.errcode();
  REQUIRE_MESSAGE(a.json.HasMember("quota"), a.body);
  return a.json["quota"]["used"].GetInt64();
}

std::map<std::string, std::int64_t> ledger_calls(const TwoApps& stack) {
  const auto r = stack.ctl("quota --json");
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  rapidjson::Document doc;
  doc.Parse(r.output.c_str());
  REQUIRE_MESSAGE((doc.IsObject() && doc.HasMember("apps")), r.output);
  std::map<std::string, std::int64_t> out;
  for (const auto& app : doc["apps"].GetArray()) out[app["app"].GetString()] = app["getliveinfo_calls"].GetInt64();
  return out;
}

bool app_complete(TwoApps& stack, const AppIdentity& app) {
  return everything_arrived(hits_of(stack.receiver().hits(), app), stack.truth(app));
}

bool outbox_drained(const TwoApps& stack) {
  const auto rows = stored_deliveries(stack.db());
  return std::all_of(rows.begin(), rows.end(),
                     [](const wxlived::store::DeliveryRecord& d) { return d.state == wxlived::store::DeliveryState::delivered; });
}

// One app's events: its chains match its truth, in the database's order,
// one room.created per room.
void check_app(TwoApps& stack, const AppIdentity& app, const std::vector<Hit>& hits,
               const std::vector<wxlived::store::EventRecord>& events) {
  CAPTURE(app.name);
  const auto mine = hits_of(hits, app);
  const auto stored = events_of(events, app);
  check_chains_match_truth(mine, stack.truth(app));
  check_outbox_delivered_in_order(mine, stored);
  check_single_created(mine, stored);
  for (const Hit& h : mine) CHECK(h.event.appid == app.appid);
}

}  // namespace

TEST_CASE("two apps in one daemon: each app's events, token and quota ledger are its own") {
  // Room 11 exists in both mini programs: the same room id, two rooms.
  // Rooms 12 and 31 never start and expire at their end_time.
  ScenarioText shop;
  shop.daily_quota = 1'000'000;
  shop.rooms.push_back(room(11, 3, 600, -86400, "[[3,101],[8,105]]"));
  shop.rooms.push_back(room(12, 9, 10));
  ScenarioText mall;
  mall.daily_quota = 1'000'000;
  mall.rooms.push_back(room(11, 4, 600, -86400, "[[4,101],[9,103]]"));
  mall.rooms.push_back(room(31, 10, 11));
  TwoApps stack(shop, mall);

  const bool all = eventually(
      [&] { return app_complete(stack, kShop) && app_complete(stack, kMall) && outbox_drained(stack); }, 60s);
  CHECK(stack.stop_daemon() == 0);
  const auto hits = stack.receiver().hits();
  INFO(stack.daemon_log());
  INFO(hits_text(hits));
  CHECK(app_complete(stack, kShop));
  CHECK(app_complete(stack, kMall));
  CHECK(outbox_drained(stack));
  REQUIRE(all);

  const auto events = stored_events(stack.db());
  check_signatures(hits);
  for (const Hit& h : hits) CHECK((h.event.app == kShop.name || h.event.app == kMall.name));
  check_app(stack, kShop, hits, events);
  check_app(stack, kMall, hits, events);

  // Each app's token is its own mini program's: its fake accepts it, the
  // other fake does not know it (40001).
  const std::string shop_token = stored_token(stack.db(), kShop);
  const std::string mall_token = stored_token(stack.db(), kMall);
  CHECK(shop_token != mall_token);
  const std::int64_t shop_served = fake_quota_used(stack.fake(kShop), shop_token);
  const std::int64_t mall_served = fake_quota_used(stack.fake(kMall), mall_token);
  CHECK(fake_quota_used(stack.fake(kMall), shop_token) == -40001);
  CHECK(fake_quota_used(stack.fake(kShop), mall_token) == -40001);

  // Each app's ledger counts its own calls: the same number its fake served.
  const auto ledger = ledger_calls(stack);
  REQUIRE(ledger.count("shop"));
  REQUIRE(ledger.count("mall"));
  CHECK(shop_served > 0);
  CHECK(mall_served > 0);
  CHECK(ledger.at("shop") == shop_served);
  CHECK(ledger.at("mall") == mall_served);
}

TEST_CASE("an app whose WeChat hangs does not delay another app's events") {
  // shop changes every three seconds; mall's fake answers nothing at all
  // (not even tokens) for its first 14 seconds, each call hanging until the
  // client's 15 s timeout.
  ScenarioText shop;
  shop.daily_quota = 1'000'000;
  shop.rooms.push_back(room(11, 3, 600, -86400, "[[3,101],[6,105],[9,101],[12,103]]"));
  ScenarioText mall;
  mall.daily_quota = 1'000'000;
  FaultText hang;
  hang.from = -100;
  hang.to = 14;
  hang.kind = "timeout";
  mall.faults.push_back(hang);
  mall.rooms.push_back(room(31, 16, 18));
  TwoApps stack(shop, mall);

  const bool shop_done = eventually([&] { return app_complete(stack, kShop); }, 40s);
  const bool mall_done = eventually([&] { return app_complete(stack, kMall) && outbox_drained(stack); }, 60s);
  CHECK(stack.stop_daemon() == 0);
  const auto hits = stack.receiver().hits();
  INFO(stack.daemon_log());
  INFO(hits_text(hits));
  REQUIRE(shop_done);
  REQUIRE(mall_done);
  const auto events = stored_events(stack.db());
  check_app(stack, kShop, hits, events);
  check_app(stack, kMall, hits, events);

  // Each of shop's changes arrived within a few seconds of happening (1 s
  // polls), while mall's calls were hanging; mall's first event came only
  // after its fake recovered.
  const auto shop_scenario = wxlived::scenario::parse_scenario(shop.json());
  REQUIRE(shop_scenario.has_value());
  std::vector<double> shop_changes;
  for (const auto& t : wxlived::scenario::transitions(*shop_scenario, shop_scenario->rooms.front()))
    shop_changes.push_back(static_cast<double>(t.t));
  std::vector<double> told_at;
  for (const Hit& h : first_arrivals(hits_of(hits, kShop)))
    if (h.event.type == "room.status_changed") told_at.push_back(stack.scenario_s(h.at));
  REQUIRE(told_at.size() == shop_changes.size());
  for (std::size_t i = 0; i < told_at.size(); ++i) {
    CAPTURE(shop_changes[i]);
    CHECK(told_at[i] - shop_changes[i] < 4.0);
  }
  const auto mall_hits = first_arrivals(hits_of(hits, kMall));
  REQUIRE_FALSE(mall_hits.empty());
  CHECK(stack.scenario_s(mall_hits.front().at) > 14.0);
}
