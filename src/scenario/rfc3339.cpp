#include "wxlived/scenario/rfc3339.hpp"

#include <cstdio>

#include "civil_days.hpp"

namespace wxlived::scenario {
namespace {

// Reads exactly n ASCII digits at pos, advancing it.
std::optional<int> read_digits(std::string_view text, std::size_t& pos, std::size_t n) {
  if (pos + n > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  pos += n;
  return value;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

}  // namespace

std::optional<UnixSeconds> parse_rfc3339(std::string_view text) noexcept {
  std::size_t pos = 0;
  const auto year = read_digits(text, pos, 4);
  if (!year || !expect(text, pos, '-')) return std::nullopt;
  const auto month = read_digits(text, pos, 2);
  if (!month || !expect(text, pos, '-')) return std::nullopt;
  const auto day = read_digits(text, pos, 2);
  if (!day || pos >= text.size() || (text[pos] != 'T' && text[pos] != 't')) return std::nullopt;
  ++pos;
  const auto hour = read_digits(text, pos, 2);
  if (!hour || !expect(text, pos, ':')) return std::nullopt;
  const auto minute = read_digits(text, pos, 2);
  if (!minute || !expect(text, pos, ':')) return std::nullopt;
  const auto second = read_digits(text, pos, 2);
  if (!second) return std::nullopt;
  if (*month < 1 || *month > 12) return std::nullopt;
  if (*day < 1 || static_cast<unsigned>(*day) > civil::days_in_month(*year, static_cast<unsigned>(*month))) {
    return std::nullopt;
  }
  if (*hour > 23 || *minute > 59 || *second > 59) return std::nullopt;

  if (pos < text.size() && text[pos] == '.') {  // whole seconds only: drop the fraction
    ++pos;
    const std::size_t first = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    if (pos == first) return std::nullopt;
  }

  std::int64_t offset_s = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    const auto off_h = read_digits(text, pos, 2);
    if (!off_h || !expect(text, pos, ':')) return std::nullopt;
    const auto off_m = read_digits(text, pos, 2);
    if (!off_m || *off_h > 23 || *off_m > 59) return std::nullopt;
    offset_s = sign * (*off_h * 3600 + *off_m * 60);
  } else {
    return std::nullopt;  // RFC 3339 requires an offset
  }
  if (pos != text.size()) return std::nullopt;

  const std::int64_t days = civil::days_from_civil(
      {*year, static_cast<unsigned>(*month), static_cast<unsigned>(*day)});
  return days * 86400 + *hour * 3600 + *minute * 60 + *second - offset_s;
}

std::string format_rfc3339_utc(UnixSeconds unix_seconds) {
  const std::int64_t days = civil::floor_div(unix_seconds, 86400);
  const auto secs = static_cast<unsigned>(unix_seconds - days * 86400);  // 0..86399
  const civil::Date d = civil::civil_from_days(days);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02uZ", static_cast<long long>(d.year), d.month, d.day,
                secs / 3600, secs / 60 % 60, secs % 60);
  return buf;
}

}  // namespace wxlived::scenario
