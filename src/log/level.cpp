#include "wxlived/log/level.hpp"

#include <array>
#include <utility>

namespace wxlived::log {
namespace {

constexpr std::array<std::pair<std::string_view, Level>, 7> level_names{{
    {"trace", Level::trace},
    {"debug", Level::debug},
    {"info", Level::info},
    {"warn", Level::warn},
    {"error", Level::error},
    {"critical", Level::critical},
    {"off", Level::off},
}};

}  // namespace

Expected<Level, std::string> parse_level(std::string_view name) {
  for (const auto& [candidate, level] : level_names) {
    if (candidate == name) return level;
  }
  return Unexpected{"unknown log level '" + std::string(name) +
                    "' (expected trace, debug, info, warn, error, critical or off)"};
}

Expected<Format, std::string> parse_format(std::string_view name) {
  if (name == "text") return Format::text;
  if (name == "json") return Format::json;
  return Unexpected{"unknown log format '" + std::string(name) + "' (expected text or json)"};
}

std::string_view level_name(Level level) noexcept {
  for (const auto& [name, candidate] : level_names) {
    if (candidate == level) return name;
  }
  return "unknown";
}

int syslog_priority(Level level) noexcept {
  switch (level) {
    case Level::trace:
    case Level::debug: return 7;  // LOG_DEBUG
    case Level::info: return 6;   // LOG_INFO
    case Level::warn: return 4;   // LOG_WARNING
    case Level::error: return 3;  // LOG_ERR
    case Level::critical: return 2;  // LOG_CRIT
    case Level::off: break;
  }
  return 6;
}

}  // namespace wxlived::log
