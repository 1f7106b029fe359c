// One FakeWechat serving many copies of its scenario's app (--apps N).
#include "wxlived/fakewx/app_copies.hpp"

#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include "reply_json.hpp"
#include "scenario_text.hpp"
#include "wxlived/fakewx/fake_wechat.hpp"
#include "wxlived/scenario/parse.hpp"

namespace fw = wxlived::fakewx;
using fw::testing::ScenarioText;

namespace {

constexpr std::int64_t origin = 1'795'449'600;  // 2026-11-24T00:00:00+08:00

fw::FakeWechat copies_of(const ScenarioText& text, int copies) {
  auto parsed = wxlived::scenario::parse_scenario(text.json());
  REQUIRE(parsed.has_value());
  parsed->origin_unix = origin;
  return fw::FakeWechat(std::move(*parsed), 42, copies);
}

ScenarioText live_room(std::int64_t daily_quota = 500) {
  ScenarioText s;
  s.daily_quota = daily_quota;
  s.rooms.push_back(fw::testing::room(7, 600, 4200, -86400, "[[620,101],[3000,103]]"));
  return s;
}

std::string appid(int copy) { return fw::copy_credential(fw::testing::appid, copy); }
std::string secret(int copy) { return fw::copy_credential(fw::testing::secret, copy); }

using fw::testing::json;

std::int64_t errcode(const fw::Reply& reply) {
  const auto doc = json(reply);
  return doc.IsObject() && doc.HasMember("errcode") ? doc["errcode"].GetInt64() : 0;
}

std::string token_of(const fw::Reply& reply) {
  const auto doc = json(reply);
  REQUIRE_MESSAGE(doc.HasMember("access_token"), reply.body);
  return doc["access_token"].GetString();
}

std::string classic_token(fw::FakeWechat& wx, int copy, std::int64_t now = origin) {
  return token_of(wx.token({"client_credential", appid(copy), secret(copy)}, now));
}

std::string stable_token(fw::FakeWechat& wx, int copy, std::int64_t now = origin) {
  return token_of(wx.stable_token(R"({"grant_type":"client_credential","appid":")" + appid(copy) +
                                      R"(","secret":")" + secret(copy) + R"("})",
                                  now));
}

const std::string list_body = R"({"start":0,"limit":10})";

}  // namespace

TEST_CASE("copy credentials are the base, a dash and five digits") {
  CHECK(fw::copy_credential("wxabc", 42) == "wxabc-00042");
  CHECK(fw::copy_credential("s", 99999) == "s-99999");
  CHECK(fw::copy_number("wxabc", "wxabc-00042", 100) == 42);
  CHECK(fw::copy_number("wxabc", "wxabc-00100", 100) == 100);
  CHECK_FALSE(fw::copy_number("wxabc", "wxabc-00101", 100).has_value());
  CHECK_FALSE(fw::copy_number("wxabc", "wxabc-00000", 100).has_value());
  CHECK_FALSE(fw::copy_number("wxabc", "wxabc", 100).has_value());
  CHECK_FALSE(fw::copy_number("wxabc", "wxabc-0042", 100).has_value());
  CHECK_FALSE(fw::copy_number("wxabc", "wxabc-+0042", 100).has_value());
  CHECK_FALSE(fw::copy_number("wxabc", "wxabd-00042", 100).has_value());
  CHECK_FALSE(fw::copy_number("wxabc", "wxabc_00042", 100).has_value());
}

TEST_CASE("every copy gets tokens with its own appid and secret and no other") {
  auto wx = copies_of(live_room(), 3);
  CHECK(wx.apps() == 3);
  CHECK(errcode(wx.token({"client_credential", appid(1), secret(1)}, origin)) == 0);
  CHECK(errcode(wx.token({"client_credential", appid(3), secret(3)}, origin)) == 0);
  // Another copy's secret, a copy past N, and the scenario's own appid are refused as today.
  CHECK(errcode(wx.token({"client_credential", appid(2), secret(1)}, origin)) == 40125);
  CHECK(errcode(wx.token({"client_credential", appid(4), secret(4)}, origin)) == 40013);
  CHECK(errcode(wx.token({"client_credential", std::string(fw::testing::appid), std::string(fw::testing::secret)},
                         origin)) == 40013);
  CHECK(errcode(wx.stable_token(R"({"grant_type":"client_credential","appid":"wxnotmine","secret":"x"})", origin)) ==
        40013);
}

TEST_CASE("two copies have separate tokens") {
  auto wx = copies_of(live_room(), 2);
  const std::string a = stable_token(wx, 1);
  const std::string b = stable_token(wx, 2);
  CHECK(a != b);
  // Each copy's stable token is its own: asking again keeps each.
  CHECK(stable_token(wx, 1) == a);
  CHECK(stable_token(wx, 2) == b);
  CHECK(wx.counts(appid(1), origin)->tokens_issued == 1);
  CHECK(wx.counts(appid(2), origin)->tokens_issued == 1);
}

TEST_CASE("a token spends its own copy's quota and no other's") {
  auto wx = copies_of(live_room(2), 2);
  const std::string a = classic_token(wx, 1);
  const std::string b = classic_token(wx, 2);
  CHECK(errcode(wx.getliveinfo(a, list_body, origin + 700)) == 0);
  CHECK(errcode(wx.getliveinfo(a, list_body, origin + 700)) == 0);
  CHECK(errcode(wx.getliveinfo(a, list_body, origin + 700)) == 45009);
  // A has spent its quota; B's is untouched.
  CHECK(errcode(wx.getliveinfo(b, list_body, origin + 700)) == 0);
  const auto quota_b = json(wx.quota_get(b, R"({"cgi_path":"/wxa/business/getliveinfo"})", origin + 700));
  CHECK(quota_b["quota"]["used"].GetInt64() == 1);
  CHECK(quota_b["quota"]["remain"].GetInt64() == 1);
  CHECK(wx.counts(appid(1), origin + 700)->getliveinfo_today == 2);
  CHECK(wx.counts(appid(2), origin + 700)->getliveinfo_today == 1);
  const fw::CallCounts all = wx.counts(origin + 700);
  CHECK(all.getliveinfo_today == 3);
  CHECK(all.getliveinfo_total == 3);
  CHECK(all.tokens_issued == 2);
  CHECK(wx.calls_used(origin + 700) == 3);
}

TEST_CASE("every copy sees the scenario's rooms on their timeline") {
  auto wx = copies_of(live_room(), 2);
  const std::string a = classic_token(wx, 1);
  const std::string b = classic_token(wx, 2, origin + 3100);
  CHECK(json(wx.getliveinfo(a, list_body, origin + 700))["room_info"][0]["live_status"].GetInt() == 101);
  CHECK(json(wx.getliveinfo(b, list_body, origin + 3100))["room_info"][0]["live_status"].GetInt() == 103);
}

TEST_CASE("a copy's replaced token is forgotten after the overlap like a single app's") {
  auto wx = copies_of(live_room(), 2);
  const std::string first = classic_token(wx, 1);
  const std::string second = classic_token(wx, 1, origin + 10);
  CHECK(errcode(wx.getliveinfo(first, list_body, origin + 20)) == 0);  // inside the 300 s overlap
  classic_token(wx, 1, origin + 30);                                   // first is now forgotten
  CHECK(errcode(wx.getliveinfo(first, list_body, origin + 40)) == 40001);
  CHECK(errcode(wx.getliveinfo(second, list_body, origin + 40)) == 0);
}

TEST_CASE("counts for an appid the fake does not serve are nullopt, for an unused copy zero") {
  auto wx = copies_of(live_room(), 5);
  CHECK_FALSE(wx.counts("wxnotmine", origin).has_value());
  CHECK_FALSE(wx.counts(appid(6), origin).has_value());
  const auto unused = wx.counts(appid(5), origin);
  REQUIRE(unused.has_value());
  CHECK(unused->getliveinfo_total == 0);
  CHECK(unused->tokens_issued == 0);
}
