#pragma once
// Times and statuses as operators read them: shared by wxlivectl and the
// admin HTTP API so that both print the same text.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "wxlived/engine/status.hpp"

namespace wxlived::admin {

std::int64_t now_unix_ms();

// "2026-11-24T12:00:05Z" (UTC, whole seconds).
std::string format_utc(std::int64_t unix_ms);
// The same instant at a fixed offset from UTC, RFC 3339: 2026-11-24T20:00:05+08:00
// (offset 0 is format_utc's ...Z).
std::string format_at_offset(std::int64_t unix_ms, int offset_minutes);
// "UTC", "Z", "Beijing", "Asia/Shanghai", "+08:00", "-05:30" -> minutes east of
// UTC; nullopt for anything else (fixed offsets only: Beijing has no DST).
std::optional<int> parse_utc_offset(std::string_view zone);

// --since / ?since=: an RFC 3339 time ("2026-11-24T12:00:00Z", "...+08:00"),
// a date ("2026-11-24", midnight UTC), unix seconds ("1764000000"), or an age
// ("90s", "30m", "2h", "7d": that long before now). Unix milliseconds.
std::optional<std::int64_t> parse_time(std::string_view text, std::int64_t now_ms);

// The Beijing-time (UTC+8) date of an instant: the quota ledger's day.
std::string beijing_day(std::int64_t unix_ms);

// A length of time: "45s", "4m30s", "20m05s", "1h", "1h02m03s" (the largest
// unit unpadded, the smaller ones two digits, zero units at the end left
// out), "0s" for zero. An offset (`offset` true) carries its sign: "+20m05s",
// "-3m"; a negative length is shown with "-" too.
std::string format_seconds(std::int64_t seconds, bool offset = false);

// 101 -> "live", ... (SPEC section 5); "unknown" otherwise.
using engine::status_name;  // the engine's names, the ones the events carry

}  // namespace wxlived::admin
