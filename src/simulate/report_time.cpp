// The report's shared time axis (timeline and calls chart line up) and the
// kinds of calls it draws.
#include <cmath>

#include "report_parts.hpp"

namespace wxlived::simulate::report {

CallKind call_kind(const CallLine& c) {
  if (c.api == "list") return c.start > 0 ? CallKind::list_deep : CallKind::list_first;
  if (c.api == "replay") return CallKind::replay;
  if (c.api == "token") return CallKind::token;
  return CallKind::quota;
}

std::string_view call_kind_name(CallKind k) {
  switch (k) {
    case CallKind::list_first: return "list, first page";
    case CallKind::list_deep: return "list, deeper page";
    case CallKind::replay: return "replay";
    case CallKind::token: return "token";
    case CallKind::quota: return "quota API";
  }
  return "other";
}

const char* call_kind_class(CallKind k) {
  switch (k) {
    case CallKind::list_first: return "k-first";
    case CallKind::list_deep: return "k-deep";
    case CallKind::replay: return "k-replay";
    case CallKind::token: return "k-token";
    case CallKind::quota: return "k-quota";
  }
  return "";
}

double call_t(const scenario::Scenario& s, const CallLine& c) {
  return static_cast<double>(c.at - s.origin_unix * engine::kSecond) / static_cast<double>(engine::kSecond);
}

TimeScale page_time_scale(const scenario::Scenario& s, double from, double to) {
  (void)s;
  TimeScale ts;
  ts.from = from;
  ts.to = to > from ? to : from + 1;
  ts.x0 = kLabelWidth;
  ts.x1 = kPageWidth - 24;
  return ts;
}

TimeScale page_time_scale(const scenario::Scenario& s) {
  return page_time_scale(s, 0, s.duration_s > 0 ? static_cast<double>(s.duration_s) : 1.0);
}

std::string time_axis(const scenario::Scenario& s, const TimeScale& ts, double top, double bottom, double label_y) {
  // The smallest Beijing-clock step that leaves room for a label.
  static constexpr std::int64_t kSteps[] = {60,   120,   300,   600,   900,   1800,  3600,
                                            7200, 10800, 21600, 43200, 86400, 172800, 604800};
  const double px_per_s = (ts.x1 - ts.x0) / ts.span();
  std::int64_t step = kSteps[std::size(kSteps) - 1];
  for (const std::int64_t candidate : kSteps) {
    if (static_cast<double>(candidate) * px_per_s >= 44) {
      step = candidate;
      break;
    }
  }
  const std::int64_t shift = s.origin_unix + 8 * 3600;  // Beijing wall clock of t = 0
  const auto from = static_cast<std::int64_t>(std::ceil(ts.from));
  const std::int64_t first = ((shift + from + step - 1) / step) * step - shift;
  std::string out = "<g class=\"axis\">";
  const auto to = static_cast<std::int64_t>(std::floor(ts.to));
  for (std::int64_t t = first; t <= to; t += step) {
    const double x = ts.x(static_cast<double>(t));
    const bool midnight = (shift + t) % 86400 == 0;
    out += "<line class=\"" + std::string(midnight ? "grid day" : "grid") + "\" x1=\"" + num(x) + "\" x2=\"" + num(x) +
           "\" y1=\"" + num(top) + "\" y2=\"" + num(bottom) + "\"/>";
    const std::string label =
        midnight && t > 0 ? beijing_clock(s, static_cast<double>(t), false, true).substr(0, 5) : beijing_clock(s, static_cast<double>(t), false, false);
    out += "<text class=\"tick\" x=\"" + num(x) + "\" y=\"" + num(label_y) + "\">" + label + "</text>";
  }
  out += "</g>";
  return out;
}

}  // namespace wxlived::simulate::report
