#pragma once
// Severity levels and output formats, with the parsers the config loader uses.
#include <string>
#include <string_view>

#include "wxlived/core/expected.hpp"

namespace wxlived::log {

// Ordered: a message is written when its level >= the configured threshold.
// `off` is only a threshold, never the level of a message.
enum class Level { trace, debug, info, warn, error, critical, off };

enum class Format { text, json };

// "trace|debug|info|warn|error|critical|off"; the error names the bad input.
Expected<Level, std::string> parse_level(std::string_view name);
// "text|json".
Expected<Format, std::string> parse_format(std::string_view name);

std::string_view level_name(Level level) noexcept;

// sd-daemon.h priority prefix (<N>) that journald reads off a stderr line.
int syslog_priority(Level level) noexcept;

}  // namespace wxlived::log
