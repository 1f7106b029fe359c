// `wxlived simulate --report FILE.html`: the page around the sections of
// report_parts.hpp. One self-contained file: inline CSS, inline SVG and a few
// lines of script for the timeline's hover cursor; nothing is fetched.
#include "wxlived/simulate/report_html.hpp"

#include "report_parts.hpp"
#include "wxlived/version.hpp"

namespace wxlived::simulate {
namespace {

constexpr const char* kStyle = R"css(
:root{color-scheme:light}
body{font:14px/1.45 "DejaVu Sans","Liberation Sans",Arial,sans-serif;margin:20px 28px;color:#222;background:#fff}
main{max-width:1440px}
h1{font-size:22px;margin:0 0 2px}
h2{font-size:17px;margin:30px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
.sub{color:#666;margin:0 0 12px}
.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:4px 24px;margin:0}
.facts div{display:flex;gap:10px}.facts dt{color:#666;min-width:110px}.facts dd{margin:0}
table{border-collapse:collapse;font-size:13px;margin:6px 0}
th,td{border:1px solid #ddd;padding:3px 8px;text-align:right;white-space:nowrap}
thead th{background:#f3f3f3;font-weight:600;white-space:normal;vertical-align:bottom}
td.name,tbody th{text-align:left;font-weight:normal}
tr.chosen td{background:#fff6d5;font-weight:bold}
td.bad{color:#c0392b;font-weight:bold}
.share .bar{display:inline-block;width:46px;height:8px;background:#eee;margin-right:6px;vertical-align:middle}
.share .bar span{display:block;height:100%;background:#1f77b4}
.json-field{color:#777;font-family:"DejaVu Sans Mono",monospace;font-size:12px}
.json-field span{color:#222}
tr.total th,tr.total td{background:#f7f7f7;font-weight:bold}
.note{color:#555;font-size:12.5px;max-width:1150px;margin:4px 0 8px}
code{font-family:"DejaVu Sans Mono",monospace;font-size:12px;background:#f4f4f4;padding:0 2px}
.scroll{overflow-x:auto}
svg.chart{width:100%;height:auto;display:block;font-size:11px}
#curve-svg{max-width:1060px}
svg.timeline,#calls-svg{min-width:1100px}
.view-switch{margin:8px 4px 8px 0;vertical-align:middle}.view-switch+label{margin-right:18px;font-size:13px}
.view-busy{display:none}#tl-view-busy:checked~.view-busy{display:block}#tl-view-busy:checked~.view-whole{display:none}
svg text{fill:#333}
.tick{text-anchor:middle;fill:#555}.end{text-anchor:end}
.grid{stroke:#e4e4e4;stroke-width:1}.grid.day{stroke:#888;stroke-width:1.2}
.frame{stroke:#888}
.axis-title{text-anchor:middle;fill:#444;font-size:12px}.axis-title.end{text-anchor:end}
.p50{fill:none;stroke-width:2.2}.p95{fill:none;stroke-width:2;stroke-dasharray:6 4}
.missed-note{fill:#c0392b;font-size:11px;font-weight:bold}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;font-size:12.5px;margin:4px 0;align-items:center}
.legend .item{display:inline-flex;align-items:center;gap:5px}
.legend-title{color:#666;min-width:90px;font-weight:bold}
.sw{display:inline-block;width:14px;height:10px;border:1px solid rgba(0,0,0,.25);vertical-align:middle;margin-right:4px}
svg.icon{width:12px;height:14px}svg.icon.wide{width:30px}
.s101{fill:#2e9d44;background:#2e9d44}.s102{fill:#b7cde6;background:#b7cde6}.s103{fill:#8a8a8a;background:#8a8a8a}
.s104{fill:#1b1b1b;background:#1b1b1b}.s105{fill:#f2b233;background:#f2b233}.s106{fill:#d9453b;background:#d9453b}
.s107{fill:#cdb6ea;background:#cdb6ea}
.stripe{fill:#f6f6f6}
.sep{stroke:#bbb}
.unlisted{stroke:#cfcfcf;stroke-dasharray:2 3}
.room-label,.row-label{text-anchor:end;font-size:11px}.row-label{fill:#555}.row-label.small{font-size:9.5px;fill:#888}
.room-label .id{fill:#999;font-size:9px}
g.k-first path,path.k-first{stroke:#1f5fbf;fill:none;stroke-width:1.2}
g.k-deep path,path.k-deep{fill:#8e44ad;stroke:none}
g.k-replay path,path.k-replay{fill:#e07b00;stroke:none}
g.k-token path,path.k-token{stroke:#555;fill:none;stroke-width:1.3}
g.k-quota path,path.k-quota{fill:#777;stroke:none}
g.calls path.fail,path.calls.fail{stroke:#d62728}
g.k-deep path.fail,g.k-replay path.fail,g.k-quota path.fail{fill:#d62728}
rect.k-first,.sw.k-first{fill:#1f5fbf;background:#1f5fbf}
rect.k-deep,.sw.k-deep{fill:#8e44ad;background:#8e44ad}
rect.k-replay,.sw.k-replay{fill:#e07b00;background:#e07b00}
.sw.k-token{background:#555}.sw.k-quota{background:#777}
.sw.even-sw{background:none;border:none;border-top:2px dashed #c0392b;height:0;width:22px}
.replay-mark{fill:#e07b00;stroke:#fff;stroke-width:.5}
.det path{stroke:#111;stroke-width:1.4;fill:none}.det circle{fill:#fff;stroke:#111;stroke-width:1.4}
.det.rule path{stroke-dasharray:3 2}
.missed path{stroke:#d62728;stroke-width:2.4;fill:none}
.lat{font-size:8.5px;fill:#111}
.even line{stroke:#c0392b;stroke-dasharray:5 4;stroke-width:1.3}.even text{fill:#c0392b;font-size:11px}
.cursor line{stroke:#000;stroke-width:.8;stroke-dasharray:3 2}
.cursor text{font-size:11px;font-weight:bold;text-anchor:middle;fill:#000;paint-order:stroke;stroke:#fff;stroke-width:3px}
footer{margin-top:28px;color:#888;font-size:12px}
)css";

// The timelines' hover cursor: a vertical line and the Beijing time under the mouse.
constexpr const char* kScript = R"js(
document.querySelectorAll("svg.timeline").forEach(function (svg) {
  var cursor = svg.querySelector(".cursor");
  var line = cursor.querySelector("line");
  var label = cursor.querySelector("text");
  var origin = Number(svg.dataset.origin), from = Number(svg.dataset.from), to = Number(svg.dataset.to);
  var x0 = Number(svg.dataset.x0), x1 = Number(svg.dataset.x1);
  function two(n) { return (n < 10 ? "0" : "") + n; }
  svg.addEventListener("mousemove", function (e) {
    var ctm = svg.getScreenCTM();
    if (!ctm) return;
    var p = new DOMPoint(e.clientX, e.clientY).matrixTransform(ctm.inverse());
    if (p.x < x0 || p.x > x1) { cursor.setAttribute("visibility", "hidden"); return; }
    var d = new Date((origin + from + (p.x - x0) / (x1 - x0) * (to - from) + 8 * 3600) * 1000);
    line.setAttribute("x1", p.x); line.setAttribute("x2", p.x);
    label.setAttribute("x", p.x);
    label.textContent = two(d.getUTCHours()) + ":" + two(d.getUTCMinutes()) + ":" + two(d.getUTCSeconds());
    cursor.setAttribute("visibility", "visible");
  });
  svg.addEventListener("mouseleave", function () { cursor.setAttribute("visibility", "hidden"); });
});
)js";

}  // namespace

std::string report_html(const scenario::Scenario& s, const std::vector<PlanResult>& results, std::size_t chosen) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>wxlived simulate report</title><style>";
  out += kStyle;
  out += "</style></head><body><main>\n<h1>wxlived simulate</h1>";
  if (results.empty()) {
    out += "<p class=\"sub\">No runs.</p></main></body></html>\n";
    return out;
  }
  if (chosen >= results.size()) chosen = 0;
  out += "<p class=\"sub\">" + std::to_string(results.size()) + " run" + (results.size() == 1 ? "" : "s") +
         " of the scenario; timeline of " + report::escape(report::run_key(results[chosen])) + "</p>\n";
  out += report::scenario_section(s, results[chosen]);
  out += report::runs_section(s, results, chosen);
  out += report::curve_section(results);
  out += report::timeline_section(s, results[chosen]);
  out += report::calls_section(s, results[chosen]);
  out += "<footer>wxlived " + std::string(kVersion) +
         ": one self-contained page (inline CSS and SVG, no network). Times are Beijing time (UTC+8).</footer>\n";
  out += "</main><script>";
  out += kScript;
  out += "</script></body></html>\n";
  return out;
}

}  // namespace wxlived::simulate
