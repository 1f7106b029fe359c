#pragma once
// WeChat's daily call quota: every getliveinfo call (list or replay) counts,
// and the day is a Beijing-time day (UTC+8, no DST).
#include <cstdint>
#include <limits>
#include <string>

#include "wxlived/scenario/scenario.hpp"

namespace wxlived::scenario {

// Days since 1970-01-01 in UTC+8 (floor division, so times before 1970 work too).
std::int64_t beijing_day(UnixSeconds unix_seconds) noexcept;
// "2026-11-24" for that Beijing day.
std::string beijing_date(UnixSeconds unix_seconds);
// The unix time the Beijing day after unix_seconds' day begins.
UnixSeconds next_beijing_midnight(UnixSeconds unix_seconds) noexcept;

// Calls admitted in the current Beijing day. A tiny value: the fake server
// holds one and asks it about each call.
struct DailyCallCount {
  std::int64_t day = std::numeric_limits<std::int64_t>::min();
  std::int64_t used = 0;

  // Counts the call and returns true if the quota allows it; returns false
  // (and counts nothing) when the day's quota is spent: answer 45009.
  bool try_spend(UnixSeconds now, std::int64_t daily_quota) noexcept;
  // Calls admitted so far in now's day.
  std::int64_t used_on(UnixSeconds now) const noexcept;
  std::int64_t remaining_on(UnixSeconds now, std::int64_t daily_quota) const noexcept;
};

}  // namespace wxlived::scenario
