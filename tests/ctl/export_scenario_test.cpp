// wxlivectl export-scenario, the real binary, on a real database holding a
// recorded history: where each change lands, what is left to WeChat's rules,
// what the file says about itself, and that it loads as a scenario.
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include "support/config_fixture.hpp"
#include "support/run_process.hpp"
#include "support/store_must.hpp"
#include "support/temp_dir.hpp"
#include "time_text.hpp"
#include "wxlived/engine/room_snapshot.hpp"
#include "wxlived/scenario/listing.hpp"
#include "wxlived/scenario/parse.hpp"
#include "wxlived/scenario/truth.hpp"
#include "wxlived/store/state_store.hpp"

using wxlived::testing::bin;
using wxlived::testing::run_process;
using namespace wxlived::store;
namespace ws = wxlived::scenario;

namespace {

constexpr const char* kAppid = "wxfake000000000001";
constexpr const char* kToken = "TOKEN-must-never-be-printed-0x5eed";
constexpr std::int64_t kS = 1000;

using wxlived::testing::must;

std::string snapshot(std::int64_t id, std::int64_t start_s, std::int64_t end_s) {
  wxlived::engine::RoomMemory m;
  m.info.roomid = id;
  m.info.name = "Sale " + std::to_string(id);
  m.info.anchor_name = "Li";
  m.info.start_time = start_s;
  m.info.end_time = end_s;
  return wxlived::engine::snapshot_to_json(m);
}

TransitionRecord change(std::int64_t room, std::optional<int> from, int to, std::int64_t at_ms,
                        std::optional<std::int64_t> after_ms, std::string reason = "observed", bool inferred = false) {
  TransitionRecord t;
  t.app = "shop";
  t.room_id = room;
  t.from_status = from;
  t.to_status = to;
  t.at_ms = at_ms;
  t.after_ms = after_ms;
  t.reason = std::move(reason);
  t.inferred = inferred;
  return t;
}

NewEvent replay_ready(std::string id, std::int64_t room, std::int64_t total, std::int64_t at_ms) {
  NewEvent e;
  e.id = std::move(id);
  e.type = "room.replay_ready";
  e.app = "shop";
  e.room_id = room;
  std::string segments;
  for (std::int64_t i = 0; i < total; ++i) segments += std::string(i ? "," : "") + R"({"media_url":"http://m/x"})";
  e.body_json = R"({"type":"room.replay_ready","data":{"app":"shop","appid":")" + std::string(kAppid) +
                R"(","room_id":)" + std::to_string(room) + R"(,"total":)" + std::to_string(total) +
                R"(,"segments":[)" + segments + "]}}";
  e.created_at_ms = at_ms;
  return e;
}

// Two hours of app "shop", times from `base` (a whole second, two hours ago):
//   7: seen 102, live, paused, live, abnormal, ended by the 106 rule, two
//      replay events (2 then 3 segments), removed from the list
//   8: first seen already live
//   9: never started, expired at its end_time (seen by a poll: end_time_passed)
//  10: a change recorded before migration 4 (no lower bound)
//  11: ended and removed days before the window
//  12: expiry inferred by the daemon (out of budget)
//  13: first seen ten days ago, live since, still listed
struct History {
  wxlived::testing::TempDir dir;
  std::filesystem::path db = dir / "state" / "wxlived.db";
  StateStore store = must(StateStore::open(db));
  std::int64_t base = (wxlived::ctl::now_unix_ms() - 2 * 3600 * kS) / kS * kS;

  std::int64_t at(std::int64_t seconds) const { return base + seconds * kS; }

  RoomRecord room(std::int64_t id, int status, std::int64_t first_seen_s, std::int64_t last_seen_s,
                  std::optional<std::int64_t> removed_s = std::nullopt) const {
    RoomRecord r;
    r.app = "shop";
    r.room_id = id;
    r.status = status;
    r.status_since_ms = at(last_seen_s);
    r.snapshot_json = snapshot(id, base / kS + 600, base / kS + 7200);
    r.first_seen_ms = at(first_seen_s);
    r.last_seen_ms = at(last_seen_s);
    if (removed_s) r.removed_at_ms = at(*removed_s);
    return r;
  }

  History() {
    Observation o;
    o.app = "shop";
    o.app_record = AppRecord{"shop", kAppid, AppState::ok, base, base};
    o.room_upserts = {room(7, 103, 0, 3900, 4000), room(8, 101, 100, 3900), room(9, 107, 0, 3900),
                      room(10, 101, 0, 3900), room(11, 103, -5 * 86400, -4 * 86400, -4 * 86400),
                      room(12, 107, 0, 3900), room(13, 101, -10 * 86400, 3900)};
    o.room_upserts[1].first_seen_ms += 500;  // first seen at 100.5 s
    o.transitions = {
        change(7, std::nullopt, 102, at(0), std::nullopt),
        change(7, 102, 101, at(610), at(600)),
        change(7, 101, 105, at(1000), at(940)),
        change(7, 105, 101, at(1300), at(1240)),
        change(7, 101, 106, at(2000), at(1990)),
        change(7, 106, 103, at(2900), at(2890), "abnormal_timeout"),
        change(8, std::nullopt, 101, at(100) + 500, std::nullopt),
        change(9, std::nullopt, 102, at(0), std::nullopt),
        change(9, 102, 107, at(7200), at(7190), "end_time_passed"),
        change(10, std::nullopt, 102, at(0), std::nullopt),
        change(10, 102, 101, at(800), std::nullopt),
        change(11, std::nullopt, 103, at(-5 * 86400), std::nullopt),
        change(12, std::nullopt, 102, at(0), std::nullopt),
        change(12, 102, 107, at(7200), at(3900), "end_time_passed", true),
        change(13, std::nullopt, 102, at(-10 * 86400), std::nullopt),
        change(13, 102, 101, at(-10 * 86400 + 100), at(-10 * 86400 + 60)),
    };
    o.events = {replay_ready("evt_r1", 7, 2, at(3500)), replay_ready("evt_r2", 7, 3, at(3600))};
    must(store.commit_observation(o));
    must(store.kv_put("token/shop/" + std::string(kAppid), kToken, std::nullopt));
  }

  wxlived::testing::ProcessResult ctl(const std::string& args) const {
    auto result = run_process(bin("wxlivectl") + " --db " + db.string() + " " + args);
    CHECK_MESSAGE(result.output.find(kToken) == std::string::npos, "a token was printed");
    return result;
  }
};

// The scenario and the JSON document of an export to a file.
struct Exported {
  std::string text;
  rapidjson::Document doc;
  ws::Scenario scenario;
  std::string output;  // what the command printed (stderr)

  const rapidjson::Value& room(std::int64_t id) const {
    for (const auto& r : doc["rooms"].GetArray())
      if (r["roomid"].GetInt64() == id) return r;
    FAIL("no room " << id << " in the export");
    return doc;
  }
  bool has_room(std::int64_t id) const {
    const auto& rooms = doc["rooms"].GetArray();
    return std::any_of(rooms.begin(), rooms.end(), [&](const auto& r) { return r["roomid"].GetInt64() == id; });
  }
  // Unix ms as the file's seconds from origin.
  std::int64_t rel(std::int64_t ms) const { return (ms - scenario.origin_unix * kS) / kS; }
};

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

Exported export_to_file(const History& h, const std::string& args = "--since 1d") {
  Exported e;
  const auto out = h.dir / "export.json";
  const auto result = h.ctl("export-scenario " + args + " --out " + out.string());
  e.output = result.output;
  REQUIRE_MESSAGE(result.exit_code == 0, result.output);
  e.text = read_file(out);
  e.doc.Parse(e.text.c_str());
  REQUIRE_MESSAGE(!e.doc.HasParseError(), e.text);
  auto parsed = ws::parse_scenario(e.text);
  REQUIRE_MESSAGE(parsed.has_value(), (parsed ? std::string() : parsed.error().message) << "\n" << e.text);
  e.scenario = std::move(*parsed);
  return e;
}

std::vector<std::pair<std::int64_t, int>> timeline(const rapidjson::Value& room) {
  std::vector<std::pair<std::int64_t, int>> out;
  for (const auto& entry : room["timeline"].GetArray()) out.emplace_back(entry[0].GetInt64(), entry[1].GetInt());
  return out;
}

std::string comment_text(const Exported& e) {
  std::string out;
  for (const auto& line : e.doc["comment"].GetArray()) out += std::string(line.GetString()) + "\n";
  return out;
}

}  // namespace

TEST_CASE("export-scenario places each observed change at the midpoint of the gap it was seen in") {
  const History h;
  const Exported e = export_to_file(h);
  // 102 -> 101 seen between 600 and 610 s: at 605; the pause between 940 and 1000: 970; ...
  const std::vector<std::pair<std::int64_t, int>> expected = {
      {e.rel(h.at(605)), 101}, {e.rel(h.at(970)), 105}, {e.rel(h.at(1270)), 101}, {e.rel(h.at(1995)), 106}};
  CHECK(timeline(e.room(7)) == expected);
  CHECK(e.room(7)["start_time"].GetInt64() == e.rel(h.at(600)));
  CHECK(e.room(7)["end_time"].GetInt64() == e.rel(h.at(7200)));
  CHECK(std::string(e.room(7)["name"].GetString()) == "Sale 7");
  CHECK(std::string(e.room(7)["anchor_name"].GetString()) == "Li");
  CHECK(e.room(7)["created_at"].GetInt64() == e.rel(h.at(0)));
  // Rows from before migration 4 have no lower bound: at their sighting, and the comment says so.
  CHECK(timeline(e.room(10)) == std::vector<std::pair<std::int64_t, int>>{{e.rel(h.at(800)), 101}});
  CHECK(comment_text(e).find("1 change(s) were recorded before the database kept the start of the gap") !=
        std::string::npos);
}

TEST_CASE("export-scenario leaves the changes made by WeChat's rules out of the timelines") {
  const History h;
  const Exported e = export_to_file(h);
  for (const std::int64_t id : {7, 9, 12}) {
    CAPTURE(id);
    for (const auto& [t, status] : timeline(e.room(id))) {
      CHECK(status != 103);
      CHECK(status != 107);
    }
  }
  CHECK(timeline(e.room(9)).empty());
  CHECK(timeline(e.room(12)).empty());
  // The fake's rules bring them back: 106 held 900 s ends the room, 102 at end_time expires.
  const ws::Room* r7 = &e.scenario.rooms[0];
  const ws::Room* r9 = &e.scenario.rooms[2];
  REQUIRE(r7->roomid == 7);
  REQUIRE(r9->roomid == 9);
  CHECK(ws::status_at(e.scenario, *r7, e.rel(h.at(2900))) == ws::LiveStatus::ended);
  CHECK(ws::status_at(e.scenario, *r9, e.rel(h.at(7200))) == ws::LiveStatus::expired);
  CHECK(e.output.find("3 more left to WeChat's rules") != std::string::npos);
}

TEST_CASE("an exported room first seen already live has that status from its first sighting") {
  const History h;
  const Exported e = export_to_file(h);
  // First seen at 100.5 s: from 100 s on, so the status holds at the sighting.
  CHECK(timeline(e.room(8)) == std::vector<std::pair<std::int64_t, int>>{{e.rel(h.at(100)), 101}});
  CHECK(e.room(8)["created_at"].GetInt64() == e.rel(h.at(100)));
  // First seen not started: 102 needs no entry.
  CHECK(timeline(e.room(9)).empty());
}

TEST_CASE("rooms the daemon found at its first look are listed from the window's start and later rooms from their sighting") {
  // A daemon started two hours ago (base) on an app whose rooms already existed:
  // its first sweep found 21 live and 22 not started; 23 appeared an hour later.
  wxlived::testing::TempDir dir;
  const auto db = dir / "state" / "wxlived.db";
  StateStore store = must(StateStore::open(db));
  const std::int64_t base = (wxlived::ctl::now_unix_ms() - 2 * 3600 * kS) / kS * kS;
  auto room = [&](std::int64_t id, int status, std::int64_t first_seen_ms) {
    RoomRecord r;
    r.app = "shop";
    r.room_id = id;
    r.status = status;
    r.status_since_ms = first_seen_ms;
    r.snapshot_json = snapshot(id, base / kS + 600, base / kS + 7200);
    r.first_seen_ms = first_seen_ms;
    r.last_seen_ms = base + 7000 * kS;
    return r;
  };
  Observation o;
  o.app = "shop";
  o.app_record = AppRecord{"shop", kAppid, AppState::ok, base, base};
  RoomRecord old = room(24, 103, base);  // a sale of three days ago, seen ended
  old.snapshot_json = snapshot(24, base / kS - 3 * 86400, base / kS - 3 * 86400 + 3600);
  o.room_upserts = {room(21, 101, base), room(22, 101, base + 1500), room(23, 102, base + 3600 * kS), old};
  o.transitions = {change(21, std::nullopt, 101, base, std::nullopt), change(22, std::nullopt, 102, base + 1500, std::nullopt),
                   change(22, 102, 101, base + 620 * kS, base + 600 * kS),
                   change(23, std::nullopt, 102, base + 3600 * kS, std::nullopt),
                   change(24, std::nullopt, 103, base, std::nullopt)};
  must(store.commit_observation(o));
  const auto out = dir / "export.json";
  const auto result = run_process(bin("wxlivectl") + " --db " + db.string() + " export-scenario --since 1d --out " + out.string());
  REQUIRE_MESSAGE(result.exit_code == 0, result.output);
  rapidjson::Document doc;
  doc.Parse(read_file(out).c_str());
  REQUIRE_FALSE(doc.HasParseError());
  auto parsed = ws::parse_scenario(read_file(out));
  REQUIRE(parsed.has_value());
  const std::int64_t origin_ms = parsed->origin_unix * kS;
  auto rel = [&](std::int64_t ms) { return (ms - origin_ms) / kS; };
  auto find = [&](std::int64_t id) -> const rapidjson::Value& {
    for (const auto& r : doc["rooms"].GetArray())
      if (r["roomid"].GetInt64() == id) return r;
    FAIL("no room " << id);
    return doc;
  };
  REQUIRE(rel(base) > 0);
  // 21 and 22 existed before the daemon looked (22 within the same sweep's pages): listed from the start,
  // 21 live from then on; 22's observed start stays at its midpoint.
  CHECK(find(21)["created_at"].GetInt64() == 0);
  CHECK(timeline(find(21)) == std::vector<std::pair<std::int64_t, int>>{{0, 101}});
  CHECK(find(22)["created_at"].GetInt64() == 0);
  CHECK(timeline(find(22)) == std::vector<std::pair<std::int64_t, int>>{{rel(base + 610 * kS), 101}});
  // 23 appeared while the daemon watched: created when first seen.
  CHECK(find(23)["created_at"].GetInt64() == rel(base + 3600 * kS));
  // So the simulated WeChat agrees with every sighting: 21 live when the daemon first looked.
  const ws::Room* r21 = ws::find_room(*parsed, 21);
  REQUIRE(r21 != nullptr);
  CHECK(ws::code(ws::status_at(*parsed, *r21, rel(base))) == 101);
  // A room seen ended, planned days ago, is ended from its planned start: had it been 102 at its
  // end_time, WeChat's rule would have made it 107 in the replay.
  const ws::Room* r24 = ws::find_room(*parsed, 24);
  REQUIRE(r24 != nullptr);
  CHECK(ws::code(ws::status_at(*parsed, *r24, rel(base))) == 103);
  CHECK(find(24)["start_time"].GetInt64() == rel(base) - 3 * 86400);
  CHECK(timeline(find(24)) == std::vector<std::pair<std::int64_t, int>>{{rel(base) - 3 * 86400, 103}});
}

TEST_CASE("the exported replay delay runs from the room's end to the first replay found and segments is the most seen") {
  const History h;
  const Exported e = export_to_file(h);
  // The 106 entry at 1995 s ends by WeChat's 900 s rule at 2895 s; the first replay was found at 3500 s.
  REQUIRE(e.room(7).HasMember("replay"));
  CHECK(e.room(7)["replay"]["delay_s"].GetInt64() == 3500 - 2895);
  CHECK(e.room(7)["replay"]["segments"].GetInt64() == 3);
  CHECK_FALSE(e.room(8).HasMember("replay"));
}

TEST_CASE("an exported room gone from the list has deleted_at and one gone before the window is left out") {
  const History h;
  const Exported e = export_to_file(h);
  CHECK(e.room(7)["deleted_at"].GetInt64() == e.rel(h.at(4000)));
  CHECK(e.room(8)["deleted_at"].IsNull());
  CHECK_FALSE(e.has_room(11));
  CHECK(e.doc["rooms"].Size() == 6);
  // A window reaching back to it brings it in.
  const Exported week = export_to_file(h, "--since 7d");
  REQUIRE(week.has_room(11));
  CHECK(week.room(11)["created_at"].GetInt64() == week.rel(h.at(-5 * 86400)));
  CHECK(week.room(11)["deleted_at"].GetInt64() == week.rel(h.at(-4 * 86400)));
  // A room still listed is exported however old: its times before origin are negative.
  REQUIRE(e.has_room(13));
  CHECK(e.room(13)["created_at"].GetInt64() < 0);
  CHECK(e.room(13)["created_at"].GetInt64() == e.rel(h.at(-10 * 86400)));
  CHECK(timeline(e.room(13)) == std::vector<std::pair<std::int64_t, int>>{{e.rel(h.at(-10 * 86400 + 80)), 101}});
}

TEST_CASE("the exported file says in its comment where it comes from and how its times were placed") {
  const History h;
  const Exported e = export_to_file(h);
  const std::string comment = comment_text(e);
  CAPTURE(comment);
  CHECK(comment.find("app shop (appid wxfake000000000001)") != std::string::npos);
  CHECK(comment.find(std::filesystem::absolute(h.db).string()) != std::string::npos);
  CHECK(comment.find("midpoint of the gap") != std::string::npos);
  CHECK(comment.find("+-half that gap") != std::string::npos);
  CHECK(comment.find("WeChat's rules") != std::string::npos);
  CHECK(comment.find("placeholder") != std::string::npos);
  CHECK(comment.find("(1d before the export at ") != std::string::npos);
  CHECK(comment.find("the widest gap here: 1m).") != std::string::npos);  // the pause, seen 60 s apart
  // origin: a Beijing midnight at or before a day ago; duration_s reaches the latest sighting.
  CHECK((e.scenario.origin_unix + 8 * 3600) % 86400 == 0);
  CHECK(std::string(e.doc["origin"].GetString()).ends_with("T00:00:00+08:00"));
  CHECK(e.scenario.origin_unix * kS <= h.base + 2 * 3600 * kS + 60 * kS - 86400 * kS);  // the export ran after base
  CHECK(e.scenario.origin_unix * kS > h.base + 2 * 3600 * kS - 2 * 86400 * kS);
  CHECK(e.scenario.duration_s == e.rel(h.at(4000)));
  CHECK(e.scenario.daily_quota == 500);
  CHECK(e.scenario.abnormal_timeout_s == 900);
}

TEST_CASE("the export says the history's statuses at every sighting") {
  const History h;
  const Exported e = export_to_file(h);
  auto store = must(StateStore::open_readonly(h.db));
  for (const ws::Room& room : e.scenario.rooms) {
    for (const TransitionRecord& t : must(store.transitions("shop", room.roomid))) {
      CAPTURE(room.roomid);
      CAPTURE(t.at_ms);
      CHECK(ws::code(ws::status_at(e.scenario, room, e.rel(t.at_ms))) == t.to_status);
      if (t.after_ms && t.from_status) {
        CHECK(ws::code(ws::status_at(e.scenario, room, e.rel(*t.after_ms))) == *t.from_status);
      }
    }
  }
}

TEST_CASE("no secret or token reaches the exported file and the config's quota and rules do") {
  const History h;
  wxlived::testing::ConfigFixture config;
  std::string toml = wxlived::testing::valid_fake_config();
  const std::string state = "state_dir = \"state\"";
  toml.replace(toml.find(state), state.size(), "state_dir = \"" + (h.dir / "state").string() + "\"");
  const std::string api = "api_base = \"http://127.0.0.1:8080\"";
  toml.replace(toml.find(api), api.size(), api + "\ndaily_quota = 1234");
  config.dir.write("wxlived.toml", toml);
  const auto out = h.dir / "with-config.json";
  const auto result =
      run_process(bin("wxlivectl") + " --config " + config.path() + " export-scenario --since 1d --out " + out.string());
  REQUIRE_MESSAGE(result.exit_code == 0, result.output);
  const std::string text = read_file(out);
  const auto stdout_export = run_process(bin("wxlivectl") + " --config " + config.path() + " export-scenario");
  REQUIRE(stdout_export.exit_code == 0);
  for (const std::string& shown : {text, result.output, stdout_export.output}) {
    CHECK(shown.find(wxlived::testing::kAppSecret) == std::string::npos);
    CHECK(shown.find(kToken) == std::string::npos);
    CHECK(shown.find("whsec_") == std::string::npos);
  }
  auto parsed = ws::parse_scenario(text);
  REQUIRE(parsed.has_value());
  CHECK(parsed->secret == "exported-no-secret");
  CHECK(parsed->daily_quota == 1234);
  CHECK(parsed->abnormal_timeout_s == 30);
  // With the config's 30 s rule the 106 at 1995 s ends at 2025 s: the replay came 1475 s after.
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  CHECK(doc["rooms"][0]["replay"]["delay_s"].GetInt64() == 3500 - 2025);
}

TEST_CASE("export-scenario without --out prints the scenario alone on stdout") {
  const History h;
  const auto result = h.ctl("export-scenario --app shop --since 36h");
  REQUIRE(result.exit_code == 0);
  CHECK(result.output.rfind("{\"comment\": [", 0) == 0);  // nothing before it, even on stderr
  CHECK(ws::parse_scenario(result.output).has_value());
}

TEST_CASE("export-scenario with --out replaces the file whole and says what it wrote") {
  const History h;
  const auto out = h.dir / "out" / "history.json";
  std::filesystem::create_directories(out.parent_path());
  h.dir.write("out/history.json", "old content");
  const auto result = h.ctl("export-scenario --since 90m --out " + out.string());
  REQUIRE_MESSAGE(result.exit_code == 0, result.output);
  CHECK(result.output.find("wrote " + out.string() + ": app shop, 6 rooms, 7 transitions") != std::string::npos);
  CHECK(std::count(result.output.begin(), result.output.end(), '\n') == 1);
  CHECK(ws::parse_scenario(read_file(out)).has_value());
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(out.parent_path())) ++files;
  CHECK(files == 1);  // no temporary file left beside it

  const auto unwritable = h.ctl("export-scenario --out " + (h.dir / "no" / "such" / "dir.json").string());
  CHECK(unwritable.exit_code == 1);
}

TEST_CASE("export-scenario of an unknown app exits 1 and several apps without --app exit 2 naming them") {
  const History h;
  const auto unknown = h.ctl("export-scenario --app nope");
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.output.find("no app nope") != std::string::npos);

  auto store = must(StateStore::open(h.db));
  REQUIRE(store.add_quota_calls("mall", "2025-11-25", QuotaKind::list, 1).has_value());
  const auto several = h.ctl("export-scenario");
  CHECK(several.exit_code == 2);
  CHECK(several.output.find("(mall, shop)") != std::string::npos);
  CHECK(several.output.find("--app") != std::string::npos);
  CHECK(h.ctl("export-scenario --app shop").exit_code == 0);
}

TEST_CASE("export-scenario takes days hours minutes or seconds for --since and refuses anything else") {
  const History h;
  for (const std::string since : {"7d", "36h", "90m", "600s"}) {
    CAPTURE(since);
    CHECK(h.ctl("export-scenario --since " + since).exit_code == 0);
  }
  for (const std::string since : {"tomorrow", "7", "d", "-3h", "2026-11-24", "7w"}) {
    CAPTURE(since);
    CHECK(h.ctl("export-scenario --since " + since).exit_code == 64);
  }
}
