// The report's header: the scenario, and one table row per run whose figure
// cells carry data-run / data-field attributes and the JSON's own text.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <set>

#include "report_parts.hpp"
#include "wxlived/engine/beijing_time.hpp"

namespace wxlived::simulate::report {
namespace {

const rapidjson::Value* find_path(const rapidjson::Value& root, std::string_view path) {
  const rapidjson::Value* v = &root;
  while (!path.empty()) {
    const std::size_t dot = path.find('.');
    const std::string key(path.substr(0, dot));
    if (!v->IsObject()) return nullptr;
    const auto member = v->FindMember(key.c_str());
    if (member == v->MemberEnd()) return nullptr;
    v = &member->value;
    path = dot == std::string_view::npos ? std::string_view{} : path.substr(dot + 1);
  }
  return v;
}

bool parse(rapidjson::Document& doc, const std::string& json) {
  doc.Parse<rapidjson::kParseFullPrecisionFlag>(json.c_str(), json.size());
  return !doc.HasParseError();
}

}  // namespace

std::string json_token(const std::string& json, std::string_view path) {
  rapidjson::Document doc;
  if (!parse(doc, json)) return {};
  const rapidjson::Value* v = find_path(doc, path);
  if (v == nullptr) return {};
  if (v->IsString()) return std::string(v->GetString(), v->GetStringLength());
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  v->Accept(w);
  return std::string(buffer.GetString(), buffer.GetSize());
}

double json_number(const std::string& json, std::string_view path) {
  rapidjson::Document doc;
  if (!parse(doc, json)) return 0;
  const rapidjson::Value* v = find_path(doc, path);
  return v != nullptr && v->IsNumber() ? v->GetDouble() : 0;
}

std::int64_t run_quota(const PlanResult& r) {
  rapidjson::Document doc;
  if (parse(doc, r.json)) {
    const rapidjson::Value* v = find_path(doc, "daily_quota");
    if (v != nullptr && v->IsInt64()) return v->GetInt64();
  }
  return r.plan.daily_quota;
}

std::string run_key(const PlanResult& r) {
  std::string policy = json_token(r.json, "policy");
  if (policy.empty()) policy = engine::to_string(r.plan.policy);
  return policy + "@" + std::to_string(run_quota(r));
}

std::int64_t window_days(const scenario::Scenario& s) {
  const engine::Millis from = s.origin_unix * engine::kSecond;
  const engine::Millis to = (s.origin_unix + std::max<scenario::Seconds>(s.duration_s, 1)) * engine::kSecond - 1;
  return engine::beijing_day(to) - engine::beijing_day(from) + 1;
}

bool listed_in_window(const scenario::Scenario& s, const scenario::Room& room) {
  return room.created_at < s.duration_s && (!room.deleted_at || *room.deleted_at > 0);
}

std::string scenario_section(const scenario::Scenario& s, const PlanResult& chosen) {
  std::int64_t listed = 0;
  std::set<std::int64_t> changed;
  for (const scenario::Room& room : s.rooms) listed += listed_in_window(s, room) ? 1 : 0;
  for (const GradedTransition& t : chosen.grade.transitions) changed.insert(t.room_id);
  std::int64_t by_rule = 0;
  for (const GradedTransition& t : chosen.grade.transitions) by_rule += t.by_rule ? 1 : 0;

  std::string out = "<section id=\"scenario\"><h2>Scenario</h2><dl class=\"facts\">";
  auto fact = [&](const std::string& name, const std::string& value) {
    out += "<div><dt>" + name + "</dt><dd>" + value + "</dd></div>";
  };
  fact("origin", escape(beijing_datetime(s, 0)) + " (Beijing time)");
  fact("duration", escape(duration_text(static_cast<double>(s.duration_s))) + " (" + std::to_string(s.duration_s) +
                       " s, " + std::to_string(window_days(s)) + " Beijing day" + (window_days(s) > 1 ? "s" : "") +
                       ")");
  fact("rooms", std::to_string(s.rooms.size()) + " in the file, " + std::to_string(listed) +
                    " listed in the window, " + std::to_string(changed.size()) + " with a change in it");
  fact("transitions", std::to_string(chosen.grade.transitions_total) + " true changes of status in the window (" +
                          std::to_string(by_rule) + " by WeChat's rules)");
  fact("scenario quota", std::to_string(s.daily_quota) + " calls / Beijing day");
  fact("faults", std::to_string(s.faults.size()) + " scripted window" + (s.faults.size() == 1 ? "" : "s"));
  fact("appid", escape(s.appid));
  out += "</dl></section>\n";
  return out;
}

std::string runs_section(const scenario::Scenario& s, const std::vector<PlanResult>& results, std::size_t chosen) {
  const std::int64_t days = window_days(s);
  std::string out =
      "<section id=\"runs\"><h2>Runs</h2>"
      "<table class=\"runs\"><thead><tr>"
      "<th>policy</th><th>daily quota</th><th>transitions</th><th>detected</th><th>missed</th><th>spurious</th>"
      "<th>p50 (s)</th><th>p95 (s)</th><th>max (s)</th><th>list calls</th><th>replay calls</th>"
      "<th>calls used</th><th>budget</th><th>used</th><th>days over quota</th><th>quota errors</th>"
      "</tr></thead><tbody>";
  for (std::size_t i = 0; i < results.size(); ++i) {
    const PlanResult& r = results[i];
    const std::string key = escape(run_key(r));
    auto cell = [&](std::string_view field, const std::string& text, const std::string& cls = {}) {
      out += "<td data-run=\"" + key + "\" data-field=\"" + std::string(field) + "\"" +
             (cls.empty() ? "" : " class=\"" + cls + "\"") + ">" + escape(text) + "</td>";
    };
    auto json_cell = [&](std::string_view path, const std::string& cls = {}) { cell(path, json_token(r.json, path), cls); };
    out += std::string("<tr") + (i == chosen ? " class=\"chosen\" title=\"the timeline below shows this run\"" : "") + ">";
    json_cell("policy", "name");
    const std::int64_t quota = run_quota(r);
    const std::string quota_text = json_token(r.json, "daily_quota");
    cell("daily_quota", quota_text.empty() ? std::to_string(quota) : quota_text);
    json_cell("transitions_total");
    json_cell("detected");
    const bool missed = json_number(r.json, "missed") > 0;
    json_cell("missed", missed ? "bad" : "");
    json_cell("spurious", json_number(r.json, "spurious") > 0 ? "bad" : "");
    json_cell("latency_s.p50");
    json_cell("latency_s.p95");
    json_cell("latency_s.max");
    json_cell("calls.list");
    json_cell("calls.replay");
    const auto used = static_cast<std::int64_t>(json_number(r.json, "calls.list") + json_number(r.json, "calls.replay"));
    const std::int64_t budget = quota * days;
    cell("calls_used", std::to_string(used));
    out += "<td data-run=\"" + key + "\" data-field=\"budget\" data-days=\"" + std::to_string(days) + "\">" +
           std::to_string(budget) + "</td>";
    const double share = budget > 0 ? 100.0 * static_cast<double>(used) / static_cast<double>(budget) : 0;
    out += "<td class=\"share\"><span class=\"bar\"><span style=\"width:" + num(std::min(share, 100.0)) + "%\"></span></span>" +
           num(share, 0) + "%</td>";
    json_cell("days_over_quota", json_number(r.json, "days_over_quota") > 0 ? "bad" : "");
    json_cell("quota_errors", json_number(r.json, "quota_errors") > 0 ? "bad" : "");
    out += "</tr>";
  }
  out +=
      "</tbody></table><p class=\"note\">Every figure cell carries <code>data-run=\"POLICY@QUOTA\"</code> and "
      "<code>data-field</code>, the path of the figure in that run's JSON (<code>latency_s.p50</code>, "
      "<code>calls.list</code>, ...); its text is the JSON's own: integers as integers, other numbers as the JSON "
      "prints them. <code>calls_used</code> is <code>calls.list + calls.replay</code>, <code>budget</code> the daily "
      "quota times <code>data-days</code>, the Beijing days of the window. The highlighted row is the run drawn "
      "below.</p></section>\n";
  return out;
}

}  // namespace wxlived::simulate::report
