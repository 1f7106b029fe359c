// The parsers on bodies shaped like WeChat's real answers.
#include <doctest/doctest.h>

#include <string>

#include "wxlived/log/utf8.hpp"
#include "wxlived/wechat/parse.hpp"

using namespace wxlived::wechat;

namespace {

// As WeChat sends it: escaped slashes, the documented live_satus spelling,
// extra fields, errmsg "ok".
constexpr const char* kDocumentedList = R"({"errcode":0,"errmsg":"ok","room_info":[{"name":"直播房间名","roomid":1,
"cover_img":"http:\/\/mmbiz.qpic.cn\/mmbiz_jpg\/Rl1Ru\/0?wx_fmt=jpeg","live_satus":101,"start_time":1568128900,
"end_time":1568131200,"anchor_name":"李四","anchor_img":"http:\/\/mmbiz.qpic.cn\/a\/0","share_img":"http:\/\/s\/1",
"live_type":0,"close_like":0,"close_goods":0,"close_comment":0,"close_kf":0,"close_replay":0,"is_feeds_public":1,
"creater_openid":"o1","feeds_img":"","goods":[{"cover_img":"http://mmbiz.qpic.cn/x","url":"pages/index/index.html",
"price":1100,"price2":0,"price_type":1,"goods_id":5,"third_party_appid":"","name":"fdgfgf"}]}],"live_replay":[],
"total":1})";

}  // namespace

TEST_CASE("the documented list answer parses with the live_satus spelling") {
  auto page = parse_room_list(kDocumentedList);
  REQUIRE(page);
  REQUIRE(page->rooms.size() == 1);
  const RoomInfo& room = page->rooms[0];
  CHECK(room.roomid == 1);
  CHECK(room.live_status == 101);
  CHECK(room.name == "直播房间名");
  CHECK(room.anchor_name == "李四");
  CHECK(room.cover_img == "http://mmbiz.qpic.cn/mmbiz_jpg/Rl1Ru/0?wx_fmt=jpeg");
  CHECK(room.start_time == 1568128900);
  CHECK(room.end_time == 1568131200);
  CHECK(room.goods_json.find("\"goods_id\":5") != std::string::npos);
  CHECK(page->total == 1);
  CHECK(page->dropped == 0);
}

TEST_CASE("live_status wins over live_satus and numbers may arrive as strings") {
  auto page = parse_room_list(
      R"({"errcode":"0","room_info":[{"roomid":"7","live_status":"105","live_satus":101,"start_time":"100"}],"total":"3"})");
  REQUIRE(page);
  CHECK(page->rooms[0].roomid == 7);
  CHECK(page->rooms[0].live_status == 105);
  CHECK(page->rooms[0].start_time == 100);
  CHECK(page->total == 3);
}

TEST_CASE("a room without a usable roomid is dropped and counted") {
  auto page = parse_room_list(R"({"errcode":0,"room_info":[{"name":"x"},{"roomid":"abc"},{"roomid":-3},7,
{"roomid":9,"live_status":102}],"total":5})");
  REQUIRE(page);
  CHECK(page->rooms.size() == 1);
  CHECK(page->rooms[0].roomid == 9);
  CHECK(page->dropped == 4);
}

TEST_CASE("missing optional fields take empty values") {
  auto page = parse_room_list(R"({"errcode":0,"room_info":[{"roomid":3}]})");
  REQUIRE(page);
  CHECK(page->rooms[0].live_status == 0);
  CHECK(page->rooms[0].name.empty());
  CHECK(page->rooms[0].goods_json == "[]");
  CHECK(page->total == 1);
}

TEST_CASE("a truncated body is malformed") {
  std::string body = kDocumentedList;
  body.resize(body.size() / 2);
  auto page = parse_room_list(body);
  REQUIRE_FALSE(page);
  CHECK(page.error().outcome == Outcome::malformed);
}

TEST_CASE("wrong types where structure matters are malformed") {
  CHECK(parse_room_list(R"([1,2])").error().outcome == Outcome::malformed);
  CHECK(parse_room_list(R"({"errcode":0,"room_info":{}})").error().outcome == Outcome::malformed);
  CHECK(parse_room_list(R"({"errcode":{},"room_info":[]})").error().outcome == Outcome::malformed);
  CHECK(parse_room_list("").error().outcome == Outcome::malformed);
  CHECK(parse_quota(R"({"errcode":0,"quota":{"used":1}})").error().outcome == Outcome::malformed);
  CHECK(parse_token(R"({"access_token":"T"})").error().outcome == Outcome::malformed);
}

TEST_CASE("a body nested a million levels deep is malformed, not a stack overflow") {
  const std::string open_only(1'000'000, '[');
  CHECK(parse_room_list(open_only).error().outcome == Outcome::malformed);
  const std::string deep_goods = R"({"errcode":0,"room_info":[{"roomid":1,"goods":)" + std::string(100'000, '[') +
                                 std::string(100'000, ']') + "}]}";
  auto page = parse_room_list(deep_goods);
  REQUIRE_FALSE(page);
  CHECK(page.error().outcome == Outcome::malformed);
  CHECK(page.error().detail == "body nests deeper than 64 levels");
}

TEST_CASE("goods nested as deep as the limit still parse") {
  // body, room_info, room, then 61 goods levels: 64 in all.
  const std::string body = R"({"errcode":0,"room_info":[{"roomid":1,"goods":)" + std::string(61, '[') +
                           std::string(61, ']') + "}]}";
  auto page = parse_room_list(body);
  REQUIRE(page);
  CHECK(page->rooms.at(0).goods_json == std::string(61, '[') + std::string(61, ']'));
}

TEST_CASE("errcodes map to the outcome taxonomy with errmsg kept") {
  auto e = parse_room_list(R"({"errcode":45009,"errmsg":"reach max api daily quota limit rid: 6571c2a3-1"})");
  REQUIRE_FALSE(e);
  CHECK(e.error().outcome == Outcome::quota_exhausted);
  CHECK(e.error().errcode == 45009);
  CHECK(e.error().detail == "reach max api daily quota limit rid: 6571c2a3-1");
  CHECK(parse_room_list(R"({"errcode":1,"errmsg":"no room"})").error().outcome == Outcome::no_rooms);
  CHECK(parse_room_list(R"({"errcode":-1,"errmsg":"system error"})").error().outcome == Outcome::busy);
  for (int code : {40001, 42001, 40014}) CHECK(outcome_of_errcode(code) == Outcome::token_invalid);
  for (int code : {40013, 40125, 40164, 48001}) CHECK(outcome_of_errcode(code) == Outcome::auth_failed);
  CHECK(outcome_of_errcode(300022) == Outcome::room_not_found);
  CHECK(outcome_of_errcode(12345) == Outcome::unknown_errcode);
}

TEST_CASE("replay segments parse in order with total") {
  auto page = parse_replay(R"({"live_replay":[{"expire_time":"2020-11-11T03:49:55Z","create_time":"2019-11-12T03:49:55Z",
"media_url":"http:\/\/xxxxx.vod2.myqcloud.com\/xxxxx\/f0.mp4"},{"media_url":"http://v/f1.mp4"}],"errcode":0,"total":2,"errmsg":"ok"})");
  REQUIRE(page);
  REQUIRE(page->segments.size() == 2);
  CHECK(page->segments[0].media_url == "http://xxxxx.vod2.myqcloud.com/xxxxx/f0.mp4");
  CHECK(page->segments[0].create_time == "2019-11-12T03:49:55Z");
  CHECK(page->segments[1].expire_time.empty());
  CHECK(page->total == 2);
}

TEST_CASE("an empty replay list is an answer not an error") {
  auto page = parse_replay(R"({"errcode":0,"errmsg":"ok","live_replay":[],"total":0})");
  REQUIRE(page);
  CHECK(page->segments.empty());
}

TEST_CASE("token and quota answers parse") {
  auto token = parse_token(R"({"access_token":"ACCESS","expires_in":7200})");
  REQUIRE(token);
  CHECK(token->access_token == "ACCESS");
  CHECK(token->expires_in == 7200);
  CHECK(parse_token(R"({"errcode":40125,"errmsg":"invalid appsecret"})").error().outcome == Outcome::auth_failed);
  auto quota = parse_quota(R"({"errcode":0,"errmsg":"ok","quota":{"daily_limit":500,"used":12,"remain":488}})");
  REQUIRE(quota);
  CHECK(quota->daily_limit == 500);
  CHECK(quota->remain == 488);
}

TEST_CASE("HTTP and transport failures become taxonomy values") {
  wxlived::http::Response r;
  r.transport = wxlived::http::Transport::timeout;
  CHECK(transport_error(r)->outcome == Outcome::timeout);
  r.transport = wxlived::http::Transport::connect_failed;
  CHECK(transport_error(r)->outcome == Outcome::transport_error);
  r.transport = wxlived::http::Transport::ok;
  r.status = 502;
  CHECK(transport_error(r)->outcome == Outcome::http_error);
  CHECK(transport_error(r)->http_status == 502);
  r.status = 200;
  CHECK_FALSE(transport_error(r).has_value());
}

TEST_CASE("invalid UTF-8 in a room name is replaced by U+FFFD at intake") {
  const std::string body = std::string(R"({"errcode":0,"room_info":[{"name":"A)") + "\xFF\xFE\xC0\xAF" +
                           R"(B","roomid":7,"live_status":101,"start_time":1,"end_time":2,"anchor_name":"x)" + "\xC3" +
                           R"("}],"total":1})";
  auto page = parse_room_list(body);
  REQUIRE(page);
  REQUIRE(page->rooms.size() == 1);
  const std::string replacement = "\xEF\xBF\xBD";
  CHECK(page->rooms[0].name == "A" + replacement + replacement + replacement + replacement + "B");
  CHECK(page->rooms[0].anchor_name == "x" + replacement);
  CHECK(wxlived::log::valid_utf8(page->rooms[0].name) == page->rooms[0].name);
}

TEST_CASE("numbers that do not fit are never narrowed: errcode, live_status, room times, expires_in") {
  const auto errcode = parse_room_list(R"({"errcode":4294967296045009,"errmsg":"x"})");
  REQUIRE_FALSE(errcode);
  CHECK(errcode.error().outcome == Outcome::unknown_errcode);
  const auto wrapped = parse_room_list(R"({"errcode":4295012305,"errmsg":"x"})");  // 2^32 + 45009
  REQUIRE_FALSE(wrapped);
  CHECK(wrapped.error().outcome != Outcome::quota_exhausted);

  auto page = parse_room_list(
      R"({"errcode":0,"room_info":[{"roomid":1,"live_status":4294967397,"start_time":1,"end_time":2},)"
      R"({"roomid":2,"live_status":101,"start_time":1,"end_time":9223372036854775807},)"
      R"({"roomid":3,"live_status":101,"start_time":-5,"end_time":2}],"total":3})");
  REQUIRE(page);
  REQUIRE(page->rooms.size() == 1);
  CHECK(page->rooms[0].roomid == 1);
  CHECK(page->rooms[0].live_status == 0);  // not 101
  CHECK(page->dropped == 2);

  const auto grant = parse_token(R"({"access_token":"T0KEN","expires_in":9223372036854775807})");
  REQUIRE(grant);
  CHECK(grant->expires_in == kMaxTokenLifetimeS);
}
