#include "monitoring_queries.hpp"

#include <rapidjson/document.h>

#include <cctype>
#include <sstream>
#include <stdexcept>

namespace wxlived::admin::testing {

namespace {

bool ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':'; }
bool ident_char(char c) { return ident_start(c) || std::isdigit(static_cast<unsigned char>(c)); }

const std::set<std::string_view> kKeywords = {"and",   "or",          "unless",      "by",   "without",
                                              "on",    "ignoring",    "group_left",  "group_right",
                                              "offset", "bool",       "atan2",       "inf",  "nan"};
// Followed by a label list in parentheses.
const std::set<std::string_view> kLabelListKeywords = {"by", "without", "on", "ignoring", "group_left", "group_right"};
const std::set<std::string_view> kAggregations = {"sum",    "min",    "max",      "avg",         "group",
                                                  "stddev", "stdvar", "count",    "count_values", "bottomk",
                                                  "topk",   "quantile", "limitk", "limit_ratio"};

// Index just past a quoted string starting at i.
std::size_t skip_string(std::string_view s, std::size_t i) {
  const char quote = s[i];
  for (++i; i < s.size(); ++i) {
    if (s[i] == '\\' && quote != '`') {
      ++i;
    } else if (s[i] == quote) {
      return i + 1;
    }
  }
  return s.size();
}

// Index just past the bracket closing the one at i ('{', '[' or '('), strings inside skipped.
std::size_t skip_group(std::string_view s, std::size_t i) {
  const char open = s[i];
  const char close = open == '{' ? '}' : open == '[' ? ']' : ')';
  int depth = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '"' || c == '\'' || c == '`') {
      i = skip_string(s, i);
      continue;
    }
    if (c == open) ++depth;
    if (c == close && --depth == 0) return i + 1;
    ++i;
  }
  return s.size();
}

std::size_t skip_space(std::string_view s, std::size_t i) {
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return i;
}

std::string trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::size_t indentation(std::string_view line) {
  std::size_t n = 0;
  while (n < line.size() && line[n] == ' ') ++n;
  return n;
}

// An inline YAML scalar: plain, or in double or single quotes.
std::string yaml_scalar(std::string_view raw, std::size_t line_no) {
  std::string v = trim(raw);
  if (v.empty() || (v[0] != '"' && v[0] != '\'')) return v;
  const char quote = v[0];
  if (v.size() < 2 || v.back() != quote) throw std::runtime_error("line " + std::to_string(line_no) + ": unterminated quoted scalar");
  std::string out;
  for (std::size_t i = 1; i + 1 < v.size(); ++i) {
    if (quote == '"' && v[i] == '\\' && i + 2 < v.size()) {
      out += v[++i];
    } else if (quote == '\'' && v[i] == '\'' && v[i + 1] == '\'') {
      out += '\'';
      ++i;
    } else {
      out += v[i];
    }
  }
  return out;
}

}  // namespace

std::set<std::string> promql_metric_names(std::string_view s) {
  std::set<std::string> names;
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '"' || c == '\'' || c == '`') {
      i = skip_string(s, i);
    } else if (c == '{' || c == '[') {  // label matchers; ranges, subqueries
      i = skip_group(s, i);
    } else if (c == '#') {  // a comment runs to the end of the line
      while (i < s.size() && s[i] != '\n') ++i;
    } else if (c == '$') {  // a Grafana variable: $name or ${name...}
      ++i;
      if (i < s.size() && s[i] == '{') {
        i = skip_group(s, i);
      } else {
        while (i < s.size() && ident_char(s[i])) ++i;
      }
    } else if (std::isdigit(static_cast<unsigned char>(c)) || (c == '.' && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
      // Numbers and durations: 0.5, 1e3, 0x1f, 5m, 1h30m.
      while (i < s.size() && (ident_char(s[i]) || s[i] == '.')) ++i;
    } else if (ident_start(c)) {
      const std::size_t start = i;
      while (i < s.size() && ident_char(s[i])) ++i;
      const std::string word(s.substr(start, i - start));
      const std::size_t next = skip_space(s, i);
      const char after = next < s.size() ? s[next] : '\0';
      if (kLabelListKeywords.contains(word)) {
        if (after == '(') i = skip_group(s, next);  // by (app, le): label names
      } else if (kKeywords.contains(word)) {
        // and, offset, bool, ...
      } else if (after == '(') {
        // a function or an aggregation: its arguments are read on
      } else if (kAggregations.contains(word) && (s.substr(next).starts_with("by") || s.substr(next).starts_with("without"))) {
        // sum by (app) (...)
      } else {
        names.insert(word);
      }
    } else {
      ++i;
    }
  }
  return names;
}

std::vector<RuleText> read_rules(std::string_view yaml) {
  std::vector<std::string> lines;
  {
    std::istringstream in{std::string(yaml)};
    std::string line;
    while (std::getline(in, line)) lines.push_back(line);
  }
  std::vector<RuleText> rules;
  for (std::size_t n = 0; n < lines.size(); ++n) {
    const std::string& line = lines[n];
    const std::string content = trim(line);
    if (content.empty() || content[0] == '#') continue;
    std::string item = content.starts_with("- ") ? trim(content.substr(2)) : content;
    const auto colon = item.find(':');
    if (colon == std::string::npos) continue;
    const std::string key = item.substr(0, colon);
    const std::string value = item.substr(colon + 1);
    if (key == "alert" || key == "record") {
      rules.push_back(RuleText{yaml_scalar(value, n + 1), "", ""});
    } else if (key == "expr") {
      if (rules.empty()) throw std::runtime_error("line " + std::to_string(n + 1) + ": expr before any alert or record");
      const std::string v = trim(value);
      if (v == "|" || v == "|-" || v == ">" || v == ">-") {
        const std::size_t key_indent = indentation(line);
        std::string block;
        while (n + 1 < lines.size() && (trim(lines[n + 1]).empty() || indentation(lines[n + 1]) > key_indent)) {
          block += trim(lines[++n]);
          block += '\n';
        }
        rules.back().expr = block;
      } else {
        rules.back().expr = yaml_scalar(v, n + 1);
      }
      if (trim(rules.back().expr).empty()) throw std::runtime_error("line " + std::to_string(n + 1) + ": empty expr");
    } else if (key == "runbook_url") {
      if (rules.empty()) throw std::runtime_error("line " + std::to_string(n + 1) + ": runbook_url before any alert");
      rules.back().runbook_url = yaml_scalar(value, n + 1);
    }
  }
  return rules;
}

namespace {

void panel_queries(const rapidjson::Value& panels, std::vector<DashboardQuery>& out) {
  if (!panels.IsArray()) throw std::runtime_error("panels is not an array");
  for (const auto& panel : panels.GetArray()) {
    if (!panel.IsObject() || !panel.HasMember("title") || !panel["title"].IsString())
      throw std::runtime_error("a panel without a title");
    const std::string title = panel["title"].GetString();
    if (panel.HasMember("panels")) panel_queries(panel["panels"], out);  // a collapsed row's panels
    if (!panel.HasMember("targets")) continue;
    if (!panel["targets"].IsArray()) throw std::runtime_error("panel '" + title + "': targets is not an array");
    for (const auto& target : panel["targets"].GetArray()) {
      if (!target.HasMember("expr") || !target["expr"].IsString())
        throw std::runtime_error("panel '" + title + "': a target without expr");
      const std::string ref = target.HasMember("refId") && target["refId"].IsString() ? target["refId"].GetString() : "?";
      out.push_back({"panel '" + title + "' " + ref, target["expr"].GetString()});
    }
  }
}

// label_values(EXPR, LABEL) -> EXPR; label_values(LABEL) -> "" (no metric).
std::string variable_expr(const std::string& query) {
  const std::string prefix = "label_values(";
  if (!query.starts_with(prefix) || query.back() != ')') return query;
  const std::string inner = query.substr(prefix.size(), query.size() - prefix.size() - 1);
  // The label is after the last comma outside braces and strings.
  std::size_t cut = std::string::npos;
  for (std::size_t i = 0; i < inner.size();) {
    if (inner[i] == '{' || inner[i] == '(' || inner[i] == '[') {
      i = skip_group(inner, i);
    } else if (inner[i] == '"') {
      i = skip_string(inner, i);
    } else {
      if (inner[i] == ',') cut = i;
      ++i;
    }
  }
  return cut == std::string::npos ? std::string() : inner.substr(0, cut);
}

}  // namespace

std::vector<DashboardQuery> dashboard_queries(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  if (doc.HasParseError()) throw std::runtime_error("not JSON (error at offset " + std::to_string(doc.GetErrorOffset()) + ")");
  if (!doc.IsObject() || !doc.HasMember("panels")) throw std::runtime_error("no panels");
  std::vector<DashboardQuery> out;
  panel_queries(doc["panels"], out);
  if (doc.HasMember("templating") && doc["templating"].HasMember("list")) {
    for (const auto& variable : doc["templating"]["list"].GetArray()) {
      if (!variable.HasMember("type") || std::string(variable["type"].GetString()) != "query") continue;
      const auto& query = variable["query"];
      const std::string text = query.IsString() ? query.GetString()
                               : query.IsObject() && query.HasMember("query") ? query["query"].GetString()
                                                                              : throw std::runtime_error("a query variable without a query");
      out.push_back({std::string("variable $") + variable["name"].GetString(), variable_expr(text)});
    }
  }
  return out;
}

std::set<std::string> exported_metric_names(const std::string& scrape_text) {
  std::set<std::string> names;
  std::istringstream lines(scrape_text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.starts_with("# TYPE ")) {
      std::istringstream fields(line.substr(7));
      std::string name, kind;
      fields >> name >> kind;
      names.insert(name);
      if (kind == "histogram") names.insert(name + "_bucket");
      if (kind == "histogram" || kind == "summary") {
        names.insert(name + "_sum");
        names.insert(name + "_count");
      }
    } else if (!line.empty() && line[0] != '#') {
      std::size_t end = 0;
      while (end < line.size() && ident_char(line[end])) ++end;
      names.insert(line.substr(0, end));
    }
  }
  return names;
}

std::vector<std::string> unexported_metrics(std::string_view expr, const std::set<std::string>& exported,
                                            const std::set<std::string>& external) {
  std::vector<std::string> missing;
  for (const std::string& name : promql_metric_names(expr))
    if (!exported.contains(name) && !external.contains(name)) missing.push_back(name);
  return missing;
}

}  // namespace wxlived::admin::testing
