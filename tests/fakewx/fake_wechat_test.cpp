#include "wxlived/fakewx/fake_wechat.hpp"

#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include "reply_json.hpp"
#include "scenario_text.hpp"
#include "wxlived/scenario/parse.hpp"

namespace fw = wxlived::fakewx;
using fw::testing::FaultText;
using fw::testing::ScenarioText;

namespace {

constexpr std::int64_t origin = 1'795'449'600;  // 2026-11-24T00:00:00+08:00

fw::FakeWechat fake(const ScenarioText& text) {
  auto parsed = wxlived::scenario::parse_scenario(text.json());
  REQUIRE_MESSAGE(parsed.has_value(), (parsed.has_value() ? "" : parsed.error().message));
  parsed->origin_unix = origin;
  return fw::FakeWechat(std::move(*parsed), 42);
}

ScenarioText two_rooms() {
  ScenarioText s;
  s.rooms.push_back(fw::testing::room(1, 600, 4200, -86400, "[[620,101],[3000,103]]", R"({"delay_s":600,"segments":2})"));
  s.rooms.push_back(fw::testing::room(2, 900, 4500));
  return s;
}

using fw::testing::json;

std::string token_of(const fw::Reply& reply) {
  const auto doc = json(reply);
  REQUIRE_MESSAGE(doc.HasMember("access_token"), reply.body);
  return doc["access_token"].GetString();
}

fw::TokenQuery good_query() { return {"client_credential", fw::testing::appid, fw::testing::secret}; }

std::string stable_body(bool force_refresh) {
  return std::string(R"({"grant_type":"client_credential","appid":")") + fw::testing::appid + R"(","secret":")" +
         fw::testing::secret + R"(","force_refresh":)" + (force_refresh ? "true" : "false") + "}";
}

const std::string list_body = R"({"start":0,"limit":10})";
std::string replay_body(int room) {
  return R"({"action":"get_replay","room_id":)" + std::to_string(room) + R"(,"start":0,"limit":10})";
}

}  // namespace

TEST_CASE("each classic token call issues a new token valid 7200 s") {
  auto wx = fake(two_rooms());
  const fw::Reply first = wx.token(good_query(), origin);
  CHECK(json(first)["expires_in"].GetInt() == 7200);
  const std::string a = token_of(first);
  const std::string b = token_of(wx.token(good_query(), origin + 10));
  CHECK(a != b);
  CHECK(wx.getliveinfo(b, list_body, origin + 7209).errcode == 0);
  CHECK(wx.getliveinfo(b, list_body, origin + 7210).errcode == 42001);
}

TEST_CASE("the previous classic token works five more minutes then is invalid") {
  auto wx = fake(two_rooms());
  const std::string a = token_of(wx.token(good_query(), origin));
  token_of(wx.token(good_query(), origin + 100));
  CHECK(wx.getliveinfo(a, list_body, origin + 399).errcode == 0);
  CHECK(wx.getliveinfo(a, list_body, origin + 400).errcode == 40001);
}

TEST_CASE("the stable token is the same until five minutes before expiry") {
  auto wx = fake(two_rooms());
  const fw::Reply first = wx.stable_token(stable_body(false), origin);
  const fw::Reply again = wx.stable_token(stable_body(false), origin + 1000);
  CHECK(token_of(first) == token_of(again));
  CHECK(json(again)["expires_in"].GetInt() == 6200);
  const fw::Reply renewed = wx.stable_token(stable_body(false), origin + 6950);
  CHECK(token_of(renewed) != token_of(first));
  CHECK(json(renewed)["expires_in"].GetInt() == 7200);
  CHECK(wx.getliveinfo(token_of(first), list_body, origin + 6960).errcode == 0);  // still in its overlap
}

TEST_CASE("force_refresh issues a new stable token") {
  auto wx = fake(two_rooms());
  const std::string a = token_of(wx.stable_token(stable_body(false), origin));
  const std::string b = token_of(wx.stable_token(stable_body(true), origin + 5));
  CHECK(a != b);
  CHECK(token_of(wx.stable_token(stable_body(false), origin + 6)) == b);
}

TEST_CASE("stable and classic tokens do not replace each other") {
  auto wx = fake(two_rooms());
  const std::string stable = token_of(wx.stable_token(stable_body(false), origin));
  token_of(wx.token(good_query(), origin + 1));
  token_of(wx.token(good_query(), origin + 2));
  CHECK(wx.getliveinfo(stable, list_body, origin + 1000).errcode == 0);
}

TEST_CASE("token calls check grant_type appid and secret") {
  auto wx = fake(two_rooms());
  CHECK(wx.token({"authorization_code", fw::testing::appid, fw::testing::secret}, origin).errcode == 40002);
  CHECK(wx.token({"client_credential", "wxother", fw::testing::secret}, origin).errcode == 40013);
  CHECK(wx.token({"client_credential", fw::testing::appid, "wrong"}, origin).errcode == 40125);
  CHECK(wx.token({"client_credential", std::nullopt, fw::testing::secret}, origin).errcode == 41002);
  CHECK(wx.token({"client_credential", fw::testing::appid, std::nullopt}, origin).errcode == 41004);
  CHECK(wx.stable_token(R"({"grant_type":"client_credential","appid":"wxother","secret":"x"})", origin).errcode ==
        40013);
  CHECK(wx.stable_token("", origin).errcode == 44002);
}

TEST_CASE("getliveinfo without a token is 41001 and with an unknown one 40001") {
  auto wx = fake(two_rooms());
  CHECK(wx.getliveinfo(std::nullopt, list_body, origin).errcode == 41001);
  CHECK(wx.getliveinfo("not-a-token", list_body, origin).errcode == 40001);
  CHECK(wx.calls_used(origin) == 0);
}

TEST_CASE("the daily quota admits daily_quota calls then answers 45009") {
  ScenarioText s = two_rooms();
  s.daily_quota = 3;
  auto wx = fake(s);
  const std::string tok = token_of(wx.token(good_query(), origin));
  CHECK(wx.getliveinfo(tok, list_body, origin + 1).errcode == 0);
  CHECK(wx.getliveinfo(tok, replay_body(1), origin + 2).errcode == 0);
  CHECK(wx.getliveinfo(tok, list_body, origin + 3).errcode == 0);
  const fw::Reply refused = wx.getliveinfo(tok, list_body, origin + 4);
  CHECK(refused.errcode == 45009);
  CHECK(std::string(json(refused)["errmsg"].GetString()).rfind("reach max api daily quota limit rid: ", 0) == 0);
  const auto quota = json(wx.quota_get(tok, R"({"cgi_path":"/wxa/business/getliveinfo"})", origin + 5));
  CHECK(quota["quota"]["daily_limit"].GetInt() == 3);
  CHECK(quota["quota"]["used"].GetInt() == 3);
  CHECK(quota["quota"]["remain"].GetInt() == 0);
}

TEST_CASE("the quota resets at Beijing midnight") {
  ScenarioText s = two_rooms();
  s.daily_quota = 1;
  auto wx = fake(s);
  const std::string tok = token_of(wx.stable_token(stable_body(false), origin + 86000));
  CHECK(wx.getliveinfo(tok, list_body, origin + 86000).errcode == 0);
  CHECK(wx.getliveinfo(tok, list_body, origin + 86399).errcode == 45009);
  CHECK(wx.getliveinfo(tok, list_body, origin + 86400).errcode == 0);  // origin is a Beijing midnight
}

TEST_CASE("quota/get knows only getliveinfo's cgi_path") {
  auto wx = fake(two_rooms());
  const std::string tok = token_of(wx.token(good_query(), origin));
  CHECK(wx.quota_get(tok, R"({"cgi_path":"/cgi-bin/message/send"})", origin).errcode == 76021);
  CHECK(wx.quota_get("bad", R"({"cgi_path":"/wxa/business/getliveinfo"})", origin).errcode == 40001);
  CHECK(wx.calls_used(origin) == 0);
}

TEST_CASE("a list limit above 100 returns 100 rooms") {
  auto wx = fake(fw::testing::many_rooms(150));
  const std::string tok = token_of(wx.token(good_query(), origin));
  const auto doc = json(wx.getliveinfo(tok, R"({"start":0,"limit":500})", origin));
  CHECK(doc["room_info"].Size() == 100);
  CHECK(doc["total"].GetInt() == 150);
}

TEST_CASE("no listed rooms is errcode 1 and still counts") {
  ScenarioText s;
  s.rooms.push_back(fw::testing::room(1, 600, 4200, 1000));  // created later
  auto wx = fake(s);
  const std::string tok = token_of(wx.token(good_query(), origin));
  CHECK(wx.getliveinfo(tok, list_body, origin).errcode == 1);
  CHECK(wx.calls_used(origin) == 1);
  CHECK(wx.getliveinfo(tok, list_body, origin + 1000).errcode == 0);
}

TEST_CASE("replay segments appear delay_s after the room ends") {
  auto wx = fake(two_rooms());
  const std::string tok = token_of(wx.token(good_query(), origin + 3000));
  const auto before = json(wx.getliveinfo(tok, replay_body(1), origin + 3599));
  CHECK(before["errcode"].GetInt() == 0);
  CHECK(before["total"].GetInt() == 0);
  const auto after = json(wx.getliveinfo(tok, replay_body(1), origin + 3600));
  CHECK(after["total"].GetInt() == 2);
  CHECK(after["live_replay"].Size() == 2);
}

TEST_CASE("a replay request for an unknown room is 300022 and counts") {
  auto wx = fake(two_rooms());
  const std::string tok = token_of(wx.token(good_query(), origin));
  CHECK(wx.getliveinfo(tok, replay_body(99), origin).errcode == 300022);
  CHECK(wx.calls_used(origin) == 1);
}

TEST_CASE("a broken getliveinfo body is 47001 after the token check") {
  auto wx = fake(two_rooms());
  CHECK(wx.getliveinfo("bad", "{", origin).errcode == 40001);
  const std::string tok = token_of(wx.token(good_query(), origin));
  CHECK(wx.getliveinfo(tok, "{", origin).errcode == 47001);
}

TEST_CASE("a fault scoped to replay leaves the list alone and spends no quota") {
  ScenarioText s = two_rooms();
  s.faults.push_back(FaultText{0, 100, "busy", "replay"});
  auto wx = fake(s);
  const std::string tok = token_of(wx.token(good_query(), origin));
  const fw::Reply busy = wx.getliveinfo(tok, replay_body(1), origin + 50);
  CHECK(busy.errcode == -1);
  CHECK(busy.api == "replay");
  CHECK(wx.calls_used(origin) == 0);
  CHECK(wx.getliveinfo(tok, list_body, origin + 50).errcode == 0);
  CHECK(wx.getliveinfo(tok, replay_body(1), origin + 100).errcode == 0);
}

TEST_CASE("a fault scoped to token hits token calls only") {
  ScenarioText s = two_rooms();
  s.faults.push_back(FaultText{0, 100, "http_500", "token"});
  auto wx = fake(s);
  const std::string tok = token_of(wx.token(good_query(), origin - 1));
  CHECK(wx.token(good_query(), origin).http_status == 500);
  CHECK(wx.stable_token(stable_body(false), origin).http_status == 500);
  CHECK(wx.getliveinfo(tok, list_body, origin).errcode == 0);
}

TEST_CASE("quota_exhausted answers 45009 without spending") {
  ScenarioText s = two_rooms();
  s.faults.push_back(FaultText{0, 100, "quota_exhausted", ""});
  auto wx = fake(s);
  const std::string tok = token_of(wx.token(good_query(), origin - 1));
  CHECK(wx.getliveinfo(tok, list_body, origin).errcode == 45009);
  CHECK(wx.token(good_query(), origin).errcode == 45009);
  CHECK(wx.calls_used(origin) == 0);
  CHECK(wx.getliveinfo(tok, list_body, origin + 100).errcode == 0);
}

TEST_CASE("token_expired answers 42001 until a new token is fetched") {
  ScenarioText s = two_rooms();
  s.faults.push_back(FaultText{100, 200, "token_expired", ""});
  auto wx = fake(s);
  const std::string old_classic = token_of(wx.token(good_query(), origin));
  const std::string old_stable = token_of(wx.stable_token(stable_body(false), origin));
  CHECK(wx.getliveinfo(old_classic, list_body, origin + 99).errcode == 0);
  CHECK(wx.getliveinfo(old_classic, list_body, origin + 100).errcode == 42001);
  CHECK(wx.getliveinfo(old_stable, list_body, origin + 101).errcode == 42001);
  const std::string fresh_stable = token_of(wx.stable_token(stable_body(false), origin + 110));
  CHECK(fresh_stable != old_stable);
  CHECK(wx.getliveinfo(fresh_stable, list_body, origin + 120).errcode == 0);
  CHECK(wx.getliveinfo(old_classic, list_body, origin + 250).errcode == 42001);  // stays expired
  const std::string fresh_classic = token_of(wx.token(good_query(), origin + 130));
  CHECK(wx.getliveinfo(fresh_classic, list_body, origin + 140).errcode == 0);
}

TEST_CASE("each token_expired window strikes once") {
  ScenarioText s = two_rooms();
  s.faults.push_back(FaultText{100, 200, "token_expired", ""});
  s.faults.push_back(FaultText{300, 400, "token_expired", ""});
  auto wx = fake(s);
  token_of(wx.token(good_query(), origin));
  const std::string second = token_of(wx.token(good_query(), origin + 150));
  CHECK(wx.getliveinfo(second, list_body, origin + 160).errcode == 0);
  CHECK(wx.getliveinfo(second, list_body, origin + 300).errcode == 42001);
}
