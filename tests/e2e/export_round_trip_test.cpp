// `wxlivectl export-scenario` on a database a real daemon wrote: wxlive-fakewx
// plays a short scenario, `wxlived run` polls it (1 s floor), then the
// recorded history is exported, served by another wxlive-fakewx and replayed
// with `wxlived simulate`. Every
// change the scenario scripted must be in the export within one sweep gap of
// its true time, and the simulator, given the export, must announce the same
// status changes per room as the daemon did.
#include <cstdlib>
#include <regex>

#include "e2e_harness.hpp"
#include "wxlived/scenario/listing.hpp"
#include "wxlived/scenario/rfc3339.hpp"

using namespace wxlived::e2e;
using wxlived::fakewx::testing::room;
using wxlived::fakewx::testing::ScenarioText;
namespace ws = wxlived::scenario;

namespace {

// Rules as the daemon and the simulator get them: 1 s floor, 10 s abnormal rule, replays 3 s after the end.
const Rules kRules{1, 10, 3};

// About thirty seconds, relative to the fake's start (--origin now). Every
// status is held for six seconds, and the first change comes seven seconds
// after the daemon's first sighting: the export moves each change by up to
// half a sweep gap, and the simulator sweeps every three seconds or so.
//   31: live, paused, live again, ended; replay in two segments 2 s later
//   32: live, abnormal, recovers before the 10 s rule, ended
//   33: never starts, expires at its end_time (WeChat's rule)
//   34: never starts within the run
std::string round_trip_scenario() {
  ScenarioText s;
  s.daily_quota = 1'000'000;  // the quota never binds: the 1 s floor does
  s.extra = "\"abnormal_timeout_s\":" + std::to_string(kRules.abnormal_timeout_s);
  s.rooms.push_back(room(31, 7, 60, -86400, "[[7,101],[13,105],[19,101],[25,103]]", R"({"delay_s":2,"segments":2})"));
  s.rooms.push_back(room(32, 8, 60, -86400, "[[8,101],[14,106],[20,101],[26,103]]"));
  s.rooms.push_back(room(33, 9, 14, -86400));
  s.rooms.push_back(room(34, 500, 600, -86400));
  return s.json();
}

// The fake's origin (unix seconds) as it logged it: "origin=2026-11-24T04:00:05Z".
std::int64_t fake_origin(const std::string& fake_output) {
  std::smatch m;
  REQUIRE_MESSAGE(std::regex_search(fake_output, m, std::regex("origin=([0-9T:Z-]+)")), fake_output);
  const auto origin = ws::parse_rfc3339(m[1].str());
  REQUIRE(origin.has_value());
  return *origin;
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Per room, the statuses announced in `wxlived simulate --events-out` lines:
// room.created's `to`, then each room.status_changed's `to`.
std::map<std::int64_t, std::vector<int>> simulated_chains(const std::string& events_jsonl, int& replays) {
  std::map<std::int64_t, std::vector<int>> out;
  std::istringstream lines(events_jsonl);
  std::string line;
  while (std::getline(lines, line)) {
    const EventView e = parse_event(line);
    REQUIRE_MESSAGE(e.parsed, line);
    if (e.type == "room.replay_ready") ++replays;
    if (!e.room_id || !e.to) continue;
    if (e.type == "room.created" || e.type == "room.status_changed") out[*e.room_id].push_back(*e.to);
  }
  return out;
}

}  // namespace

TEST_CASE("a history exported from a real daemon replays through simulate with the same status changes") {
  Stack stack(round_trip_scenario(), always(204), kRules);
  stack.start_daemon();
  // Everything but room 34's expiry at 600 s, long after the run.
  auto within_run = stack.truth();
  within_run.at(34).chain = {102};
  REQUIRE_MESSAGE(eventually([&] { return everything_arrived(stack.receiver().hits(), within_run); }, 40s),
                  stack.daemon_logs());
  // A few more sweeps: the recorded history (and so the export's duration)
  // reaches well past the last change and the replay.
  std::this_thread::sleep_for(4s);
  REQUIRE(stack.stop_daemon(SIGTERM) == 0);
  const std::int64_t truth_origin = fake_origin(stack.fake().output());

  // Export the daemon's database. Through its config, which names the
  // database: the scenario takes the app's daily_quota (a --db export says
  // 500, which the simulator's fake would enforce) and the abnormal rule.
  wxlived::testing::TempDir dir;
  const auto exported_file = dir / "history.json";
  const auto exported = stack.ctl("export-scenario --since 1h --out " + exported_file.string());
  REQUIRE_MESSAGE(exported.exit_code == 0, exported.output);
  const std::string text = read_text(exported_file);
  INFO(text);
  if (std::getenv("WXLIVED_E2E_VERBOSE")) MESSAGE(text);
  auto parsed = ws::parse_scenario(text);
  REQUIRE_MESSAGE(parsed.has_value(), (parsed ? std::string() : parsed.error().message));
  const ws::Scenario& s = *parsed;
  CHECK(s.secret == "exported-no-secret");
  CHECK(s.appid == wxlived::fakewx::testing::appid);
  CHECK(s.daily_quota == 1'000'000);
  CHECK(s.abnormal_timeout_s == kRules.abnormal_timeout_s);
  REQUIRE(s.rooms.size() == stack.scenario().rooms.size());

  // Every scripted change is in the export within one sweep gap of its true time.
  auto store = wxlived::store::StateStore::open_readonly(stack.db());
  REQUIRE(store.has_value());
  for (const ws::Room& original : stack.scenario().rooms) {
    CAPTURE(original.roomid);
    const ws::Room* copy = ws::find_room(s, original.roomid);
    REQUIRE(copy != nullptr);
    std::vector<ws::Transition> scripted;
    for (const ws::Transition& t : ws::transitions(stack.scenario(), original))
      if (t.cause == ws::TransitionCause::timeline) scripted.push_back(t);
    const auto stored = store->transitions("shop", original.roomid);
    REQUIRE(stored.has_value());
    std::vector<wxlived::store::TransitionRecord> observed;
    for (const auto& t : *stored)
      if (t.from_status && t.reason == "observed" && !t.inferred) observed.push_back(t);
    REQUIRE(copy->timeline.size() == scripted.size());
    REQUIRE(observed.size() == scripted.size());
    for (std::size_t i = 0; i < scripted.size(); ++i) {
      CAPTURE(i);
      CHECK(ws::code(copy->timeline[i].status) == ws::code(scripted[i].to));
      REQUIRE(observed[i].after_ms.has_value());
      const std::int64_t gap_ms = observed[i].at_ms - *observed[i].after_ms;
      const std::int64_t true_ms = (truth_origin + scripted[i].t) * 1000;
      const std::int64_t exported_ms = (s.origin_unix + copy->timeline[i].t) * 1000;
      CAPTURE(gap_ms);
      CAPTURE(exported_ms - true_ms);
      CHECK(gap_ms < 5000);
      CHECK(std::abs(exported_ms - true_ms) <= gap_ms + 1000);  // + the export's whole seconds
    }
    CHECK(copy->replay.has_value() == original.replay.has_value());
    if (copy->replay) CHECK(copy->replay->segments == original.replay->segments);
  }

  // wxlive-fakewx serves the export (its clock at the export's origin) with the placeholder secret.
  {
    wxlived::fakewx::testing::RunningFakewx replayed(text, {"--origin", ws::format_rfc3339_utc(s.origin_unix)});
    const auto token = replayed.get(std::string("/cgi-bin/token?grant_type=client_credential&appid=") + s.appid +
                                    "&secret=exported-no-secret");
    REQUIRE_MESSAGE(!token.string("access_token").empty(), token.body);
    const auto listed = replayed.list(token.string("access_token"), 0, 100);
    const bool answered = listed.json.IsObject() && listed.json.HasMember("total");
    REQUIRE_MESSAGE(answered, listed.body);
    CHECK_MESSAGE(listed.json["total"].GetInt64() == static_cast<std::int64_t>(s.rooms.size()), listed.body);
  }

  // The export through the simulator, with the daemon's poll floor and rules.
  dir.write("secrets/app", "exported-no-secret\n");
  const auto config = dir.write(
      "simulate.toml", std::string("[daemon]\nstate_dir = \"state\"\n\n[[app]]\nname = \"shop\"\nappid = \"") +
                           wxlived::fakewx::testing::appid +
                           "\"\nsecret_file = \"secrets/app\"\napi_base = \"http://127.0.0.1:9\"\n"
                           "daily_quota = 1000000\n\n[poll]\nmin_interval_s = 1\n\n"
                           "[rules]\nabnormal_timeout_s = " + std::to_string(kRules.abnormal_timeout_s) +
                           "\nreplay_delay_s = " + std::to_string(kRules.replay_delay_s) + "\n");
  const auto events_file = dir / "events.jsonl";
  const auto started = Clock::now();
  const auto simulated = wxlived::testing::run_process(wxlived::testing::bin("wxlived") + " simulate --scenario " +
                                                       exported_file.string() + " --config " + config.string() +
                                                       " --events-out " + events_file.string());
  const auto simulate_s = std::chrono::duration<double>(Clock::now() - started).count();
  CAPTURE(simulate_s);
  REQUIRE_MESSAGE(simulated.exit_code == 0, simulated.output);
  INFO(simulated.output);
  const std::string events = read_text(events_file);
  INFO(events);
  int replays = 0;
  const auto chains = simulated_chains(events, replays);
  for (const auto& r : stored_rooms(stack.db())) {
    CAPTURE(r.room_id);
    const auto stored = store->transitions("shop", r.room_id);
    REQUIRE(stored.has_value());
    std::vector<int> recorded;
    for (const auto& t : *stored) recorded.push_back(t.to_status);
    const auto it = chains.find(r.room_id);
    REQUIRE(it != chains.end());
    CHECK_MESSAGE(it->second == recorded, "simulated " << chain_text(it->second) << ", recorded "
                                                       << chain_text(recorded));
    CHECK(recorded == within_run.at(r.room_id).chain);
  }
  CHECK(replays >= 1);
}
