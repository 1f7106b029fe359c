#pragma once
// The pieces of report_html() (report_html.cpp puts the page together):
// text helpers for HTML and SVG, and one function per section of the page.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "wxlived/simulate/planning.hpp"

namespace wxlived::simulate::report {

// ---- text (report_text.cpp) ----

// Text for HTML content and attribute values, inline SVG included: valid
// UTF-8 (invalid bytes become U+FFFD), control characters other than tab
// and newline become U+FFFD, and & < > " ' are escaped.
std::string escape(std::string_view text);
// At most `max_chars` code points of valid UTF-8, "…" at the end when cut.
std::string shorten(std::string_view text, std::size_t max_chars);
// A coordinate or a figure: at most `decimals` decimals, trailing zeros dropped.
std::string num(double value, int decimals = 1);
// Beijing wall-clock time of `t_rel` seconds after the scenario's origin:
// "HH:MM" or "HH:MM:SS", preceded by "MM-DD " when with_date.
std::string beijing_clock(const scenario::Scenario& s, double t_rel, bool seconds, bool with_date);
// "2026-11-24 00:00:00 +08:00"
std::string beijing_datetime(const scenario::Scenario& s, double t_rel);
// A duration as "3 h 20 min", "45 s", "2 d".
std::string duration_text(double seconds);
// Round-number ticks (about `target` of them) from the last at or below lo
// to the first at or above hi.
std::vector<double> nice_ticks(double lo, double hi, int target);
// "live", "not started", ... for 101..107.
std::string status_name(int code);

// ---- the runs ----

// The value of a dotted path ("latency_s.p50") in a run's JSON, exactly as
// the JSON prints it: integers as integers, doubles as the JSON writer
// prints them ("52.0"), strings without quotes, null as "null"; empty when
// the path is absent.
std::string json_token(const std::string& json, std::string_view path);
// A number at a dotted path of a run's JSON (0 when absent or not a number).
double json_number(const std::string& json, std::string_view path);

// The run's daily quota: the JSON's "daily_quota" when it carries one,
// else the plan's.
std::int64_t run_quota(const PlanResult& r);
// "adaptive@500": the data-run attribute of the run's figures.
std::string run_key(const PlanResult& r);
// Beijing days the scenario window touches (the budget is quota x days).
std::int64_t window_days(const scenario::Scenario& s);
// Whether the room is listed at some time of the window.
bool listed_in_window(const scenario::Scenario& s, const scenario::Room& room);

// ---- sections (one file each) ----

std::string scenario_section(const scenario::Scenario& s, const PlanResult& chosen);  // report_runs.cpp
std::string runs_section(const scenario::Scenario& s, const std::vector<PlanResult>& results,
                         std::size_t chosen);                                          // report_runs.cpp
std::string curve_section(const std::vector<PlanResult>& results);                     // report_curve.cpp
std::string timeline_section(const scenario::Scenario& s, const PlanResult& chosen);   // report_timeline.cpp
std::string calls_section(const scenario::Scenario& s, const PlanResult& chosen);      // report_calls.cpp

// ---- shared by the timeline and the calls chart ----

// Where a call goes on the page.
enum class CallKind { list_first, list_deep, replay, token, quota };
CallKind call_kind(const CallLine& c);
std::string_view call_kind_name(CallKind k);  // "list, first page", ...
const char* call_kind_class(CallKind k);      // the CSS class of its colour: "k-first", ...
// Seconds of the call relative to the origin.
double call_t(const scenario::Scenario& s, const CallLine& c);

// The horizontal time scale of the timeline and the calls chart: seconds
// [from, to] relative to the origin onto [x0, x1]. The whole window's scale
// is the same for both, so that they line up.
struct TimeScale {
  double from = 0;
  double to = 1;
  double x0 = 0;
  double x1 = 1;
  double x(double t) const { return x0 + (x1 - x0) * (t - from) / (to - from); }
  double span() const { return to - from; }
  bool contains(double t) const { return t >= from && t <= to; }
};
inline constexpr double kPageWidth = 1360;
inline constexpr double kLabelWidth = 230;
TimeScale page_time_scale(const scenario::Scenario& s, double from, double to);
TimeScale page_time_scale(const scenario::Scenario& s);  // the whole window
// Vertical hour lines and Beijing-time labels along a time axis at label_y,
// lines from top to bottom.
std::string time_axis(const scenario::Scenario& s, const TimeScale& ts, double top, double bottom, double label_y);

}  // namespace wxlived::simulate::report
