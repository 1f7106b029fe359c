#include <doctest/doctest.h>

#include <string>

#include "wxlived/scenario/parse.hpp"
#include "wxlived/simulate/simulation.hpp"

using namespace wxlived;

namespace {

scenario::Scenario shared(const std::string& name) {
  auto s = scenario::load_scenario_file(std::string(WXLIVED_SOURCE_DIR) + "/../shared/scenarios/" + name);
  if (!s) s = scenario::load_scenario_file("/work/shared/scenarios/" + name);
  REQUIRE(s.has_value());
  return *s;
}

simulate::SimulationSettings settings_for(const scenario::Scenario& s, engine::Policy policy) {
  simulate::SimulationSettings out;
  out.engine.app = "app";
  out.engine.appid = s.appid;
  out.engine.daily_quota = s.daily_quota;
  out.engine.abnormal_timeout = s.abnormal_timeout_s * engine::kSecond;
  out.engine.policy = policy;
  out.secret = s.secret;
  return out;
}

}  // namespace

TEST_CASE("small json is fully detected by both policies with no spurious event") {
  const scenario::Scenario s = shared("small.json");
  for (const auto policy : {engine::Policy::adaptive, engine::Policy::fixed}) {
    const auto run = simulate::run_simulation(s, settings_for(s, policy));
    const auto g = simulate::grade(s, run.events);
    CHECK(g.transitions_total == 8);
    CHECK(g.detected == 8);
    CHECK(g.missed == 0);
    CHECK(g.spurious == 0);
    CHECK(g.rule_latencies.size() == 2);  // room 2's 106 -> 103, room 3's 102 -> 107
    const auto q = simulate::check_calls(s, run.calls);
    CHECK(q.days_over_quota == 0);
    CHECK(q.quota_errors == 0);
    REQUIRE(q.min_sweep_gap_s.has_value());
    CHECK(*q.min_sweep_gap_s >= 60.0);
    std::int64_t created = 0;
    std::int64_t replays = 0;
    for (const auto& e : run.events) {
      created += e.event.type == "room.created" ? 1 : 0;
      replays += e.event.type == "room.replay_ready" ? 1 : 0;
    }
    CHECK(created == 3);
    CHECK(replays == 2);  // rooms 1 and 2 end in the window and have replays
  }
}

TEST_CASE("small json room 3 expires at its end_time without inference") {
  const scenario::Scenario s = shared("small.json");
  const auto run = simulate::run_simulation(s, settings_for(s, engine::Policy::adaptive));
  bool seen = false;
  for (const auto& e : run.events) {
    if (e.event.room_id == 3 && e.event.body_json.find(R"("to":107)") != std::string::npos) {
      seen = true;
      CHECK(e.at / 1000 - s.origin_unix == 2400);  // end_time exactly
      CHECK(e.event.body_json.find(R"("inferred":false,"reason":"end_time_passed")") != std::string::npos);
    }
  }
  CHECK(seen);
}

TEST_CASE("the simulation is deterministic") {
  const scenario::Scenario s = shared("small.json");
  const auto a = simulate::run_simulation(s, settings_for(s, engine::Policy::adaptive));
  const auto b = simulate::run_simulation(s, settings_for(s, engine::Policy::adaptive));
  REQUIRE(a.events.size() == b.events.size());
  for (std::size_t i = 0; i < a.events.size(); ++i) CHECK(a.events[i].event.id == b.events[i].event.id);
  CHECK(a.calls.size() == b.calls.size());
}

TEST_CASE("percentiles are nearest rank") {
  const auto l = simulate::summarize({5, 1, 4, 2, 3});
  CHECK(l.p50 == 3);
  CHECK(l.p95 == 5);
  CHECK(l.max == 5);
  CHECK(simulate::summarize({}).count == 0);
}

namespace {

simulate::EmittedEvent status_event(std::int64_t origin, std::int64_t at_s, int to) {
  simulate::EmittedEvent e;
  e.at = (origin + at_s) * engine::kSecond;
  e.event.id = "evt_" + std::to_string(at_s);
  e.event.type = "room.status_changed";
  e.event.room_id = 7;
  e.event.body_json = R"({"type":"room.status_changed","data":{"room_id":7,"to":)" + std::to_string(to) + "}}";
  e.event.created_at = e.at;
  return e;
}

}  // namespace

TEST_CASE("a rule 103 is graded from the true deadline and from the deadline the engine could know") {
  // Room 7 drops to 106 at 5000 and never recovers: WeChat ends it at 5900.
  // The engine first sees the 106 at 5100, so the latest deadline it can know is 6000.
  auto s = scenario::parse_scenario(R"({"origin":"2026-11-24T00:00:00+08:00","duration_s":86400,
    "appid":"wxfake000000000001","secret":"x","daily_quota":500,"abnormal_timeout_s":900,
    "rooms":[{"roomid":7,"name":"r","anchor_name":"a","created_at":-86400,"start_time":3600,"end_time":20000,
              "timeline":[[3600,101],[5000,106]],"deleted_at":null}]})");
  REQUIRE(s.has_value());
  const std::int64_t o = s->origin_unix;
  const std::vector<simulate::EmittedEvent> events = {status_event(o, 3650, 101), status_event(o, 5100, 106),
                                                      status_event(o, 5990, 103)};
  const simulate::Grade g = simulate::grade(*s, events);
  CHECK(g.spurious == 0);
  REQUIRE(g.rule_latencies.size() == 1);
  CHECK(g.rule_latencies[0] == 90);          // 5990 - 5900
  REQUIRE(g.rule_latencies_known.size() == 1);
  CHECK(g.rule_latencies_known[0] == -10);   // 5990 - (5100 + 900): seen before the latest possible deadline
  CHECK(g.rule_known_by_cause.at("abnormal_timeout").size() == 1);
}

TEST_CASE("with budget to spare no rule event comes after the deadline the engine can know") {
  for (const char* name : {"small.json", "day.json"}) {
    const scenario::Scenario s = shared(name);
    const auto run = simulate::run_simulation(s, settings_for(s, engine::Policy::adaptive));
    const auto g = simulate::grade(s, run.events);
    CHECK(g.spurious == 0);
    REQUIRE_FALSE(g.rule_latencies_known.empty());
    for (const double late : g.rule_latencies_known) CHECK(late <= 0);
    CHECK(run.stats.inferred == 0);
  }
}

namespace {

scenario::Scenario generated(const std::string& name) {
  auto s = scenario::load_scenario_file(std::string(WXLIVED_SOURCE_DIR) + "/tests/simulate/scenarios/" + name);
  REQUIRE(s.has_value());
  return *s;
}

}  // namespace

TEST_CASE("a two-day run reports each Beijing day and the days add up to the run") {
  const scenario::Scenario s = generated("gen-twoday-2.json");
  for (const auto policy : {engine::Policy::adaptive, engine::Policy::steady, engine::Policy::fixed}) {
    CAPTURE(engine::to_string(policy));
    const auto run = simulate::run_simulation(s, settings_for(s, policy));
    const auto g = simulate::grade(s, run.events);
    const auto q = simulate::check_calls(s, run.calls);
    REQUIRE(g.days.size() == 2);
    std::int64_t transitions = 0;
    std::int64_t detected = 0;
    std::size_t latencies = 0;
    for (const auto& [day, d] : g.days) {
      transitions += d.transitions_total;
      detected += d.detected;
      latencies += d.latencies.size();
    }
    CHECK(transitions == g.transitions_total);
    CHECK(detected == g.detected);
    CHECK(latencies == g.latencies.size());
    std::int64_t list = 0;
    for (const auto& [day, calls] : q.per_day) {
      CHECK(calls.first + calls.second <= s.daily_quota);
      list += calls.first;
    }
    CHECK(list == q.list);
    const std::string report = simulate::report_json(s, settings_for(s, policy), run, g, q);
    CHECK(report.find(R"("days":[{"day":"2026-11-24")") != std::string::npos);
    CHECK(report.find(R"("latency_by_change_s")") != std::string::npos);
  }
}

TEST_CASE("without learning the habits stay at the prior and with it they move") {
  const scenario::Scenario s = generated("gen-twoday-2.json");
  auto fixed_habits = settings_for(s, engine::Policy::adaptive);
  fixed_habits.engine.learn = false;
  const auto still = simulate::run_simulation(s, fixed_habits);
  CHECK(still.habits_json.find(R"("learning":false)") != std::string::npos);
  CHECK(still.habits_json.find(R"("observations":0.0,)") != std::string::npos);
  const auto learned = simulate::run_simulation(s, settings_for(s, engine::Policy::adaptive));
  CHECK(learned.habits_json.find(R"("learning":true)") != std::string::npos);
  CHECK(learned.habits_json != still.habits_json);
}

TEST_CASE("each fault window's recovery is reported: the first answered sweep after it ends") {
  const scenario::Scenario s = shared("faults.json");
  const auto run = simulate::run_simulation(s, settings_for(s, engine::Policy::adaptive));
  const auto q = simulate::check_calls(s, run.calls);
  REQUIRE(q.fault_recovery_s.size() == s.faults.size());
  for (const auto& delay : q.fault_recovery_s) {
    REQUIRE(delay.has_value());
    CHECK(*delay >= 0);
    CHECK(*delay <= 2 * 60 + 10);  // one floor plus one backoff step (and a 10 s held request)
  }
}
