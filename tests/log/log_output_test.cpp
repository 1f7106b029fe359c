#include <doctest/doctest.h>

#include <rapidjson/document.h>
#include <sstream>
#include <string>
#include <vector>

#include "wxlived/log/log.hpp"

using namespace wxlived::log;

namespace {

// Points the process logger at a string for one test, then back at stderr.
class CapturedLog {
 public:
  explicit CapturedLog(LogSettings settings) { configure_logging(settings, out_); }
  ~CapturedLog() { configure_logging(LogSettings{}); }
  CapturedLog(const CapturedLog&) = delete;
  CapturedLog& operator=(const CapturedLog&) = delete;

  std::vector<std::string> lines() const {
    std::vector<std::string> result;
    std::istringstream in(out_.str());
    for (std::string l; std::getline(in, l);) result.push_back(l);
    return result;
  }
  std::string text() const { return out_.str(); }

 private:
  std::ostringstream out_;
};

// 2026-11-25T11:40:26.123Z (std::regex trips GCC 12 warnings under ASan).
bool looks_like_timestamp(std::string_view s) {
  const std::string_view shape = "dddd-dd-ddTdd:dd:dd.dddZ";
  if (s.size() != shape.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool ok = shape[i] == 'd' ? (s[i] >= '0' && s[i] <= '9') : s[i] == shape[i];
    if (!ok) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("text records reach the configured stream one per line") {
  CapturedLog log({Format::text, Level::info, false});
  info("token refreshed", {{"app", "shop"}, {"expires_in", 7200}});
  warn("slow reply");
  const auto lines = log.lines();
  REQUIRE(lines.size() == 2);
  CHECK(looks_like_timestamp(lines[0].substr(0, 24)));
  CHECK(lines[0].substr(24) == " info token refreshed app=shop expires_in=7200");
  CHECK(lines[1].ends_with("Z warn slow reply"));
  CHECK(log.text().ends_with("\n"));
}

TEST_CASE("json records are one parseable object per line") {
  CapturedLog log({Format::json, Level::debug, false});
  debug("polling", {{"page", 2}});
  error("receiver failed", {{"status", 500}, {"retry", true}});
  const auto lines = log.lines();
  REQUIRE(lines.size() == 2);
  for (const auto& l : lines) {
    rapidjson::Document doc;
    doc.Parse(l.c_str());
    REQUIRE_FALSE(doc.HasParseError());
    CHECK(doc.HasMember("ts"));
    CHECK(doc.HasMember("level"));
    CHECK(doc.HasMember("msg"));
  }
  CHECK(lines[1].find(R"("level":"error","msg":"receiver failed","status":500,"retry":true})") != std::string::npos);
}

TEST_CASE("messages below the configured level are dropped") {
  CapturedLog log({Format::text, Level::warn, false});
  CHECK_FALSE(enabled(Level::info));
  CHECK(enabled(Level::warn));
  trace("t");
  debug("d");
  info("i");
  warn("w");
  error("e");
  critical("c");
  const auto lines = log.lines();
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].ends_with(" warn w"));
  CHECK(lines[1].ends_with(" error e"));
  CHECK(lines[2].ends_with(" critical c"));
}

TEST_CASE("level off silences everything") {
  CapturedLog log({Format::text, Level::off, false});
  critical("c");
  write(Level::off, "never");
  CHECK(log.text().empty());
}

TEST_CASE("trace level lets every message through") {
  CapturedLog log({Format::json, Level::trace, false});
  trace("t");
  CHECK(log.lines().size() == 1);
}

TEST_CASE("journal mode prefixes priority and drops the timestamp") {
  CapturedLog log({Format::text, Level::info, true});
  info("started", {{"version", "0.1.0"}});
  error("failed");
  const auto lines = log.lines();
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == "<6>info started version=0.1.0");
  CHECK(lines[1] == "<3>error failed");
}

TEST_CASE("journal json mode prefixes priority and drops ts") {
  CapturedLog log({Format::json, Level::info, true});
  info("started");
  CHECK(log.lines() == std::vector<std::string>{R"(<6>{"level":"info","msg":"started"})"});
}

TEST_CASE("a registered secret never reaches the output") {
  process_redactor().add_secret("whsec_0123456789");
  for (const Format format : {Format::text, Format::json}) {
    CapturedLog log({format, Level::info, false});
    info("signing with whsec_0123456789", {{"header", "t=1,v1=whsec_0123456789"}, {"k", "whsec_0123456789"}});
    CHECK(log.text().find("whsec_0123456789") == std::string::npos);
    CHECK(log.text().find("***") != std::string::npos);
  }
  process_redactor().remove_secret("whsec_0123456789");
}

TEST_CASE("access tokens in logged URLs are masked") {
  CapturedLog log({Format::text, Level::info, false});
  info("GET /wxa/business/getliveinfo?access_token=ACCESS123&start=0");
  CHECK(log.text().find("ACCESS123") == std::string::npos);
  CHECK(log.text().find("access_token=***&start=0") != std::string::npos);
}

TEST_CASE("fields built at run time go through the span overload") {
  CapturedLog log({Format::text, Level::info, false});
  const std::vector<Field> fields{{"a", 1}, {"b", "two"}};
  write(Level::info, "dynamic", fields);
  REQUIRE(log.lines().size() == 1);
  CHECK(log.lines()[0].ends_with(" info dynamic a=1 b=two"));
}

TEST_CASE("temporary strings can be passed as field values") {
  CapturedLog log({Format::text, Level::info, false});
  const std::string room = "新品";
  info(std::string("room ") + "started", {{"room", room + "发布会"}, {"id", std::to_string(42)}});
  REQUIRE(log.lines().size() == 1);
  CHECK(log.lines()[0].ends_with(" info room started room=新品发布会 id=42"));
}
