// wxlivectl, the real binary, on a real database prepared with StateStore and
// kept open read-write by the test, as the daemon keeps it.
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <cmath>
#include <cstdlib>
#include <string>

#include "support/config_fixture.hpp"
#include "support/run_process.hpp"
#include "support/store_must.hpp"
#include "support/temp_dir.hpp"
#include "time_text.hpp"
#include "wxlived/admin/routes.hpp"
#include "wxlived/engine/habits.hpp"
#include "wxlived/store/state_store.hpp"

using wxlived::testing::bin;
using wxlived::testing::run_process;
using namespace wxlived::store;

namespace {

constexpr const char* kToken = "TOKEN-must-never-be-printed-0x5eed";
constexpr std::int64_t kT0 = 1764000000000;  // 2025-11-24T16:00:00Z

using wxlived::testing::must;

NewEvent room_event(std::string id, std::int64_t room, std::optional<int> from, int to, std::int64_t at,
                    std::vector<std::string> endpoints) {
  auto name = [](std::optional<int> s) -> std::string {
    if (!s) return "null";
    switch (*s) {
      case 101: return "\"live\"";
      case 102: return "\"not_started\"";
      default: return "\"ended\"";
    }
  };
  NewEvent e;
  e.id = std::move(id);
  e.type = from ? "room.status_changed" : "room.created";
  e.app = "shop";
  e.room_id = room;
  e.body_json = R"({"type":")" + e.type + R"(","timestamp":"2025-11-24T16:00:00Z","data":{"app":"shop","room_id":)" +
                std::to_string(room) + R"(,"from":)" + (from ? std::to_string(*from) : "null") + R"(,"to":)" +
                std::to_string(to) + R"(,"from_name":)" + name(from) + R"(,"to_name":)" + name(to) +
                R"(,"reason":"observed","inferred":false}})";
  e.created_at_ms = at;
  e.endpoints = std::move(endpoints);
  return e;
}

// A database with two rooms, a few events, deliveries in every state, a
// quota row, a disabled endpoint and a token in the kv table.
struct Fixture {
  wxlived::testing::TempDir dir;
  std::filesystem::path db = dir / "state" / "wxlived.db";
  StateStore store = must(StateStore::open(db));

  Fixture() {
    Observation o;
    o.app = "shop";
    o.app_record = AppRecord{"shop", "wxfake000000000001", AppState::ok, kT0, kT0};
    for (std::int64_t id : {7, 8}) {
      RoomRecord r;
      r.app = "shop";
      r.room_id = id;
      r.status = id == 7 ? 101 : 102;
      r.status_since_ms = kT0;
      r.snapshot_json = R"({"roomid":)" + std::to_string(id) + R"(,"name":"Sale )" + std::to_string(id) + R"("})";
      r.first_seen_ms = kT0 - 60000;
      r.last_seen_ms = kT0;
      o.room_upserts.push_back(r);
    }
    TransitionRecord t;
    t.app = "shop";
    t.room_id = 7;
    t.from_status = 102;
    t.to_status = 101;
    t.at_ms = kT0;
    t.reason = "observed";
    t.event_id = "evt_7_2";
    o.transitions.push_back(t);
    o.events.push_back(room_event("evt_7_1", 7, std::nullopt, 102, kT0 - 60000, {"crm", "bi"}));
    o.events.push_back(room_event("evt_8_1", 8, std::nullopt, 102, kT0 - 60000, {"crm"}));
    o.events.push_back(room_event("evt_7_2", 7, 102, 101, kT0, {"crm", "bi"}));
    o.quota = {QuotaIncrement{"2025-11-25", 12, 2, 1, 0, std::nullopt}};
    const auto seqs = must(store.commit_observation(o)).event_seqs;
    // evt_7_1: delivered to crm, dead at bi; evt_8_1: dead at crm.
    must(store.record_delivery_attempt({seqs[0], "crm", DeliveryState::delivered, 204, std::nullopt, kT0, kT0, std::nullopt, std::nullopt}));
    must(store.record_delivery_attempt(
        {seqs[0], "bi", DeliveryState::dead, 400, std::string("HTTP 400: bad request"), kT0, kT0, std::nullopt, std::nullopt}));
    must(store.record_delivery_attempt(
        {seqs[1], "crm", DeliveryState::dead, 404, std::string("HTTP 404: not found"), kT0, kT0, std::nullopt, std::nullopt}));
    must(store.disable_endpoint("bi", "410 Gone from http://bi.example/hook", kT0));
    must(store.kv_put("token:shop", kToken, std::nullopt));
  }

  wxlived::testing::ProcessResult ctl(const std::string& args) {
    auto result = run_process(bin("wxlivectl") + " --db " + db.string() + " " + args);
    CHECK_MESSAGE(result.output.find(kToken) == std::string::npos, "a token was printed");
    if (std::getenv("WXLIVECTL_TEST_ECHO")) {  // to look at the tables while changing them
      const std::string shown = "wxlivectl " + args + "\n" + result.output;
      MESSAGE(shown);
    }
    return result;
  }

  DeliveryRecord delivery(const std::string& event_id, const std::string& endpoint) {
    const auto event = must(store.event_by_id(event_id));
    REQUIRE(event.has_value());
    for (const auto& d : must(store.deliveries({}))) {
      if (d.event_seq == event->seq && d.endpoint == endpoint) return d;
    }
    FAIL("no such delivery");
    return {};
  }
};

rapidjson::Document parse_json(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  REQUIRE_MESSAGE(!doc.HasParseError(), text);
  return doc;
}

}  // namespace

TEST_CASE("wxlivectl usage errors exit 64 and help exits 0") {
  CHECK(run_process(bin("wxlivectl") + " --help").exit_code == 0);
  CHECK(run_process(bin("wxlivectl") + " --version").exit_code == 0);
  CHECK(run_process(bin("wxlivectl")).exit_code == 64);
  CHECK(run_process(bin("wxlivectl") + " --db x.db frobnicate").exit_code == 64);
  // no --db nor --config, and no config where $WXLIVED_CONFIG points
  CHECK(run_process("WXLIVED_CONFIG=/nonexistent/wxlived.toml " + bin("wxlivectl") + " rooms").exit_code == 64);
  CHECK(run_process(bin("wxlivectl") + " --db x.db redeliver").exit_code == 64);
  CHECK(run_process(bin("wxlivectl") + " --db x.db redeliver evt --dead").exit_code == 64);
  CHECK(run_process(bin("wxlivectl") + " --db x.db deliveries --state lost").exit_code == 64);
  CHECK(run_process(bin("wxlivectl") + " --db x.db habits shop mall").exit_code == 64);
}

TEST_CASE("wxlivectl on a missing database exits 1 without creating it") {
  wxlived::testing::TempDir dir;
  const auto result = run_process(bin("wxlivectl") + " --db " + (dir / "none.db").string() + " rooms");
  CHECK(result.exit_code == 1);
  CHECK(result.output.find("no state database") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir / "none.db"));
}

TEST_CASE("wxlivectl reports a store error with the failing step") {
  wxlived::testing::TempDir dir;
  const auto file = dir.write("garbage.db", std::string(4096, 'x'));
  const auto result = run_process(bin("wxlivectl") + " --db " + file.string() + " rooms");
  CHECK(result.exit_code == 1);
  CHECK(result.output.find(" in: ") != std::string::npos);
}

TEST_CASE("rooms lists every room with its status as a table or JSON") {
  Fixture f;
  const auto table = f.ctl("rooms");
  CHECK(table.exit_code == 0);
  CHECK(table.output.find("APP") != std::string::npos);
  CHECK(table.output.find("101 live") != std::string::npos);
  CHECK(table.output.find("Sale 8") != std::string::npos);

  const auto json = f.ctl("rooms --json");
  REQUIRE(json.exit_code == 0);
  const auto doc = parse_json(json.output);
  REQUIRE(doc.IsArray());
  REQUIRE(doc.Size() == 2);
  CHECK(doc[0]["room_id"].GetInt64() == 7);
  CHECK(std::string(doc[0]["status_name"].GetString()) == "live");
  CHECK(std::string(doc[0]["snapshot"]["name"].GetString()) == "Sale 7");
}

TEST_CASE("room shows one room with its transitions and a missing room exits 1") {
  Fixture f;
  const auto shown = f.ctl("room 7");
  CHECK(shown.exit_code == 0);
  CHECK(shown.output.find("102 not_started") != std::string::npos);
  CHECK(shown.output.find("evt_7_2") != std::string::npos);
  const auto json = f.ctl("room 7 --json");
  REQUIRE(json.exit_code == 0);
  const auto doc = parse_json(json.output);
  CHECK(doc[0]["transitions"].Size() == 1);
  CHECK(doc[0]["transitions"][0]["to"].GetInt() == 101);

  const auto missing = f.ctl("room 999");
  CHECK(missing.exit_code == 1);
  CHECK(missing.output.find("no room 999") != std::string::npos);
}

TEST_CASE("events filter by room and since") {
  Fixture f;
  const auto all = f.ctl("events");
  CHECK(all.exit_code == 0);
  CHECK(all.output.find("evt_8_1") != std::string::npos);
  CHECK(all.output.find("not_started -> live (observed)") != std::string::npos);

  const auto room7 = parse_json(f.ctl("events --room 7 --json").output);
  REQUIRE(room7.Size() == 2);
  CHECK(std::string(room7[1]["id"].GetString()) == "evt_7_2");
  CHECK(room7[1]["body"]["data"]["to"].GetInt() == 101);

  const auto recent = parse_json(f.ctl("events --json --since 2025-11-24T15:59:30Z").output);
  REQUIRE(recent.Size() == 1);
  CHECK(std::string(recent[0]["id"].GetString()) == "evt_7_2");
  CHECK(f.ctl("events --since tomorrowish").exit_code == 64);
}

TEST_CASE("deliveries filter by endpoint and state and name the event ids") {
  Fixture f;
  const auto dead = parse_json(f.ctl("deliveries --state dead --json").output);
  REQUIRE(dead.Size() == 2);
  for (const auto& d : dead.GetArray()) CHECK(std::string(d["state"].GetString()) == "dead");
  CHECK(std::string(dead[0]["event_id"].GetString()) == "evt_7_1");
  CHECK(std::string(dead[0]["last_error"].GetString()) == "HTTP 400: bad request");

  const auto crm = parse_json(f.ctl("deliveries --endpoint crm --json").output);
  CHECK(crm.Size() == 3);
  const auto table = f.ctl("deliveries --endpoint bi");
  CHECK(table.exit_code == 0);
  CHECK(table.output.find("evt_7_2") != std::string::npos);
  CHECK(table.output.find("pending") != std::string::npos);
}

TEST_CASE("redeliver requeues named events with attempts reset") {
  Fixture f;
  const auto result = f.ctl("redeliver evt_7_1 evt_8_1");
  CHECK(result.exit_code == 0);
  CHECK(result.output.find("requeued 3 deliveries") != std::string::npos);
  CHECK(f.delivery("evt_7_1", "bi").state == DeliveryState::pending);
  CHECK(f.delivery("evt_7_1", "bi").attempts == 0);
  CHECK(f.delivery("evt_7_1", "crm").state == DeliveryState::pending);
  CHECK(f.delivery("evt_8_1", "crm").state == DeliveryState::pending);
}

TEST_CASE("redeliver of an unknown event exits 1 and requeues nothing") {
  Fixture f;
  const auto result = f.ctl("redeliver evt_7_1 evt_nope");
  CHECK(result.exit_code == 1);
  CHECK(result.output.find("no event evt_nope") != std::string::npos);
  CHECK(f.delivery("evt_7_1", "bi").state == DeliveryState::dead);
}

TEST_CASE("redeliver dead requeues only dead deliveries of one endpoint") {
  Fixture f;
  const auto result = f.ctl("redeliver --dead --endpoint crm --json");
  CHECK(result.exit_code == 0);
  CHECK(parse_json(result.output)["requeued"].GetInt() == 1);
  CHECK(f.delivery("evt_8_1", "crm").state == DeliveryState::pending);
  CHECK(f.delivery("evt_7_1", "bi").state == DeliveryState::dead);
  CHECK(f.delivery("evt_7_1", "crm").state == DeliveryState::delivered);
}

TEST_CASE("quota shows the calls of a Beijing day") {
  Fixture f;
  const auto table = f.ctl("quota --day 2025-11-25");
  CHECK(table.exit_code == 0);
  CHECK(table.output.find("quota day 2025-11-25") != std::string::npos);
  const auto doc = parse_json(f.ctl("quota --day 2025-11-25 --json").output);
  REQUIRE(doc["apps"].Size() == 1);
  CHECK(doc["apps"][0]["getliveinfo_calls"].GetInt64() == 14);
  CHECK(parse_json(f.ctl("quota --day 2020-01-01 --json").output)["apps"].Size() == 0);
}

TEST_CASE("enable-endpoint re-enables an endpoint disabled by 410") {
  Fixture f;
  const auto before = f.ctl("endpoints");
  CHECK(before.output.find("disabled") != std::string::npos);
  CHECK(before.output.find("410 Gone") != std::string::npos);
  CHECK(f.ctl("enable-endpoint bi").exit_code == 0);
  const auto after = parse_json(f.ctl("endpoints --json").output);
  REQUIRE(after.Size() == 1);
  CHECK(std::string(after[0]["state"].GetString()) == "enabled");
  CHECK(f.ctl("enable-endpoint bi").exit_code == 1);
  CHECK(f.ctl("enable-endpoint nobody").exit_code == 1);
}

TEST_CASE("no command ever prints the stored token") {
  Fixture f;
  for (const char* args : {"rooms", "rooms --json", "room 7", "room 7 --json", "events", "events --json", "deliveries",
                           "deliveries --json", "quota", "quota --json", "endpoints", "endpoints --json", "habits",
                           "habits --json", "habits shop", "habits shop --json"}) {
    CHECK_MESSAGE(f.ctl(args).exit_code == 0, args);
  }
}

TEST_CASE("config finds the database and lists configured endpoints") {
  Fixture f;
  wxlived::testing::ConfigFixture config;
  std::string toml = wxlived::testing::valid_fake_config();
  const auto at = toml.find("state_dir = \"state\"");
  REQUIRE(at != std::string::npos);
  toml.replace(at, std::string("state_dir = \"state\"").size(), "state_dir = \"" + (f.dir / "state").string() + "\"");
  config.dir.write("wxlived.toml", toml);
  const auto result = run_process(bin("wxlivectl") + " --config " + config.path() + " endpoints --json");
  REQUIRE(result.exit_code == 0);
  const auto doc = parse_json(result.output);
  REQUIRE(doc.Size() == 2);  // bi (disabled, from the store) and crm (configured)
  CHECK(std::string(doc[0]["name"].GetString()) == "bi");
  CHECK_FALSE(doc[0]["configured"].GetBool());
  CHECK(std::string(doc[1]["name"].GetString()) == "crm");
  CHECK(doc[1]["configured"].GetBool());
  CHECK(result.output.find("whsec_") == std::string::npos);

  const auto broken = run_process(bin("wxlivectl") + " --config " + (config.dir / "missing.toml").string() + " rooms");
  CHECK(broken.exit_code == 1);
}

// The fixture's database as the daemon's config names it, in a config file.
std::string config_for(const Fixture& f, const wxlived::testing::ConfigFixture& config) {
  std::string toml = wxlived::testing::valid_fake_config();
  const auto at = toml.find("state_dir = \"state\"");
  REQUIRE(at != std::string::npos);
  toml.replace(at, std::string("state_dir = \"state\"").size(), "state_dir = \"" + (f.dir / "state").string() + "\"");
  return config.dir.write("wxlived.toml", toml).string();
}

TEST_CASE("without --db or --config wxlivectl reads the config that WXLIVED_CONFIG names") {
  Fixture f;
  wxlived::testing::ConfigFixture config;
  const auto file = config_for(f, config);
  const auto result = run_process("WXLIVED_CONFIG=" + file + " " + bin("wxlivectl") + " endpoints --json");
  REQUIRE(result.exit_code == 0);
  const auto doc = parse_json(result.output);
  REQUIRE(doc.Size() == 2);  // bi from the store, crm from the config: the config was read
  CHECK(std::string(doc[1]["name"].GetString()) == "crm");
  CHECK(doc[1]["configured"].GetBool());

  // --db wins over the variable: nothing of the config is read then.
  const auto by_db = run_process("WXLIVED_CONFIG=/nonexistent/wxlived.toml " + bin("wxlivectl") + " --db " +
                                 f.db.string() + " endpoints --json");
  REQUIRE(by_db.exit_code == 0);
  CHECK(parse_json(by_db.output).Size() == 1);
}

TEST_CASE("without --db or --config a missing config is named with the ways to point elsewhere") {
  const auto named = run_process("WXLIVED_CONFIG=/nonexistent/wxlived.toml " + bin("wxlivectl") + " rooms");
  CHECK(named.exit_code == 64);
  CHECK(named.output.find("/nonexistent/wxlived.toml (from $WXLIVED_CONFIG) does not exist") != std::string::npos);
  CHECK(named.output.find("--config FILE") != std::string::npos);
  CHECK(named.output.find("--db FILE") != std::string::npos);

  // The packaged default, tried when the variable is unset; only checkable
  // where no wxlived is installed.
  if (!std::filesystem::exists("/etc/wxlived/wxlived.toml")) {
    const auto fallback = run_process("env -u WXLIVED_CONFIG " + bin("wxlivectl") + " rooms");
    CHECK(fallback.exit_code == 64);
    CHECK(fallback.output.find("/etc/wxlived/wxlived.toml (the default; $WXLIVED_CONFIG is not set)") !=
          std::string::npos);
  }
}

TEST_CASE("a mistyped wxlivectl option or subcommand is named with the closest real one") {
  Fixture f;
  const auto option = f.ctl("rooms --jsn");
  CHECK(option.exit_code == 64);
  CHECK(option.output.find("wxlivectl rooms: unknown option --jsn; did you mean --json?") != std::string::npos);
  const auto subcommand = f.ctl("deliverys");
  CHECK(subcommand.exit_code == 64);
  CHECK(subcommand.output.find("unknown subcommand deliverys; did you mean deliveries?") != std::string::npos);
  const auto extra = f.ctl("habits shop mall");
  CHECK(extra.exit_code == 64);
  CHECK(extra.output.find("wxlivectl habits: unexpected argument mall") != std::string::npos);
}

TEST_CASE("a wxlivectl subcommand's help lists the global options and the exit codes") {
  const auto help = run_process(bin("wxlivectl") + " rooms --help");
  CHECK(help.exit_code == 0);
  CHECK(help.output.find("Global options (before or after rooms)") != std::string::npos);
  CHECK(help.output.find("--config") != std::string::npos);
  CHECK(help.output.find("WXLIVED_CONFIG") != std::string::npos);
  CHECK(help.output.find("Exit codes:") != std::string::npos);
  CHECK(help.output.find("64  usage") != std::string::npos);
}

// A live room of app "shop" seen at kT0 with the given stored snapshot.
RoomRecord live_room(std::int64_t id, std::string snapshot_json) {
  RoomRecord r;
  r.app = "shop";
  r.room_id = id;
  r.status = 101;
  r.status_since_ms = kT0;
  r.snapshot_json = std::move(snapshot_json);
  r.first_seen_ms = kT0;
  r.last_seen_ms = kT0;
  return r;
}

TEST_CASE("room names with terminal escapes are shown with their control characters made visible") {
  Fixture f;
  Observation o;
  o.app = "shop";
  // ESC[2J (clear screen), OSC 0 (window title), OSC 52 (clipboard write), C1 CSI.
  o.room_upserts.push_back(
      live_room(9, R"({"roomid":9,"name":"A\u001b[2JB\u001b]0;pwned\u0007C\u001b]52;c;aGk=\u0007D\u009b2JE"})"));
  must(f.store.commit_observation(o));
  for (const std::string args : {"rooms", "room 9", "rooms --json", "room 9 --json"}) {
    CAPTURE(args);
    const auto shown = f.ctl(args);
    REQUIRE(shown.exit_code == 0);
    CHECK(shown.output.find('\x1b') == std::string::npos);
    CHECK(shown.output.find('\x07') == std::string::npos);
    // JSON may carry U+009B as it is (only C0 must be escaped there); a terminal reading it is the user's choice.
    if (args.find("--json") == std::string::npos) CHECK(shown.output.find("\xc2\x9b") == std::string::npos);
  }
  const auto table = f.ctl("rooms");
  CHECK_MESSAGE(table.output.find(R"(A\x1b[2JB\x1b]0;pwned\x07C\x1b]52;c;aGk=\x07D\u009b2JE)") != std::string::npos,
                table.output);
}

TEST_CASE("stored JSON nested a million deep is shown as unreadable by every command, never a crash") {
  Fixture f;
  const std::string deep = std::string(1'000'000, '[') + std::string(1'000'000, ']');
  Observation o;
  o.app = "shop";
  o.room_upserts.push_back(live_room(10, deep));
  NewEvent e = room_event("evt_10_1", 10, std::nullopt, 101, kT0, {"crm"});
  e.body_json = deep;
  o.events.push_back(e);
  must(f.store.commit_observation(o));
  for (const std::string args : {"rooms", "rooms --json", "room 10", "room 10 --json", "events", "events --json"}) {
    CAPTURE(args);
    const auto shown = f.ctl(args);
    CHECK_MESSAGE(shown.exit_code == 0, shown.output.substr(0, 2000));
  }
  const auto doc = parse_json(f.ctl("events --room 10 --json").output);
  REQUIRE(doc.IsArray());
  REQUIRE(doc.Size() == 1);
  CHECK(doc[0]["body"].IsNull());
}

namespace {

// What shop has learned: starts about 20 minutes late, ends 3 minutes early,
// 4m30s pauses, drops that never recovered; 3 interruptions in 12.5 live hours.
wxlived::engine::Habits learned_habits() {
  wxlived::engine::Habits h = wxlived::engine::prior_habits();
  for (int i = 0; i < 4; ++i) h.start_offset.observe(1205, 1205);
  for (int i = 0; i < 2; ++i) h.end_offset.observe(-180, -180);
  h.pause_length.observe(270, 270);
  h.abnormal_recovery.observe_never();
  h.interruptions.events = 3;
  h.interruptions.live_hours = 12.5;
  return h;
}

// The table's row of one habit ("" if there is none).
std::string row_of(const std::string& output, const std::string& habit) {
  std::size_t at = 0;
  while ((at = output.find(habit + " ", at)) != std::string::npos) {
    if (at == 0 || output[at - 1] == '\n') return output.substr(at, output.find('\n', at) - at);
    ++at;
  }
  return "";
}

}  // namespace

TEST_CASE("habits shows the learned figures beside the prior and the observations behind them") {
  Fixture f;
  const auto habits = learned_habits();
  Observation o;
  o.app = "shop";
  o.habits_json = wxlived::engine::habits_to_json(habits);
  must(f.store.commit_observation(o));

  const auto shown = f.ctl("habits shop");
  REQUIRE_MESSAGE(shown.exit_code == 0, shown.output);
  CHECK(shown.output.find("PRIOR P50") != std::string::npos);
  using wxlived::ctl::format_seconds;
  auto secs = [](double v, bool offset) { return format_seconds(std::llround(v), offset); };
  const std::string start = row_of(shown.output, "start_offset");
  CAPTURE(start);
  CHECK(start.find(" 4 ") != std::string::npos);  // observations
  const auto& d = habits.start_offset;
  for (double q : {0.1, 0.5, 0.9}) {
    CHECK(start.find(secs(d.quantile(q), true)) != std::string::npos);
    CHECK(start.find(secs(d.quantile(q, true), true)) != std::string::npos);
  }
  CHECK(secs(d.quantile(0.5), true) != secs(d.quantile(0.5, true), true));  // learned moved off the prior
  CHECK(start.find("15%") != std::string::npos);                            // the prior's no-shows
  CHECK(start.find(" +") != std::string::npos);                             // offsets carry their sign
  const std::string end = row_of(shown.output, "end_offset");
  CAPTURE(end);
  CHECK(end.find(" 2 ") != std::string::npos);
  CHECK(end.find(secs(habits.end_offset.quantile(0.5), true)) != std::string::npos);
  const std::string pause = row_of(shown.output, "pause_length");
  CAPTURE(pause);
  CHECK(pause.find(" 1 ") != std::string::npos);
  CHECK(pause.find(secs(habits.pause_length.quantile(0.5), false)) != std::string::npos);
  CHECK(pause.find('+') == std::string::npos);  // lengths do not
  const std::string drop = row_of(shown.output, "abnormal_recovery");
  CAPTURE(drop);
  CHECK(drop.find(" 1 ") != std::string::npos);
  CHECK(drop.find("26%") != std::string::npos);  // the prior's never-share
  // (0.55 * 4 prior hours + 3) / (4 + 12.5) = 0.315 per live hour
  CHECK(shown.output.find("interruptions per live hour: 0.32 learned, 0.55 prior (3 observed in 12.5 live hours)") !=
        std::string::npos);

  // Without APP: every app the store knows (the fixture's only app is shop).
  const auto all = f.ctl("habits");
  REQUIRE(all.exit_code == 0);
  CHECK(all.output.find("app shop\n") != std::string::npos);
  CHECK(row_of(all.output, "start_offset") == start);
}

TEST_CASE("habits json is the admin endpoint's body byte for byte and an app without habits shows the prior") {
  Fixture f;
  Observation o;
  o.app = "shop";
  o.habits_json = wxlived::engine::habits_to_json(learned_habits());
  must(f.store.commit_observation(o));
  must(f.store.add_quota_calls("mall", "2025-11-25", QuotaKind::list, 1));  // known, nothing learned

  wxlived::admin::Metrics metrics{"0"};
  wxlived::admin::Health health;
  const wxlived::admin::Routes routes{f.db, metrics, health, [] { return kT0; }};
  for (const std::string app : {"shop", "mall"}) {
    CAPTURE(app);
    const auto json = f.ctl("habits " + app + " --json");
    REQUIRE(json.exit_code == 0);
    const auto reply = routes.handle(wxlived::admin::Request{"GET", "/v1/apps/" + app + "/habits", {}});
    CHECK(reply.status == 200);
    CHECK(json.output == reply.body);
  }

  const auto doc = parse_json(f.ctl("habits --json").output);
  REQUIRE(doc.IsArray());
  REQUIRE(doc.Size() == 2);
  CHECK(std::string(doc[0]["app"].GetString()) == "mall");
  CHECK(doc[0]["habits"]["start_offset"]["observations"].GetDouble() == 0);
  CHECK(doc[0]["habits"]["start_offset"]["learned"]["p50_s"] == doc[0]["habits"]["start_offset"]["prior"]["p50_s"]);
  CHECK(doc[0]["habits"]["interruptions_per_live_hour"]["live_hours"].GetDouble() == 0);
  CHECK(std::string(doc[1]["app"].GetString()) == "shop");
  CHECK(doc[1]["habits"]["start_offset"]["observations"].GetDouble() == 4);
  CHECK(doc[1]["habits"]["interruptions_per_live_hour"]["observations"].GetDouble() == 3);
  CHECK(doc[1]["habits"]["interruptions_per_live_hour"]["live_hours"].GetDouble() == 12.5);

  const auto mall = f.ctl("habits mall");
  REQUIRE(mall.exit_code == 0);
  CHECK(mall.output.find("app mall: nothing learned yet, the prior") != std::string::npos);
  CHECK(row_of(mall.output, "start_offset").find(" 0 ") != std::string::npos);
}

TEST_CASE("habits of an unknown app exits 1 with a clear error") {
  Fixture f;
  for (const std::string args : {"habits nope", "habits nope --json"}) {
    CAPTURE(args);
    const auto missing = f.ctl(args);
    CHECK(missing.exit_code == 1);
    CHECK(missing.output.find("no app nope") != std::string::npos);
  }
  CHECK(f.ctl("habits shop").exit_code == 0);  // known from its rooms, quota and apps row
}

TEST_CASE("habits that do not parse are shown as the prior and said to be unreadable") {
  Fixture f;
  Observation o;
  o.app = "shop";
  o.habits_json = R"({"version":99})";
  must(f.store.commit_observation(o));
  const auto shown = f.ctl("habits shop");
  REQUIRE(shown.exit_code == 0);
  CHECK(shown.output.find("app shop: stored habits unreadable, the prior") != std::string::npos);
  CHECK(row_of(shown.output, "start_offset").find(" 0 ") != std::string::npos);
  const auto doc = parse_json(f.ctl("habits shop --json").output);
  CHECK(doc["habits"]["start_offset"]["observations"].GetDouble() == 0);
}
