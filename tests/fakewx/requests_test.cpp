#include "wxlived/fakewx/requests.hpp"

#include <doctest/doctest.h>

namespace fw = wxlived::fakewx;
using wxlived::scenario::Api;

TEST_CASE("a list request reads start and limit") {
  const auto r = fw::parse_live_info_request(R"({"start":20,"limit":50})");
  REQUIRE(r.has_value());
  CHECK(r->api == Api::list);
  CHECK(r->start == 20);
  CHECK(r->limit == 50);
}

TEST_CASE("a list request without start or limit pages from 0 by 10") {
  const auto r = fw::parse_live_info_request("{}");
  REQUIRE(r.has_value());
  CHECK(r->start == 0);
  CHECK(r->limit == 10);
}

TEST_CASE("a get_replay request needs room_id") {
  const auto ok = fw::parse_live_info_request(R"({"action":"get_replay","room_id":354,"start":0,"limit":10})");
  REQUIRE(ok.has_value());
  CHECK(ok->api == Api::replay);
  CHECK(ok->room_id == 354);
  const auto missing = fw::parse_live_info_request(R"({"action":"get_replay"})");
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().errcode == 47001);
}

TEST_CASE("an empty body is 44002 and broken JSON is 47001") {
  CHECK(fw::parse_live_info_request("").error().errcode == 44002);
  CHECK(fw::parse_live_info_request("{\"start\":").error().errcode == 47001);
  CHECK(fw::parse_live_info_request("[1]").error().errcode == 47001);
  CHECK(fw::parse_live_info_request(R"({"start":"0"})").error().errcode == 47001);
  CHECK(fw::parse_live_info_request(R"({"action":"get_everything"})").error().errcode == 47001);
}

TEST_CASE("the api of a getliveinfo body is known even when the body is broken") {
  CHECK(fw::live_info_api(R"({"action":"get_replay","room_id":"x"})") == Api::replay);
  CHECK(fw::live_info_api(R"({"start":0})") == Api::list);
  CHECK(fw::live_info_api("not json") == Api::list);
}

TEST_CASE("a page limit above 100 is served as 100") {
  CHECK(fw::clamp_page_limit(500) == 100);
  CHECK(fw::clamp_page_limit(100) == 100);
  CHECK(fw::clamp_page_limit(7) == 7);
}

TEST_CASE("a stable token request reads force_refresh") {
  const auto r = fw::parse_stable_token_request(
      R"({"grant_type":"client_credential","appid":"wx1","secret":"s","force_refresh":true})");
  REQUIRE(r.has_value());
  CHECK(r->grant_type == "client_credential");
  CHECK(r->appid == "wx1");
  CHECK(r->secret == "s");
  CHECK(r->force_refresh);
  CHECK(fw::parse_stable_token_request(R"({"force_refresh":"yes"})").error().errcode == 47001);
}

TEST_CASE("a quota request reads cgi_path") {
  const auto r = fw::parse_quota_request(R"({"cgi_path":"/wxa/business/getliveinfo"})");
  REQUIRE(r.has_value());
  CHECK(*r == "/wxa/business/getliveinfo");
}
