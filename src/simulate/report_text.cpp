// Text helpers of the HTML report: escaping, shortening, numbers and
// Beijing-time labels.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "report_parts.hpp"

#include "wxlived/engine/status.hpp"
#include "wxlived/log/utf8.hpp"

namespace wxlived::simulate::report {

std::string escape(std::string_view text) {
  const std::string valid = log::valid_utf8(std::string(text));
  std::string out;
  out.reserve(valid.size() + valid.size() / 8);
  for (const char c : valid) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '\t':
      case '\n': out += c; break;
      default:
        if (byte < 0x20 || byte == 0x7f) {
          out += "\xEF\xBF\xBD";  // U+FFFD: a control character has no place in a label
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string shorten(std::string_view text, std::size_t max_chars) {
  const std::string valid = log::valid_utf8(std::string(text));
  std::size_t chars = 0;
  for (std::size_t i = 0; i < valid.size(); ++i) {
    const auto byte = static_cast<unsigned char>(valid[i]);
    if ((byte & 0xC0) == 0x80) continue;  // a continuation byte
    if (chars == max_chars) return valid.substr(0, i) + "\xE2\x80\xA6";  // …
    ++chars;
  }
  return valid;
}

std::string num(double value, int decimals) {
  if (!std::isfinite(value)) return "0";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  std::string out(buffer);
  if (out.find('.') != std::string::npos) {
    while (out.back() == '0') out.pop_back();
    if (out.back() == '.') out.pop_back();
  }
  if (out == "-0") out = "0";
  return out;
}

namespace {

std::tm beijing_tm(const scenario::Scenario& s, double t_rel) {
  const auto t = static_cast<std::time_t>(std::floor(static_cast<double>(s.origin_unix) + t_rel)) + 8 * 3600;
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm;
}

}  // namespace

std::string beijing_clock(const scenario::Scenario& s, double t_rel, bool seconds, bool with_date) {
  const std::tm tm = beijing_tm(s, t_rel);
  char buffer[64];
  if (with_date) {
    std::snprintf(buffer, sizeof buffer, seconds ? "%02d-%02d %02d:%02d:%02d" : "%02d-%02d %02d:%02d",
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  } else {
    std::snprintf(buffer, sizeof buffer, seconds ? "%02d:%02d:%02d" : "%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
  }
  return buffer;
}

std::string beijing_datetime(const scenario::Scenario& s, double t_rel) {
  const std::tm tm = beijing_tm(s, t_rel);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d %02d:%02d:%02d +08:00", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buffer;
}

std::string duration_text(double seconds) {
  const auto total = static_cast<std::int64_t>(std::llround(seconds));
  if (total < 60) return std::to_string(total) + " s";
  if (total % 86400 == 0) return std::to_string(total / 86400) + " d";
  const std::int64_t h = total / 3600;
  const std::int64_t m = total % 3600 / 60;
  const std::int64_t sec = total % 60;
  std::string out;
  if (h > 0) out += std::to_string(h) + " h";
  if (m > 0) out += (out.empty() ? "" : " ") + std::to_string(m) + " min";
  if (sec > 0 && h == 0) out += (out.empty() ? "" : " ") + std::to_string(sec) + " s";
  return out;
}

std::vector<double> nice_ticks(double lo, double hi, int target) {
  std::vector<double> out;
  if (!(hi > lo) || target < 1) {
    out.push_back(lo);
    return out;
  }
  const double raw = (hi - lo) / target;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (const double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    step = m * magnitude;
    if (raw <= step) break;
  }
  // From the last multiple of step at or below lo to the first at or above hi.
  const double first = std::floor(lo / step + 1e-9);
  const double last = std::ceil(hi / step - 1e-9);
  for (double k = first; k <= last; k += 1) out.push_back(k == 0 ? 0.0 : k * step);
  return out;
}

std::string status_name(int code) {
  std::string name(engine::status_name(code));  // "not_started" reads "not started" on the page
  std::replace(name.begin(), name.end(), '_', ' ');
  return name;
}

}  // namespace wxlived::simulate::report
