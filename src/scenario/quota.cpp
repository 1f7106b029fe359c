#include "wxlived/scenario/quota.hpp"

#include <algorithm>
#include <cstdio>

#include "civil_days.hpp"

namespace wxlived::scenario {
namespace {
constexpr std::int64_t beijing_offset_s = 8 * 3600;
}

std::int64_t beijing_day(UnixSeconds unix_seconds) noexcept {
  return civil::floor_div(unix_seconds + beijing_offset_s, 86400);
}

std::string beijing_date(UnixSeconds unix_seconds) {
  const civil::Date d = civil::civil_from_days(beijing_day(unix_seconds));
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(d.year), d.month, d.day);
  return buf;
}

UnixSeconds next_beijing_midnight(UnixSeconds unix_seconds) noexcept {
  return (beijing_day(unix_seconds) + 1) * 86400 - beijing_offset_s;
}

bool DailyCallCount::try_spend(UnixSeconds now, std::int64_t daily_quota) noexcept {
  const std::int64_t today = beijing_day(now);
  if (today != day) {  // a new Beijing day: the quota resets at 00:00 UTC+8
    day = today;
    used = 0;
  }
  if (used >= daily_quota) return false;
  ++used;
  return true;
}

std::int64_t DailyCallCount::used_on(UnixSeconds now) const noexcept {
  return beijing_day(now) == day ? used : 0;
}

std::int64_t DailyCallCount::remaining_on(UnixSeconds now, std::int64_t daily_quota) const noexcept {
  return std::max<std::int64_t>(0, daily_quota - used_on(now));
}

}  // namespace wxlived::scenario
