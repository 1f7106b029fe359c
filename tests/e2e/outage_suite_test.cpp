// The outage and fault suites (issue 8), quick forms: a receiver down for a
// long stretch, WeChat failing in bursts of every answer-level fault kind,
// 45009 early in the day, and a receiver that answers garbage or hangs past
// timeout_s. Real processes, real HTTP, real SQLite; truth from the scenario.
//
//   WXLIVED_OUTAGE_S=N  how long the receiver stays down (default 20 s;
//                       the long form: 1800)
#include <atomic>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>

#include "e2e_harness.hpp"
#include "fakewx/scenario_text.hpp"

using namespace wxlived::e2e;
using wxlived::fakewx::testing::FaultText;
using wxlived::fakewx::testing::room;
using wxlived::fakewx::testing::ScenarioText;

namespace {

// Six rooms over ~30 s; every status is held at least 5 s.
ScenarioText six_rooms() {
  ScenarioText s;
  s.daily_quota = 1'000'000;
  s.extra = "\"abnormal_timeout_s\":6";
  s.rooms.push_back(room(51, 3, 90, -86400, "[[3,101],[9,105],[15,101],[24,103]]", R"({"delay_s":3,"segments":2})"));
  s.rooms.push_back(room(52, 4, 90, -86400, "[[4,101],[11,106]]"));
  s.rooms.push_back(room(53, 5, 12));
  s.rooms.push_back(room(54, 5, 90, -86400, "[[6,101],[18,104]]"));
  s.rooms.push_back(room(55, 8, 90, -86400, "[[8,101],[20,103]]", R"({"delay_s":3,"segments":1})"));
  s.rooms.push_back(room(56, 2, 90, -86400, "[[2,101],[27,105]]"));
  return s;
}

void check_everything(Stack& stack, const std::vector<Hit>& hits) {
  const auto events = stack.stored_events_now();
  check_chains_match_truth(hits, stack.truth());
  check_signatures(hits);
  check_outbox_delivered_in_order(hits, events);
  check_single_created(hits, events);
}

std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("a receiver down for a long stretch loses nothing: all arrives in per-room order once it is back") {
  const char* env = std::getenv("WXLIVED_OUTAGE_S");
  const int down_s = env ? std::atoi(env) : 20;
  Stack stack(six_rooms().json(), always(204));
  stack.start_daemon();
  stack.sleep_until_scenario(4);
  stack.receiver().stop();
  stack.sleep_until_scenario(4 + down_s);
  const auto during = stack.receiver().hits().size();
  stack.receiver().start();
  // Backoff after a long outage is at most max_backoff (1 h); scaled runs
  // come back within a few base periods.
  const bool all = stack.wait_for_everything(std::chrono::seconds(120 + down_s));
  CHECK(stack.stop_daemon(SIGTERM) == 0);
  const auto hits = stack.receiver().hits();
  INFO(stack.daemon_logs());
  INFO(hits_text(hits));
  REQUIRE(all);
  CHECK(hits.size() > during);
  check_everything(stack, hits);
}

TEST_CASE("WeChat failing in bursts of every fault kind: the daemon backs off and converges, nothing spurious") {
  // Statuses that change inside the faults (6-31 s; with backoff the first
  // answer comes at ~37 s) hold until well after
  // them, so a daemon that converges sees every one: the truth's chains
  // must arrive exactly, with nothing invented.
  ScenarioText s;
  s.daily_quota = 1'000'000;
  s.extra = "\"abnormal_timeout_s\":6";
  s.rooms.push_back(room(61, 2, 90, -86400, "[[2,101],[12,105],[42,101],[50,103]]", R"({"delay_s":3,"segments":2})"));
  s.rooms.push_back(room(62, 3, 90, -86400, "[[3,101],[44,103]]"));
  s.rooms.push_back(room(63, 4, 90, -86400, "[[40,101],[52,104]]"));
  s.rooms.push_back(room(64, 2, 90, -86400, "[[3,101],[15,104]]"));
  // Every fault kind but 45009 (its own case below), on the list only so
  // that tokens still come (token_expired forces a new one).
  // First a call that never gets an answer (the client gives up after
  // 15 s), then the answer-level kinds back to back.
  s.faults.push_back(FaultText{6, 7, "timeout", "list"});
  s.faults.push_back(FaultText{21, 24, "http_500", "list"});
  s.faults.push_back(FaultText{24, 26, "busy", "list"});
  s.faults.push_back(FaultText{26, 28, "malformed", "list"});
  s.faults.push_back(FaultText{28, 30, "token_expired", "list"});
  s.faults.push_back(FaultText{30, 31, "busy", "list"});
  Stack stack(s.json(), always(204));
  stack.start_daemon();
  const bool all = stack.wait_for_everything(90s);
  CHECK(stack.stop_daemon(SIGTERM) == 0);
  const auto hits = stack.receiver().hits();
  const std::string logs = stack.daemon_logs();
  INFO(logs);
  INFO(hits_text(hits));
  REQUIRE(all);
  // The truth's chains exactly: no missed status, no spurious event.
  check_everything(stack, hits);
  // Backoff: without it a 1 s floor would fail about once a second from 21
  // to 31 s; floor, floor, 2x, 4x... makes about half as many.
  const auto failed = occurrences(logs, "wechat call failed");
  MESSAGE(failed << " failed WeChat calls logged (a 15 s hang, then 10 s of failing answers)");
  CHECK(failed >= 3);
  CHECK(failed <= 12);
}

TEST_CASE("45009 early in the day: one app.quota_exhausted, and no further calls, not even after a restart") {
  ScenarioText s = six_rooms();
  s.faults.push_back(FaultText{5, 100000, "quota_exhausted", "list"});
  Stack stack(s.json(), always(204));
  stack.start_daemon();
  // Read without REQUIRE: the daemon may still be creating the database.
  const auto exhausted_events = [&]() -> long {
    auto store = wxlived::store::StateStore::open_readonly(stack.db());
    if (!store) return -1;
    wxlived::store::EventFilter all;
    all.limit = 100000;
    auto events = store->events(all);
    if (!events) return -1;
    return std::count_if(events->begin(), events->end(),
                         [](const auto& e) { return e.type == "app.quota_exhausted"; });
  };
  REQUIRE_MESSAGE(eventually([&] { return exhausted_events() == 1; }, 20s), stack.daemon_logs());
  const auto calls = ledger_calls(stack);
  stack.sleep_until_scenario(12);
  CHECK(ledger_calls(stack) == calls);
  CHECK(stack.stop_daemon(SIGTERM) == 0);
  stack.start_daemon();
  stack.sleep_until_scenario(17);
  CHECK(ledger_calls(stack) == calls);
  CHECK(exhausted_events() == 1);
  CHECK(stack.stop_daemon(SIGTERM) == 0);
  INFO(stack.daemon_logs());
  CHECK(stack.daemon_logs().find("daily quota exhausted (45009)") != std::string::npos);
  // The receiver heard it once too.
  const auto hits = first_arrivals(stack.receiver().hits());
  CHECK(std::count_if(hits.begin(), hits.end(), [](const Hit& h) { return h.event.type == "app.quota_exhausted"; }) ==
        1);
}

TEST_CASE("a receiver answering garbage, 5xx, cutting connections or hanging past timeout_s loses nothing") {
  // Per request n: every 9th hangs 7 s (past timeout_s = 5), every 7th has
  // its connection cut mid-answer, every 4th is a 502; the rest are 200
  // (a 2xx is success whatever the body says). At most three failures per
  // event: the pattern is by request count, so which event meets it depends
  // on timing, and an event unlucky six times in a row would wait out the
  // delivery backoff (1, 4, 7, 29, 32, 112 s...) past the test's limit.
  auto failures = std::make_shared<std::pair<std::mutex, std::map<std::string, int>>>();
  Stack stack(six_rooms().json(), [failures](int n, const Hit& hit) {
    const bool hang = n % 9 == 0;
    const int status = hang ? 204 : n % 7 == 0 ? kCutConnection : n % 4 == 0 ? 502 : 200;
    if (!hang && status == 200) return 200;
    {
      std::lock_guard<std::mutex> lock(failures->first);
      if (++failures->second[hit.id] > 3) return 200;
    }
    if (hang) std::this_thread::sleep_for(7s);
    return status;
  });
  stack.start_daemon();
  const bool all = stack.wait_for_everything(150s);
  CHECK(stack.stop_daemon(SIGTERM) == 0);
  const auto hits = stack.receiver().hits();
  INFO(stack.daemon_logs());
  INFO(hits_text(hits));
  REQUIRE(all);
  check_everything(stack, hits);
  CHECK(stack.daemon_logs().find("webhook attempt failed, will retry") != std::string::npos);
}
