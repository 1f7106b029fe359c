// The quota/latency curve: x = daily quota, y = detection latency (p50 solid,
// p95 dashed), one colour per policy, missed transitions noted at the point.
#include <algorithm>
#include <cmath>
#include <map>

#include "report_parts.hpp"

namespace wxlived::simulate::report {
namespace {

struct Point {
  double quota = 0;
  double p50 = 0;
  double p95 = 0;
  double max = 0;
  std::int64_t missed = 0;
  std::int64_t detected = 0;
  std::int64_t total = 0;
};

const char* policy_colour(std::size_t index) {
  static constexpr const char* kColours[] = {"#1f77b4", "#e4572e", "#2a9d3f", "#8e44ad", "#b8860b", "#17a2b8"};
  return kColours[index % std::size(kColours)];
}

}  // namespace

std::string curve_section(const std::vector<PlanResult>& results) {
  std::vector<std::string> policies;  // in order of first appearance
  std::map<std::string, std::vector<Point>> lines;
  for (const PlanResult& r : results) {
    std::string policy = json_token(r.json, "policy");
    if (policy.empty()) policy = engine::to_string(r.plan.policy);
    if (!lines.contains(policy)) policies.push_back(policy);
    Point p;
    p.quota = static_cast<double>(run_quota(r));
    p.p50 = json_number(r.json, "latency_s.p50");
    p.p95 = json_number(r.json, "latency_s.p95");
    p.max = json_number(r.json, "latency_s.max");
    p.missed = static_cast<std::int64_t>(json_number(r.json, "missed"));
    p.detected = static_cast<std::int64_t>(json_number(r.json, "detected"));
    p.total = static_cast<std::int64_t>(json_number(r.json, "transitions_total"));
    lines[policy].push_back(p);
  }
  std::vector<double> quotas;
  double y_max = 1;
  for (auto& [policy, points] : lines) {
    std::sort(points.begin(), points.end(), [](const Point& a, const Point& b) { return a.quota < b.quota; });
    for (const Point& p : points) {
      quotas.push_back(p.quota);
      y_max = std::max({y_max, p.p50, p.p95});
    }
  }
  std::sort(quotas.begin(), quotas.end());
  quotas.erase(std::unique(quotas.begin(), quotas.end()), quotas.end());

  // Geometry.
  constexpr double kWidth = 1000;
  constexpr double kHeight = 400;
  constexpr double kLeft = 70;
  constexpr double kRight = 720;  // the legend sits right of the plot
  constexpr double kTop = 24;
  constexpr double kBottom = 340;
  const double q_lo = quotas.empty() ? 0 : quotas.front();
  const double q_hi = quotas.empty() ? 1 : quotas.back();
  // A logarithmic axis when the quotas span a decade or more; with one quota
  // the point sits in the middle.
  const bool log_x = q_lo > 0 && q_hi / q_lo >= 10;
  auto x_of = [&](double q) {
    if (q_hi <= q_lo) return (kLeft + kRight) / 2;
    const double f = log_x ? (std::log(q) - std::log(q_lo)) / (std::log(q_hi) - std::log(q_lo)) : (q - q_lo) / (q_hi - q_lo);
    return kLeft + 40 + f * (kRight - kLeft - 80);
  };
  const std::vector<double> y_ticks = nice_ticks(0, y_max * 1.04, 6);
  const double y_top = std::max(y_ticks.back(), 1.0);
  auto y_of = [&](double v) { return kBottom - (kBottom - kTop) * v / y_top; };

  std::string svg = "<svg class=\"chart\" id=\"curve-svg\" viewBox=\"0 0 " + num(kWidth) + " " + num(kHeight) +
                    "\" role=\"img\" aria-label=\"latency against daily quota\">";
  // Axes and ticks.
  svg += "<g class=\"axis\">";
  for (const double v : y_ticks) {
    const double y = y_of(v);
    svg += "<line class=\"grid\" x1=\"" + num(kLeft) + "\" x2=\"" + num(kRight) + "\" y1=\"" + num(y) + "\" y2=\"" + num(y) + "\"/>";
    svg += "<text class=\"tick end\" x=\"" + num(kLeft - 6) + "\" y=\"" + num(y + 4) + "\">" + num(v, 2) + "</text>";
  }
  svg += "<line class=\"frame\" x1=\"" + num(kLeft) + "\" x2=\"" + num(kLeft) + "\" y1=\"" + num(kTop) + "\" y2=\"" + num(kBottom) + "\"/>";
  svg += "<line class=\"frame\" x1=\"" + num(kLeft) + "\" x2=\"" + num(kRight) + "\" y1=\"" + num(kBottom) + "\" y2=\"" + num(kBottom) + "\"/>";
  std::vector<double> x_ticks = quotas;
  if (x_ticks.size() > 12 && !log_x) {
    x_ticks.clear();
    for (const double q : nice_ticks(q_lo, q_hi, 8)) {
      if (q >= q_lo && q <= q_hi) x_ticks.push_back(q);
    }
  }
  double last_label_x = -1e9;
  for (const double q : x_ticks) {
    const double x = x_of(q);
    svg += "<line class=\"grid\" x1=\"" + num(x) + "\" x2=\"" + num(x) + "\" y1=\"" + num(kTop) + "\" y2=\"" + num(kBottom + 4) + "\"/>";
    if (x - last_label_x >= 34) {
      svg += "<text class=\"tick\" x=\"" + num(x) + "\" y=\"" + num(kBottom + 18) + "\">" + num(q, 0) + "</text>";
      last_label_x = x;
    }
  }
  svg += "<text class=\"axis-title\" x=\"" + num((kLeft + kRight) / 2) + "\" y=\"" + num(kBottom + 44) +
         "\">daily quota (getliveinfo calls per Beijing day" + std::string(log_x ? ", log scale" : "") + ")</text>";
  svg += "<text class=\"axis-title\" transform=\"translate(18 " + num((kTop + kBottom) / 2) +
         ") rotate(-90)\">detection latency (s)</text>";
  svg += "</g>";

  // One line pair per policy.
  for (std::size_t i = 0; i < policies.size(); ++i) {
    const std::string& policy = policies[i];
    const std::vector<Point>& points = lines[policy];
    const std::string colour = policy_colour(i);
    std::string p50_path;
    std::string p95_path;
    for (const Point& p : points) {
      p50_path += (p50_path.empty() ? "M" : "L") + num(x_of(p.quota)) + " " + num(y_of(p.p50));
      p95_path += (p95_path.empty() ? "M" : "L") + num(x_of(p.quota)) + " " + num(y_of(p.p95));
    }
    svg += "<g class=\"policy\" data-policy=\"" + escape(policy) + "\">";
    svg += "<path class=\"p50\" stroke=\"" + colour + "\" d=\"" + p50_path + "\"/>";
    svg += "<path class=\"p95\" stroke=\"" + colour + "\" d=\"" + p95_path + "\"/>";
    for (const Point& p : points) {
      const double x = x_of(p.quota);
      const std::string tip = escape(policy) + " at " + num(p.quota, 0) + " calls/day: p50 " + num(p.p50, 1) +
                              " s, p95 " + num(p.p95, 1) + " s, max " + num(p.max, 1) + " s, detected " +
                              std::to_string(p.detected) + " of " + std::to_string(p.total) + ", missed " +
                              std::to_string(p.missed);
      svg += "<g><title>" + tip + "</title><circle r=\"4.5\" fill=\"" + colour + "\" cx=\"" + num(x) + "\" cy=\"" +
             num(y_of(p.p50)) + "\"/><rect width=\"8\" height=\"8\" fill=\"#fff\" stroke=\"" + colour +
             "\" stroke-width=\"2\" x=\"" + num(x - 4) + "\" y=\"" + num(y_of(p.p95) - 4) + "\"/></g>";
      if (p.missed > 0) {
        svg += "<text class=\"missed-note\" x=\"" + num(x + 8) + "\" y=\"" + num(y_of(p.p95) - 8) + "\">" +
               std::to_string(p.missed) + " missed</text>";
      }
    }
    svg += "</g>";
  }
  // Legend.
  double ly = kTop + 8;
  const double lx = kRight + 30;
  svg += "<g class=\"legend\">";
  for (std::size_t i = 0; i < policies.size(); ++i) {
    svg += "<rect x=\"" + num(lx) + "\" y=\"" + num(ly - 9) + "\" width=\"14\" height=\"10\" fill=\"" +
           std::string(policy_colour(i)) + "\"/><text x=\"" + num(lx + 20) + "\" y=\"" + num(ly) + "\">" +
           escape(shorten(policies[i], 20)) + "</text>";
    ly += 20;
  }
  ly += 8;
  svg += "<path class=\"p50\" stroke=\"#333\" d=\"M" + num(lx) + " " + num(ly - 4) + "h24\"/><circle r=\"4\" fill=\"#333\" cx=\"" +
         num(lx + 12) + "\" cy=\"" + num(ly - 4) + "\"/><text x=\"" + num(lx + 32) + "\" y=\"" + num(ly) + "\">p50</text>";
  ly += 20;
  svg += "<path class=\"p95\" stroke=\"#333\" d=\"M" + num(lx) + " " + num(ly - 4) + "h24\"/><rect width=\"8\" height=\"8\" fill=\"#fff\" stroke=\"#333\" stroke-width=\"2\" x=\"" +
         num(lx + 8) + "\" y=\"" + num(ly - 8) + "\"/><text x=\"" + num(lx + 32) + "\" y=\"" + num(ly) + "\">p95</text>";
  ly += 20;
  svg += "<text class=\"missed-note\" x=\"" + num(lx) + "\" y=\"" + num(ly) + "\">N missed: undetected changes</text>";
  svg += "</g></svg>";

  std::string out = "<section id=\"curve\"><h2>Latency against the daily quota</h2>";
  out += "<p class=\"note\">Detection latency of the observed changes (emission of the detecting event minus the true "
         "change), nearest-rank percentiles, per run; " +
         std::to_string(results.size()) + " run" + (results.size() == 1 ? "" : "s") + ", " +
         std::to_string(quotas.size()) + " quota" + (quotas.size() == 1 ? "" : "s") + ".</p>";
  out += svg + "</section>\n";
  return out;
}

}  // namespace wxlived::simulate::report
