// The chosen run's timeline: the calls spent (one row per kind), one lane per
// room with its true statuses as coloured segments and every change drawn to
// its detection, and, past kAggregateAbove rooms, the rooms without a change
// folded into one band of counts per status. Drawn over the whole window and,
// when the changes keep to a part of it, once more over just those hours.
#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <optional>
#include <set>

#include "report_parts.hpp"
#include "wxlived/scenario/truth.hpp"

namespace wxlived::simulate::report {
namespace {

// More rooms than this in the window: only rooms with a change get a lane.
constexpr std::size_t kAggregateAbove = 60;
// More lanes than this: one view only, segments without tooltips and short
// tooltips on changes, so that the page stays small (1,000 rooms that all
// change in one evening: about 1 MB).
constexpr std::size_t kLeanAbove = 200;
// The zoomed view exists when the time with changes is at most this share of the window.
constexpr double kZoomShare = 0.6;
// Latencies are written out when an hour is at least this wide.
constexpr double kLabelPxPerHour = 90;
constexpr double kCallRow = 14;
constexpr double kLane = 18;
constexpr double kBar = 10;
constexpr double kBand = 44;
constexpr int kBandBuckets = 480;
constexpr int kStatuses[] = {101, 102, 103, 104, 105, 106, 107};

struct Segment {
  double from = 0;
  double to = 0;
  int status = 102;
};

// The room's true status over the part of [from, to] it is listed in.
std::vector<Segment> segments_of(const scenario::Scenario& s, const scenario::Room& room, double from, double to) {
  std::vector<Segment> out;
  const double lo = std::max(from, static_cast<double>(room.created_at));
  const double hi = std::min(to, room.deleted_at ? static_cast<double>(*room.deleted_at) : to);
  if (!(hi > lo)) return out;
  Segment current{lo, hi, scenario::code(scenario::status_at(s, room, static_cast<scenario::Seconds>(std::floor(lo))))};
  for (const scenario::Transition& t : scenario::transitions(s, room)) {
    const auto at = static_cast<double>(t.t);
    if (at <= lo || at >= hi) continue;
    current.to = at;
    out.push_back(current);
    current = Segment{at, hi, scenario::code(t.to)};
  }
  out.push_back(current);
  return out;
}

std::string status_text(int code) { return std::to_string(code) + " " + status_name(code); }

// One tick of a call row: its shape at (x, row top).
std::string tick_shape(CallKind kind, double x, double top) {
  const std::string xs = num(x);
  switch (kind) {
    case CallKind::list_first: return "M" + xs + " " + num(top + 1) + "v" + num(kCallRow - 3);
    case CallKind::list_deep: return "M" + num(x - 3) + " " + num(top + 3) + "h6l-3 7z";
    case CallKind::replay: return "M" + xs + " " + num(top + 2) + "l3.5 4.5-3.5 4.5-3.5-4.5z";
    case CallKind::token: return "M" + num(x - 3) + " " + num(top + 3) + "l6 6m0-6l-6 6";
    case CallKind::quota: return "M" + num(x - 2.5) + " " + num(top + 4) + "h5v5h-5z";
  }
  return {};
}

std::string latency_text(double seconds) {
  if (seconds < 600) return num(seconds, 0) + " s";
  return duration_text(seconds);
}

// What both views draw: the rooms with a lane (in start order) and the rest.
struct Lanes {
  std::map<std::int64_t, std::vector<const GradedTransition*>> changes;  // by room
  std::vector<const scenario::Room*> lanes;
  std::vector<const scenario::Room*> folded;
  std::size_t listed = 0;
  bool aggregate = false;
};

Lanes pick_lanes(const scenario::Scenario& s, const PlanResult& chosen) {
  Lanes out;
  for (const GradedTransition& t : chosen.grade.transitions) out.changes[t.room_id].push_back(&t);
  std::vector<const scenario::Room*> window_rooms;
  for (const scenario::Room& room : s.rooms) {
    if (listed_in_window(s, room)) window_rooms.push_back(&room);
  }
  out.listed = window_rooms.size();
  out.aggregate = window_rooms.size() > kAggregateAbove;
  for (const scenario::Room* room : window_rooms) {
    (!out.aggregate || out.changes.contains(room->roomid) ? out.lanes : out.folded).push_back(room);
  }
  std::stable_sort(out.lanes.begin(), out.lanes.end(), [](const scenario::Room* a, const scenario::Room* b) {
    return a->start_time != b->start_time ? a->start_time < b->start_time : a->roomid < b->roomid;
  });
  return out;
}

// The Beijing hours (or, for a short stretch, minutes) around every change
// and its detection, when they are a small enough part of the window to be
// worth a view of their own.
std::optional<std::pair<double, double>> busy_hours(const scenario::Scenario& s, const PlanResult& chosen) {
  if (chosen.grade.transitions.empty()) return std::nullopt;
  double lo = 1e300;
  double hi = -1e300;
  for (const GradedTransition& t : chosen.grade.transitions) {
    lo = std::min(lo, static_cast<double>(t.changed_at_s));
    hi = std::max(hi, static_cast<double>(t.detected_at_s.value_or(t.changed_at_s)));
  }
  const auto duration = static_cast<double>(s.duration_s);
  // Whole Beijing hours with half an hour either side; when that is under an
  // hour (the window ends soon after), whole minutes with a tenth of the
  // span (at least a minute) either side, so a few busy minutes at the end
  // of a long window still get a readable view.
  auto rounded = [&](double unit, double pad) {
    const double shift = static_cast<double>((s.origin_unix + 8 * 3600) % static_cast<std::int64_t>(unit));
    return std::make_pair(std::max(std::floor((lo - pad + shift) / unit) * unit - shift, 0.0),
                          std::min(std::ceil((hi + pad + shift) / unit) * unit - shift, duration));
  };
  auto view = rounded(3600, 1800);
  if (view.second - view.first < 3600) view = rounded(60, std::max(60.0, 0.1 * (hi - lo)));
  if (view.second - view.first > kZoomShare * duration || view.second - view.first < 120) return std::nullopt;
  return view;
}

std::string draw_timeline(const scenario::Scenario& s, const PlanResult& chosen, const Lanes& picked,
                          const TimeScale& ts, const std::string& id) {
  const std::vector<CallLine>& calls = chosen.run.calls;
  const auto& lanes = picked.lanes;
  const auto& folded = picked.folded;
  const bool lean = lanes.size() > kLeanAbove;
  const bool latency_labels = (ts.x1 - ts.x0) / ts.span() * 3600 >= kLabelPxPerHour;

  // Call rows: the kinds this run used, list pages always.
  std::map<CallKind, std::int64_t> kind_count;
  for (const CallLine& c : calls) {
    if (ts.contains(call_t(s, c))) ++kind_count[call_kind(c)];
  }
  std::vector<CallKind> rows = {CallKind::list_first, CallKind::list_deep, CallKind::replay, CallKind::token};
  if (kind_count.contains(CallKind::quota)) rows.push_back(CallKind::quota);

  const double axis_top = 22;
  const double calls_top = axis_top + 6;
  const double lanes_top = calls_top + kCallRow * static_cast<double>(rows.size()) + 12;
  const double lanes_bottom = lanes_top + kLane * static_cast<double>(lanes.size());
  const double band_top = lanes_bottom + (folded.empty() ? 0 : 8);
  const double band_bottom = band_top + (folded.empty() ? 0 : kBand);
  const double bottom = band_bottom + 6;
  const double height = bottom + 24;

  std::string svg = "<svg class=\"chart timeline\" id=\"" + id + "\" viewBox=\"0 0 " + num(kPageWidth) + " " +
                    num(height) + "\" data-origin=\"" + std::to_string(s.origin_unix) + "\" data-from=\"" +
                    num(ts.from) + "\" data-to=\"" + num(ts.to) + "\" data-x0=\"" + num(ts.x0) + "\" data-x1=\"" +
                    num(ts.x1) + "\" data-lanes=\"" + std::to_string(lanes.size()) + "\" data-folded=\"" +
                    std::to_string(folded.size()) + "\" role=\"img\" aria-label=\"timeline of the chosen run\">";
  // Lane backgrounds first, so that the grid and the marks draw over them.
  for (std::size_t i = 1; i < lanes.size(); i += 2) {
    svg += "<rect class=\"stripe\" x=\"0\" width=\"" + num(kPageWidth) + "\" y=\"" +
           num(lanes_top + kLane * static_cast<double>(i)) + "\" height=\"" + num(kLane) + "\"/>";
  }
  svg += time_axis(s, ts, axis_top, bottom, 14);
  svg += time_axis(s, ts, bottom, bottom, bottom + 16);

  // Calls: one path per (kind, ok or failed); ticks that fall on the same
  // half pixel are drawn once.
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const CallKind kind = rows[r];
    const double top = calls_top + kCallRow * static_cast<double>(r);
    std::set<long> ok_at;
    std::set<long> failed_at;
    std::int64_t failed = 0;
    for (const CallLine& c : calls) {
      const double t = call_t(s, c);
      if (call_kind(c) != kind || !ts.contains(t)) continue;
      const long half_px = std::lround(ts.x(t) * 2);
      if (c.outcome == "ok") {
        ok_at.insert(half_px);
      } else {
        failed_at.insert(half_px);
        ++failed;
      }
    }
    const auto count = kind_count.contains(kind) ? kind_count.at(kind) : 0;
    svg += "<text class=\"row-label\" x=\"" + num(ts.x0 - 8) + "\" y=\"" + num(top + kCallRow - 3) + "\">" +
           std::string(call_kind_name(kind)) + " (" + std::to_string(count) + ")</text>";
    std::string ok_path;
    for (const long p : ok_at) ok_path += tick_shape(kind, static_cast<double>(p) / 2, top);
    std::string failed_path;
    for (const long p : failed_at) failed_path += tick_shape(kind, static_cast<double>(p) / 2, top);
    svg += "<g class=\"calls " + std::string(call_kind_class(kind)) + "\" data-kind=\"" + call_kind_class(kind) + "\"><title>" +
           std::string(call_kind_name(kind)) + ": " + std::to_string(count) + " calls, " + std::to_string(failed) +
           " failed (red)</title>";
    if (!ok_path.empty()) svg += "<path d=\"" + ok_path + "\"/>";
    if (!failed_path.empty()) svg += "<path class=\"fail\" d=\"" + failed_path + "\"/>";
    svg += "</g>";
  }
  svg += "<line class=\"sep\" x1=\"0\" x2=\"" + num(kPageWidth) + "\" y1=\"" + num(lanes_top - 6) + "\" y2=\"" +
         num(lanes_top - 6) + "\"/>";

  // Room lanes.
  std::map<std::int64_t, std::size_t> lane_of;
  for (std::size_t i = 0; i < lanes.size(); ++i) lane_of[lanes[i]->roomid] = i;
  std::map<std::size_t, std::string> replay_marks;
  for (const CallLine& c : calls) {
    const auto lane = lane_of.find(c.room_id);
    if (call_kind(c) != CallKind::replay || lane == lane_of.end() || !ts.contains(call_t(s, c))) continue;
    const double y = lanes_top + kLane * static_cast<double>(lane->second) + 1;
    replay_marks[lane->second] += "M" + num(ts.x(call_t(s, c))) + " " + num(y) + "l2.5 3-2.5 3-2.5-3z";
  }
  for (std::size_t i = 0; i < lanes.size(); ++i) {
    const scenario::Room& room = *lanes[i];
    const double lane_y = lanes_top + kLane * static_cast<double>(i);
    const double bar_y = lane_y + (kLane - kBar) / 2;
    const double mid = lane_y + kLane / 2;
    svg += "<g class=\"lane\" data-room=\"" + std::to_string(room.roomid) + "\">";
    const std::string label = shorten(room.name, 26);
    std::string about;
    if (!lean) {
      about = escape(room.name) + " (room " + std::to_string(room.roomid) + ", anchor " + escape(room.anchor_name) +
              "), planned " + beijing_clock(s, static_cast<double>(room.start_time), false, true) + " to " +
              beijing_clock(s, static_cast<double>(room.end_time), false, true);
    } else if (label != room.name) {
      about = escape(room.name);
    }
    svg += "<text class=\"room-label\" x=\"" + num(ts.x0 - 8) + "\" y=\"" + num(mid + 4) + "\">" +
           (about.empty() ? "" : "<title>" + about + "</title>") + escape(label) + " <tspan class=\"id\">" +
           std::to_string(room.roomid) + "</tspan></text>";
    svg += "<line class=\"unlisted\" x1=\"" + num(ts.x0) + "\" x2=\"" + num(ts.x1) + "\" y1=\"" + num(mid) +
           "\" y2=\"" + num(mid) + "\"/>";
    for (const Segment& seg : segments_of(s, room, ts.from, ts.to)) {
      const double x = ts.x(seg.from);
      const double w = std::max(ts.x(seg.to) - x, 0.5);
      svg += "<rect class=\"s" + std::to_string(seg.status) + "\" x=\"" + num(x) + "\" y=\"" + num(bar_y) +
             "\" width=\"" + num(w) + "\" height=\"" + num(kBar) + "\">";
      if (!lean) {
        svg += "<title>" + status_text(seg.status) + ", " + beijing_clock(s, seg.from, true, false) + " to " +
               beijing_clock(s, seg.to, true, false) + " (" + duration_text(seg.to - seg.from) + ")</title>";
      }
      svg += "</rect>";
    }
    if (const auto marks = replay_marks.find(i); marks != replay_marks.end()) {
      svg += "<path class=\"replay-mark\" d=\"" + marks->second + "\"><title>replay calls for this room</title></path>";
    }
    // Each change: a tick at the true time, a line to the detection and its
    // latency; a cross when missed.
    const auto mine = picked.changes.find(room.roomid);
    if (mine == picked.changes.end()) {
      svg += "</g>";
      continue;
    }
    const auto& list = mine->second;
    for (std::size_t k = 0; k < list.size(); ++k) {
      const GradedTransition& t = *list[k];
      if (!ts.contains(static_cast<double>(t.changed_at_s))) continue;
      const double x = ts.x(static_cast<double>(t.changed_at_s));
      // The lane's label names the room; a lean page keeps the rest short.
      std::string tip = lean ? std::to_string(t.from) + "\u2192" + std::to_string(t.to) + " " + escape(t.kind) + " " +
                                   beijing_clock(s, static_cast<double>(t.changed_at_s), true, false)
                             : escape(shorten(room.name, 40)) + ": " + status_text(t.from) + " \u2192 " +
                                   status_text(t.to) + " (" + escape(t.kind) +
                                   (t.by_rule ? ", by WeChat's rule" : "") + ") at " +
                                   beijing_clock(s, static_cast<double>(t.changed_at_s), true, false);
      if (!t.detected_at_s) {
        svg += "<g class=\"missed\"><title>" + tip + ", missed</title><path d=\"M" + num(x - 4) + " " + num(mid - 4) +
               "l8 8m0-8l-8 8\"/></g>";
        continue;
      }
      const auto latency = static_cast<double>(*t.detected_at_s - t.changed_at_s);
      const double xd = std::min(ts.x(static_cast<double>(*t.detected_at_s)), ts.x1);
      tip += lean ? " +" + num(latency, 0) + " s"
                  : ", detected " + beijing_clock(s, static_cast<double>(*t.detected_at_s), true, false) +
                        ", latency " + num(latency, 0) + " s";
      svg += "<g class=\"det" + std::string(t.by_rule ? " rule" : "") + "\"><title>" + tip + "</title><path d=\"M" +
             num(x) + " " + num(bar_y - 1) + "v" + num(kBar + 2) + "M" + num(x) + " " + num(mid) + "H" + num(xd) +
             "\"/><circle cx=\"" + num(xd) + "\" cy=\"" + num(mid) + "\" r=\"2.6\"/></g>";
      // The latency as text where the hours are wide and the lane has room
      // for it before the next change.
      const double next_x = k + 1 < list.size() ? ts.x(static_cast<double>(list[k + 1]->changed_at_s)) : ts.x1 + 40;
      if (latency_labels && next_x - xd >= 34 && xd + 30 <= kPageWidth) {
        svg += "<text class=\"lat\" x=\"" + num(xd + 4) + "\" y=\"" + num(bar_y - 1) + "\">" + latency_text(latency) +
               "</text>";
      }
    }
    svg += "</g>";
  }

  // The folded rooms: how many are in each status, stacked, over time.
  if (!folded.empty()) {
    std::vector<std::array<int, 7>> counts(kBandBuckets, std::array<int, 7>{});
    const double bucket_s = ts.span() / kBandBuckets;
    auto bucket_mid = [&](int b) { return ts.from + (b + 0.5) * bucket_s; };
    for (const scenario::Room* room : folded) {
      for (const Segment& seg : segments_of(s, *room, ts.from, ts.to)) {
        const auto index = static_cast<std::size_t>(
            std::find(std::begin(kStatuses), std::end(kStatuses), seg.status) - std::begin(kStatuses));
        if (index >= 7) continue;
        for (int b = std::max(0, static_cast<int>(std::floor((seg.from - ts.from) / bucket_s - 0.5)));
             b < kBandBuckets && bucket_mid(b) < seg.to; ++b) {
          if (bucket_mid(b) >= seg.from) ++counts[static_cast<std::size_t>(b)][index];
        }
      }
    }
    int peak = 1;
    for (const auto& c : counts) {
      int total = 0;
      for (const int n : c) total += n;
      peak = std::max(peak, total);
    }
    std::string summary;
    for (std::size_t k = 0; k < 7; ++k) {
      const int n = counts[kBandBuckets / 2][k];
      if (n > 0) summary += (summary.empty() ? "" : ", ") + status_text(kStatuses[k]) + ": " + std::to_string(n);
    }
    svg += "<g class=\"band\" data-folded=\"" + std::to_string(folded.size()) + "\"><title>" +
           std::to_string(folded.size()) + " rooms without a change in the window (in the middle of the view: " +
           summary + ")</title>";
    svg += "<text class=\"room-label\" x=\"" + num(ts.x0 - 8) + "\" y=\"" + num(band_top + kBand / 2) + "\">" +
           std::to_string(folded.size()) + " rooms without a change</text>";
    svg += "<text class=\"row-label small\" x=\"" + num(ts.x0 - 8) + "\" y=\"" + num(band_top + kBand / 2 + 13) +
           "\">count per status, stacked</text>";
    int b = 0;
    while (b < kBandBuckets) {
      int e = b + 1;
      while (e < kBandBuckets && counts[static_cast<std::size_t>(e)] == counts[static_cast<std::size_t>(b)]) ++e;
      const double from = ts.from + b * bucket_s;
      const double to = ts.from + e * bucket_s;
      double y = band_bottom;
      for (std::size_t k = 0; k < 7; ++k) {
        const int n = counts[static_cast<std::size_t>(b)][k];
        if (n == 0) continue;
        const double h = kBand * n / peak;
        y -= h;
        svg += "<rect class=\"s" + std::to_string(kStatuses[k]) + "\" x=\"" + num(ts.x(from)) + "\" y=\"" + num(y) +
               "\" width=\"" + num(ts.x(to) - ts.x(from)) + "\" height=\"" + num(h) + "\"><title>" +
               status_text(kStatuses[k]) + ": " + std::to_string(n) + " rooms, " + beijing_clock(s, from, false, false) +
               " to " + beijing_clock(s, to, false, false) + "</title></rect>";
      }
      b = e;
    }
    svg += "</g>";
  }
  // The hover cursor (moved by the page's script).
  svg += "<g class=\"cursor\" visibility=\"hidden\"><line x1=\"0\" x2=\"0\" y1=\"" + num(axis_top) + "\" y2=\"" +
         num(bottom) + "\"/><text x=\"0\" y=\"" + num(axis_top - 4) + "\"></text></g>";
  svg += "</svg>";
  return svg;
}

std::string legend() {
  std::string out = "<div class=\"legend\"><span class=\"legend-title\">true status</span>";
  for (const int code : kStatuses) {
    out += "<span class=\"item\"><span class=\"sw s" + std::to_string(code) + "\"></span>" + status_text(code) + "</span>";
  }
  out += "</div><div class=\"legend\"><span class=\"legend-title\">calls</span>";
  for (const CallKind kind :
       {CallKind::list_first, CallKind::list_deep, CallKind::replay, CallKind::token, CallKind::quota}) {
    out += "<span class=\"item\"><svg class=\"icon\" viewBox=\"-6 0 12 14\"><path class=\"calls " +
           std::string(call_kind_class(kind)) + "\" d=\"" + tick_shape(kind, 0, 0) + "\"/></svg>" +
           std::string(call_kind_name(kind)) + "</span>";
  }
  out += "<span class=\"item\"><svg class=\"icon\" viewBox=\"-6 0 12 14\"><path class=\"calls k-first fail\" d=\"" +
         tick_shape(CallKind::list_first, 0, 0) + "\"/></svg>failed (no answer or an error code)</span>";
  out += "</div><div class=\"legend\"><span class=\"legend-title\">changes</span>"
         "<span class=\"item\"><svg class=\"icon wide\" viewBox=\"0 0 30 14\"><g class=\"det\"><path d=\"M4 1v12M4 7H24\"/>"
         "<circle cx=\"24\" cy=\"7\" r=\"2.6\"/></g></svg>true change \u2192 detection (the latency in the tooltip, "
         "and as text where the hours are wide)</span>"
         "<span class=\"item\"><svg class=\"icon wide\" viewBox=\"0 0 30 14\"><g class=\"det rule\"><path d=\"M4 1v12M4 7H24\"/>"
         "<circle cx=\"24\" cy=\"7\" r=\"2.6\"/></g></svg>by WeChat's rule (106 \u2192 103, 102 \u2192 107)</span>"
         "<span class=\"item\"><svg class=\"icon\" viewBox=\"0 0 14 14\"><g class=\"missed\"><path d=\"M3 3l8 8m0-8l-8 8\"/></g></svg>"
         "missed</span></div>";
  return out;
}

}  // namespace

std::string timeline_section(const scenario::Scenario& s, const PlanResult& chosen) {
  const Lanes picked = pick_lanes(s, chosen);
  const TimeScale whole = page_time_scale(s);
  const auto busy = busy_hours(s, chosen);
  const bool lean = picked.lanes.size() > kLeanAbove;

  std::int64_t missed = 0;
  for (const GradedTransition& t : chosen.grade.transitions) missed += t.detected_at_s ? 0 : 1;
  std::string out = "<section id=\"timeline\"><h2>Timeline: " + escape(run_key(chosen)) + "</h2>";
  out += "<p class=\"note\">x: Beijing time. One lane per room, in order of planned start: " +
         std::to_string(picked.lanes.size()) + " lane" + (picked.lanes.size() == 1 ? "" : "s") +
         (picked.aggregate ? " (" + std::to_string(picked.listed) + " rooms are listed, more than " +
                                 std::to_string(kAggregateAbove) + ": only the rooms with a change get one)"
                           : "") +
         "; " + std::to_string(chosen.grade.transitions.size()) + " changes, " + std::to_string(missed) +
         " missed. Hover for times and latencies." +
         (lean ? " More than " + std::to_string(kLeanAbove) +
                     " lanes: one view only and shorter tooltips, to keep the page small."
               : "") +
         "</p>";
  out += legend();
  if (lean) {
    const TimeScale view = busy ? page_time_scale(s, busy->first, busy->second) : whole;
    out += "<div class=\"scroll\">" + draw_timeline(s, chosen, picked, view, "timeline-svg") + "</div></section>\n";
    return out;
  }
  if (busy) {
    // Two views, switched without script: the radio buttons precede the views they show.
    out += "<input type=\"radio\" name=\"tl-view\" id=\"tl-view-whole\" class=\"view-switch\" checked>"
           "<label for=\"tl-view-whole\">the whole window (" + duration_text(whole.span()) + ")</label> "
           "<input type=\"radio\" name=\"tl-view\" id=\"tl-view-busy\" class=\"view-switch\">"
           "<label for=\"tl-view-busy\">" + beijing_clock(s, busy->first, false, false) + " to " +
           beijing_clock(s, busy->second, false, false) + ", the time with changes</label>";
  }
  out += "<div class=\"scroll view-whole\">" + draw_timeline(s, chosen, picked, whole, "timeline-svg") + "</div>";
  if (busy) {
    const TimeScale zoom = page_time_scale(s, busy->first, busy->second);
    out += "<div class=\"scroll view-busy\">" + draw_timeline(s, chosen, picked, zoom, "timeline-busy-svg") + "</div>";
  }
  out += "</section>\n";
  return out;
}

}  // namespace wxlived::simulate::report
