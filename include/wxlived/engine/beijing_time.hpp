#pragma once
// Time arithmetic the engine needs: unix milliseconds in, Beijing-time days
// (UTC+8, no DST) and RFC 3339 text out. No clock is ever read here.
#include <cstdint>
#include <string>

namespace wxlived::engine {

using Millis = std::int64_t;  // unix milliseconds

inline constexpr Millis kSecond = 1000;
inline constexpr Millis kMinute = 60 * kSecond;
inline constexpr Millis kHour = 60 * kMinute;
inline constexpr Millis kDay = 24 * kHour;
inline constexpr Millis kBeijingOffset = 8 * kHour;

// Days since 1970-01-01 in UTC+8 (floor division: negative times work too).
std::int64_t beijing_day(Millis t) noexcept;
// The instant the Beijing day after t's day begins (00:00 +08:00).
Millis next_beijing_midnight(Millis t) noexcept;
// "2026-11-24": t's Beijing calendar date, the quota ledger's key.
std::string beijing_date(Millis t);
// "2026-11-24T04:00:05Z" (whole seconds, truncated), the events' timestamps.
std::string rfc3339_utc(Millis t);

}  // namespace wxlived::engine
