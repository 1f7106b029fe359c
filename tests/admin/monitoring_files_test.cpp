// The shipped monitoring files, read as Prometheus and Grafana read them:
// the alert rules (etc/prometheus/wxlived-alerts.yml) each with an
// expression and a runbook_url whose anchor is a heading of
// docs/OPERATIONS.md; the Grafana dashboard (etc/grafana/wxlived.json)
// valid dashboard JSON with a datasource variable, app and endpoint
// variables and a query in every panel. Which metrics those expressions
// name is checked against a running daemon in admin_daemon_test.cpp; the
// reader that finds the names is checked here, failing included.
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <fstream>
#include <iterator>
#include <set>
#include <stdexcept>
#include <string>

#include "monitoring_queries.hpp"
#include "markdown_outline.hpp"

using namespace wxlived::admin::testing;
using Names = std::set<std::string>;

namespace {

std::string source_file(const std::string& path) {
  std::ifstream in(std::string(WXLIVED_SOURCE_DIR) + "/" + path);
  REQUIRE_MESSAGE(in, path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// GitHub's anchors of a Markdown document's headings (cmark, as check-translations reads them).
Names heading_anchors(const std::string& markdown) {
  const auto anchors = wxlived::docs::heading_anchors(wxlived::docs::read_outline(markdown));
  return Names(anchors.begin() + 1, anchors.end());
}

}  // namespace

TEST_CASE("PromQL metric names: functions, aggregations, keywords, labels, strings, durations and Grafana variables are not metrics") {
  CHECK(promql_metric_names("up{job=\"wxlived\"} == 0") == Names{"up"});
  CHECK(promql_metric_names("absent(up{job=\"wxlived\"})") == Names{"up"});
  CHECK(promql_metric_names(
            "histogram_quantile(0.95, sum by (endpoint, le) (rate(wxlived_webhook_delivery_latency_seconds_bucket"
            "{endpoint=~\"$endpoint\", instance=~\"$instance\"}[$__rate_interval])))") ==
        Names{"wxlived_webhook_delivery_latency_seconds_bucket"});
  CHECK(promql_metric_names("(time() - wxlived_last_successful_poll_timestamp_seconds > 1800) and on (instance, job, app) "
                            "(wxlived_quota_exhausted == 0)") ==
        Names{"wxlived_last_successful_poll_timestamp_seconds", "wxlived_quota_exhausted"});
  CHECK(promql_metric_names("wxlived_quota_used_calls > 1.25 * (wxlived_quota_used_calls offset 1d) + 0.1 * x_limit") ==
        Names{"wxlived_quota_used_calls", "x_limit"});
  CHECK(promql_metric_names("sum without (api, result) (rate(a_total{api=~\"list|replay\"}[1h])) / ignoring (x) "
                            "group_left (y) b * on(z) group_right c") == Names{"a_total", "b", "c"});
  CHECK(promql_metric_names("topk(3, max_over_time(m[5m:1m])) unless bool count(n) or atan2 p") ==
        Names{"m", "n", "p"});
  CHECK(promql_metric_names("label_replace(m, \"dst\", \"$1\", \"src\", \"(.*)\") @ start() + ${var:raw} + 1e3 + 0x1f") ==
        Names{"m"});
  CHECK(promql_metric_names("sum(rate(m{a=\"}{\\\"\"}[5m]))  # a comment naming not_a_metric") == Names{"m"});
}

TEST_CASE("a made-up metric in an expression is reported as not exported, and histogram suffixes count as the histogram") {
  const std::string scrape =
      "# HELP wxlived_rooms Rooms\n# TYPE wxlived_rooms gauge\nwxlived_rooms{app=\"shop\",status=\"live\"} 1\n"
      "# HELP lat Latency\n# TYPE lat histogram\nlat_bucket{le=\"+Inf\"} 0\nlat_sum 0\nlat_count 0\n";
  const Names exported = exported_metric_names(scrape);
  CHECK(unexported_metrics("sum by (status) (wxlived_rooms{app=~\"$app\"})", exported, {}).empty());
  CHECK(unexported_metrics("rate(lat_sum[5m]) / rate(lat_count[5m]) + histogram_quantile(0.5, rate(lat_bucket[5m]))",
                           exported, {})
            .empty());
  CHECK(unexported_metrics("wxlived_rooms + wxlived_made_up_total", exported, {}) ==
        std::vector<std::string>{"wxlived_made_up_total"});
  CHECK(unexported_metrics("up == 0", exported, {}) == std::vector<std::string>{"up"});
  CHECK(unexported_metrics("up == 0", exported, {"up"}).empty());
}

TEST_CASE("every shipped alert rule has an expression naming a metric and a runbook_url whose anchor is a heading of OPERATIONS.md, in English and Chinese") {
  const auto rules = read_rules(source_file("etc/prometheus/wxlived-alerts.yml"));
  REQUIRE(rules.size() >= 10);
  const std::string prefix = "file:///usr/share/doc/wxlived/OPERATIONS.md#";
  // The Chinese guide keeps the alerts' headings, so the same anchors serve under zh-CN/ (OPERATIONS.md says so).
  for (const char* guide : {"docs/OPERATIONS.md", "docs/zh-CN/OPERATIONS.md"}) {
    const auto anchors = heading_anchors(source_file(guide));
    for (const auto& rule : rules) {
      CAPTURE(rule.name);
      CHECK_FALSE(promql_metric_names(rule.expr).empty());
      REQUIRE(rule.runbook_url.starts_with(prefix));
      const std::string anchor = rule.runbook_url.substr(prefix.size());
      CHECK_MESSAGE(anchors.contains(anchor), "no heading in " << std::string(guide) << " has the anchor #" << anchor);
    }
  }
}

TEST_CASE("the rules reader and the anchor check fail on what they must reject") {
  CHECK_THROWS_AS(read_rules("groups:\n  - rules:\n      - expr: up\n"), std::runtime_error);
  const auto rules = read_rules(
      "      - alert: A\n        expr: |\n          up\n          == 0\n        annotations:\n"
      "          runbook_url: \"file:///x#a\"\n      - alert: B\n        expr: 'b > 0'\n");
  REQUIRE(rules.size() == 2);
  CHECK(rules[0].expr == "up\n== 0\n");
  CHECK(rules[0].runbook_url == "file:///x#a");
  CHECK(rules[1].expr == "b > 0");
  CHECK(rules[1].runbook_url.empty());
  const auto anchors = heading_anchors("# Operating wxlived\n## Alerts and runbooks\n```\n# not a heading\n```\n#nospace\n");
  CHECK(anchors == Names{"operating-wxlived", "alerts-and-runbooks"});
}

TEST_CASE("the shipped Grafana dashboard is dashboard JSON: datasource, instance, app and endpoint variables, a query in every panel") {
  const std::string text = source_file("etc/grafana/wxlived.json");
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  REQUIRE_FALSE(doc.HasParseError());
  REQUIRE(doc.IsObject());
  CHECK(std::string(doc["uid"].GetString()) == "wxlived");
  CHECK(doc["schemaVersion"].GetInt() >= 36);
  std::set<std::string> variables;
  for (const auto& v : doc["templating"]["list"].GetArray()) {
    const std::string name = v["name"].GetString();
    variables.insert(name);
    if (name == "datasource") {
      CHECK(std::string(v["type"].GetString()) == "datasource");
      CHECK(std::string(v["query"].GetString()) == "prometheus");
    } else {
      CHECK(std::string(v["type"].GetString()) == "query");
      CHECK(std::string(v["datasource"]["uid"].GetString()) == "${datasource}");
    }
  }
  CHECK(variables == Names{"datasource", "instance", "app", "endpoint"});

  std::set<int> ids;
  std::set<std::string> titles;
  for (const auto& panel : doc["panels"].GetArray()) {
    const std::string title = panel["title"].GetString();
    CAPTURE(title);
    CHECK(ids.insert(panel["id"].GetInt()).second);
    titles.insert(title);
    const auto& grid = panel["gridPos"];
    CHECK(grid["x"].GetInt() + grid["w"].GetInt() <= 24);
    if (std::string(panel["type"].GetString()) == "row") continue;
    CHECK(std::string(panel["datasource"]["uid"].GetString()) == "${datasource}");
    REQUIRE(panel["targets"].Size() >= 1);
    std::set<std::string> refs;
    for (const auto& target : panel["targets"].GetArray()) {
      CHECK_FALSE(std::string(target["expr"].GetString()).empty());
      CHECK(refs.insert(target["refId"].GetString()).second);
    }
  }
  // Issue 16's list, each a panel.
  for (const char* wanted : {"Quota spent vs even pace, by app", "WeChat calls by api and result", "Rooms by status",
                             "Detection to delivery latency", "Outbox backlog", "Dead deliveries and disabled endpoints",
                             "Events by type"}) {
    CAPTURE(wanted);
    CHECK(titles.contains(wanted));
  }
  const auto queries = dashboard_queries(text);
  CHECK(queries.size() >= 20);
  for (const auto& q : queries) {
    CAPTURE(q.where);
    CHECK_FALSE(promql_metric_names(q.expr).empty());
  }
}

TEST_CASE("the dashboard reader takes the expression out of label_values and rejects what is not a dashboard") {
  const auto queries = dashboard_queries(
      R"json({"panels": [{"title": "Row", "type": "row", "panels": [{"title": "P", "targets": [{"refId": "A", "expr": "m"}]}]}],
          "templating": {"list": [{"name": "app", "type": "query", "query": {"query": "label_values(q{instance=~\"$instance\"}, app)"}},
                                  {"name": "x", "type": "query", "query": "label_values(app)"}]}})json");
  REQUIRE(queries.size() == 3);
  CHECK(queries[0].expr == "m");
  CHECK(queries[1].expr == "q{instance=~\"$instance\"}");
  CHECK(promql_metric_names(queries[1].expr) == Names{"q"});
  CHECK(queries[2].expr.empty());
  CHECK_THROWS_AS(dashboard_queries("{\"panels\": [{\"title\": \"P\", \"targets\": [{\"refId\": \"A\"}]}]}"), std::runtime_error);
  CHECK_THROWS_AS(dashboard_queries("{not json"), std::runtime_error);
}
