// The receiver developer's contract with the real daemon (issue 16, items
// 6-8): `wxlivectl send-test` through a running `wxlived run` to a real
// receiver (a 200 with a body, a 500, no daemon at all), past an `events`
// filter that names no test; and a receiver holding the wrong secret (401 to
// everything) that is fixed later: every event still arrives, and the
// daemon reported the failing endpoint and its recovery. Every body the
// receivers get is checked against docs/schemas/ (e2e_harness.hpp).
#include <rapidjson/document.h>

#include <atomic>
#include <sstream>

#include "e2e_harness.hpp"

using namespace wxlived::e2e;
using wxlived::fakewx::testing::room;
using wxlived::fakewx::testing::ScenarioText;

namespace {

// One room that waits all along: the filter below keeps its events away, so
// the receiver sees only what send-test sends.
std::string quiet_scenario() {
  ScenarioText s;
  s.daily_quota = 1'000'000;
  s.rooms.push_back(room(71, 500, 600, -86400));
  return s.json();
}

// The stack's config with the webhook subscribed to replays only.
void subscribe_to_replays_only(Stack& stack) {
  stack.write_config(stack.config_text() + "events = [\"room.replay_ready\"]\n");
}

std::vector<Hit> test_hits(const std::vector<Hit>& hits) {
  std::vector<Hit> out;
  for (const Hit& h : hits)
    if (h.event.type == "webhook.test") out.push_back(h);
  return out;
}

}  // namespace

TEST_CASE("wxlivectl send-test sends a signed webhook.test through the daemon and prints the answer, status and latency") {
  Stack stack(quiet_scenario(), always(200));
  stack.receiver().set_answer_body(R"({"received":true})");
  subscribe_to_replays_only(stack);
  stack.start_daemon();
  stack.wait_daemon_started();

  const auto sent = stack.ctl("send-test hook");
  REQUIRE_MESSAGE(sent.exit_code == 0, sent.output << stack.daemon_logs());
  CHECK(sent.output.find("webhook.test evt_") == 0);
  CHECK(sent.output.find(" to hook\n") != std::string::npos);
  CHECK(sent.output.find("status:  HTTP 200 (delivered)\n") != std::string::npos);
  CHECK(sent.output.find("latency: ") != std::string::npos);
  CHECK(sent.output.find(" ms\n") != std::string::npos);
  CHECK(sent.output.find("answer:  {\"received\":true}\n") != std::string::npos);

  // Exactly one request, signed (the receiver knows only the newer secret),
  // with the event id the command printed.
  const auto hits = stack.receiver().hits();
  REQUIRE_MESSAGE(hits.size() == 1, hits_text(hits));
  CHECK(hits[0].event.type == "webhook.test");
  CHECK(hits[0].verification == wxlived::delivery::Verification::ok);
  CHECK(hits[0].id.starts_with("evt_"));
  CHECK(sent.output.find("webhook.test " + hits[0].id + " to hook") == 0);
  rapidjson::Document body;
  body.Parse(hits[0].body.c_str());
  REQUIRE(body.IsObject());
  CHECK(std::string(body["data"]["endpoint"].GetString()) == "hook");

  const auto as_json = stack.ctl("send-test hook --json");
  REQUIRE_MESSAGE(as_json.exit_code == 0, as_json.output);
  rapidjson::Document report;
  report.Parse(as_json.output.c_str());
  REQUIRE_MESSAGE(report.IsObject(), as_json.output);
  CHECK(report["delivered"].GetBool());
  CHECK(report["status"].GetInt() == 200);
  CHECK(report["latency_ms"].GetInt64() >= 0);
  CHECK(std::string(report["answer"].GetString()) == R"({"received":true})");
  CHECK(report["error"].IsNull());
  CHECK(std::string(report["event_id"].GetString()).starts_with("evt_"));
  CHECK(test_hits(stack.receiver().hits()).size() == 2);
}

TEST_CASE("wxlivectl send-test to a receiver answering 500 prints the answer and exits 1, and the test is not retried") {
  Stack stack(quiet_scenario(), always(500));
  stack.receiver().set_answer_body("database is down");
  subscribe_to_replays_only(stack);
  stack.start_daemon();
  stack.wait_daemon_started();

  const auto sent = stack.ctl("send-test hook");
  CHECK_MESSAGE(sent.exit_code == 1, sent.output);
  CHECK(sent.output.find("status:  HTTP 500 (not delivered)\n") != std::string::npos);
  CHECK(sent.output.find("answer:  database is down\n") != std::string::npos);
  CHECK(sent.output.find("error:   test event, tried once: HTTP 500: database is down\n") != std::string::npos);
  // Three sweeps later still one request: a test is tried once.
  std::this_thread::sleep_for(3s);
  CHECK(stack.receiver().hits().size() == 1);
}

TEST_CASE("wxlivectl send-test without a daemon gives up after its timeout and withdraws the event") {
  Stack stack(quiet_scenario(), always(204));
  subscribe_to_replays_only(stack);
  stack.start_daemon();
  stack.wait_daemon_started();
  REQUIRE(stack.stop_daemon() == 0);

  const auto unknown = stack.ctl("send-test nope");
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.output.find("no [[webhook]] named nope in the config (there are: hook)") != std::string::npos);

  const auto waited = stack.ctl("send-test hook --timeout 1");
  CHECK(waited.exit_code == 1);
  CHECK_MESSAGE(waited.output.find("within 1 s: is wxlived running on this database") != std::string::npos,
                waited.output);
  // The withdrawn test does not go out when a daemon starts later.
  stack.start_daemon();
  stack.wait_daemon_started();
  std::this_thread::sleep_for(3s);
  CHECK(test_hits(stack.receiver().hits()).empty());
  const auto dead = stack.ctl("deliveries --state dead");
  CHECK(dead.output.find("stopped waiting") != std::string::npos);
}

TEST_CASE("a receiver with the wrong secret answering 401 is retried until fixed, reported as failing, then recovered") {
  // Room 81 goes live at 3 s and ends at 8 s. The receiver refuses
  // everything with 401 (as a receiver holding the wrong secret does) until
  // the test fixes it.
  ScenarioText s;
  s.daily_quota = 1'000'000;
  s.rooms.push_back(room(81, 3, 600, -86400, "[[3,101],[8,103]]"));
  std::atomic<bool> wrong_secret{true};
  Stack stack(s.json(), [&](int, const Hit&) { return wrong_secret ? 401 : 204; });
  stack.write_config(stack.config_text() + "\n[delivery]\nfailing_endpoint_warn_s = 10\n");
  stack.start_daemon();

  REQUIRE_MESSAGE(eventually([&] { return stack.log_count("webhook endpoint failing") == 1; }, 90s),
                  stack.daemon_logs());
  const auto failing = stack.ctl("deliveries --state dead");
  CHECK_MESSAGE(failing.output.find("401") == std::string::npos, failing.output);  // retried, not dead

  wrong_secret = false;
  REQUIRE_MESSAGE(eventually([&] { return stack.log_count("webhook endpoint recovered") == 1; }, 120s),
                  stack.daemon_logs());
  REQUIRE_MESSAGE(stack.wait_for_everything(120s), hits_text(stack.receiver().hits()) << stack.daemon_logs());
  check_chains_match_truth(stack.receiver().hits(), stack.truth());
  CHECK(stack.ctl("deliveries --state dead").output.find("hook") == std::string::npos);
}
