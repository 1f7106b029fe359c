#include <doctest/doctest.h>

#include <chrono>
#include <limits>
#include <rapidjson/document.h>
#include <vector>

#include "wxlived/log/line_format.hpp"

using namespace wxlived::log;
using namespace std::chrono;

namespace {

const system_clock::time_point fixed_time =
    sys_days{year{2026} / November / 25} + hours{11} + minutes{40} + seconds{26} + milliseconds{123};

std::string line(Format format, bool journal, Level level, std::string_view msg, std::vector<Field> fields,
                 const Redactor& redactor = Redactor{}) {
  return format_line(level, fixed_time, msg, fields, LineStyle{format, journal}, redactor);
}

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size());
  REQUIRE_FALSE(doc.HasParseError());
  REQUIRE(doc.IsObject());
  return doc;
}

}  // namespace

TEST_CASE("timestamps are UTC ISO 8601 with milliseconds") {
  CHECK(format_utc_timestamp(fixed_time) == "2026-11-25T11:40:26.123Z");
  CHECK(format_utc_timestamp(system_clock::time_point{}) == "1970-01-01T00:00:00.000Z");
  CHECK(format_utc_timestamp(sys_days{year{2024} / February / 29} + milliseconds{5}) == "2024-02-29T00:00:00.005Z");
}

TEST_CASE("text line has timestamp level message and fields") {
  CHECK(line(Format::text, false, Level::info, "token refreshed", {{"app", "shop"}, {"expires_in", 7200}}) ==
        "2026-11-25T11:40:26.123Z info token refreshed app=shop expires_in=7200");
}

TEST_CASE("text values of every kind") {
  CHECK(line(Format::text, false, Level::warn, "m", {{"ok", true}, {"no", false}, {"ratio", 0.25}, {"neg", -3}}) ==
        "2026-11-25T11:40:26.123Z warn m ok=true no=false ratio=0.25 neg=-3");
}

TEST_CASE("text values with spaces quotes or equals signs are quoted") {
  CHECK(line(Format::text, false, Level::info, "m",
             {{"a", "two words"}, {"b", "say \"hi\""}, {"c", "k=v"}, {"d", ""}, {"e", "C:\\dir"}}) ==
        R"(2026-11-25T11:40:26.123Z info m a="two words" b="say \"hi\"" c="k=v" d="" e=C:\dir)");
}

TEST_CASE("text output stays on one line") {
  CHECK(line(Format::text, false, Level::error, "first\nsecond", {{"body", "a\nb\tc"}}) ==
        R"(2026-11-25T11:40:26.123Z error first\nsecond body="a\nb\tc")");
}

TEST_CASE("text keeps Chinese text as UTF-8") {
  CHECK(line(Format::text, false, Level::info, "直播开始", {{"room", "新品发布 会"}}) ==
        "2026-11-25T11:40:26.123Z info 直播开始 room=\"新品发布 会\"");
}

TEST_CASE("journal text line has a priority prefix and no timestamp") {
  CHECK(line(Format::text, true, Level::info, "token refreshed", {{"app", "shop"}}) ==
        "<6>info token refreshed app=shop");
  CHECK(line(Format::text, true, Level::critical, "db lost", {}) == "<2>critical db lost");
  CHECK(line(Format::text, true, Level::debug, "d", {}).starts_with("<7>"));
  CHECK(line(Format::text, true, Level::warn, "w", {}).starts_with("<4>"));
  CHECK(line(Format::text, true, Level::error, "e", {}).starts_with("<3>"));
}

TEST_CASE("json line has stable keys first and the exact shape") {
  CHECK(line(Format::json, false, Level::info, "token refreshed", {{"app", "shop"}, {"expires_in", 7200}}) ==
        R"({"ts":"2026-11-25T11:40:26.123Z","level":"info","msg":"token refreshed","app":"shop","expires_in":7200})");
}

TEST_CASE("json line parses and carries typed fields") {
  const auto doc = parse(line(Format::json, false, Level::warn, "quota low",
                              {{"app", "shop"}, {"left", std::int64_t{9'000'000'000}}, {"ratio", 0.125},
                               {"paused", true}}));
  CHECK(std::string(doc["ts"].GetString()) == "2026-11-25T11:40:26.123Z");
  CHECK(std::string(doc["level"].GetString()) == "warn");
  CHECK(std::string(doc["msg"].GetString()) == "quota low");
  CHECK(std::string(doc["app"].GetString()) == "shop");
  REQUIRE(doc["left"].IsInt64());
  CHECK(doc["left"].GetInt64() == 9'000'000'000);
  REQUIRE(doc["ratio"].IsDouble());
  CHECK(doc["ratio"].GetDouble() == 0.125);
  REQUIRE(doc["paused"].IsBool());
  CHECK(doc["paused"].GetBool());
}

TEST_CASE("json escapes quotes backslashes and control characters") {
  const std::string text =
      line(Format::json, false, Level::error, "bad \"reply\"\nline2", {{"body", "{\"errcode\":1}\\\t\x01"}});
  CHECK(text.find('\n') == std::string::npos);
  const auto doc = parse(text);
  CHECK(std::string(doc["msg"].GetString()) == "bad \"reply\"\nline2");
  CHECK(std::string(doc["body"].GetString()) == "{\"errcode\":1}\\\t\x01");
}

TEST_CASE("json keeps Chinese text valid and readable") {
  const std::string text = line(Format::json, false, Level::info, "直播开始", {{"room", "新品发布会"}});
  CHECK(text.find("直播开始") != std::string::npos);
  const auto doc = parse(text);
  CHECK(std::string(doc["room"].GetString()) == "新品发布会");
}

TEST_CASE("json replaces invalid UTF-8 so the line still parses") {
  const auto doc = parse(line(Format::json, false, Level::info, "bad \xFF byte", {{"v", "\xC3"}}));
  CHECK(std::string(doc["msg"].GetString()) == "bad \xEF\xBF\xBD byte");
  CHECK(std::string(doc["v"].GetString()) == "\xEF\xBF\xBD");
}

TEST_CASE("json writes non-finite doubles as null") {
  const auto doc = parse(line(Format::json, false, Level::info, "m",
                              {{"nan", std::numeric_limits<double>::quiet_NaN()},
                               {"inf", std::numeric_limits<double>::infinity()}}));
  CHECK(doc["nan"].IsNull());
  CHECK(doc["inf"].IsNull());
}

TEST_CASE("json fields cannot shadow ts level or msg") {
  const auto doc = parse(line(Format::json, false, Level::info, "real", {{"msg", "fake"}, {"level", 1}}));
  CHECK(std::string(doc["msg"].GetString()) == "real");
  CHECK(std::string(doc["_msg"].GetString()) == "fake");
  CHECK(doc["_level"].GetInt64() == 1);
}

TEST_CASE("journal json line has a priority prefix and no ts") {
  const std::string text = line(Format::json, true, Level::info, "token refreshed", {{"app", "shop"}});
  CHECK(text == R"(<6>{"level":"info","msg":"token refreshed","app":"shop"})");
  CHECK(line(Format::json, true, Level::error, "e", {}).starts_with("<3>{"));
}

TEST_CASE("message and string fields are redacted in both formats") {
  Redactor r;
  r.add_secret("whsec_abcdef");
  for (const Format format : {Format::text, Format::json}) {
    const std::string text = line(format, false, Level::info, "posting with whsec_abcdef",
                                  {{"url", "https://api.weixin.qq.com/x?access_token=TOK123&a=1"},
                                   {"secret", "whsec_abcdef"}},
                                  r);
    CHECK(text.find("whsec_abcdef") == std::string::npos);
    CHECK(text.find("TOK123") == std::string::npos);
    CHECK(text.find("access_token=***&a=1") != std::string::npos);
  }
}
