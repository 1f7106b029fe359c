#include "wxlived/engine/beijing_time.hpp"

#include <cstdio>

namespace wxlived::engine {
namespace {

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

// Howard Hinnant's civil_from_days.
void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = floor_div(z, 146097);
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
}

}  // namespace

std::int64_t beijing_day(Millis t) noexcept { return floor_div(t + kBeijingOffset, kDay); }

Millis next_beijing_midnight(Millis t) noexcept { return (beijing_day(t) + 1) * kDay - kBeijingOffset; }

std::string beijing_date(Millis t) {
  std::int64_t y = 0;
  unsigned m = 0;
  unsigned d = 0;
  civil_from_days(beijing_day(t), y, m, d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  return buf;
}

std::string rfc3339_utc(Millis t) {
  const std::int64_t secs = floor_div(t, kSecond);
  const std::int64_t days = floor_div(secs, 86400);
  const std::int64_t rem = secs - days * 86400;
  std::int64_t y = 0;
  unsigned m = 0;
  unsigned d = 0;
  civil_from_days(days, y, m, d);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ", static_cast<long long>(y), m, d,
                static_cast<long long>(rem / 3600), static_cast<long long>(rem / 60 % 60),
                static_cast<long long>(rem % 60));
  return buf;
}

}  // namespace wxlived::engine
