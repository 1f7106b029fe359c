#include "wxlived/scenario/parse.hpp"

#include <doctest/doctest.h>

#include <string>

namespace ws = wxlived::scenario;
using ws::LiveStatus;

namespace {

// A valid scenario with one room; tests splice in the part they break.
std::string scenario_with_room(const std::string& room_fields, const std::string& top_extra = "") {
  return R"({"origin": "2026-11-24T00:00:00+08:00", "duration_s": 7200,
             "appid": "wxfake000000000001", "secret": "fake-secret", "daily_quota": 500)" +
         top_extra + R"(, "rooms": [
    {"roomid": 1, "name": "A", "anchor_name": "Li", "created_at": -86400, "start_time": 600, "end_time": 3600,
     "timeline": [[620, 101]], "deleted_at": null},
    {"roomid": 1003, "name": "B", "anchor_name": "Wang", "created_at": -86400,)" +
         room_fields + R"(}]})";
}

const std::string good_room_fields = R"("start_time": 900, "end_time": 4500, "timeline": [[950, 101], [2000, 106]])";

std::string parse_error(const std::string& json) {
  const auto parsed = ws::parse_scenario(json);
  REQUIRE_FALSE(parsed.has_value());
  return parsed.error().message;
}

}  // namespace

TEST_CASE("the SPEC example scenario parses into its fields") {
  const auto parsed = ws::parse_scenario(R"({"origin": "2026-11-24T00:00:00+08:00",
 "duration_s": 86400,
 "appid": "wxfake000000000001", "secret": "fake-secret", "daily_quota": 500,
 "rooms": [
   {"roomid": 7, "name": "Morning sale", "anchor_name": "Li", "created_at": -86400,
    "start_time": 36000, "end_time": 43200,
    "timeline": [[36050, 101], [39000, 106], [39300, 101], [42000, 103]],
    "replay": {"delay_s": 600, "segments": 2},
    "deleted_at": null}
 ],
 "faults": [{"from": 100, "to": 400, "kind": "busy"}]})");
  REQUIRE(parsed.has_value());
  const ws::Scenario& s = *parsed;
  CHECK(s.origin_unix == 1'795'449'600);
  CHECK(s.duration_s == 86400);
  CHECK(s.appid == "wxfake000000000001");
  CHECK(s.secret == "fake-secret");
  CHECK(s.daily_quota == 500);
  CHECK(s.abnormal_timeout_s == 900);
  CHECK(s.live_satus_share == 0.0);
  REQUIRE(s.rooms.size() == 1);
  const ws::Room& room = s.rooms[0];
  CHECK(room.roomid == 7);
  CHECK(room.name == "Morning sale");
  CHECK(room.anchor_name == "Li");
  CHECK(room.created_at == -86400);
  CHECK(room.start_time == 36000);
  CHECK(room.end_time == 43200);
  REQUIRE(room.timeline.size() == 4);
  CHECK(room.timeline[1].t == 39000);
  CHECK(room.timeline[1].status == LiveStatus::abnormal);
  REQUIRE(room.replay.has_value());
  CHECK(room.replay->delay_s == 600);
  CHECK(room.replay->segments == 2);
  CHECK_FALSE(room.deleted_at.has_value());
  CHECK_FALSE(room.spells_live_satus);
  REQUIRE(s.faults.size() == 1);
  CHECK(s.faults[0].from == 100);
  CHECK(s.faults[0].to == 400);
  CHECK(s.faults[0].kind == ws::FaultKind::busy);
  CHECK(s.faults[0].scope == ws::FaultScope::all);
}

TEST_CASE("optional keys are read when present") {
  const auto parsed = ws::parse_scenario(scenario_with_room(
      R"("start_time": 900, "end_time": 4500, "deleted_at": 5000, "cover_img": "http://x/c.jpg",
         "goods": [{"name": "cup", "price": 1100, "url": "pages/a"}], "comment": "any note")",
      R"(, "abnormal_timeout_s": 60, "live_satus_share": 1, "comment": ["line one", "line two"],
         "faults": [{"from": 0, "to": 10, "kind": "token_expired", "api": "replay"}])"));
  REQUIRE(parsed.has_value());
  CHECK(parsed->abnormal_timeout_s == 60);
  CHECK(parsed->live_satus_share == 1.0);
  const ws::Room& room = parsed->rooms[1];
  CHECK(room.deleted_at == 5000);
  CHECK(room.cover_img == "http://x/c.jpg");
  CHECK(room.goods_json == R"([{"name":"cup","price":1100,"url":"pages/a"}])");
  CHECK(room.timeline.empty());
  CHECK(room.spells_live_satus);
  CHECK(parsed->faults[0].kind == ws::FaultKind::token_expired);
  CHECK(parsed->faults[0].scope == ws::FaultScope::replay);
}

TEST_CASE("live_satus_share picks a stable share of rooms by roomid") {
  int misspelled = 0;
  for (std::int64_t roomid = 1; roomid <= 1000; ++roomid) {
    CHECK(ws::spells_live_satus(roomid, 0.3) == ws::spells_live_satus(roomid, 0.3));
    CHECK_FALSE(ws::spells_live_satus(roomid, 0.0));
    CHECK(ws::spells_live_satus(roomid, 1.0));
    if (ws::spells_live_satus(roomid, 0.3)) ++misspelled;
  }
  CHECK(misspelled > 230);
  CHECK(misspelled < 370);
}

TEST_CASE("a bad status names the room and the timeline entry") {
  CHECK(parse_error(scenario_with_room(R"("start_time": 900, "end_time": 4500,
                                         "timeline": [[950, 101], [1000, 105], [2000, 108]])")) ==
        "rooms[1] (roomid 1003): timeline[2]: status 108 is not a WeChat live status");
}

TEST_CASE("a missing roomid names the room by index") {
  const std::string json = R"({"origin": "2026-11-24T00:00:00+08:00", "duration_s": 60, "appid": "wx",
     "secret": "s", "daily_quota": 5, "rooms": [{"name": "A", "anchor_name": "Li", "created_at": 0,
     "start_time": 0, "end_time": 10}]})";
  CHECK(parse_error(json) == "rooms[0]: roomid: required key is missing");
}

TEST_CASE("an unsorted timeline is rejected") {
  CHECK(parse_error(scenario_with_room(R"("start_time": 900, "end_time": 4500,
                                         "timeline": [[2000, 101], [1500, 103]])")) ==
        "rooms[1] (roomid 1003): timeline[1]: t 1500 is not after timeline[0] t 2000 "
        "(timeline must be sorted, one entry a second)");
}

TEST_CASE("two timeline entries in the same second are rejected") {
  CHECK(parse_error(scenario_with_room(R"("start_time": 900, "end_time": 4500,
                                         "timeline": [[2000, 101], [2000, 103]])"))
            .find("timeline[1]: t 2000 is not after") != std::string::npos);
}

TEST_CASE("a wrong type names the field and what was found") {
  CHECK(parse_error(scenario_with_room(R"("start_time": "900", "end_time": 4500)")) ==
        "rooms[1] (roomid 1003): start_time: expected an integer, got a string");
  CHECK(parse_error(scenario_with_room(R"("start_time": 900.5, "end_time": 4500)")) ==
        "rooms[1] (roomid 1003): start_time: expected an integer, got a fractional number");
  CHECK(parse_error(scenario_with_room(R"("start_time": 900, "end_time": 4500, "timeline": [[950, "101"]])")) ==
        "rooms[1] (roomid 1003): timeline[0]: status: expected an integer, got a string");
  CHECK(parse_error(scenario_with_room(R"("start_time": 900, "end_time": 4500, "timeline": [950, 101])")) ==
        "rooms[1] (roomid 1003): timeline[0]: expected [t, status], got an integer");
  CHECK(parse_error(scenario_with_room(good_room_fields, R"(, "daily_quota_typo": 1)")) ==
        "unknown key \"daily_quota_typo\"");
}

TEST_CASE("an unknown room key is rejected by name") {
  CHECK(parse_error(scenario_with_room(R"("strat_time": 900, "start_time": 900, "end_time": 4500)")) ==
        "rooms[1] (roomid 1003): unknown key \"strat_time\"");
}

TEST_CASE("an unknown top-level key is rejected but comment is allowed") {
  CHECK(parse_error(scenario_with_room(good_room_fields, R"(, "abnormal_timout_s": 60)")) ==
        "unknown key \"abnormal_timout_s\"");
  CHECK(ws::parse_scenario(scenario_with_room(good_room_fields, R"(, "comment": "fine")")).has_value());
}

TEST_CASE("a top-level comment is a string or an array of strings") {
  CHECK(ws::parse_scenario(scenario_with_room(good_room_fields, R"(, "comment": ["exported", "from shop"])"))
            .has_value());
  CHECK(ws::parse_scenario(scenario_with_room(good_room_fields, R"(, "comment": [])")).has_value());
  CHECK(parse_error(scenario_with_room(good_room_fields, R"(, "comment": {"free": "form"})")) ==
        "comment: expected a string or an array of strings, got an object");
  CHECK(parse_error(scenario_with_room(good_room_fields, R"(, "comment": ["fine", 7])")) ==
        "comment[1]: expected a string, got an integer");
  // Inside a room, replay or fault a comment stays free-form.
  CHECK(ws::parse_scenario(scenario_with_room(R"("start_time": 900, "end_time": 4500, "comment": {"any": 1})"))
            .has_value());
}

TEST_CASE("a duplicate key is rejected") {
  CHECK(parse_error(scenario_with_room(R"("start_time": 900, "start_time": 901, "end_time": 4500)")) ==
        "rooms[1] (roomid 1003): key \"start_time\" appears twice");
}

TEST_CASE("a duplicate roomid names both rooms") {
  const std::string json = R"({"origin": "2026-11-24T00:00:00+08:00", "duration_s": 60, "appid": "wx",
     "secret": "s", "daily_quota": 5, "rooms": [
       {"roomid": 4, "name": "A", "anchor_name": "Li", "created_at": 0, "start_time": 0, "end_time": 10},
       {"roomid": 4, "name": "B", "anchor_name": "Li", "created_at": 0, "start_time": 0, "end_time": 10}]})";
  CHECK(parse_error(json) == "rooms[1] (roomid 4): roomid: already used by rooms[0]");
}

TEST_CASE("top-level field problems are named") {
  const std::string base = R"("duration_s": 60, "appid": "wx", "secret": "s", "rooms": [])";
  CHECK(parse_error(R"({"origin": "2026-11-24T00:00:00", "daily_quota": 5, )" + base + "}") ==
        "origin: \"2026-11-24T00:00:00\" is not an RFC 3339 time with an offset, like 2026-11-24T00:00:00+08:00");
  CHECK(parse_error(R"({"origin": "2026-11-24T00:00:00Z", )" + base + "}") ==
        "daily_quota: required key is missing");
  CHECK(parse_error(R"({"origin": "2026-11-24T00:00:00Z", "daily_quota": -1, )" + base + "}") ==
        "daily_quota: -1 is out of range [0, 1000000000]");
  CHECK(parse_error(R"({"origin": "2026-11-24T00:00:00Z", "daily_quota": 5, "live_satus_share": 1.5, )" + base +
                    "}") == "live_satus_share: must be between 0 and 1");
  CHECK(parse_error(R"({"origin": "2026-11-24T00:00:00Z", "daily_quota": 5, "abnormal_timeout_s": 0, )" + base +
                    "}") == "abnormal_timeout_s: 0 is out of range [1, 100000000000]");
}

TEST_CASE("inconsistent room times are rejected") {
  CHECK(parse_error(scenario_with_room(R"("start_time": 900, "end_time": 800)")) ==
        "rooms[1] (roomid 1003): end_time: 800 is before start_time 900");
  CHECK(parse_error(scenario_with_room(R"("start_time": 900, "end_time": 4500, "deleted_at": -86400)")) ==
        "rooms[1] (roomid 1003): deleted_at: -86400 is not after created_at -86400 (the room would never be listed)");
}

TEST_CASE("replay and fault problems are named") {
  CHECK(parse_error(scenario_with_room(R"("start_time": 900, "end_time": 4500, "replay": {"delay": 600, "segments": 1})")) ==
        "rooms[1] (roomid 1003): replay: unknown key \"delay\"");
  CHECK(parse_error(scenario_with_room(R"("start_time": 900, "end_time": 4500, "replay": {"delay_s": 600, "segments": 0})")) ==
        "rooms[1] (roomid 1003): replay: segments: 0 is out of range [1, 100000]");
  CHECK(parse_error(scenario_with_room(good_room_fields, R"(, "faults": [{"from": 1, "to": 2, "kind": "slow"}])")) ==
        "faults[0]: kind: \"slow\" is not one of busy, http_500, timeout, malformed, token_expired, quota_exhausted");
  CHECK(parse_error(scenario_with_room(good_room_fields, R"(, "faults": [{"from": 5, "to": 5, "kind": "busy"}])")) ==
        "faults[0]: to: 5 is not after from 5");
  CHECK(parse_error(scenario_with_room(good_room_fields,
                                       R"(, "faults": [{"from": 1, "to": 5, "kind": "busy", "api": "lists"}])")) ==
        "faults[0]: api: \"lists\" is not one of list, replay, token, all");
}

TEST_CASE("broken JSON is an error value with a line number") {
  CHECK(parse_error("") == "JSON syntax error at line 1 (offset 0): The document is empty.");
  CHECK(parse_error("{\n\"origin\": ,}").rfind("JSON syntax error at line 2", 0) == 0);
  CHECK(parse_error("[1, 2]") == "a scenario must be a JSON object, got an array");
  CHECK(parse_error(std::string(100000, '[')).rfind("JSON syntax error", 0) == 0);
}

TEST_CASE("goods nested deeper than 32 levels are refused, not a stack overflow") {
  const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  CHECK(parse_error(scenario_with_room(good_room_fields + R"(, "goods": )" + deep)) ==
        "rooms[1] (roomid 1003): goods: nests deeper than 32 levels");
  const std::string at_limit = std::string(32, '[') + std::string(32, ']');
  const auto parsed = ws::parse_scenario(scenario_with_room(good_room_fields + R"(, "goods": )" + at_limit));
  REQUIRE(parsed.has_value());
  CHECK(parsed->rooms.at(1).goods_json == at_limit);
}

TEST_CASE("a missing file is an error value naming the path") {
  const auto loaded = ws::load_scenario_file("/nonexistent/scenario.json");
  REQUIRE_FALSE(loaded.has_value());
  CHECK(loaded.error().message.rfind("/nonexistent/scenario.json: cannot open", 0) == 0);
}
