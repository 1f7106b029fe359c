// Every event body the engine builds is valid for its published JSON Schema
// (docs/schemas/, the receiver developer's contract in docs/WEBHOOKS.md),
// and the same check rejects a body that strays from it, so that the e2e
// receivers' schema check (support/webhook_schema.hpp) can fail.
#include <doctest/doctest.h>

#include <rapidjson/document.h>
#include <rapidjson/writer.h>

#include "support/webhook_schema.hpp"
#include "wxlived/engine/event_builder.hpp"

using namespace wxlived::engine;
using wxlived::testing::webhook_schema_problem;

namespace {

constexpr Millis kNow = 1'764'000'005'000;
const AppIdentity kApp{"shop", "wx0123456789abcdef"};

wxlived::liveapi::RoomInfo room(int status) {
  wxlived::liveapi::RoomInfo r;
  r.roomid = 7;
  r.name = "Morning sale";
  r.live_status = status;
  r.start_time = 1764000000;
  r.end_time = 1764003600;
  r.anchor_name = "Li";
  r.cover_img = "http://mmbiz.qpic.cn/cover";
  r.goods_json = R"([{"goods_id":1,"name":"tea","price":990}])";
  return r;
}

// The body with `edit` applied to its parsed form.
template <class Edit>
std::string edited(const std::string& body, Edit edit) {
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  edit(doc);
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  doc.Accept(w);
  return out.GetString();
}

void check_valid(const std::string& body) {
  const auto problem = webhook_schema_problem(body);
  CHECK_MESSAGE(!problem, *problem << "\n" << body);
}

}  // namespace

TEST_CASE("every event type the engine builds is valid for its schema in docs/schemas") {
  check_valid(status_event_body(kApp, "room.created", room(102), {std::nullopt, 102, kNow, "observed", false}, kNow));
  check_valid(status_event_body(kApp, "room.created", room(999), {std::nullopt, 999, kNow, "observed", false}, kNow));
  check_valid(status_event_body(kApp, "room.status_changed", room(101), {102, 101, kNow, "observed", false}, kNow));
  check_valid(
      status_event_body(kApp, "room.status_changed", room(103), {106, 103, kNow, "abnormal_timeout", true}, kNow));
  check_valid(
      status_event_body(kApp, "room.status_changed", room(107), {102, 107, kNow, "end_time_passed", false}, kNow));
  wxlived::liveapi::RoomInfo renamed = room(101);
  renamed.name = "Evening sale";
  check_valid(updated_event_body(kApp, room(101), renamed, changed_fields(room(101), renamed), kNow));
  check_valid(removed_event_body(kApp, room(103), 103, kNow));
  check_valid(replay_event_body(kApp, room(103),
                                {{"http://mmbiz.qpic.cn/a.mp4", "2026-11-24 12:00:00", "2027-02-22 12:00:00"}}, kNow));
  check_valid(app_event_body(kApp, "app.quota_exhausted", "quota_exhausted", 45009, "", kNow + 3600000, kNow));
  check_valid(app_event_body(kApp, "app.auth_failed", "auth_failed", 40125, "invalid appsecret", kNow + 600000, kNow));
  check_valid(app_event_body(kApp, "app.auth_failed", "auth_failed", 0, "", kNow + 600000, kNow));
  check_valid(app_event_body(kApp, "app.recovered", "recovered", std::nullopt, "after auth_failed", std::nullopt, kNow));
  check_valid(test_event_body("crm", kNow));
}

TEST_CASE("a body missing a required field fails its schema and the problem names the field") {
  const std::string body = removed_event_body(kApp, room(103), 103, kNow);
  const auto problem = webhook_schema_problem(edited(body, [](rapidjson::Document& d) {
    d["data"].RemoveMember("last_status");
  }));
  REQUIRE(problem.has_value());
  CHECK(problem->find("required") != std::string::npos);
  CHECK(problem->find("missing \"last_status\"") != std::string::npos);
}

TEST_CASE("a field the schema does not document fails it and the problem names the field") {
  const std::string body = replay_event_body(kApp, room(103), {{"u", "c", "e"}}, kNow);
  const auto problem = webhook_schema_problem(edited(body, [](rapidjson::Document& d) {
    d["data"].AddMember("segments_total", 1, d.GetAllocator());
  }));
  REQUIRE(problem.has_value());
  CHECK_MESSAGE(problem->find("unknown field \"segments_total\"") != std::string::npos, *problem);
  const auto in_room = webhook_schema_problem(edited(body, [](rapidjson::Document& d) {
    d["data"]["room"].AddMember("live_type", 0, d.GetAllocator());
  }));
  REQUIRE(in_room.has_value());
  CHECK_MESSAGE(in_room->find("unknown field \"live_type\"") != std::string::npos, *in_room);
}

TEST_CASE("a retyped field, a status name outside the list and an unknown event type fail the schema check") {
  const std::string body =
      status_event_body(kApp, "room.status_changed", room(101), {102, 101, kNow, "observed", false}, kNow);
  CHECK(webhook_schema_problem(edited(body, [](rapidjson::Document& d) { d["data"]["room_id"].SetString("7"); })));
  CHECK(webhook_schema_problem(edited(body, [](rapidjson::Document& d) { d["data"]["to_name"].SetString("on_air"); })));
  CHECK(webhook_schema_problem(edited(body, [](rapidjson::Document& d) { d["data"]["to"].SetInt(999); })));
  CHECK(webhook_schema_problem(edited(body, [](rapidjson::Document& d) { d["timestamp"].SetString("yesterday"); })));
  const auto unknown = webhook_schema_problem(edited(body, [](rapidjson::Document& d) {
    d["type"].SetString("room.exploded");
  }));
  REQUIRE(unknown.has_value());
  CHECK(unknown->find("no schema") != std::string::npos);
  CHECK(webhook_schema_problem(edited(body, [](rapidjson::Document& d) { d["type"].SetString("../../etc/passwd"); })));
  CHECK(webhook_schema_problem("not json"));
}
