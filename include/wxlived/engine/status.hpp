#pragma once
// WeChat's live_status codes and the names SPEC section 5 gives them.
#include <string_view>

namespace wxlived::engine {

inline constexpr int kLive = 101;
inline constexpr int kNotStarted = 102;
inline constexpr int kEnded = 103;
inline constexpr int kBanned = 104;
inline constexpr int kPaused = 105;
inline constexpr int kAbnormal = 106;
inline constexpr int kExpired = 107;

// "live", "not_started", ...; "unknown" for a code WeChat never documented.
std::string_view status_name(int code) noexcept;
bool is_known_status(int code) noexcept;
// 103 and 107 never change again (WeChat's rules); 104 is treated as final for scheduling.
bool is_terminal_status(int code) noexcept;
// 101, 105, 106: a broadcast is under way and can change at any moment.
bool is_active_status(int code) noexcept;

}  // namespace wxlived::engine
