#pragma once
// The whole product for one test, as real processes: wxlive-fakewx playing a
// short scenario, `wxlived run` against it (started, killed and restarted as
// the test likes), and an in-process webhook receiver that verifies every
// signature and remembers every request. Truth comes from the scenario model
// (scenario::transitions), never from the daemon.
//
// Nothing here assumes how fast the machine is: the tests wait for
// conditions with generous limits, and a limit that passes only means the
// test fails with the logs printed.
#include <doctest/doctest.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "fakewx/fakewx_process.hpp"
#include "support/eventually.hpp"
#include "support/child_process.hpp"
#include "support/run_process.hpp"
#include "support/temp_dir.hpp"
#include "support/webhook_schema.hpp"
#include "wxlived/delivery/signature.hpp"
#include "wxlived/scenario/parse.hpp"
#include "wxlived/scenario/truth.hpp"
#include "wxlived/store/state_store.hpp"

namespace wxlived::e2e {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Two webhook secrets: the daemon's secret file holds both (rotation), the
// receivers of these tests know only the newer one.
inline constexpr const char* kOldHookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
inline constexpr const char* kNewHookSecret = "whsec_c2Vjb25kLXNlY3JldC1mb3Itcm90YXRpb24=";

using wxlived::testing::eventually;

// What a webhook body says, parsed once.
struct EventView {
  std::string type;
  std::string app;    // data.app
  std::string appid;  // data.appid
  std::optional<std::int64_t> room_id;
  std::optional<int> from;
  std::optional<int> to;
  std::optional<std::int64_t> total;     // room.replay_ready
  std::optional<std::size_t> segments;  // room.replay_ready: size of the array
  bool parsed = false;
};

inline EventView parse_event(const std::string& body) {
  EventView v;
  rapidjson::Document doc;
  doc.Parse(body.c_str(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) return v;
  if (doc.HasMember("type") && doc["type"].IsString()) v.type = doc["type"].GetString();
  if (!doc.HasMember("data") || !doc["data"].IsObject()) return v;
  const auto& d = doc["data"];
  if (d.HasMember("app") && d["app"].IsString()) v.app = d["app"].GetString();
  if (d.HasMember("appid") && d["appid"].IsString()) v.appid = d["appid"].GetString();
  if (d.HasMember("room_id") && d["room_id"].IsInt64()) v.room_id = d["room_id"].GetInt64();
  if (d.HasMember("from") && d["from"].IsInt()) v.from = d["from"].GetInt();
  if (d.HasMember("to") && d["to"].IsInt()) v.to = d["to"].GetInt();
  if (d.HasMember("total") && d["total"].IsInt64()) v.total = d["total"].GetInt64();
  if (d.HasMember("segments") && d["segments"].IsArray()) v.segments = d["segments"].Size();
  v.parsed = true;
  return v;
}

// One request as the receiver saw it.
struct Hit {
  int n = 0;  // 1-based, over the receiver's whole life (across restarts)
  std::string id;
  std::string timestamp;
  std::string signature;
  std::string body;
  EventView event;
  delivery::Verification verification = delivery::Verification::malformed;
  int answered = 0;
  std::chrono::system_clock::time_point at;
  // What breaks docs/schemas/<type>.json, if anything (every e2e test fails on one).
  std::optional<std::string> schema_problem;

  bool accepted() const { return answered >= 200 && answered < 300; }
};

// An Answer's status that cuts the connection mid-answer instead.
inline constexpr int kCutConnection = -1;
// As an answer: 503 with Retry-After: 1 (the daemon retries about every second).
inline constexpr int kBusyRetryAfter1s = -2;

// Decides the status for the n-th request; may sleep to be slow.
using Answer = std::function<int(int n, const Hit& hit)>;

inline Answer always(int status) {
  return [status](int, const Hit&) { return status; };
}

// An in-process webhook receiver that can go down and come back on the
// same port, keeping what it saw.
class HookReceiver {
 public:
  // Verifies with `secret` only.
  explicit HookReceiver(Answer answer = always(204), const std::string& secret = kNewHookSecret)
      : answer_(std::move(answer)) {
    auto key = delivery::SigningKey::from_secret(secret);
    REQUIRE(key.has_value());
    keys_.push_back(*key);
    start();
  }
  // Every body it received is checked against the published schema of its
  // type (docs/schemas/, docs/WEBHOOKS.md): an undocumented event type or
  // field, or a documented one missing or retyped, fails the test.
  ~HookReceiver() {
    stop();
    for (const Hit& hit : hits_) CHECK_MESSAGE(!hit.schema_problem, *hit.schema_problem << "\n" << hit.body);
  }
  HookReceiver(const HookReceiver&) = delete;
  HookReceiver& operator=(const HookReceiver&) = delete;

  // Listens again (on the same port once one was chosen).
  void start() {
    std::lock_guard life(life_mu_);
    if (server_) return;
    server_ = std::make_unique<httplib::Server>();
    server_->new_task_queue = [] { return new httplib::ThreadPool(32); };
    server_->Post(R"(/.*)", [this](const httplib::Request& req, httplib::Response& res) { handle(req, res); });
    if (port_ == 0) {
      port_ = server_->bind_to_any_port("127.0.0.1");
    } else {
      // The old socket is closed; SO_REUSEADDR (httplib's default) lets the
      // port be taken again at once.
      bool bound = false;
      for (int i = 0; i < 50 && !bound; ++i) {
        bound = server_->bind_to_port("127.0.0.1", port_);
        if (!bound) std::this_thread::sleep_for(100ms);
      }
      REQUIRE_MESSAGE(bound, "the receiver could not listen on port " << port_ << " again");
    }
    REQUIRE(port_ > 0);
    thread_ = std::thread([server = server_.get()] { server->listen_after_bind(); });
  }

  // Closes the listening socket and every connection: the daemon sees
  // connections refused until start().
  void stop() {
    std::lock_guard life(life_mu_);
    if (!server_) return;
    server_->stop();
    thread_.join();
    server_.reset();
  }

  // The body of every answer from now on (none by default).
  void set_answer_body(const std::string& body) {
    std::lock_guard lock(mu_);
    answer_body_ = body;
  }

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hooks/wxlive"; }

  std::vector<Hit> hits() const {
    std::lock_guard lock(mu_);
    return hits_;
  }

 private:
  void handle(const httplib::Request& req, httplib::Response& res) {
    Hit hit;
    hit.at = std::chrono::system_clock::now();
    hit.id = req.get_header_value("webhook-id");
    hit.timestamp = req.get_header_value("webhook-timestamp");
    hit.signature = req.get_header_value("webhook-signature");
    hit.body = req.body;
    hit.event = parse_event(req.body);
    hit.schema_problem = wxlived::testing::webhook_schema_problem(req.body);
    const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(hit.at.time_since_epoch()).count();
    hit.verification = delivery::verify_signature(keys_, hit.id, hit.timestamp, hit.body, hit.signature, now_s);
    {
      std::lock_guard lock(mu_);
      hit.n = ++requests_;
    }
    hit.answered = answer_(hit.n, hit);
    res.status = hit.answered;
    {
      std::lock_guard lock(mu_);
      if (!answer_body_.empty()) res.set_content(answer_body_, "text/plain");
    }
    if (hit.answered == kBusyRetryAfter1s) {
      res.status = 503;
      res.set_header("Retry-After", "1");
    }
    if (hit.answered == kCutConnection) {
      // Headers promise a body that never comes: the connection is cut in
      // the middle of the answer, as a crashing or reset peer would.
      res.status = 200;
      res.set_content_provider(64, "application/json", [](std::size_t, std::size_t, httplib::DataSink&) {
        return false;
      });
    }
    std::lock_guard lock(mu_);
    hits_.push_back(std::move(hit));
  }

  Answer answer_;
  std::vector<delivery::SigningKey> keys_;
  std::mutex life_mu_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  mutable std::mutex mu_;
  std::vector<Hit> hits_;
  int requests_ = 0;
  std::string answer_body_;
};

// --- the truth -----------------------------------------------------------------

struct RoomTruth {
  std::vector<int> chain;  // 102, then every true transition's `to`
  int final_status = 102;
  std::optional<std::int64_t> replay_segments;
};

inline std::map<std::int64_t, RoomTruth> truth_of(const scenario::Scenario& s) {
  std::map<std::int64_t, RoomTruth> out;
  for (const scenario::Room& room : s.rooms) {
    RoomTruth t;
    t.chain.push_back(102);
    for (const scenario::Transition& tr : scenario::transitions(s, room)) t.chain.push_back(scenario::code(tr.to));
    t.final_status = t.chain.back();
    if (room.replay && t.final_status == 103) t.replay_segments = room.replay->segments;
    out[room.roomid] = std::move(t);
  }
  return out;
}

// The accepted hits, each event once (its first accepted arrival), in the
// order they were accepted.
inline std::vector<Hit> first_arrivals(const std::vector<Hit>& hits) {
  std::vector<Hit> out;
  std::set<std::string> seen;
  for (const Hit& h : hits) {
    if (!h.accepted()) continue;
    if (seen.insert(h.id).second) out.push_back(h);
  }
  return out;
}

// Per room, the statuses the receiver has been told, in order: room.created's
// `to`, then each room.status_changed's `to`.
inline std::map<std::int64_t, std::vector<int>> told_chains(const std::vector<Hit>& hits) {
  std::map<std::int64_t, std::vector<int>> out;
  for (const Hit& h : first_arrivals(hits)) {
    if (!h.event.room_id || !h.event.to) continue;
    if (h.event.type == "room.created" || h.event.type == "room.status_changed")
      out[*h.event.room_id].push_back(*h.event.to);
  }
  return out;
}

// Whether everything the truth promises has reached the receiver.
inline bool everything_arrived(const std::vector<Hit>& hits, const std::map<std::int64_t, RoomTruth>& truth) {
  const auto chains = told_chains(hits);
  const auto firsts = first_arrivals(hits);
  for (const auto& entry : truth) {
    // Plain references: clang-14 lambdas cannot capture structured bindings.
    const std::int64_t room = entry.first;
    const RoomTruth& t = entry.second;
    const auto it = chains.find(room);
    if (it == chains.end() || it->second.size() < t.chain.size()) return false;
    if (t.replay_segments) {
      const bool replay = std::any_of(firsts.begin(), firsts.end(), [&](const Hit& h) {
        return h.event.type == "room.replay_ready" && h.event.room_id == room && h.event.total == t.replay_segments;
      });
      if (!replay) return false;
    }
  }
  return true;
}

inline std::string chain_text(const std::vector<int>& chain) {
  std::string out;
  for (const int s : chain) out += (out.empty() ? "" : " -> ") + std::to_string(s);
  return out;
}

// --- reading the database after (or between) runs -------------------------------

inline std::vector<store::EventRecord> stored_events(const std::filesystem::path& db) {
  auto store = store::StateStore::open_readonly(db);
  REQUIRE_MESSAGE(store.has_value(), (store ? std::string() : store.error().to_string()));
  store::EventFilter filter;
  filter.limit = 1'000'000;
  auto events = store->events(filter);
  REQUIRE_MESSAGE(events.has_value(), (events ? std::string() : events.error().to_string()));
  return std::move(*events);
}

inline std::vector<store::RoomRecord> stored_rooms(const std::filesystem::path& db) {
  auto store = store::StateStore::open_readonly(db);
  REQUIRE_MESSAGE(store.has_value(), (store ? std::string() : store.error().to_string()));
  auto rooms = store->rooms();
  REQUIRE_MESSAGE(rooms.has_value(), (rooms ? std::string() : rooms.error().to_string()));
  return std::move(*rooms);
}

inline std::vector<store::DeliveryRecord> stored_deliveries(const std::filesystem::path& db) {
  auto store = store::StateStore::open_readonly(db);
  REQUIRE_MESSAGE(store.has_value(), (store ? std::string() : store.error().to_string()));
  store::DeliveryFilter filter;
  filter.limit = 1'000'000;
  auto rows = store->deliveries(filter);
  REQUIRE_MESSAGE(rows.has_value(), (rows ? std::string() : rows.error().to_string()));
  return std::move(*rows);
}

// One line per request, for failure messages.
inline std::string hits_text(const std::vector<Hit>& hits) {
  std::string out;
  const auto t0 = hits.empty() ? std::chrono::system_clock::time_point{} : hits.front().at;
  for (const Hit& h : hits) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(h.at - t0).count();
    out += "#" + std::to_string(h.n) + " +" + std::to_string(ms) + "ms " + std::to_string(h.answered) + " " + h.id +
           " " + h.event.type + " room " + std::to_string(h.event.room_id.value_or(0)) +
           (h.event.to ? " to " + std::to_string(*h.event.to) : std::string()) + " sig " +
           delivery::to_string(h.verification) + "\n";
  }
  return out;
}

// --- the processes ----------------------------------------------------------------

struct Rules {
  int min_interval_s = 1;
  int abnormal_timeout_s = 6;
  int replay_delay_s = 3;
};

// The fake, the receiver and a config; the daemon is started by the test.
class Stack {
 public:
  Stack(const std::string& scenario_json, Answer answer, Rules rules = {})
      : scenario_json_(scenario_json), receiver_(std::move(answer)), fake_(scenario_json) {
    started_ = Clock::now();
    auto parsed = scenario::parse_scenario(scenario_json);
    REQUIRE_MESSAGE(parsed.has_value(), (parsed ? std::string() : parsed.error().message));
    scenario_ = std::move(*parsed);
    truth_ = truth_of(scenario_);
    dir_.write("secrets/app", std::string(fakewx::testing::secret) + "\n");
    dir_.write("secrets/hook", std::string(kOldHookSecret) + "\n" + kNewHookSecret + "\n");
    rules_ = rules;
    config_ = dir_.write("wxlived.toml", config_text());
  }
  ~Stack() { daemon_.reset(); }  // the daemon goes before the fake and the receiver

  // The config the stack starts with: one app on the fake, one webhook
  // ("hook") on the receiver with the two rotated secrets.
  std::string config_text() const {
    const Rules& rules = rules_;
    return "[daemon]\nstate_dir = \"state\"\nlog_format = \"text\"\nlog_level = \"info\"\nadmin_listen = \"\"\n\n"
           "[[app]]\nname = \"shop\"\nappid = \"" +
           std::string(fakewx::testing::appid) +
           "\"\nsecret_file = \"secrets/app\"\ntoken_mode = \"stable\"\napi_base = \"http://127.0.0.1:" +
           std::to_string(fake_.port()) + "\"\ndaily_quota = " + std::to_string(scenario_.daily_quota) +
           "\n\n[poll]\nmin_interval_s = " + std::to_string(rules.min_interval_s) +
           "\n\n[rules]\nabnormal_timeout_s = " + std::to_string(rules.abnormal_timeout_s) +
           "\nreplay_delay_s = " + std::to_string(rules.replay_delay_s) +
           "\n\n[[webhook]]\nname = \"hook\"\nurl = \"" + receiver_.url() +
           "\"\nsecret_file = \"secrets/hook\"\ntimeout_s = 5\n";
  }

  // Starts `wxlived run` (one log file per run).
  void start_daemon() {
    REQUIRE_FALSE(daemon_running());
    ++runs_;
    const auto log = dir_ / ("daemon-" + std::to_string(runs_) + ".log");
    daemon_ = std::make_unique<testing::ChildProcess>(testing::bin("wxlived"),
                                                      std::vector<std::string>{"run", "--config", config_.string()},
                                                      log);
  }

  bool daemon_running() { return daemon_ && !daemon_->poll_exit(); }
  pid_t daemon_pid() const { return daemon_ ? daemon_->pid() : 0; }

  // For SIGHUP tests: the files the daemon reads, and a signal without waiting.
  std::filesystem::path write_file(const std::string& relative, const std::string& content) const {
    return dir_.write(relative, content);
  }
  void write_config(const std::string& text) const { dir_.write("wxlived.toml", text); }
  const std::filesystem::path& config_path() const { return config_; }
  void signal_daemon(int sig) {
    REQUIRE(daemon_running());
    wait_daemon_started();
    REQUIRE(::kill(daemon_->pid(), sig) == 0);
  }

  // The current run's whole log.
  std::string daemon_log() const {
    std::ifstream in(dir_ / ("daemon-" + std::to_string(runs_) + ".log"));
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  // How often `needle` occurs in the current run's log.
  std::size_t log_count(const std::string& needle) const {
    const std::string log = daemon_log();
    std::size_t n = 0;
    for (auto at = log.find(needle); at != std::string::npos; at = log.find(needle, at + needle.size())) ++n;
    return n;
  }

  // Sends `sig` and waits for the exit; returns the exit code. kill -9 goes
  // at once, at any instant (the crash suite's point); a signal the daemon
  // handles waits for the run to have started (see wait_daemon_started).
  std::optional<int> stop_daemon(int sig = SIGTERM) {
    REQUIRE(daemon_);
    if (sig != SIGKILL) wait_daemon_started();
    return daemon_->stop(sig, 20s);
  }

  // Until the current run has logged "started" (or exited). Before wxlived
  // has installed its handlers, SIGTERM, SIGINT and SIGHUP get the kernel's
  // default action: the process ends by the signal (exit 128+N) before any
  // code of ours ran, nothing touched (the store opens after the handlers
  // are in place). That window is mostly the dynamic loader (~50 libraries,
  // ~20 ms idle, more on a loaded machine). The crash suite's last SIGTERM
  // falls into it when everything arrived before the last kill: it follows
  // the restart by only the reads of the outbox, the fake and wxlivectl
  // (19 ms after the run's first log line, measured): the reported ~1 in
  // 10, and every run with a daemon slowed to reach its handlers (exit 143,
  // an empty last log). A limit that passes only means the signal goes
  // anyway and the exit code tells.
  void wait_daemon_started(std::chrono::milliseconds limit = 20s) {
    eventually([&] { return log_count(" info started version=") > 0 || !daemon_running(); }, limit);
  }

  // Every run's log, for failure messages.
  std::string daemon_logs() const {
    std::string out;
    for (int i = 1; i <= runs_; ++i) {
      std::ifstream in(dir_ / ("daemon-" + std::to_string(i) + ".log"));
      std::stringstream text;
      text << in.rdbuf();
      std::string s = text.str();
      if (s.size() > 6000) s = "...\n" + s.substr(s.size() - 6000);
      out += "--- daemon run " + std::to_string(i) + " ---\n" + s;
    }
    return out;
  }

  testing::ProcessResult ctl(const std::string& args) const {
    return testing::run_process(testing::bin("wxlivectl") + " --config " + config_.string() + " " + args);
  }

  std::filesystem::path db() const { return dir_ / "state" / "wxlived.db"; }
  std::vector<store::EventRecord> stored_events_now() const { return stored_events(db()); }

  // Sleeps until `s` seconds after the fake started (its origin).
  void sleep_until_scenario(double s) const {
    std::this_thread::sleep_until(started_ + std::chrono::milliseconds(static_cast<std::int64_t>(s * 1000)));
  }

  HookReceiver& receiver() { return receiver_; }
  fakewx::testing::RunningFakewx& fake() { return fake_; }
  const std::map<std::int64_t, RoomTruth>& truth() const { return truth_; }
  const scenario::Scenario& scenario() const { return scenario_; }

  // Everything the truth promises reached the receiver, and the database
  // has no delivery left to make (so that what it holds can be compared
  // with what arrived).
  bool wait_for_everything(std::chrono::milliseconds limit) {
    const auto deadline = Clock::now() + limit;
    const bool arrived = eventually([&] { return everything_arrived(receiver_.hits(), truth_); }, limit);
    const auto left = std::max<Clock::duration>(deadline - Clock::now(), 5s);
    const bool drained = eventually([&] { return outbox_drained(); },
                                    std::chrono::duration_cast<std::chrono::milliseconds>(left));
    return arrived && drained;
  }

  bool outbox_drained() const {
    const auto rows = stored_deliveries(db());
    return std::all_of(rows.begin(), rows.end(),
                       [](const store::DeliveryRecord& d) { return d.state == store::DeliveryState::delivered; });
  }

 private:
  testing::TempDir dir_;
  std::string scenario_json_;
  HookReceiver receiver_;
  fakewx::testing::RunningFakewx fake_;
  Clock::time_point started_;
  scenario::Scenario scenario_;
  std::map<std::int64_t, RoomTruth> truth_;
  Rules rules_;
  std::filesystem::path config_;
  int runs_ = 0;
  std::unique_ptr<testing::ChildProcess> daemon_;
};

// --- helpers shared by the suites ------------------------------------------------

// getliveinfo calls in the daemon's quota ledger today, as wxlivectl reports them.
inline std::int64_t ledger_calls(const Stack& stack) {
  const auto r = stack.ctl("quota --json");
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  rapidjson::Document doc;
  doc.Parse(r.output.c_str());
  REQUIRE_MESSAGE(doc.IsObject(), r.output);
  REQUIRE(doc.HasMember("apps"));
  for (const auto& app : doc["apps"].GetArray())
    if (std::string(app["app"].GetString()) == "shop") return app["getliveinfo_calls"].GetInt64();
  return 0;
}

// How many getliveinfo calls the fake itself counted today.
inline std::int64_t fake_used(Stack& stack) {
  const std::string token = stack.fake().token();
  REQUIRE_FALSE(token.empty());
  const auto a = stack.fake().post("/cgi-bin/openapi/quota/get?access_token=" + token,
                                   R"({"cgi_path":"/wxa/business/getliveinfo"})");
  const bool has_quota = a.json.IsObject() && a.json.HasMember("quota");
  REQUIRE_MESSAGE(has_quota, a.body);
  return a.json["quota"]["used"].GetInt64();
}

// Holds the next request after arm() until release(), so that a test can
// act (kill the daemon) while a POST is in flight.
class Holder {
 public:
  ~Holder() { release(); }
  void arm() {
    std::lock_guard lock(mu_);
    armed_ = true;
    released_ = false;
    held_.reset();
  }
  void maybe_hold(const std::string& id) {
    std::unique_lock lock(mu_);
    if (!armed_) return;
    armed_ = false;
    held_ = id;
    cv_.notify_all();
    cv_.wait_for(lock, 20s, [this] { return released_; });
  }
  std::optional<std::string> wait_held(std::chrono::milliseconds limit) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, limit, [this] { return held_.has_value(); });
    return held_;
  }
  void release() {
    std::lock_guard lock(mu_);
    released_ = true;
    armed_ = false;  // an arm() that caught nothing must not hold a later request
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool armed_ = false;
  bool released_ = true;
  std::optional<std::string> held_;
};


// No state rolled back across kills: every room ends at the truth's final
// status, its stored transitions form one chain (each `from` the previous
// `to`) equal to the truth's, and every status committed before a kill
// (`seen_before_kills`) is on that chain.
inline void check_nothing_rolled_back(const Stack& stack, const std::map<std::int64_t, int>& seen_before_kills) {
  auto store = store::StateStore::open_readonly(stack.db());
  REQUIRE(store.has_value());
  for (const auto& r : stored_rooms(stack.db())) {
    CAPTURE(r.room_id);
    const auto& truth = stack.truth().at(r.room_id);
    CHECK(r.status == truth.final_status);
    auto transitions = store->transitions("shop", r.room_id);
    REQUIRE(transitions.has_value());
    std::vector<int> chain;
    for (const auto& t : *transitions) {
      if (!chain.empty()) CHECK(t.from_status == chain.back());
      chain.push_back(t.to_status);
    }
    CHECK_MESSAGE(chain == truth.chain, "stored " << chain_text(chain) << ", truth " << chain_text(truth.chain));
    if (const auto seen = seen_before_kills.find(r.room_id); seen != seen_before_kills.end())
      CHECK(std::find(chain.begin(), chain.end(), seen->second) != chain.end());
  }
}

// --- the checks shared by the tests ------------------------------------------------

// Every true transition reached the receiver as one room.created then a
// room.status_changed chain whose `from` is always the previous `to`, and
// every promised replay arrived with its segments.
inline void check_chains_match_truth(const std::vector<Hit>& hits, const std::map<std::int64_t, RoomTruth>& truth) {
  std::map<std::int64_t, std::vector<Hit>> per_room;
  for (const Hit& h : first_arrivals(hits))
    if (h.event.room_id) per_room[*h.event.room_id].push_back(h);

  for (const auto& entry : truth) {
    const std::int64_t room = entry.first;  // doctest macros are lambdas: no structured bindings
    const RoomTruth& t = entry.second;
    CAPTURE(room);
    const auto& got = per_room[room];
    std::vector<int> chain;
    std::optional<int> previous;
    int created = 0;
    for (const Hit& h : got) {
      if (h.event.type == "room.created") {
        ++created;
        CHECK_MESSAGE(chain.empty(), "room.created after status events");
        CHECK_FALSE(h.event.from.has_value());
      } else if (h.event.type == "room.status_changed") {
        CHECK_MESSAGE(previous.has_value(), "room.status_changed before room.created");
        CHECK_MESSAGE(h.event.from == previous, "from " << h.event.from.value_or(0) << " after to "
                                                        << previous.value_or(0));
      } else {
        continue;
      }
      REQUIRE(h.event.to.has_value());
      chain.push_back(*h.event.to);
      previous = h.event.to;
    }
    CHECK(created == 1);
    CHECK_MESSAGE(chain == t.chain, "told " << chain_text(chain) << ", truth " << chain_text(t.chain));
    if (t.replay_segments) {
      const auto replay = std::find_if(got.rbegin(), got.rend(), [](const Hit& h) {
        return h.event.type == "room.replay_ready";
      });
      REQUIRE_MESSAGE(replay != got.rend(), "no room.replay_ready");
      CHECK(replay->event.total == t.replay_segments);
      CHECK(replay->event.segments == static_cast<std::size_t>(*t.replay_segments));
    }
  }
}

// Every event in the database reached the receiver; per room the first
// arrivals follow the database's order; a repeated webhook-id carries the
// same body (a redelivery, not a different event).
inline void check_outbox_delivered_in_order(const std::vector<Hit>& hits, const std::vector<store::EventRecord>& events) {
  const auto firsts = first_arrivals(hits);
  std::map<std::string, const Hit*> first_by_id;
  for (const Hit& h : firsts) first_by_id[h.id] = &h;

  std::map<std::string, std::int64_t> seq_of;
  std::map<std::int64_t, std::vector<std::string>> stored_per_room;
  for (const auto& e : events) {
    seq_of[e.id] = e.seq;
    CHECK_MESSAGE(first_by_id.count(e.id) == 1, "event " << e.id << " (" << e.type << ") never arrived");
    if (e.room_id) stored_per_room[*e.room_id].push_back(e.id);
  }
  std::map<std::int64_t, std::vector<std::string>> arrived_per_room;
  for (const Hit& h : firsts) {
    CHECK_MESSAGE(seq_of.count(h.id) == 1, "received " << h.id << " which the database does not hold");
    if (h.event.room_id) arrived_per_room[*h.event.room_id].push_back(h.id);
  }
  for (const auto& entry : stored_per_room) {
    const std::int64_t room = entry.first;
    CAPTURE(room);
    CHECK(arrived_per_room[room] == entry.second);
  }
  for (const Hit& h : hits) {
    const auto it = first_by_id.find(h.id);
    if (it != first_by_id.end()) CHECK_MESSAGE(h.body == it->second->body, "webhook-id " << h.id << " reused");
  }
}

inline void check_signatures(const std::vector<Hit>& hits) {
  for (const Hit& h : hits) {
    CAPTURE(h.id);
    CHECK(h.verification == delivery::Verification::ok);
    CHECK(h.signature.find(' ') != std::string::npos);  // one v1 entry per rotated secret
  }
}

// No room was announced twice: one room.created per room in the database,
// and the receiver never saw two different room.created ids for one room.
inline void check_single_created(const std::vector<Hit>& hits, const std::vector<store::EventRecord>& events) {
  std::map<std::int64_t, std::set<std::string>> stored;
  for (const auto& e : events)
    if (e.type == "room.created" && e.room_id) stored[*e.room_id].insert(e.id);
  for (const auto& entry : stored) {
    const std::int64_t room = entry.first;
    CAPTURE(room);
    CHECK(entry.second.size() == 1);
  }
  std::map<std::int64_t, std::set<std::string>> received;
  for (const Hit& h : hits)
    if (h.event.type == "room.created" && h.event.room_id) received[*h.event.room_id].insert(h.id);
  for (const auto& entry : received) {
    const std::int64_t room = entry.first;
    CAPTURE(room);
    CHECK(entry.second.size() == 1);
  }
}

}  // namespace wxlived::e2e
