#pragma once
// RFC 3339 timestamps <-> unix seconds, UTC offsets only (no zone database:
// scenario origins carry an explicit offset and WeChat sends "Z" times).
#include <optional>
#include <string>
#include <string_view>

#include "wxlived/scenario/scenario.hpp"

namespace wxlived::scenario {

// "2026-11-24T00:00:00+08:00" or "...Z"; fractional seconds are dropped.
std::optional<UnixSeconds> parse_rfc3339(std::string_view text) noexcept;

// "2026-11-23T16:00:00Z", the form WeChat's replay answers use.
std::string format_rfc3339_utc(UnixSeconds unix_seconds);

}  // namespace wxlived::scenario
