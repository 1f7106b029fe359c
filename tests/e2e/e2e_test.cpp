// wxlived end to end, all real: wxlive-fakewx plays a short scenario,
// `wxlived run` polls it and pushes every change to an in-process receiver
// over HTTP, state lives in SQLite. The truth is the scenario model, checked
// against what the receiver got and what the database holds.
//
// 429 with Retry-After, 410 Gone, a receiver hanging past timeout_s and a
// huge error body are covered against the real DeliveryWorker and store in
// tests/delivery/delivery_worker_test.cpp; 410 through the operator's tools
// (loud log, wxlivectl enable-endpoint, redeliver --dead) in
// endpoint_gone_test.cpp. Several apps: multi_app_test.cpp; SIGHUP:
// reload_test.cpp.
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "e2e_harness.hpp"

using namespace wxlived::e2e;
using wxlived::fakewx::testing::room;
using wxlived::fakewx::testing::ScenarioText;

namespace {

// About twenty seconds of a busy evening, times relative to the fake's
// start (--origin now). Every status is held for three seconds or more, so
// one-second polls see each of them.
//   11: live, paused, live again, ended; replay in two segments 3 s later
//   12: live, abnormal, ended by the 6 s abnormal rule; one replay segment
//   13: never starts, expires at its end_time
//   14: live, then banned
std::string fast_scenario() {
  ScenarioText s;
  s.daily_quota = 1'000'000;  // the quota never binds: the 1 s floor does
  s.extra = "\"abnormal_timeout_s\":6";
  s.rooms.push_back(room(11, 4, 60, -86400, "[[4,101],[9,105],[13,101],[17,103]]", R"({"delay_s":3,"segments":2})"));
  s.rooms.push_back(room(12, 5, 60, -86400, "[[5,101],[10,106]]", R"({"delay_s":3,"segments":1})"));
  s.rooms.push_back(room(13, 6, 11, -86400));
  s.rooms.push_back(room(14, 5, 60, -86400, "[[6,101],[12,104]]"));
  return s.json();
}

// One room that goes live and pauses, and one that waits all along.
std::string quiet_scenario() {
  ScenarioText s;
  s.daily_quota = 1'000'000;
  s.extra = "\"abnormal_timeout_s\":6";
  s.rooms.push_back(room(41, 3, 600, -86400, "[[3,101],[9,105]]"));
  s.rooms.push_back(room(42, 500, 600, -86400));
  return s.json();
}

}  // namespace

TEST_CASE("every true transition and replay arrives signed in chains per room") {
  Stack stack(fast_scenario(), always(204));
  stack.start_daemon();
  const bool all = stack.wait_for_everything(60s);
  CHECK(stack.stop_daemon(SIGTERM) == 0);
  const auto hits = stack.receiver().hits();
  INFO(stack.daemon_logs());
  INFO(hits_text(hits));
  if (std::getenv("WXLIVED_E2E_VERBOSE")) MESSAGE(hits_text(hits));
  REQUIRE(all);

  check_chains_match_truth(hits, stack.truth());
  check_signatures(hits);
  const auto events = stack.stored_events_now();
  check_outbox_delivered_in_order(hits, events);
  check_single_created(hits, events);

  // The database ends where the truth ends.
  for (const auto& r : stored_rooms(stack.db())) {
    CAPTURE(r.room_id);
    CHECK(r.status == stack.truth().at(r.room_id).final_status);
  }
  for (const auto& d : stored_deliveries(stack.db())) CHECK(d.state == wxlived::store::DeliveryState::delivered);

  // Each status change's event line names both statuses, as fields of the
  // one stable msg (log monitors filter on to_name without parsing bodies).
  const std::string log = stack.daemon_logs();
  std::size_t changes = 0;
  for (std::size_t at = log.find(" info event "); at != std::string::npos; at = log.find(" info event ", at + 1)) {
    const std::string line = log.substr(at, log.find('\n', at) - at);
    if (line.find("type=room.status_changed") == std::string::npos) continue;
    ++changes;
    CHECK_MESSAGE(line.find(" from_name=") != std::string::npos, line);
    CHECK_MESSAGE(line.find(" to_name=") != std::string::npos, line);
  }
  CHECK(changes > 0);
}

TEST_CASE("a receiver answering 503 every 7th request and then down for a while loses nothing") {
  Stack stack(fast_scenario(), [](int n, const Hit&) { return n % 7 == 0 ? 503 : 204; });
  stack.start_daemon();
  // Down from the first pause to past the abnormal turn: events queue up.
  stack.sleep_until_scenario(8.5);
  stack.receiver().stop();
  const auto down_at = std::chrono::system_clock::now();
  std::this_thread::sleep_for(5s);
  stack.receiver().start();
  const bool all = stack.wait_for_everything(90s);
  CHECK(stack.stop_daemon(SIGTERM) == 0);
  const auto hits = stack.receiver().hits();
  INFO(stack.daemon_logs());
  INFO(hits_text(hits));
  if (std::getenv("WXLIVED_E2E_VERBOSE")) MESSAGE(hits_text(hits));
  REQUIRE(all);

  // The outage really held events back, and 503s really were answered.
  CHECK(std::any_of(hits.begin(), hits.end(), [&](const Hit& h) { return h.at > down_at + 5s && h.accepted(); }));
  CHECK(std::any_of(hits.begin(), hits.end(), [](const Hit& h) { return h.answered == 503; }));

  check_chains_match_truth(hits, stack.truth());
  check_signatures(hits);
  const auto events = stack.stored_events_now();
  check_outbox_delivered_in_order(hits, events);
  check_single_created(hits, events);
  // Each 503 was followed by the same event again (same webhook-id), and no
  // later event of that room arrived in between.
  for (std::size_t i = 0; i < hits.size(); ++i) {
    if (hits[i].answered != 503 || !hits[i].event.room_id) continue;
    CAPTURE(hits[i].id);
    bool retried = false;
    for (std::size_t j = i + 1; j < hits.size() && !retried; ++j) {
      if (hits[j].event.room_id != hits[i].event.room_id) continue;
      CHECK_MESSAGE(hits[j].id == hits[i].id, "room moved on past a 503 to " << hits[j].id);
      retried = hits[j].id == hits[i].id;
    }
    CHECK(retried);
  }
}

TEST_CASE("kill -9 at several instants loses nothing and rolls nothing back") {
  // Two kills land while the receiver holds a POST (the daemon never learns
  // that it was answered), one at a plain instant of the run.
  Holder holder;
  Stack stack(fast_scenario(), [&holder](int, const Hit& hit) {
    holder.maybe_hold(hit.id);
    return 204;
  });
  std::set<std::string> ids_before_kills;
  std::map<std::int64_t, int> status_before_kills;
  std::vector<std::string> killed_in_flight;
  const auto kill_and_restart = [&] {
    REQUIRE(stack.daemon_running());
    CHECK(stack.stop_daemon(SIGKILL) == 128 + SIGKILL);
    // What the killed daemon had committed must survive everything after.
    for (const auto& e : stack.stored_events_now()) ids_before_kills.insert(e.id);
    for (const auto& r : stored_rooms(stack.db())) status_before_kills[r.room_id] = r.status;
    stack.start_daemon();
  };
  stack.start_daemon();
  struct Kill {
    double at;         // scenario seconds
    bool in_flight;    // wait for the next POST and kill while it is held
  };
  for (const Kill kill : {Kill{4.5, true}, Kill{10.5, false}, Kill{12.5, true}}) {
    stack.sleep_until_scenario(kill.at);
    if (!kill.in_flight) {
      kill_and_restart();
      continue;
    }
    holder.arm();
    const auto held = holder.wait_held(20s);
    REQUIRE_MESSAGE(held.has_value(), stack.daemon_logs());
    killed_in_flight.push_back(*held);
    kill_and_restart();
    holder.release();
  }
  const bool all = stack.wait_for_everything(60s);
  CHECK(stack.stop_daemon(SIGTERM) == 0);
  const auto hits = stack.receiver().hits();
  INFO(stack.daemon_logs());
  INFO(hits_text(hits));
  if (std::getenv("WXLIVED_E2E_VERBOSE")) MESSAGE(hits_text(hits));
  REQUIRE(all);

  const auto events = stack.stored_events_now();
  std::set<std::string> ids_after;
  for (const auto& e : events) ids_after.insert(e.id);
  for (const auto& id : ids_before_kills) CHECK_MESSAGE(ids_after.count(id) == 1, id << " vanished after a restart");
  CHECK_FALSE(ids_before_kills.empty());
  // An event whose POST was cut by the kill came again, with its webhook-id.
  for (const auto& id : killed_in_flight) {
    CAPTURE(id);
    CHECK(std::count_if(hits.begin(), hits.end(), [&](const Hit& h) { return h.id == id && h.accepted(); }) >= 2);
  }

  check_chains_match_truth(hits, stack.truth());
  check_signatures(hits);
  check_outbox_delivered_in_order(hits, events);
  check_single_created(hits, events);

  check_nothing_rolled_back(stack, status_before_kills);
}

TEST_CASE("a clean restart announces no room twice and the quota ledger continues") {
  Stack stack(quiet_scenario(), always(204));
  stack.start_daemon();
  // Run 1: both rooms announced and room 41 live.
  REQUIRE_MESSAGE(eventually(
                      [&] {
                        const auto chains = told_chains(stack.receiver().hits());
                        return chains.count(42) && chains.count(41) && chains.at(41).size() >= 2;
                      },
                      30s),
                  stack.daemon_logs());
  REQUIRE(stack.stop_daemon(SIGTERM) == 0);
  const std::int64_t calls_run1 = ledger_calls(stack);
  CHECK(calls_run1 > 0);

  // Run 2: sees the pause, then stops.
  stack.start_daemon();
  REQUIRE_MESSAGE(eventually(
                      [&] {
                        const auto chains = told_chains(stack.receiver().hits());
                        return chains.count(41) && chains.at(41).size() >= 3;
                      },
                      30s),
                  stack.daemon_logs());
  std::this_thread::sleep_for(2s);  // a few more polls
  CHECK(eventually([&] { return stack.outbox_drained(); }, 15s));
  REQUIRE(stack.stop_daemon(SIGTERM) == 0);
  const std::int64_t calls_run2 = ledger_calls(stack);
  const std::int64_t served = fake_used(stack);
  INFO(stack.daemon_logs());

  const auto hits = stack.receiver().hits();
  const auto events = stack.stored_events_now();
  check_single_created(hits, events);
  check_outbox_delivered_in_order(hits, events);
  const auto chains = told_chains(hits);
  CHECK(chains.at(41) == std::vector<int>{102, 101, 105});
  CHECK(chains.at(42) == std::vector<int>{102});
  // The day's count went on from run 1's; it covers every call the fake
  // served in both runs (a reset would leave only run 2's).
  CHECK(calls_run2 > calls_run1);
  CHECK_MESSAGE(calls_run2 >= served, "ledger " << calls_run2 << " calls, the fake served " << served);
}

TEST_CASE("wxlivectl redeliver on the live database sends the event again with its webhook-id") {
  Stack stack(quiet_scenario(), always(204));
  stack.start_daemon();
  std::string id;
  REQUIRE_MESSAGE(eventually(
                      [&] {
                        for (const Hit& h : stack.receiver().hits())
                          if (h.accepted() && h.event.type == "room.created" && h.event.room_id == 42) id = h.id;
                        return !id.empty();
                      },
                      30s),
                  stack.daemon_logs());
  // Delivered as far as the database knows before asking again.
  REQUIRE(eventually(
      [&] {
        const auto r = stack.ctl("deliveries --state delivered --json");
        return r.exit_code == 0 && r.output.find(id) != std::string::npos;
      },
      10s));

  const auto r = stack.ctl("redeliver " + id);
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  const auto count = [&] {
    const auto hits = stack.receiver().hits();
    return std::count_if(hits.begin(), hits.end(), [&](const Hit& h) { return h.accepted() && h.id == id; });
  };
  const bool again = eventually([&] { return count() >= 2; }, 30s);
  CHECK(stack.stop_daemon(SIGTERM) == 0);
  INFO(stack.daemon_logs());
  REQUIRE(again);

  std::vector<Hit> copies;
  for (const Hit& h : stack.receiver().hits())
    if (h.id == id) copies.push_back(h);
  REQUIRE(copies.size() >= 2);
  CHECK(copies[1].body == copies[0].body);
  CHECK(copies[1].verification == wxlived::delivery::Verification::ok);
  check_single_created(stack.receiver().hits(), stack.stored_events_now());
}

TEST_CASE("a second daemon on the same state directory exits 1 naming the first one's pid and wxlivectl still reads") {
  Stack stack(quiet_scenario(), always(204));
  stack.start_daemon();
  REQUIRE_MESSAGE(eventually([&] { return stack.log_count("started") >= 1; }, 20s), stack.daemon_logs());
  const auto second = wxlived::testing::run_process(wxlived::testing::bin("wxlived") + " run --config " +
                                                    stack.config_path().string());
  CHECK(second.exit_code == 1);
  CHECK_MESSAGE(second.output.find("pid " + std::to_string(stack.daemon_pid())) != std::string::npos, second.output);
  CHECK(stack.ctl("rooms").exit_code == 0);
  CHECK(stack.daemon_running());
  CHECK(stack.stop_daemon(SIGTERM) == 0);
  // The lock goes with its holder: the next daemon starts (and so does one
  // after a kill -9, which the crash suite does twenty times).
  stack.start_daemon();
  REQUIRE_MESSAGE(eventually([&] { return stack.log_count("started") >= 1; }, 20s), stack.daemon_logs());
  CHECK(stack.stop_daemon(SIGTERM) == 0);
}

namespace {

// The signal masks in /proc/PID/status: "SigIgn:\t0000000000000001" and the like.
std::uint64_t signal_mask(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind(field + ":", 0) == 0) return std::stoull(line.substr(field.size() + 1), nullptr, 16);
  return 0;
}

}  // namespace

TEST_CASE("SIGHUP from the first line of main on, all through the start, never ends the daemon") {
  Stack stack(quiet_scenario(), always(204));
  stack.start_daemon();
  const pid_t pid = stack.daemon_pid();
  const std::uint64_t hup = 1ULL << (SIGHUP - 1);
  // main's first line has run once SIGHUP is ignored or caught (before it,
  // only the dynamic loader runs: no program can act there, and systemd
  // sends no reload before READY=1).
  REQUIRE(eventually([&] { return ((signal_mask(pid, "SigIgn") | signal_mask(pid, "SigCgt")) & hup) != 0; }, 10s));
  for (int i = 0; i < 200 && stack.log_count("started") == 0; ++i) {
    REQUIRE_MESSAGE(stack.daemon_running(), stack.daemon_logs());
    ::kill(pid, SIGHUP);
    std::this_thread::sleep_for(1ms);
  }
  REQUIRE_MESSAGE(eventually([&] { return stack.log_count("started") >= 1; }, 20s), stack.daemon_logs());
  CHECK(stack.daemon_running());
  CHECK(stack.stop_daemon(SIGTERM) == 0);
}

TEST_CASE("a 0-byte database file is said at warning level and a deleted WAL is logged as an error") {
  Stack stack(quiet_scenario(), always(204));
  std::filesystem::create_directories(stack.db().parent_path());
  std::ofstream(stack.db()).close();  // 0 bytes
  stack.start_daemon();
  REQUIRE_MESSAGE(eventually([&] { return stack.log_count("started") >= 1; }, 20s), stack.daemon_logs());
  CHECK(stack.log_count("warn the state database is an empty file") == 1);

  const std::filesystem::path wal = stack.db().string() + "-wal";
  REQUIRE(std::filesystem::exists(wal));
  std::filesystem::remove(wal);
  const bool logged = eventually([&] { return stack.log_count("-wal file was deleted") >= 1; }, 20s);
  CHECK(stack.stop_daemon(SIGTERM) == 0);
  INFO(stack.daemon_logs());
  CHECK(logged);
  CHECK(stack.log_count("-wal file was deleted") == 1);  // once per incident, not every check
}

TEST_CASE("a state_dir and database others can read are made private at start, with a warning each") {
  Stack stack(quiet_scenario(), always(204));
  const auto state = stack.db().parent_path();
  {
    auto store = wxlived::store::StateStore::open(stack.db());  // an existing database...
    REQUIRE(store.has_value());
  }
  std::filesystem::permissions(state, std::filesystem::perms(0777));  // ...in a loose folder
  std::filesystem::permissions(stack.db(), std::filesystem::perms(0666));
  stack.start_daemon();
  REQUIRE_MESSAGE(eventually([&] { return stack.log_count("started") >= 1; }, 20s), stack.daemon_logs());
  const auto mode = [](const std::filesystem::path& p) {
    return static_cast<unsigned>(std::filesystem::status(p).permissions()) & 0777U;
  };
  CHECK(mode(state) == 0700);
  CHECK(mode(stack.db()) == 0600);
  for (const char* suffix : {"-wal", "-shm"}) {
    const std::filesystem::path file = stack.db().string() + suffix;
    if (std::filesystem::exists(file)) CHECK(mode(file) == 0600);
  }
  CHECK(stack.log_count("was made private") == 2);
  CHECK(stack.stop_daemon(SIGTERM) == 0);
}
