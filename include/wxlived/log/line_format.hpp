#pragma once
// Renders one log record as one output line (no trailing newline). Pure: the
// time and the redactor are parameters, so tests pin the exact bytes.
#include <chrono>
#include <span>
#include <string>
#include <string_view>

#include "wxlived/log/field.hpp"
#include "wxlived/log/level.hpp"
#include "wxlived/log/redactor.hpp"

namespace wxlived::log {

struct LineStyle {
  Format format = Format::text;
  // Under journald: "<N>" priority prefix and no timestamp (journald adds its own).
  bool journal = false;
};

// 2026-11-25T11:40:26.123Z
std::string format_utc_timestamp(std::chrono::system_clock::time_point when);

// text: `2026-11-25T11:40:26.123Z info token refreshed app=shop expires_in=7200`
// json: `{"ts":"...","level":"info","msg":"token refreshed","app":"shop","expires_in":7200}`
// The message and every string value pass through `redactor` first.
std::string format_line(Level level, std::chrono::system_clock::time_point when, std::string_view msg,
                        std::span<const Field> fields, LineStyle style, const Redactor& redactor);

}  // namespace wxlived::log
