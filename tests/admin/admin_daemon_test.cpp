// The admin HTTP server of a real `wxlived run` against the real
// wxlive-fakewx, with a real webhook receiver and the real SQLite file: what
// /metrics and /v1/... say is checked against the database itself
// (StateStore::open_readonly) and against `wxlivectl --json`.
#include <doctest/doctest.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>

#include "admin_fixture.hpp"
#include "monitoring_queries.hpp"
#include "fakewx/fakewx_process.hpp"
#include "support/eventually.hpp"
#include "support/child_process.hpp"
#include "support/run_process.hpp"
#include "support/temp_dir.hpp"
#include "support/webhook_schema.hpp"

using namespace std::chrono_literals;
using wxlived::admin::testing::sample;
using wxlived::fakewx::testing::room;
using wxlived::fakewx::testing::ScenarioText;
namespace store = wxlived::store;
namespace testing = wxlived::testing;

namespace {

constexpr const char* kHookSecret = "whsec_c2Vjb25kLXNlY3JldC1mb3Itcm90YXRpb24=";

using wxlived::testing::eventually;

// A webhook receiver that accepts everything (signatures are delivery's
// tests' business) and checks every body against docs/schemas/ (this suite
// is e2e-labelled: its deliveries keep the published contract too).
class Receiver {
 public:
  Receiver() {
    server_.Post(R"(/.*)", [this](const httplib::Request& req, httplib::Response& res) {
      if (auto problem = testing::webhook_schema_problem(req.body)) {
        std::lock_guard lock(mu_);
        problems_.push_back(*problem + "\n" + req.body);
      }
      res.status = 204;
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    REQUIRE(port_ > 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(1ms);
  }
  ~Receiver() {
    server_.stop();
    thread_.join();
    for (const std::string& problem : problems_) CHECK_MESSAGE(false, problem);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hooks/wxlive"; }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  std::vector<std::string> problems_;
};

store::StateStore reader(const std::filesystem::path& db) {
  auto opened = store::StateStore::open_readonly(db);
  REQUIRE_MESSAGE(opened.has_value(), (opened ? std::string() : opened.error().to_string()));
  return std::move(*opened);
}

std::vector<store::EventRecord> stored_events(const std::filesystem::path& db) {
  store::EventFilter filter;
  filter.limit = 1'000'000;
  return wxlived::admin::testing::must(reader(db).events(filter));
}
std::vector<store::RoomRecord> stored_rooms(const std::filesystem::path& db) {
  return wxlived::admin::testing::must(reader(db).rooms());
}
std::vector<store::DeliveryRecord> stored_deliveries(const std::filesystem::path& db) {
  store::DeliveryFilter filter;
  filter.limit = 1'000'000;
  return wxlived::admin::testing::must(reader(db).deliveries(filter));
}

// Room 41 goes live at 3 s and pauses at 9 s; room 42 waits all along.
std::string scenario() {
  ScenarioText s;
  s.daily_quota = 1'000'000;
  s.rooms.push_back(room(41, 3, 600, -86400, "[[3,101],[9,105]]"));
  s.rooms.push_back(room(42, 500, 600, -86400));
  return s.json();
}

std::string config_text(int fake_port, const std::string& hook_url, const std::string& admin_listen) {
  return "[daemon]\nstate_dir = \"state\"\nlog_format = \"text\"\nlog_level = \"info\"\nadmin_listen = \"" +
         admin_listen + "\"\n\n[[app]]\nname = \"shop\"\nappid = \"" + wxlived::fakewx::testing::appid +
         "\"\nsecret_file = \"secrets/app\"\ntoken_mode = \"stable\"\napi_base = \"http://127.0.0.1:" +
         std::to_string(fake_port) +
         "\"\ndaily_quota = 1000000\n\n[poll]\nmin_interval_s = 2\n\n[rules]\nabnormal_timeout_s = 6\n"
         "replay_delay_s = 3\n\n[[webhook]]\nname = \"hook\"\nurl = \"" +
         hook_url + "\"\nsecret_file = \"secrets/hook\"\ntimeout_s = 5\n";
}

// The fake, a receiver that accepts everything, and `wxlived run` with its
// admin server on a port the kernel picks (read back from the daemon's log).
class RunningDaemon {
 public:
  RunningDaemon() : fake_(scenario()) {
    dir_.write("secrets/app", std::string(wxlived::fakewx::testing::secret) + "\n");
    dir_.write("secrets/hook", std::string(kHookSecret) + "\n");
    config_ = dir_.write("wxlived.toml", config_text(fake_.port(), receiver_.url(), "127.0.0.1:0"));
    daemon_ = std::make_unique<testing::ChildProcess>(
        testing::bin("wxlived"), std::vector<std::string>{"run", "--config", config_.string()}, dir_ / "daemon.log");
    const bool listening = eventually([&] { return admin_port() > 0 || daemon_->poll_exit(); }, 20s);
    REQUIRE_MESSAGE((listening && admin_port() > 0), daemon_->output());
    port_ = admin_port();
  }
  ~RunningDaemon() { daemon_.reset(); }

  httplib::Result get(const std::string& path) const {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(std::chrono::seconds(10));
    return client.Get(path.c_str());
  }
  std::string body(const std::string& path) const {
    auto r = get(path);
    REQUIRE_MESSAGE(r, "no answer for " << path);
    REQUIRE_MESSAGE(r->status == 200, path << ": " << r->status << " " << r->body);
    return r->body;
  }
  int status(const std::string& path) const {
    auto r = get(path);
    return r ? r->status : 0;
  }

  testing::ProcessResult ctl(const std::string& args) const {
    return testing::run_process(testing::bin("wxlivectl") + " --config " + config_.string() + " " + args);
  }
  std::filesystem::path db() const { return dir_ / "state" / "wxlived.db"; }
  testing::ChildProcess& daemon() { return *daemon_; }
  std::string log() const { return daemon_->output(); }
  int port() const { return port_; }
  const testing::TempDir& dir() const { return dir_; }

  // Room 41's whole story is in the database and delivered.
  bool settled() const {
    const auto events = stored_events(db());
    int paused = 0;
    for (const auto& e : events)
      if (e.room_id == 41 && e.body_json.find("\"to\":105") != std::string::npos) ++paused;
    if (paused == 0) return false;
    const auto rows = stored_deliveries(db());
    return !rows.empty() && std::all_of(rows.begin(), rows.end(), [](const store::DeliveryRecord& d) {
      return d.state == store::DeliveryState::delivered;
    });
  }

 private:
  // From the log line "admin HTTP listening address=127.0.0.1:PORT".
  int admin_port() const {
    const std::string marker = "admin HTTP listening address=127.0.0.1:";
    const std::string text = daemon_->output();
    const auto at = text.find(marker);
    if (at == std::string::npos) return 0;
    int port = 0;
    for (std::size_t i = at + marker.size(); i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i)
      port = port * 10 + (text[i] - '0');
    return port;
  }

  testing::TempDir dir_;
  Receiver receiver_;
  wxlived::fakewx::testing::RunningFakewx fake_;
  std::filesystem::path config_;
  std::unique_ptr<testing::ChildProcess> daemon_;
  int port_ = 0;
};

// Every sample of one family: labels text -> value.
std::map<std::string, double> family(const std::string& text, const std::string& name) {
  std::map<std::string, double> out;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.starts_with(name + "{")) continue;
    const auto close = line.rfind('}');
    out[line.substr(name.size(), close - name.size() + 1)] = std::stod(line.substr(close + 2));
  }
  return out;
}

// What /metrics should say about rooms, events and deliveries, from the database.
std::string mismatch(const std::string& metrics, const std::filesystem::path& db) {
  std::string out;
  std::map<std::string, double> rooms;
  for (const auto& r : stored_rooms(db))
    if (!r.removed_at_ms) ++rooms["{app=\"" + r.app + "\",status=\"" + std::string(wxlived::admin::status_name(r.status)) + "\"}"];
  for (const auto& [labels, value] : family(metrics, "wxlived_rooms")) {
    if (value != rooms[labels]) out += "rooms" + labels + " " + std::to_string(value) + " vs db " + std::to_string(rooms[labels]) + "\n";
    rooms.erase(labels);
  }
  for (const auto& [labels, value] : rooms)
    if (value != 0) out += "rooms" + labels + " missing\n";
  std::map<std::string, double> events;
  for (const auto& e : stored_events(db)) ++events["{app=\"" + e.app + "\",type=\"" + e.type + "\"}"];
  if (family(metrics, "wxlived_events_total") != events) out += "events_total differs from the database\n";
  double delivered = 0, undelivered = 0;
  for (const auto& d : stored_deliveries(db)) (d.state == store::DeliveryState::delivered ? delivered : undelivered) += 1;
  if (sample(metrics, "wxlived_webhook_deliveries_total{endpoint=\"hook\",result=\"delivered\"}") != delivered)
    out += "delivered differs\n";
  if (sample(metrics, "wxlived_outbox_pending_deliveries{endpoint=\"hook\"}") != undelivered) out += "pending differs\n";
  if (sample(metrics, "wxlived_webhook_delivery_latency_seconds_count{endpoint=\"hook\"}") != delivered)
    out += "latency count differs\n";
  return out;
}

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  REQUIRE_MESSAGE(!doc.HasParseError(), text);
  return doc;
}

}  // namespace

TEST_CASE("a running daemon's admin server agrees with its database and with wxlivectl") {
  RunningDaemon d;
  CAPTURE(d.port());

  CHECK(d.status("/healthz") == 200);
  const bool ready = eventually([&] { return d.status("/readyz") == 200; }, 60s);
  const auto last = d.get("/readyz");
  REQUIRE_MESSAGE(ready, (last ? last->body : std::string("no answer")) << "\n" << d.log());
  const auto readyz = parse(d.body("/readyz"));
  CHECK(std::string(readyz["apps"][0]["app"].GetString()) == "shop");
  CHECK(std::string(readyz["apps"][0]["state"].GetString()) == "ok");

  REQUIRE_MESSAGE(eventually([&] { return d.settled(); }, 60s), d.log());

  // Metrics equal the database (retried: the daemon keeps polling meanwhile).
  std::string why;
  const bool agree = eventually([&] {
    why = mismatch(d.body("/metrics"), d.db());
    return why.empty();
  }, 30s);
  CHECK_MESSAGE(agree, why);
  const std::string metrics = d.body("/metrics");
  CHECK(sample(metrics, "wxlived_build_info{version=\"" + std::string(WXLIVED_VERSION) + "\"}") == 1);
  CHECK(sample(metrics, "wxlived_wechat_api_calls_total{api=\"list\",app=\"shop\",result=\"ok\"}") > 0);
  CHECK(sample(metrics, "wxlived_wechat_api_calls_total{api=\"token\",app=\"shop\",result=\"ok\"}") >= 1);
  // The loop's write transactions: the polls' observations and the token call count.
  CHECK(sample(metrics, "wxlived_store_commits_total{kind=\"observation\"}") >= 1);
  CHECK(sample(metrics, "wxlived_store_commits_total{kind=\"token_call\"}") >= 1);
  CHECK(sample(metrics, "wxlived_quota_limit_calls{app=\"shop\"}") == 1000000);
  CHECK(sample(metrics, "wxlived_quota_used_calls{app=\"shop\"}") > 0);
  CHECK(sample(metrics, "wxlived_quota_exhausted{app=\"shop\"}") == 0);
  CHECK(sample(metrics, "wxlived_app_auth_failed{app=\"shop\"}") == 0);
  CHECK(sample(metrics, "wxlived_last_successful_poll_timestamp_seconds{app=\"shop\"}") > 1.7e9);

  // /v1/rooms is `wxlivectl rooms --json`, byte for byte (retried: a poll
  // between the two reads moves last_seen).
  std::string http_rooms;
  std::string ctl_rooms;
  const bool same = eventually([&] {
    http_rooms = d.body("/v1/rooms");
    const auto r = d.ctl("rooms --json");
    ctl_rooms = r.output;
    return r.exit_code == 0 && http_rooms == ctl_rooms;
  }, 30s);
  CHECK_MESSAGE(same, "http:\n" << http_rooms << "\nctl:\n" << ctl_rooms);
  CHECK(parse(http_rooms).Size() == 2);

  // /v1/apps/shop/habits is `wxlivectl habits shop --json`, byte for byte
  // (retried: the daemon may learn between the two reads).
  std::string http_habits;
  std::string ctl_habits;
  const bool same_habits = eventually([&] {
    http_habits = d.body("/v1/apps/shop/habits");
    const auto r = d.ctl("habits shop --json");
    ctl_habits = r.output;
    return r.exit_code == 0 && http_habits == ctl_habits;
  }, 30s);
  CHECK_MESSAGE(same_habits, "http:\n" << http_habits << "\nctl:\n" << ctl_habits);
  CHECK(std::string(parse(http_habits)["app"].GetString()) == "shop");
  CHECK(d.status("/v1/apps/nope/habits") == 404);

  // /v1/apps is `wxlivectl schedule --json`: the plan the running engine
  // wrote when the app went idle (retried: in_s counts from each reader's
  // now, and the engine may plan again between the two reads).
  std::string http_apps;
  std::string ctl_schedule;
  const bool same_plan = eventually([&] {
    http_apps = d.body("/v1/apps");
    const auto r = d.ctl("schedule --json");
    ctl_schedule = r.output;
    return r.exit_code == 0 && http_apps == ctl_schedule;
  }, 30s);
  CHECK_MESSAGE(same_plan, "http:\n" << http_apps << "\nctl:\n" << ctl_schedule);
  const auto apps = parse(http_apps);
  REQUIRE(apps.Size() == 1);
  CHECK(std::string(apps[0]["app"].GetString()) == "shop");
  const std::string call = apps[0]["next"]["call"].GetString();
  CHECK((call == "list" || call == "replay"));
  CHECK(apps[0]["next"]["at_ms"].GetInt64() > apps[0]["written_at_ms"].GetInt64() - 1000);
  CHECK(apps[0]["budget"]["daily_limit"].GetInt64() == 1000000);
  CHECK(apps[0]["budget"]["used_today"].GetInt64() > 0);
  CHECK(std::string(apps[0]["pace"]["policy"].GetString()) == "adaptive");
  const auto words = d.ctl("schedule shop");
  CHECK(words.exit_code == 0);
  CHECK(words.output.find("next call:  ") != std::string::npos);

  // /v1/rooms/41 carries its transitions: created 102, live 101, paused 105.
  const auto room41 = parse(d.body("/v1/rooms/41"));
  REQUIRE(room41.Size() == 1);
  std::vector<int> chain;
  for (const auto& t : room41[0]["transitions"].GetArray()) chain.push_back(t["to"].GetInt());
  CHECK(chain == std::vector<int>{102, 101, 105});

  // /v1/events filters by room and since, as the database says.
  std::vector<store::EventRecord> of41;
  for (const auto& e : stored_events(d.db()))
    if (e.room_id == 41) of41.push_back(e);
  REQUIRE(of41.size() >= 3);
  const auto all41 = parse(d.body("/v1/events?room=41"));
  CHECK(all41.Size() == of41.size());
  for (const auto& e : all41.GetArray()) CHECK(e["room_id"].GetInt64() == 41);
  const std::int64_t since_s = of41[1].created_at_ms / 1000;  // whole seconds, as a caller writes them
  std::vector<std::string> expected;
  for (const auto& e : of41)
    if (e.created_at_ms >= since_s * 1000) expected.push_back(e.id);
  std::vector<std::string> got;
  const auto since41 = parse(d.body("/v1/events?room=41&since=" + std::to_string(since_s)));
  for (const auto& e : since41.GetArray()) got.push_back(e["id"].GetString());
  CHECK(got == expected);
  CHECK(got.size() < of41.size());
  CHECK(parse(d.body("/v1/events?since=" + std::to_string(since_s + 3600))).Size() == 0);

  // Errors.
  CHECK(d.status("/nope") == 404);
  CHECK(d.status("/v1/rooms/999") == 404);
  CHECK(d.status("/v1/events?room=abc") == 400);
  CHECK(d.status("/v1/events?since=tomorrowish") == 400);
  httplib::Client client("127.0.0.1", d.port());
  auto post = client.Post("/v1/rooms", "{}", "application/json");
  REQUIRE(post);
  CHECK(post->status == 405);

  CHECK(d.daemon().stop(SIGTERM, 20s) == 0);
}

TEST_CASE("wxlived run exits 1 naming admin_listen when the address is taken") {
  httplib::Server squatter;
  const int port = squatter.bind_to_any_port("127.0.0.1");
  REQUIRE(port > 0);
  testing::TempDir dir;
  dir.write("secrets/app", std::string(wxlived::fakewx::testing::secret) + "\n");
  dir.write("secrets/hook", std::string(kHookSecret) + "\n");
  const std::string address = "127.0.0.1:" + std::to_string(port);
  const auto config = dir.write("wxlived.toml", config_text(1, "http://127.0.0.1:1/hook", address));
  testing::ChildProcess daemon(testing::bin("wxlived"), {"run", "--config", config.string()}, dir / "daemon.log");
  const auto code = daemon.wait_exit(20s);
  CHECK(code == 1);
  CHECK_MESSAGE(daemon.output().find(address) != std::string::npos, daemon.output());
}

#ifdef WXLIVED_PROMTOOL
TEST_CASE("a real scrape passes promtool check metrics") {
  RunningDaemon d;
  REQUIRE_MESSAGE(eventually([&] { return d.settled(); }, 60s), d.log());
  const auto file = d.dir().write("scrape.txt", d.body("/metrics"));
  const auto r = testing::run_process(std::string(WXLIVED_PROMTOOL) + " check metrics < " + file.string());
  CHECK_MESSAGE(r.exit_code == 0, r.output);
  CHECK_MESSAGE(r.output.empty(), r.output);
  CHECK(d.daemon().stop(SIGTERM, 20s) == 0);
}
#endif

// Every expression of the shipped Grafana dashboard and alert rules names
// only metrics this daemon exports (after a few calls and deliveries, so
// that the labelled series exist): a renamed or forgotten metric fails here
// rather than as an empty panel or an alert that can never fire.
TEST_CASE("every metric the Grafana dashboard and the alert rules name is exported by a running daemon") {
  using namespace wxlived::admin::testing;
  const auto source = [](const std::string& path) {
    std::ifstream in(std::string(WXLIVED_SOURCE_DIR) + "/" + path);
    REQUIRE_MESSAGE(in, path);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  };
  std::vector<DashboardQuery> queries = dashboard_queries(source("etc/grafana/wxlived.json"));
  for (const auto& rule : read_rules(source("etc/prometheus/wxlived-alerts.yml")))
    queries.push_back({"alert " + rule.name, rule.expr});
  REQUIRE(queries.size() > 30);

  RunningDaemon d;
  REQUIRE_MESSAGE(eventually([&] { return d.settled(); }, 60s), d.log());
  const std::string scrape = d.body("/metrics");
  const std::set<std::string> exported = exported_metric_names(scrape);
  // Series Prometheus makes itself for every target, not the daemon.
  const std::set<std::string> from_prometheus = {"up"};

  std::string missing;
  for (const auto& q : queries)
    for (const std::string& name : unexported_metrics(q.expr, exported, from_prometheus))
      missing += q.where + ": " + name + "\n";
  CHECK_MESSAGE(missing.empty(), "named but not exported:\n" << missing);
  // The check sees a name the daemon does not export.
  CHECK(unexported_metrics("sum(rate(wxlived_made_up_total[5m])) / wxlived_rooms", exported, from_prometheus) ==
        std::vector<std::string>{"wxlived_made_up_total"});
  CHECK(d.daemon().stop(SIGTERM, 20s) == 0);
}
