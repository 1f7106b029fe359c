// Where the chosen run's calls went: getliveinfo calls per Beijing hour,
// stacked by kind, on the timeline's time scale; and the totals per kind.
#include <algorithm>
#include <array>
#include <cmath>

#include "report_parts.hpp"

namespace wxlived::simulate::report {
namespace {

constexpr CallKind kStacked[] = {CallKind::list_first, CallKind::list_deep, CallKind::replay};

struct Bin {
  double from = 0;  // seconds relative to the origin, clipped to the window
  double to = 0;
  std::array<std::int64_t, 3> n{};
};

}  // namespace

std::string calls_section(const scenario::Scenario& s, const PlanResult& chosen) {
  const TimeScale ts = page_time_scale(s);
  const std::vector<CallLine>& calls = chosen.run.calls;

  // Bins on Beijing hours: the first starts at the hour the origin falls in.
  const std::int64_t shift = (s.origin_unix + 8 * 3600) % 3600;  // seconds past the hour at t = 0
  std::vector<Bin> bins;
  for (double from = -static_cast<double>(shift); from < ts.to; from += 3600) {
    bins.push_back(Bin{std::max(0.0, from), std::min(ts.to, from + 3600), {}});
  }
  std::array<std::int64_t, 5> totals{};
  std::array<std::int64_t, 5> failed{};
  for (const CallLine& c : calls) {
    const CallKind kind = call_kind(c);
    ++totals[static_cast<std::size_t>(kind)];
    failed[static_cast<std::size_t>(kind)] += c.outcome == "ok" ? 0 : 1;
    const auto stacked = std::find(std::begin(kStacked), std::end(kStacked), kind);
    const double t = call_t(s, c);
    if (stacked == std::end(kStacked) || t < 0 || t >= ts.to || bins.empty()) continue;
    const auto index = static_cast<std::size_t>(std::floor((t + static_cast<double>(shift)) / 3600));
    if (index < bins.size()) ++bins[index].n[static_cast<std::size_t>(stacked - std::begin(kStacked))];
  }
  std::int64_t peak = 1;
  for (const Bin& b : bins) peak = std::max(peak, b.n[0] + b.n[1] + b.n[2]);
  const std::int64_t quota = run_quota(chosen);
  const double even = static_cast<double>(quota) / 24.0;  // an even spend of the day's quota

  constexpr double kTop = 14;
  constexpr double kBottom = 214;
  const std::vector<double> ticks = nice_ticks(0, std::max(static_cast<double>(peak), even) * 1.05, 5);
  const double y_top = std::max(ticks.back(), 1.0);
  auto y_of = [&](double v) { return kBottom - (kBottom - kTop) * v / y_top; };

  std::string svg = "<svg class=\"chart\" id=\"calls-svg\" viewBox=\"0 0 " + num(kPageWidth) + " " + num(kBottom + 50) +
                    "\" role=\"img\" aria-label=\"calls per Beijing hour\">";
  svg += time_axis(s, ts, kTop, kBottom, kBottom + 16);
  svg += "<g class=\"axis\">";
  for (const double v : ticks) {
    svg += "<line class=\"grid\" x1=\"" + num(ts.x0) + "\" x2=\"" + num(ts.x1) + "\" y1=\"" + num(y_of(v)) + "\" y2=\"" +
           num(y_of(v)) + "\"/><text class=\"tick end\" x=\"" + num(ts.x0 - 6) + "\" y=\"" + num(y_of(v) + 4) + "\">" +
           num(v, 1) + "</text>";
  }
  svg += "<text class=\"axis-title end\" x=\"" + num(ts.x0 - 40) + "\" y=\"" + num((kTop + kBottom) / 2) +
         "\">getliveinfo calls per hour</text>";
  svg += "<text class=\"axis-title\" x=\"" + num((ts.x0 + ts.x1) / 2) + "\" y=\"" + num(kBottom + 40) +
         "\">Beijing time</text></g>";
  for (const Bin& b : bins) {
    const std::int64_t total = b.n[0] + b.n[1] + b.n[2];
    if (total == 0) continue;
    const double x = ts.x(b.from) + 1;
    const double w = std::max(ts.x(b.to) - ts.x(b.from) - 2, 0.5);
    svg += "<g class=\"hour\"><title>" + beijing_clock(s, b.from, false, false) + " to " +
           beijing_clock(s, b.to, false, false) + ": " + std::to_string(total) + " calls (" + std::to_string(b.n[0]) +
           " first pages, " + std::to_string(b.n[1]) + " deeper pages, " + std::to_string(b.n[2]) + " replays)</title>";
    double y = kBottom;
    for (std::size_t k = 0; k < 3; ++k) {
      if (b.n[k] == 0) continue;
      const double h = (kBottom - kTop) * static_cast<double>(b.n[k]) / y_top;
      y -= h;
      svg += "<rect class=\"" + std::string(call_kind_class(kStacked[k])) + "\" x=\"" + num(x) + "\" y=\"" + num(y) +
             "\" width=\"" + num(w) + "\" height=\"" + num(h) + "\"/>";
    }
    svg += "</g>";
  }
  svg += "<g class=\"even\"><title>an even spend of the daily quota: " + std::to_string(quota) +
         " / 24 = " + num(even, 1) + " calls per hour</title><line x1=\"" + num(ts.x0) + "\" x2=\"" + num(ts.x1) +
         "\" y1=\"" + num(y_of(even)) + "\" y2=\"" + num(y_of(even)) + "\"/><text x=\"" + num(ts.x0 + 6) + "\" y=\"" +
         num(y_of(even) - 4) + "\">quota / 24 h</text></g>";
  svg += "</svg>";

  // Totals per kind; the JSON's own figures carry data attributes.
  const std::string key = escape(run_key(chosen));
  const std::int64_t getliveinfo = totals[0] + totals[1] + totals[2];
  auto share = [&](std::int64_t n) {
    return getliveinfo > 0 ? num(100.0 * static_cast<double>(n) / static_cast<double>(getliveinfo), 1) + "%" : "";
  };
  auto field = [&](const char* path, const char* rowspan = "") {
    return "<td class=\"json-field\"" + std::string(rowspan) + ">" + path + ": <span data-run=\"" + key +
           "\" data-field=\"" + path + "\">" + escape(json_token(chosen.json, path)) + "</span></td>";
  };
  auto row = [&](CallKind kind, const std::string& json_cell, bool in_quota) {
    const auto k = static_cast<std::size_t>(kind);
    return "<tr><th><span class=\"sw " + std::string(call_kind_class(kind)) + "\"></span>" +
           std::string(call_kind_name(kind)) + "</th><td>" + std::to_string(totals[k]) + "</td><td" +
           (failed[k] > 0 ? " class=\"bad\"" : "") + ">" + std::to_string(failed[k]) + "</td><td>" +
           (in_quota ? share(totals[k]) : "not counted") + "</td>" + json_cell + "</tr>";
  };
  const std::int64_t budget = quota * window_days(s);
  std::string table =
      "<table class=\"kinds\"><thead><tr><th>kind</th><th>calls</th><th>failed</th><th>share of getliveinfo</th>"
      "<th>in the run's JSON</th></tr></thead><tbody>";
  table += row(CallKind::list_first, field("calls.list", " rowspan=\"2\""), true);
  table += row(CallKind::list_deep, "", true);
  table += row(CallKind::replay, field("calls.replay"), true);
  table += "<tr class=\"total\"><th>getliveinfo (counts against the quota)</th><td>" + std::to_string(getliveinfo) +
           "</td><td>" + std::to_string(failed[0] + failed[1] + failed[2]) + "</td><td>" +
           (budget > 0 ? num(100.0 * static_cast<double>(getliveinfo) / static_cast<double>(budget), 1) : "0") +
           "% of the budget, " + std::to_string(budget) + "</td><td></td></tr>";
  table += row(CallKind::token, field("calls.token"), false);
  table += row(CallKind::quota, field("calls.quota"), false);
  table += "</tbody></table>";

  std::string out = "<section id=\"calls\"><h2>Where the calls went: " + escape(run_key(chosen)) + "</h2>";
  out += "<div class=\"legend\"><span class=\"legend-title\">per Beijing hour</span>";
  for (const CallKind kind : kStacked) {
    out += "<span class=\"item\"><span class=\"sw " + std::string(call_kind_class(kind)) + "\"></span>" +
           std::string(call_kind_name(kind)) + "</span>";
  }
  out += "<span class=\"item\"><span class=\"sw even-sw\"></span>even spend of the daily quota</span></div>";
  out += "<div class=\"scroll\">" + svg + "</div>" + table + "</section>\n";
  return out;
}

}  // namespace wxlived::simulate::report
