#include "wxlived/admin/time_text.hpp"

#include <cctype>
#include <chrono>
#include <charconv>
#include <cstdio>
#include <string>

namespace wxlived::admin {

namespace {

using namespace std::chrono;

bool parse_int(std::string_view text, std::int64_t& out) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

bool digits(std::string_view text, std::size_t at, std::size_t n, int& out) {
  if (at + n > text.size()) return false;
  std::int64_t v = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  if (!parse_int(text.substr(at, n), v)) return false;
  out = static_cast<int>(v);
  return true;
}

}  // namespace

std::int64_t now_unix_ms() {
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string format_utc(std::int64_t unix_ms) {
  const sys_seconds t{seconds(unix_ms >= 0 ? unix_ms / 1000 : (unix_ms - 999) / 1000)};
  const sys_days day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{t - day};
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buffer;
}

std::string format_at_offset(std::int64_t unix_ms, int offset_minutes) {
  if (offset_minutes == 0) return format_utc(unix_ms);
  std::string text = format_utc(unix_ms + static_cast<std::int64_t>(offset_minutes) * 60 * 1000);
  text.pop_back();  // the Z
  const int minutes = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  char offset[16];
  std::snprintf(offset, sizeof offset, "%c%02d:%02d", offset_minutes < 0 ? '-' : '+', minutes / 60, minutes % 60);
  return text + offset;
}

std::optional<int> parse_utc_offset(std::string_view zone) {
  auto lower = [](std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  };
  const std::string z = lower(zone);
  if (z == "utc" || z == "z" || z == "+00:00") return 0;
  if (z == "beijing" || z == "asia/shanghai" || z == "cst") return 8 * 60;
  // [+-]HH:MM, at most 14 hours
  if (z.size() != 6 || (z[0] != '+' && z[0] != '-') || z[3] != ':') return std::nullopt;
  for (std::size_t i : {1u, 2u, 4u, 5u})
    if (z[i] < '0' || z[i] > '9') return std::nullopt;
  const int hours = (z[1] - '0') * 10 + (z[2] - '0');
  const int minutes = (z[4] - '0') * 10 + (z[5] - '0');
  if (hours > 14 || minutes > 59) return std::nullopt;
  const int total = hours * 60 + minutes;
  return z[0] == '-' ? -total : total;
}

std::string beijing_day(std::int64_t unix_ms) {
  return format_utc(unix_ms + 8 * 3600 * 1000).substr(0, 10);
}

std::optional<std::int64_t> parse_time(std::string_view text, std::int64_t now_ms) {
  std::int64_t n = 0;
  if (parse_int(text, n)) return n * 1000;
  if (text.size() >= 2) {
    const char unit = text.back();
    if (parse_int(text.substr(0, text.size() - 1), n) && n >= 0) {
      switch (unit) {
        case 's': return now_ms - n * 1000;
        case 'm': return now_ms - n * 60'000;
        case 'h': return now_ms - n * 3'600'000;
        case 'd': return now_ms - n * 86'400'000;
        default: break;
      }
    }
  }
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (!digits(text, 0, 4, y) || text.size() < 10 || text[4] != '-' || !digits(text, 5, 2, mo) || text[7] != '-' ||
      !digits(text, 8, 2, d)) {
    return std::nullopt;
  }
  const year_month_day ymd{year(y), month(static_cast<unsigned>(mo)), day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return std::nullopt;
  std::int64_t offset_s = 0;
  if (text.size() > 10) {
    if ((text[10] != 'T' && text[10] != 't' && text[10] != ' ') || !digits(text, 11, 2, h) || text.size() < 19 ||
        text[13] != ':' || !digits(text, 14, 2, mi) || text[16] != ':' || !digits(text, 17, 2, s) || h > 23 ||
        mi > 59 || s > 60) {
      return std::nullopt;
    }
    std::size_t at = 19;
    if (at < text.size() && text[at] == '.') {
      ++at;
      while (at < text.size() && text[at] >= '0' && text[at] <= '9') ++at;
    }
    std::string_view zone = text.substr(at);
    if (zone == "Z" || zone == "z") {
      offset_s = 0;
    } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
      int oh = 0, om = 0;
      if (!digits(zone, 1, 2, oh) || !digits(zone, 4, 2, om)) return std::nullopt;
      offset_s = (zone[0] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
    } else {
      return std::nullopt;
    }
  }
  const std::int64_t days_since_epoch = sys_days(ymd).time_since_epoch().count();
  return (days_since_epoch * 86400 + h * 3600 + mi * 60 + s - offset_s) * 1000;
}

std::string format_seconds(std::int64_t seconds, bool offset) {
  if (seconds == 0) return "0s";
  std::string out = seconds < 0 ? "-" : offset ? "+" : "";
  // The magnitude as unsigned: INT64_MIN has no positive int64.
  const std::uint64_t total =
      seconds < 0 ? 0 - static_cast<std::uint64_t>(seconds) : static_cast<std::uint64_t>(seconds);
  const std::uint64_t h = total / 3600;
  const std::uint64_t m = total / 60 % 60;
  const std::uint64_t s = total % 60;
  auto two = [](std::uint64_t v) { return (v < 10 ? "0" : "") + std::to_string(v); };
  if (h > 0) {
    out += std::to_string(h) + "h";
    if (m > 0 || s > 0) out += two(m) + "m";
    if (s > 0) out += two(s) + "s";
  } else if (m > 0) {
    out += std::to_string(m) + "m";
    if (s > 0) out += two(s) + "s";
  } else {
    out += std::to_string(s) + "s";
  }
  return out;
}

}  // namespace wxlived::admin
