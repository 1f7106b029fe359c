// wxlivectl's views for an operator's questions: --tz, a room's replays,
// the engine's schedule, events --follow. The real binary on a real database.
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include "support/child_process.hpp"
#include "support/eventually.hpp"
#include "support/run_process.hpp"
#include "support/store_must.hpp"
#include "support/temp_dir.hpp"
#include "wxlived/admin/time_text.hpp"
#include "wxlived/engine/outlook.hpp"
#include "wxlived/engine/room_snapshot.hpp"
#include "wxlived/store/state_store.hpp"

using wxlived::testing::bin;
using wxlived::testing::run_process;
using namespace wxlived::store;
using namespace std::chrono_literals;

namespace {

constexpr std::int64_t kT0 = 1764000000000;  // 2025-11-24T16:00:00Z = 2025-11-25T00:00:00+08:00

using wxlived::testing::must;

NewEvent event(std::string id, std::string type, std::int64_t room, std::string data, std::int64_t at) {
  NewEvent e;
  e.id = std::move(id);
  e.type = type;
  e.app = "shop";
  e.room_id = room;
  e.body_json = R"({"type":")" + type + R"(","timestamp":"2025-11-24T16:00:00Z","data":{"app":"shop","room_id":)" +
                std::to_string(room) + data + "}}";
  e.created_at_ms = at;
  return e;
}

// Room 7 ended with two replay segments (announced in two events: the
// second lists both), one of them already expired; its replay follow-up is
// still active in the engine's snapshot.
struct Fixture {
  wxlived::testing::TempDir dir;
  std::filesystem::path db = dir / "state" / "wxlived.db";
  StateStore store = must(StateStore::open(db));

  Fixture() {
    wxlived::engine::RoomMemory memory;
    memory.info.roomid = 7;
    memory.info.name = "Sale 7";
    memory.info.anchor_name = "Anchor Li";
    memory.info.live_status = 103;
    memory.info.start_time = kT0 / 1000 - 7200;
    memory.info.end_time = kT0 / 1000 - 3600;
    memory.replay.active = true;
    memory.replay.next_check = kT0 + 600000;
    memory.replay.give_up_at = kT0 + 86400000;
    Observation o;
    o.app = "shop";
    RoomRecord r{"shop", 7, 103, kT0, wxlived::engine::snapshot_to_json(memory), kT0 - 7200000, kT0, std::nullopt};
    o.room_upserts.push_back(r);
    const std::string first = R"(,"segments":[{"media_url":"https://vod.example/7/a.mp4","create_time":"2025-11-24T15:10:00Z","expire_time":"2025-11-20T00:00:00Z"}],"total":1)";
    const std::string both = R"(,"segments":[{"media_url":"https://vod.example/7/a.mp4","create_time":"2025-11-24T15:10:00Z","expire_time":"2025-11-20T00:00:00Z"},{"media_url":"https://vod.example/7/b.mp4","create_time":"2025-11-24T15:40:00Z","expire_time":"2036-02-22T15:40:00Z"}],"total":2)";
    o.events.push_back(event("evt_7_1", "room.replay_ready", 7, first, kT0 - 1000));
    o.events.push_back(event("evt_7_2", "room.replay_ready", 7, both, kT0));
    must(store.commit_observation(o));
  }

  wxlived::testing::ProcessResult ctl(const std::string& args) {
    return run_process(bin("wxlivectl") + " --db " + db.string() + " " + args);
  }
};

rapidjson::Document parse_json(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  REQUIRE_MESSAGE(!doc.HasParseError(), text);
  return doc;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("room shows its replay URLs with their expiry and never the engine's snapshot JSON") {
  Fixture f;
  const auto shown = f.ctl("room 7");
  REQUIRE(shown.exit_code == 0);
  CHECK(contains(shown.output, "replays:     2 segments"));
  CHECK(contains(shown.output, "https://vod.example/7/a.mp4"));
  CHECK(contains(shown.output, "https://vod.example/7/b.mp4"));
  CHECK(contains(shown.output, "2025-11-20T00:00:00Z (expired)"));
  CHECK(contains(shown.output, "2036-02-22T15:40:00Z"));
  CHECK_FALSE(contains(shown.output, "2036-02-22T15:40:00Z (expired)"));
  CHECK(contains(shown.output, "anchor:      Anchor Li"));
  CHECK(contains(shown.output, "replay:      checking; next check 2025-11-24T16:10:00Z"));
  CHECK_FALSE(contains(shown.output, "{"));
  CHECK_FALSE(contains(shown.output, "next_check_ms"));

  const auto json = f.ctl("room 7 --json");
  REQUIRE(json.exit_code == 0);
  const auto doc = parse_json(json.output);
  REQUIRE(doc[0]["replays"].Size() == 2);
  CHECK(std::string(doc[0]["replays"][1]["media_url"].GetString()) == "https://vod.example/7/b.mp4");
  CHECK(doc[0]["room"]["snapshot"]["roomid"].GetInt64() == 7);
  CHECK_FALSE(doc[0]["room"]["snapshot"].HasMember("wxlived"));
}

TEST_CASE("--tz Beijing prints table times at +08:00 while --json stays UTC") {
  Fixture f;
  const auto beijing = f.ctl("--tz Beijing rooms");
  REQUIRE(beijing.exit_code == 0);
  CHECK(contains(beijing.output, "2025-11-25T00:00:00+08:00"));
  CHECK_FALSE(contains(beijing.output, "2025-11-24T16:00:00Z"));
  const auto offset = f.ctl("room 7 --tz -05:30");
  REQUIRE(offset.exit_code == 0);
  CHECK(contains(offset.output, "2025-11-24T10:30:00-05:30"));
  CHECK(contains(offset.output, "2036-02-22T10:10:00-05:30"));  // a replay's expiry too
  const auto json = f.ctl("--tz Beijing rooms --json");
  REQUIRE(json.exit_code == 0);
  CHECK(std::string(parse_json(json.output)[0]["status_since"].GetString()) == "2025-11-24T16:00:00Z");
  const auto bad = f.ctl("--tz Mars/Olympus rooms");
  CHECK(bad.exit_code == 64);
  CHECK(contains(bad.output, "not a zone"));
}

TEST_CASE("schedule says the next call, when, why, the budget and the pace") {
  Fixture f;
  wxlived::engine::Outlook o;
  const std::int64_t now = wxlived::admin::now_unix_ms();
  o.computed_at = now;
  o.call = "list";
  o.at = now + 90000;
  o.reason = wxlived::engine::OutlookReason::rule_deadline;
  o.rooms = {7};
  o.deadline = now + 95000;
  o.policy = "adaptive";
  o.daily_limit = 500;
  o.used_today = 188;
  o.budget_left = 312;
  o.resets_at = now + 3600000;
  o.last_sweep = now - 60000;
  o.sweeps_left = 96;
  o.even_interval = 520000;
  must(f.store.put_app_schedule(AppSchedule{"shop", now, wxlived::engine::outlook_to_json(o)}));

  const auto shown = f.ctl("schedule");
  REQUIRE(shown.exit_code == 0);
  CHECK(contains(shown.output, "next call:  room list sweep (getliveinfo) at "));
  CHECK(contains(shown.output, "(in 1 min 2"));  // 89.x s from now, minus the time the process took to start
  CHECK(contains(shown.output, "confirm room 7 at its rule deadline"));
  CHECK(contains(shown.output, "[rule_deadline]"));
  CHECK(contains(shown.output, "312 of 500 calls left today (188 used)"));
  CHECK(contains(shown.output, "96 sweeps left today, 8 min 40 s apart if spread evenly"));
  CHECK_FALSE(contains(shown.output, "overdue"));

  const auto json = f.ctl("schedule shop --json");
  REQUIRE(json.exit_code == 0);
  const auto doc = parse_json(json.output);
  REQUIRE(doc.Size() == 1);
  CHECK(std::string(doc[0]["next"]["reason"].GetString()) == "rule_deadline");
  CHECK(doc[0]["next"]["rooms"][0].GetInt64() == 7);
  CHECK(doc[0]["budget"]["left"].GetInt64() == 312);
  CHECK(doc[0]["pace"]["even_interval_s"].GetInt64() == 520);

  const auto unknown = f.ctl("schedule mall");
  CHECK(unknown.exit_code == 1);
  CHECK(contains(unknown.output, "no plan stored for app mall"));
}

TEST_CASE("a plan long past its time is flagged as overdue") {
  Fixture f;
  wxlived::engine::Outlook o;
  o.computed_at = kT0;
  o.at = kT0 + 60000;
  o.reason = wxlived::engine::OutlookReason::quiet;
  must(f.store.put_app_schedule(AppSchedule{"shop", kT0, wxlived::engine::outlook_to_json(o)}));
  const auto shown = f.ctl("schedule");
  REQUIRE(shown.exit_code == 0);
  CHECK(contains(shown.output, "overdue"));
  CHECK(contains(shown.output, "is the daemon running?"));
}

TEST_CASE("events --follow prints events committed after it started, each once, and exits 0 on SIGTERM") {
  Fixture f;
  wxlived::testing::ChildProcess follower(bin("wxlivectl"), {"--db", f.db.string(), "events", "--follow", "--json"},
                                          f.dir / "follow.out");
  // Events committed from here on are after the seq it starts from.
  REQUIRE(wxlived::testing::eventually([&] { return contains(follower.output(), "following events after seq 2"); }, 10s));
  for (int n = 1; n <= 3; ++n) {
    Observation o;
    o.app = "shop";
    o.events.push_back(event("evt_new_" + std::to_string(n), "room.updated", 7, R"(,"changed":["name"])", kT0 + n));
    must(f.store.commit_observation(o));
  }
  REQUIRE(wxlived::testing::eventually([&] { return contains(follower.output(), "evt_new_3"); }, 10s));
  CHECK(follower.stop(SIGTERM) == 0);
  const std::string out = follower.output();
  CHECK_FALSE(contains(out, "evt_7_1"));  // older than the follow
  std::size_t lines = 0;  // one JSON object per line, each event once
  for (std::size_t at = 0; (at = out.find('\n', at)) != std::string::npos; ++at) ++lines;
  CHECK(lines == 4);  // and the one line on stderr saying where it starts
  for (int n = 1; n <= 3; ++n) {
    const std::string id = "\"evt_new_" + std::to_string(n) + "\"";
    CHECK(out.find(id) == out.rfind(id));
  }
}
