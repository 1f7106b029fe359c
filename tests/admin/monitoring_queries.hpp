#pragma once
// Reading the shipped monitoring files the way the tests need them: the
// PromQL expressions of the alert rules (etc/prometheus/wxlived-alerts.yml)
// and of the Grafana dashboard (etc/grafana/wxlived.json), the metric names
// each expression names, the metric names a scrape exports, and the heading
// anchors of a Markdown page (for the rules' runbook_url).
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace wxlived::admin::testing {

// The metric names an expression selects: identifiers that are not
// functions, aggregation operators, keywords, label names (in {...}, by
// (...), on (...), ...), label values or durations; Grafana variables
// ($app, ${datasource}, $__rate_interval) are skipped too.
std::set<std::string> promql_metric_names(std::string_view expr);

// One alert or recording rule as the rules file writes it.
struct RuleText {
  std::string name;         // the alert (or record) name
  std::string expr;         // inline or a block scalar (expr: |), as PromQL text
  std::string runbook_url;  // empty when the rule has none
};
// The rules of a Prometheus rules file in the style wxlived ships it
// (`- alert:`/`- record:`, `expr:` inline or `|` block, annotations one per
// line). Throws std::runtime_error naming the line it cannot read.
std::vector<RuleText> read_rules(std::string_view yaml);

// Every PromQL query of a Grafana dashboard: panels' (and rows' nested
// panels') targets[].expr and the templating query variables' queries,
// Grafana's label_values(EXPR, LABEL) reduced to EXPR. Each is prefixed
// with where it came from ("panel 'Rooms by status' A: ") in `where`.
struct DashboardQuery {
  std::string where;
  std::string expr;
};
// Throws std::runtime_error when the text is not JSON or not shaped like a dashboard.
std::vector<DashboardQuery> dashboard_queries(const std::string& json);

// Names a scrape exports: every family of a `# TYPE` line, plus _bucket,
// _sum and _count for histograms (_sum, _count for summaries), plus every
// sample's name.
std::set<std::string> exported_metric_names(const std::string& scrape_text);

// The metrics `expr` names that are in neither `exported` nor `external`
// (series Prometheus makes itself, such as up).
std::vector<std::string> unexported_metrics(std::string_view expr, const std::set<std::string>& exported,
                                            const std::set<std::string>& external);


}  // namespace wxlived::admin::testing
