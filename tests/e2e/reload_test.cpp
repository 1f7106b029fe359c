// SIGHUP on the real daemon: a broken config is refused (the old one keeps
// running, every problem is logged as check-config prints it), a new webhook
// gets the events committed after the reload, and a rotated secret signs the
// deliveries made after it.
#include <csignal>
#include <sstream>

#include "e2e_harness.hpp"

using namespace wxlived::e2e;
using wxlived::fakewx::testing::room;
using wxlived::fakewx::testing::ScenarioText;

namespace {

constexpr const char* kThirdHookSecret = "whsec_dGhpcmQtc2VjcmV0LWFmdGVyLWEtcmVsb2FkLTMyYiE=";

// Two rooms changing every few seconds for about twenty seconds, so that
// there are events both before and after a reload made early in the run.
std::string steady_scenario() {
  ScenarioText s;
  s.daily_quota = 1'000'000;
  s.rooms.push_back(room(51, 2, 600, -86400, "[[2,101],[6,105],[10,101],[14,105],[18,101]]"));
  s.rooms.push_back(room(52, 3, 600, -86400, "[[3,101],[8,105],[12,101],[16,105],[20,103]]"));
  return s.json();
}

// Both rooms announced and one transition told: the run is under way.
void wait_for_first_events(Stack& stack) {
  REQUIRE_MESSAGE(eventually(
                      [&] {
                        const auto chains = told_chains(stack.receiver().hits());
                        return chains.count(51) && chains.count(52) && chains.at(51).size() >= 2;
                      },
                      30s),
                  stack.daemon_logs());
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

// How the text log format writes a quoted field value.
std::string as_quoted_field(const std::string& value) {
  std::string out;
  for (const char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

wxlived::delivery::Verification verify_with(const char* secret, const Hit& hit) {
  std::vector<wxlived::delivery::SigningKey> keys{*wxlived::delivery::SigningKey::from_secret(secret)};
  return wxlived::delivery::verify_signature(keys, hit.id, hit.timestamp, hit.body, hit.signature,
                                             std::stoll(hit.timestamp));
}

std::set<std::string> stored_ids(const Stack& stack) {
  std::set<std::string> ids;
  for (const auto& e : stack.stored_events_now()) ids.insert(e.id);
  return ids;
}

}  // namespace

TEST_CASE("SIGHUP with an invalid config keeps the old one running and logs every problem like check-config") {
  Stack stack(steady_scenario(), always(204));
  stack.start_daemon();
  wait_for_first_events(stack);

  // Three problems: an unknown key, a URL curl must not be given, a secret
  // file that does not exist.
  std::string broken = stack.config_text();
  const auto daemon_section = broken.find("[daemon]\n");
  REQUIRE(daemon_section != std::string::npos);
  broken.insert(daemon_section + 9, "unknown_knob = 1\n");
  broken += "\n[[webhook]]\nname = \"second\"\nurl = \"ftp://127.0.0.1/hooks\"\nsecret_file = \"secrets/missing\"\n";
  stack.write_config(broken);
  const auto check =
      wxlived::testing::run_process(wxlived::testing::bin("wxlived") + " check-config --config " + stack.config_path().string());
  REQUIRE_MESSAGE(check.exit_code == 2, check.output);
  const auto problems = lines_of(check.output);
  REQUIRE_MESSAGE(problems.size() >= 3, check.output);

  stack.signal_daemon(SIGHUP);
  const bool logged = eventually([&] { return stack.log_count("reload refused") >= problems.size(); }, 15s);
  INFO(stack.daemon_logs());
  REQUIRE(logged);
  // Each problem as check-config printed it (FILE:LINE: key: message).
  const std::string log = stack.daemon_log();
  for (const auto& problem : problems) {
    CAPTURE(problem);
    CHECK(problem.rfind(stack.config_path().string() + ":", 0) == 0);
    CHECK(log.find(as_quoted_field(problem)) != std::string::npos);
  }
  CHECK(stack.log_count("reload refused") == problems.size());
  CHECK(stack.log_count("reloaded") == 0);

  // Still running on the old config: the rest of the run reaches the old
  // webhook, nothing is queued for the refused one, SIGTERM still exits 0.
  const bool all = stack.wait_for_everything(60s);
  CHECK(stack.daemon_running());
  CHECK(stack.stop_daemon(SIGTERM) == 0);
  const auto hits = stack.receiver().hits();
  INFO(hits_text(hits));
  REQUIRE(all);
  check_chains_match_truth(hits, stack.truth());
  check_signatures(hits);
  check_outbox_delivered_in_order(hits, stack.stored_events_now());
  for (const auto& d : stored_deliveries(stack.db())) CHECK(d.endpoint == "hook");
}

TEST_CASE("SIGHUP adding a webhook sends it every later event signed with its own secret") {
  Stack stack(steady_scenario(), always(204));
  HookReceiver second(always(204), kThirdHookSecret);  // knows only its own secret
  stack.start_daemon();
  wait_for_first_events(stack);

  const std::set<std::string> before_reload = stored_ids(stack);
  stack.write_file("secrets/second", std::string(kThirdHookSecret) + "\n");
  stack.write_config(stack.config_text() + "\n[[webhook]]\nname = \"second\"\nurl = \"" + second.url() +
                     "\"\nsecret_file = \"secrets/second\"\ntimeout_s = 5\n");
  stack.signal_daemon(SIGHUP);
  REQUIRE_MESSAGE(eventually([&] { return stack.log_count("reloaded") == 1; }, 15s), stack.daemon_logs());
  const std::set<std::string> by_reload = stored_ids(stack);

  const bool all = stack.wait_for_everything(60s);
  CHECK(stack.stop_daemon(SIGTERM) == 0);
  const auto hits = stack.receiver().hits();
  const auto second_hits = second.hits();
  INFO(stack.daemon_logs());
  INFO("first receiver:\n" << hits_text(hits));
  INFO("second receiver:\n" << hits_text(second_hits));
  REQUIRE(all);

  // The first receiver keeps receiving everything.
  const auto events = stack.stored_events_now();
  check_chains_match_truth(hits, stack.truth());
  check_signatures(hits);
  check_outbox_delivered_in_order(hits, events);

  // The second gets exactly the events with a delivery row for it: every
  // event committed after the reload, none from before it.
  std::set<std::int64_t> second_rows;
  for (const auto& d : stored_deliveries(stack.db()))
    if (d.endpoint == "second") second_rows.insert(d.event_seq);
  std::vector<wxlived::store::EventRecord> for_second;
  for (const auto& e : events) {
    CAPTURE(e.id);
    if (!by_reload.count(e.id)) CHECK(second_rows.count(e.seq) == 1);
    if (before_reload.count(e.id)) CHECK(second_rows.count(e.seq) == 0);
    if (second_rows.count(e.seq)) for_second.push_back(e);
  }
  CHECK(for_second.size() >= 3);
  check_outbox_delivered_in_order(second_hits, for_second);
  for (const Hit& h : second_hits) {
    CAPTURE(h.id);
    CHECK(h.verification == wxlived::delivery::Verification::ok);
    CHECK(h.signature.find(' ') == std::string::npos);  // its one secret, not the first hook's two
  }
}

TEST_CASE("SIGHUP with a rotated webhook secret signs the later deliveries with the new secret") {
  Stack stack(steady_scenario(), always(204));
  stack.start_daemon();
  wait_for_first_events(stack);

  // Rotation step: drop the oldest secret, add a third; the receiver's
  // secret (the newer of the first two) stays valid throughout.
  const auto sighup_at = std::chrono::system_clock::now();
  stack.write_file("secrets/hook", std::string(kNewHookSecret) + "\n" + kThirdHookSecret + "\n");
  stack.signal_daemon(SIGHUP);
  REQUIRE_MESSAGE(eventually([&] { return stack.log_count("reloaded") == 1; }, 15s), stack.daemon_logs());
  const auto reloaded_seen_at = std::chrono::system_clock::now();

  const bool all = stack.wait_for_everything(60s);
  CHECK(stack.stop_daemon(SIGTERM) == 0);
  const auto hits = stack.receiver().hits();
  INFO(stack.daemon_logs());
  INFO(hits_text(hits));
  REQUIRE(all);
  check_chains_match_truth(hits, stack.truth());
  check_signatures(hits);  // the receiver's secret verifies every request
  check_outbox_delivered_in_order(hits, stack.stored_events_now());

  // Sent before the signal: the old pair. Arrived well after the reload was
  // logged (a POST in flight at the reload keeps its signature): the new pair.
  std::size_t old_pair = 0, new_pair = 0;
  for (const Hit& h : hits) {
    CAPTURE(h.id);
    if (h.at < sighup_at) {
      ++old_pair;
      CHECK(verify_with(kOldHookSecret, h) == wxlived::delivery::Verification::ok);
      CHECK(verify_with(kThirdHookSecret, h) != wxlived::delivery::Verification::ok);
    } else if (h.at > reloaded_seen_at + 1s) {
      ++new_pair;
      CHECK(verify_with(kThirdHookSecret, h) == wxlived::delivery::Verification::ok);
      CHECK(verify_with(kOldHookSecret, h) != wxlived::delivery::Verification::ok);
    }
  }
  CHECK(old_pair >= 2);
  CHECK(new_pair >= 3);
}

namespace {

// The port of the last "admin HTTP listening address=HOST:PORT" line for HOST.
int admin_port_on(const Stack& stack, const std::string& host) {
  const std::string marker = "admin HTTP listening address=" + host + ":";
  const std::string log = stack.daemon_log();
  const auto at = log.rfind(marker);
  if (at == std::string::npos) return 0;
  return std::atoi(log.c_str() + at + marker.size());
}

int healthz(const std::string& host, int port) {
  httplib::Client client(host, port);
  client.set_connection_timeout(2s);
  const auto answer = client.Get("/healthz");
  return answer ? answer->status : 0;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, from);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("SIGHUP applies max_retry_age_s and a moved admin_listen and names state_dir as needing a restart") {
  // Every POST answers 503 with Retry-After: 1, so each delivery is retried
  // about every second and goes dead at the first attempt past its age.
  Stack stack(steady_scenario(), always(kBusyRetryAfter1s));
  const std::string base = stack.config_text();
  stack.write_config(replaced(base, "admin_listen = \"\"", "admin_listen = \"127.0.0.1:0\"") +
                     "\n[delivery]\nmax_retry_age_s = 86400\n");
  stack.start_daemon();
  REQUIRE_MESSAGE(eventually([&] { return admin_port_on(stack, "127.0.0.1") > 0; }, 20s), stack.daemon_logs());
  const int old_port = admin_port_on(stack, "127.0.0.1");
  CHECK(healthz("127.0.0.1", old_port) == 200);
  REQUIRE_MESSAGE(eventually([&] { return stack.receiver().hits().size() >= 3; }, 30s), stack.daemon_logs());

  std::string moved = replaced(base, "admin_listen = \"\"", "admin_listen = \"127.0.0.2:0\"");
  moved = replaced(moved, "state_dir = \"state\"", "state_dir = \"state-elsewhere\"");
  stack.write_config(moved + "\n[delivery]\nmax_retry_age_s = 60\n");
  stack.signal_daemon(SIGHUP);
  REQUIRE_MESSAGE(eventually([&] { return stack.log_count("reloaded") == 1; }, 15s), stack.daemon_logs());

  // The admin server moved: the new address answers, the old one is closed.
  const int new_port = admin_port_on(stack, "127.0.0.2");
  REQUIRE_MESSAGE(new_port > 0, stack.daemon_log());
  CHECK(healthz("127.0.0.2", new_port) == 200);
  CHECK(healthz("127.0.0.1", old_port) == 0);
  // The one key that needs a restart is named, and the store stays where it was.
  CHECK(stack.log_count("needs a restart: the running value is kept until then key=daemon.state_dir") == 1);
  CHECK_FALSE(std::filesystem::exists(stack.db().parent_path().parent_path() / "state-elsewhere"));

  // The new retry age decides: the first events, queued at the start of the
  // run, go dead once they are 60 s old (with the old 86400 s they would be
  // retried all day).
  const bool dead = eventually(
      [&] {
        for (const auto& d : stored_deliveries(stack.db()))
          if (d.state == wxlived::store::DeliveryState::dead) return true;
        return false;
      },
      120s);
  CHECK(stack.stop_daemon(SIGTERM) == 0);
  INFO(stack.daemon_logs());
  REQUIRE(dead);
  for (const auto& d : stored_deliveries(stack.db())) {
    if (d.state != wxlived::store::DeliveryState::dead) continue;
    CAPTURE(d.event_seq);
    CHECK(d.last_error.value_or("").find("gave up") != std::string::npos);
  }
}
