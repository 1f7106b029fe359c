// 410 Gone through the operator's tools: the real daemon disables the
// endpoint and says so at error level, `wxlivectl endpoints` shows it, the
// room's later events wait, `wxlivectl enable-endpoint` lets them go and
// `wxlivectl redeliver --dead` brings back the one the receiver refused.
// (429 + Retry-After, a hanging receiver and a huge error body are covered
// with a real receiver in tests/delivery/delivery_worker_test.cpp.)
#include <csignal>
#include <sstream>

#include "e2e_harness.hpp"

using namespace wxlived::e2e;
using wxlived::fakewx::testing::room;
using wxlived::fakewx::testing::ScenarioText;

namespace {

std::string one_room_scenario() {
  ScenarioText s;
  s.daily_quota = 1'000'000;
  s.rooms.push_back(room(61, 3, 600, -86400, "[[3,101],[6,105]]"));
  return s.json();
}

std::string line_with(const std::string& log, const std::string& needle) {
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);)
    if (line.find(needle) != std::string::npos) return line;
  return {};
}

rapidjson::Document json_of(const wxlived::testing::ProcessResult& r) {
  rapidjson::Document doc;
  doc.Parse(r.output.c_str());
  return doc;
}

}  // namespace

TEST_CASE("410 Gone disables the endpoint loudly until wxlivectl enable-endpoint, redeliver --dead resends") {
  // The first request (room 61's room.created) is refused for good.
  Stack stack(one_room_scenario(), [](int n, const Hit&) { return n == 1 ? 410 : 204; });
  stack.start_daemon();

  REQUIRE_MESSAGE(eventually([&] { return stack.log_count("WEBHOOK ENDPOINT DISABLED") == 1; }, 30s),
                  stack.daemon_logs());
  const std::string loud = line_with(stack.daemon_log(), "WEBHOOK ENDPOINT DISABLED");
  CHECK(loud.find(" error ") != std::string::npos);
  CHECK(loud.find("endpoint=hook") != std::string::npos);
  CHECK(loud.find("wxlivectl enable-endpoint") != std::string::npos);

  const auto endpoints = stack.ctl("endpoints --json");
  REQUIRE_MESSAGE(endpoints.exit_code == 0, endpoints.output);
  const auto listed = json_of(endpoints);
  REQUIRE_MESSAGE((listed.IsArray() && listed.Size() == 1), endpoints.output);
  CHECK(std::string(listed[0]["name"].GetString()) == "hook");
  CHECK(std::string(listed[0]["state"].GetString()) == "disabled");
  CHECK(std::string(listed[0]["disabled_reason"].GetString()).find("410") != std::string::npos);

  // The room goes live and pauses; those events are committed but wait.
  REQUIRE_MESSAGE(eventually([&] { return stack.stored_events_now().size() >= 3; }, 30s), stack.daemon_logs());
  const auto dead = stack.ctl("deliveries --state dead --json");
  REQUIRE_MESSAGE(dead.exit_code == 0, dead.output);
  const auto dead_rows = json_of(dead);
  REQUIRE_MESSAGE((dead_rows.IsArray() && dead_rows.Size() == 1), dead.output);
  CHECK(dead.output.find("410") != std::string::npos);
  // Two sweeps with nothing sent while disabled.
  std::this_thread::sleep_for(2s);
  CHECK(stack.receiver().hits().size() == 1);

  const auto enabled = stack.ctl("enable-endpoint hook");
  REQUIRE_MESSAGE(enabled.exit_code == 0, enabled.output);
  REQUIRE_MESSAGE(eventually(
                      [&] {
                        const auto chains = told_chains(stack.receiver().hits());
                        return chains.count(61) && chains.at(61).size() >= 2;
                      },
                      30s),
                  stack.daemon_logs());
  // The refused room.created is dead, not lost: redeliver brings it back.
  const auto redeliver = stack.ctl("redeliver --dead");
  REQUIRE_MESSAGE(redeliver.exit_code == 0, redeliver.output);
  const bool all = stack.wait_for_everything(30s);
  CHECK(stack.stop_daemon(SIGTERM) == 0);
  const auto hits = stack.receiver().hits();
  INFO(stack.daemon_logs());
  INFO(hits_text(hits));
  REQUIRE(all);

  check_signatures(hits);
  const auto events = stack.stored_events_now();
  std::set<std::string> accepted;
  for (const Hit& h : hits)
    if (h.accepted()) accepted.insert(h.id);
  for (const auto& e : events) CHECK_MESSAGE(accepted.count(e.id) == 1, e.id << " never accepted");
  REQUIRE_FALSE(hits.empty());
  CHECK(hits.front().answered == 410);
  CHECK(hits.front().event.type == "room.created");
  // The refused event came again with its webhook-id and body.
  const auto again = std::find_if(hits.begin() + 1, hits.end(), [&](const Hit& h) { return h.id == hits.front().id; });
  REQUIRE(again != hits.end());
  CHECK(again->body == hits.front().body);
  CHECK(again->accepted());
}
