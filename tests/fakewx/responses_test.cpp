#include "wxlived/fakewx/responses.hpp"

#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <cctype>


namespace fw = wxlived::fakewx;
namespace ws = wxlived::scenario;

namespace {

rapidjson::Document parse(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  REQUIRE_FALSE(doc.HasParseError());
  return doc;
}

ws::RoomListing listing(std::int64_t roomid, bool satus) {
  ws::RoomListing room;
  room.roomid = roomid;
  room.name = "Morning sale";
  room.anchor_name = "李四";
  room.cover_img = "http://mmbiz.qpic.cn/cover/0?wx_fmt=jpeg";
  room.start_time = 1'795'485'600;
  room.end_time = 1'795'492'800;
  room.live_status = ws::LiveStatus::live;
  room.goods_json = R"([{"cover_img":"http://x/y.png","url":"pages/index/index.html","price":1100,"name":"g"}])";
  room.spells_live_satus = satus;
  return room;
}

}  // namespace

TEST_CASE("every forward slash in the JSON text is escaped") {
  CHECK(fw::escape_slashes(R"({"u":"http://a/b"})") == R"({"u":"http:\/\/a\/b"})");
  CHECK(fw::escape_slashes(R"({"u":"a\\/b"})") == R"({"u":"a\\\/b"})");
}

TEST_CASE("an error answer ends its errmsg with the request id") {
  const fw::Reply reply = fw::error_reply(40001, "invalid credential", "abc-def");
  CHECK(reply.http_status == 200);
  CHECK(reply.content_type == "application/json; encoding=utf-8");
  CHECK(reply.errcode == 40001);
  CHECK(reply.body == R"({"errcode":40001,"errmsg":"invalid credential rid: abc-def"})");
}

TEST_CASE("a room list answer carries WeChat's fields with slashes escaped") {
  ws::ListPage page;
  page.total = 7;
  page.rooms.push_back(listing(7, false));
  const fw::Reply reply = fw::room_list_reply(page, "rid");
  CHECK(reply.errcode == 0);
  CHECK(reply.api == "list");
  CHECK(reply.body.find("http:\\/\\/mmbiz.qpic.cn\\/cover\\/0?wx_fmt=jpeg") != std::string::npos);
  CHECK(reply.body.find("http://") == std::string::npos);
  CHECK(reply.body.find("李四") != std::string::npos);  // UTF-8 as is, not \u escapes
  const auto doc = parse(reply.body);
  CHECK(doc["errcode"].GetInt() == 0);
  CHECK(std::string(doc["errmsg"].GetString()) == "ok");
  CHECK(doc["total"].GetInt() == 7);
  CHECK(doc["live_replay"].IsArray());
  const auto& room = doc["room_info"][0];
  CHECK(room["roomid"].GetInt() == 7);
  CHECK(room["live_status"].GetInt() == 101);
  CHECK_FALSE(room.HasMember("live_satus"));
  CHECK(room["start_time"].GetInt64() == 1'795'485'600);
  CHECK(room["end_time"].GetInt64() == 1'795'492'800);
  CHECK(std::string(room["goods"][0]["cover_img"].GetString()) == "http://x/y.png");
  for (const char* key : {"name", "cover_img", "anchor_name", "anchor_img", "share_img", "creater_openid",
                          "feeds_img"}) {
    CHECK_MESSAGE(room[key].IsString(), key);
  }
  for (const char* key : {"live_type", "close_like", "close_goods", "close_comment", "close_kf", "close_replay",
                          "is_feeds_public"}) {
    CHECK_MESSAGE(room[key].IsInt(), key);
  }
}

TEST_CASE("a room marked by the scenario spells its status key live_satus") {
  ws::ListPage page;
  page.total = 1;
  page.rooms.push_back(listing(9, true));
  const auto doc = parse(fw::room_list_reply(page, "rid").body);
  CHECK(doc["room_info"][0]["live_satus"].GetInt() == 101);
  CHECK_FALSE(doc["room_info"][0].HasMember("live_status"));
}

TEST_CASE("an empty room list is errcode 1") {
  const fw::Reply reply = fw::room_list_reply(ws::ListPage{}, "r1");
  CHECK(reply.errcode == 1);
  CHECK(reply.api == "list");
  CHECK(parse(reply.body)["errmsg"].GetString() == std::string("no room created rid: r1"));
}

TEST_CASE("a page past the end of a non-empty list is errcode 0 with no rooms") {
  ws::ListPage page;
  page.total = 3;
  const auto doc = parse(fw::room_list_reply(page, "rid").body);
  CHECK(doc["errcode"].GetInt() == 0);
  CHECK(doc["room_info"].Size() == 0);
  CHECK(doc["total"].GetInt() == 3);
}

TEST_CASE("a replay answer lists segments in WeChat's shape") {
  ws::ReplayPage page;
  page.total = 2;
  page.segments.push_back({"http://fake.vod.example/7/0.mp4", "2026-11-24T12:10:00Z", "2027-11-24T12:10:00Z", 0, 0});
  const fw::Reply reply = fw::replay_reply(page);
  CHECK(reply.api == "replay");
  CHECK(reply.body.find(R"("media_url":"http:\/\/fake.vod.example\/7\/0.mp4")") != std::string::npos);
  const auto doc = parse(reply.body);
  CHECK(doc["errcode"].GetInt() == 0);
  CHECK(doc["total"].GetInt() == 2);
  CHECK(std::string(doc["live_replay"][0]["create_time"].GetString()) == "2026-11-24T12:10:00Z");
  CHECK(std::string(doc["live_replay"][0]["expire_time"].GetString()) == "2027-11-24T12:10:00Z");
}

TEST_CASE("a quota answer nests daily_limit used and remain") {
  const auto doc = parse(fw::quota_reply(500, 3, 497).body);
  CHECK(doc["errcode"].GetInt() == 0);
  CHECK(doc["quota"]["daily_limit"].GetInt() == 500);
  CHECK(doc["quota"]["used"].GetInt() == 3);
  CHECK(doc["quota"]["remain"].GetInt() == 497);
}

TEST_CASE("infrastructure faults answer busy 500 held or broken") {
  const auto busy = fw::infrastructure_fault_reply(ws::FaultKind::busy, "r");
  REQUIRE(busy.has_value());
  CHECK(busy->errcode == -1);
  CHECK(busy->body == R"({"errcode":-1,"errmsg":"system error rid: r"})");

  const auto http_500 = fw::infrastructure_fault_reply(ws::FaultKind::http_500, "r");
  REQUIRE(http_500.has_value());
  CHECK(http_500->http_status == 500);
  CHECK(http_500->body.front() != '{');

  const auto held = fw::infrastructure_fault_reply(ws::FaultKind::timeout, "r");
  REQUIRE(held.has_value());
  CHECK(held->hold);

  const auto malformed = fw::infrastructure_fault_reply(ws::FaultKind::malformed, "r");
  REQUIRE(malformed.has_value());
  CHECK(malformed->http_status == 200);
  rapidjson::Document doc;
  doc.Parse(malformed->body.c_str());
  CHECK(doc.HasParseError());

  CHECK_FALSE(fw::infrastructure_fault_reply(ws::FaultKind::token_expired, "r").has_value());
  CHECK_FALSE(fw::infrastructure_fault_reply(ws::FaultKind::quota_exhausted, "r").has_value());
}

TEST_CASE("request ids look like WeChat's and differ per request") {
  const std::string a = fw::request_id(1'795'449'600, 1);
  const std::string b = fw::request_id(1'795'449'600, 2);
  // 8 hex digits, '-', 8 hex digits, '-', 8 hex digits (std::regex trips GCC 12's
  // maybe-uninitialized warning under the sanitizers).
  REQUIRE(a.size() == 26);
  for (std::size_t i = 0; i < a.size(); ++i) {
    const bool dash = i == 8 || i == 17;
    CHECK((dash ? a[i] == '-' : std::isxdigit(static_cast<unsigned char>(a[i])) != 0));
  }
  CHECK(a != b);
}
