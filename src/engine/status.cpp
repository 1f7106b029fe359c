#include "wxlived/engine/status.hpp"

namespace wxlived::engine {

std::string_view status_name(int code) noexcept {
  switch (code) {
    case kLive: return "live";
    case kNotStarted: return "not_started";
    case kEnded: return "ended";
    case kBanned: return "banned";
    case kPaused: return "paused";
    case kAbnormal: return "abnormal";
    case kExpired: return "expired";
    default: return "unknown";
  }
}

bool is_known_status(int code) noexcept { return code >= kLive && code <= kExpired; }

bool is_terminal_status(int code) noexcept { return code == kEnded || code == kExpired || code == kBanned; }

bool is_active_status(int code) noexcept { return code == kLive || code == kPaused || code == kAbnormal; }

}  // namespace wxlived::engine
