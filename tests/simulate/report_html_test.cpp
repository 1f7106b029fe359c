// `wxlived simulate --report`: the page of report_html() built from real runs
// (run_plan: engine, fake, grade, check_calls, report_json).
#include <doctest/doctest.h>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "report_fixture.hpp"
#include "wxlived/scenario/listing.hpp"
#include "wxlived/scenario/parse.hpp"
#include "wxlived/simulate/report_html.hpp"

using namespace wxlived;
using simulate::testing::plan_runs;

namespace {

scenario::Scenario load(const std::string& name) {
  std::string path = std::string(WXLIVED_SOURCE_DIR) + "/tests/simulate/scenarios/" + name;
  if (!std::filesystem::exists(path)) path = std::string(WXLIVED_SOURCE_DIR) + "/../shared/scenarios/" + name;
  if (!std::filesystem::exists(path)) path = "/work/shared/scenarios/" + name;
  auto s = scenario::load_scenario_file(path);
  REQUIRE_MESSAGE(s.has_value(), path);
  return *s;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

// The part of the page between `from` and the next `to`.
std::string between(const std::string& page, const std::string& from, const std::string& to) {
  const auto a = page.find(from);
  if (a == std::string::npos) return {};
  const auto b = page.find(to, a);
  return page.substr(a, b == std::string::npos ? std::string::npos : b - a);
}

std::string html_escaped(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string unescaped(std::string text) {
  const std::pair<const char*, const char*> entities[] = {
      {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}};
  for (const auto& [entity, plain] : entities) {
    for (auto at = text.find(entity); at != std::string::npos; at = text.find(entity, at + 1)) {
      text.replace(at, std::string(entity).size(), plain);
    }
  }
  return text;
}

struct Cell {
  std::string run;
  std::string field;
  std::string text;
  std::string days;  // data-days of the budget cell
};

std::string attribute(const std::string& tag, const std::string& name) {
  const std::string key = " " + name + "=\"";
  const auto at = tag.find(key);
  if (at == std::string::npos) return {};
  const auto end = tag.find('"', at + key.size());
  return unescaped(tag.substr(at + key.size(), end - at - key.size()));
}

// Every element with data-run and data-field, in page order.
std::vector<Cell> figure_cells(const std::string& page) {
  std::vector<Cell> out;
  for (auto at = page.find(" data-run=\""); at != std::string::npos; at = page.find(" data-run=\"", at + 1)) {
    const auto open = page.rfind('<', at);
    const auto close = page.find('>', at);
    const std::string tag = page.substr(open, close - open + 1);
    if (tag.find(" data-field=\"") == std::string::npos) continue;
    const auto text_end = page.find('<', close);
    out.push_back(Cell{attribute(tag, "data-run"), attribute(tag, "data-field"),
                       unescaped(page.substr(close + 1, text_end - close - 1)), attribute(tag, "data-days")});
  }
  return out;
}

// The JSON's own text of a dotted path: strings bare, numbers as written.
std::optional<std::string> json_text(const std::string& json, const std::string& path) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseFullPrecisionFlag>(json.c_str());
  REQUIRE_FALSE(doc.HasParseError());
  const rapidjson::Value* v = &doc;
  std::size_t from = 0;
  while (from <= path.size()) {
    const auto dot = path.find('.', from);
    const std::string key = path.substr(from, dot == std::string::npos ? std::string::npos : dot - from);
    if (!v->IsObject() || !v->HasMember(key.c_str())) return std::nullopt;
    v = &(*v)[key.c_str()];
    if (dot == std::string::npos) break;
    from = dot + 1;
  }
  if (v->IsString()) return std::string(v->GetString());
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  v->Accept(w);
  return std::string(buffer.GetString());
}

std::string key_of(const simulate::PlanResult& r) {
  return *json_text(r.json, "policy") + "@" + *json_text(r.json, "daily_quota");
}

}  // namespace

TEST_CASE("the report page is self-contained with no external reference") {
  const scenario::Scenario s = load("small.json");
  const auto results = plan_runs(s, {engine::Policy::adaptive, engine::Policy::fixed}, {500});
  const std::string page = simulate::report_html(s, results, 0);
  CHECK(page.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(page.find("<meta charset=\"utf-8\">") != std::string::npos);
  for (const char* forbidden : {"http://", "https://", "<link", " src=", " href=", "@import", "url(", "//cdn"}) {
    CHECK_MESSAGE(page.find(forbidden) == std::string::npos, forbidden);
  }
  CHECK(count(page, "<script") == 1);  // the inline hover cursor, nothing loaded
  CHECK(page.find("<script>") != std::string::npos);
  CHECK(page.find("<svg class=\"chart timeline\"") != std::string::npos);
  CHECK(page.find("id=\"curve-svg\"") != std::string::npos);
  CHECK(page.find("id=\"calls-svg\"") != std::string::npos);
  CHECK(page.size() < 200'000);
}

TEST_CASE("the report escapes hostile room and anchor names in HTML and SVG text") {
  scenario::Scenario s = load("small.json");
  const auto& names = simulate::testing::hostile_names();
  REQUIRE(s.rooms.size() == 3);
  for (std::size_t i = 0; i < s.rooms.size(); ++i) {
    s.rooms[i].name = names[i * 2 % names.size()];
    s.rooms[i].anchor_name = names[(i * 2 + 1) % names.size()];
  }
  s.rooms[2].name += std::string("\x01\xff");  // a control character and an invalid byte
  const auto results = plan_runs(s, {engine::Policy::adaptive}, {500});
  const std::string page = simulate::report_html(s, results, 0);
  CHECK(count(page, "<script") == 1);
  CHECK(page.find("<b>") == std::string::npos);
  CHECK(page.find("<img") == std::string::npos);
  CHECK(page.find("onerror=\"") == std::string::npos);
  CHECK(page.find("onload=\"") == std::string::npos);
  CHECK(page.find("<svg onload") == std::string::npos);
  CHECK(page.find('\x01') == std::string::npos);
  CHECK(page.find('\xff') == std::string::npos);
  for (std::size_t i = 0; i < 2; ++i) {
    CHECK_MESSAGE(page.find(html_escaped(s.rooms[i].name)) != std::string::npos, s.rooms[i].name);
    CHECK_MESSAGE(page.find(html_escaped(s.rooms[i].anchor_name)) != std::string::npos, s.rooms[i].anchor_name);
  }
  // The CJK name survives as UTF-8, its markup escaped.
  CHECK(page.find("\xE7\x9B\xB4\xE6\x92\xAD\xE9\x97\xB4 &lt;\xE5\xA5\xBD\xE8\xB4\xA7&gt; &amp;amp;") != std::string::npos);
  // The broken name: valid UTF-8 with U+FFFD for each bad byte.
  CHECK(page.find("\xEF\xBF\xBD\xEF\xBF\xBD") != std::string::npos);
}

TEST_CASE("the report's figure cells equal each run's JSON text") {
  const scenario::Scenario s = load("small.json");
  const auto results = plan_runs(s, {engine::Policy::adaptive, engine::Policy::steady}, {200, 500});
  const std::string page = simulate::report_html(s, results, 1);
  const std::vector<Cell> cells = figure_cells(page);
  const std::set<std::string> required = {"policy",        "daily_quota",   "transitions_total", "detected",
                                          "missed",        "latency_s.p50", "latency_s.p95",     "latency_s.max",
                                          "calls.list",    "calls.replay",  "calls_used",        "budget"};
  for (const simulate::PlanResult& r : results) {
    const std::string key = key_of(r);
    std::set<std::string> seen;
    for (const Cell& c : cells) {
      if (c.run != key) continue;
      seen.insert(c.field);
      if (c.field == "calls_used") {
        CHECK(c.text == std::to_string(std::stoll(*json_text(r.json, "calls.list")) +
                                       std::stoll(*json_text(r.json, "calls.replay"))));
      } else if (c.field == "budget") {
        CHECK(c.days == "1");
        CHECK(c.text == std::to_string(std::stoll(*json_text(r.json, "daily_quota")) * std::stoll(c.days)));
      } else {
        const auto expected = json_text(r.json, c.field);
        REQUIRE_MESSAGE(expected.has_value(), key << " " << c.field);
        CHECK_MESSAGE(c.text == *expected, key << " " << c.field);
      }
    }
    for (const std::string& field : required) CHECK_MESSAGE(seen.contains(field), key << " " << field);
  }
  // The numbers keep the JSON's form: integers bare, doubles with a fraction.
  for (const Cell& c : cells) {
    if (c.field == "detected" || c.field == "calls.list") CHECK(c.text.find('.') == std::string::npos);
    if (c.field == "latency_s.p50") CHECK(c.text.find('.') != std::string::npos);
  }
  // The chosen run's calls table carries its own figures too.
  CHECK(count(between(page, "<section id=\"calls\"", "</section>"), "data-field=\"calls.") == 4);
  // Four runs, one row each; the second is the chosen one.
  CHECK(count(page, "data-field=\"policy\"") == 4);
  CHECK(between(page, "<tr class=\"chosen\"", "</tr>").find("data-run=\"" + key_of(results[1]) + "\"") != std::string::npos);
}

TEST_CASE("the report's curve has a point per run and notes missed changes") {
  const scenario::Scenario s = load("small.json");
  auto results = plan_runs(s, {engine::Policy::adaptive, engine::Policy::fixed}, {200, 500});
  std::string page = simulate::report_html(s, results, 0);
  std::string curve = between(page, "id=\"curve-svg\"", "</svg>");
  CHECK(count(curve, "<g class=\"policy\"") == 2);
  CHECK(curve.find("data-policy=\"adaptive\"") != std::string::npos);
  CHECK(curve.find("data-policy=\"fixed\"") != std::string::npos);
  CHECK(count(curve, "<circle") == 4 + 1);  // the runs' p50 points and the legend's
  CHECK(curve.find(">200</text>") != std::string::npos);
  CHECK(curve.find(">500</text>") != std::string::npos);
  CHECK(curve.find("detection latency (s)") != std::string::npos);
  // A note at each run that missed changes (fixed at 200 a day misses some of small.json's).
  std::size_t missing_runs = 0;
  for (const auto& r : results) missing_runs += r.grade.missed > 0 ? 1 : 0;
  CHECK(count(curve, " missed</text>") == missing_runs);
  CHECK(curve.find(">3 missed</text>") == std::string::npos);

  const auto at = results[1].json.find("\"missed\":0");
  REQUIRE(at != std::string::npos);
  results[1].json.replace(at, 10, "\"missed\":3");
  page = simulate::report_html(s, results, 0);
  curve = between(page, "id=\"curve-svg\"", "</svg>");
  CHECK(curve.find(">3 missed</text>") != std::string::npos);

  // One run: a single point, no line to draw.
  const std::vector<simulate::PlanResult> one(results.begin(), results.begin() + 1);
  curve = between(simulate::report_html(s, one, 0), "id=\"curve-svg\"", "</svg>");
  CHECK(count(curve, "<g class=\"policy\"") == 1);
  CHECK(count(curve, "<circle") == 1 + 1);
}

TEST_CASE("a report of at most 60 rooms gives every listed room a lane in start order") {
  const scenario::Scenario s = load("small.json");
  const auto results = plan_runs(s, {engine::Policy::adaptive}, {500});
  const std::string page = simulate::report_html(s, results, 0);
  const std::string timeline = between(page, "id=\"timeline-svg\"", "</svg>");
  CHECK(count(timeline, "<g class=\"lane\"") == 3);
  CHECK(page.find("<g class=\"band\"") == std::string::npos);
  const auto first = page.find("data-room=\"1\"");
  const auto second = page.find("data-room=\"2\"");
  const auto third = page.find("data-room=\"3\"");
  REQUIRE(first != std::string::npos);
  CHECK(((s.rooms[0].start_time <= s.rooms[1].start_time) == (first < second)));
  CHECK(((s.rooms[1].start_time <= s.rooms[2].start_time) == (second < third)));
  // Every true change is drawn to its detection.
  CHECK(count(timeline, "<g class=\"det") == static_cast<std::size_t>(results[0].grade.detected));
  CHECK(timeline.find("<g class=\"missed\"") == std::string::npos);
  // The legend names every status.
  for (const char* status : {"101 live", "102 not started", "103 ended", "104 banned", "105 paused", "106 abnormal",
                             "107 expired"}) {
    CHECK_MESSAGE(page.find(status) != std::string::npos, status);
  }
}

TEST_CASE("the report marks a missed change on the timeline") {
  const scenario::Scenario s = load("small.json");
  auto results = plan_runs(s, {engine::Policy::adaptive}, {500});
  REQUIRE_FALSE(results[0].grade.transitions.empty());
  results[0].grade.transitions[0].detected_at_s.reset();
  const std::string timeline = between(simulate::report_html(s, results, 0), "id=\"timeline-svg\"", "</svg>");
  CHECK(count(timeline, "<g class=\"missed\"") == 1);
  CHECK(between(timeline, "<g class=\"missed\"", "</g>").find(", missed</title>") != std::string::npos);
}

TEST_CASE("the report's calls per hour add up to the run's getliveinfo calls") {
  const scenario::Scenario s = load("day.json");
  const auto results = plan_runs(s, {engine::Policy::adaptive}, {500});
  const std::string page = simulate::report_html(s, results, 0);
  std::int64_t total = 0;
  const std::string marker = "<g class=\"hour\"><title>";
  for (auto at = page.find(marker); at != std::string::npos; at = page.find(marker, at + 1)) {
    const auto colon = page.find(": ", at + marker.size());
    total += std::stoll(page.substr(colon + 2));
  }
  CHECK(total == results[0].quota.list + results[0].quota.replay);
  CHECK(count(page, marker) <= 24);
}

TEST_CASE("a 1000-room one-day report stays under 2 MB and folds the rooms without a change") {
  const scenario::Scenario s = load("gen-thousand-1.json");
  REQUIRE(s.rooms.size() >= 1000);
  const auto results = plan_runs(s, {engine::Policy::adaptive}, {500});
  const std::string page = simulate::report_html(s, results, 0);
  MESSAGE("1,000-room page: " << page.size() << " bytes");
  CHECK(page.size() < 2'000'000);
  std::set<std::int64_t> changed;
  for (const auto& t : results[0].grade.transitions) changed.insert(t.room_id);
  std::size_t listed = 0;
  for (const auto& room : s.rooms) listed += room.created_at < s.duration_s && (!room.deleted_at || *room.deleted_at > 0);
  const std::size_t lanes = count(between(page, "id=\"timeline-svg\"", "</svg>"), "<g class=\"lane\"");
  CHECK(lanes == changed.size());
  CHECK(lanes < 100);
  CHECK(page.find("data-lanes=\"" + std::to_string(lanes) + "\"") != std::string::npos);
  CHECK(page.find("data-folded=\"" + std::to_string(listed - lanes) + "\"") != std::string::npos);
  CHECK(page.find(std::to_string(listed - lanes) + " rooms without a change") != std::string::npos);
}

TEST_CASE("the report adds a timeline of the hours with changes when they are a small part of the window") {
  const scenario::Scenario s = load("gen-evening-1.json");
  const auto results = plan_runs(s, {engine::Policy::adaptive}, {500});
  const std::string page = simulate::report_html(s, results, 0);
  const std::string whole = between(page, "id=\"timeline-svg\"", "</svg>");
  const std::string busy = between(page, "id=\"timeline-busy-svg\"", "</svg>");
  REQUIRE_FALSE(busy.empty());
  CHECK(count(whole, "<g class=\"lane\"") == count(busy, "<g class=\"lane\""));
  CHECK(count(whole, "<g class=\"det") == count(busy, "<g class=\"det"));
  // Latencies are written out only where the hours are wide.
  CHECK(whole.find("class=\"lat\"") == std::string::npos);
  CHECK(busy.find("class=\"lat\"") != std::string::npos);
  CHECK(page.find("id=\"tl-view-busy\"") != std::string::npos);
  // Without script: the radio buttons switch the views in CSS.
  CHECK(count(page, "<script") == 1);
  // The small scenario's changes fill its window: one view.
  const scenario::Scenario small = load("small.json");
  const std::string one = simulate::report_html(small, plan_runs(small, {engine::Policy::adaptive}, {500}), 0);
  CHECK(one.find("timeline-busy-svg") == std::string::npos);
}

TEST_CASE("a few busy minutes at the end of a long window get a view of those minutes") {
  // Nearly seven quiet hours, then one broadcast in its last ten minutes (as an
  // export of a short run starts at the Beijing midnight before it).
  auto parsed = scenario::parse_scenario(R"({"origin": "2026-11-24T00:00:00+08:00", "duration_s": 24600,
    "appid": "wxfake000000000001", "secret": "fake-secret", "daily_quota": 5000,
    "rooms": [{"roomid": 7, "name": "Flash", "anchor_name": "Li", "created_at": -86400,
               "start_time": 24000, "end_time": 24300,
               "timeline": [[24010, 101], [24100, 105], [24160, 101], [24280, 103]], "deleted_at": null}],
    "faults": []})");
  REQUIRE(parsed.has_value());
  const std::string page = simulate::report_html(*parsed, plan_runs(*parsed, {engine::Policy::adaptive}, {5000}), 0);
  REQUIRE(page.find("id=\"timeline-busy-svg\"") != std::string::npos);
  // Whole hours around it would be 06:00 to the window's end, under an hour: minutes instead.
  const std::string label = between(page, "<label for=\"tl-view-busy\">", "</label>");
  INFO("label: ", label);
  CHECK(label.find("\">06:3") != std::string::npos);
  CHECK(label.find(" to 06:") != std::string::npos);
  CHECK(label.find("06:00") == std::string::npos);
}

TEST_CASE("a report without runs is still a page") {
  const scenario::Scenario s = load("small.json");
  const std::string page = simulate::report_html(s, {}, 0);
  CHECK(page.find("No runs.") != std::string::npos);
  CHECK(page.find("</html>") != std::string::npos);
}
