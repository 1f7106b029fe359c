#pragma once
// The daemon's logging API:
//
//   wxlived::log::info("token refreshed", {{"app", "shop"}, {"expires_in", 7200}});
//
// Output goes to stderr as text or JSON lines (see line_format.hpp); every
// message and string value is redacted (see redactor.hpp). A disabled level
// costs one atomic load: nothing is formatted or allocated.
#include <initializer_list>
#include <iosfwd>
#include <span>
#include <string_view>

#include "wxlived/log/field.hpp"
#include "wxlived/log/level.hpp"
#include "wxlived/log/redactor.hpp"

namespace wxlived::log {

struct LogSettings {
  Format format = Format::text;
  Level level = Level::info;
  bool journal = false;  // usually stderr_is_journal()
};

using Fields = std::initializer_list<Field>;

// Until this is called the output is text, level info, to stderr.
void configure_logging(const LogSettings& settings);
// Same, writing to `out` instead of stderr (tests). `out` must outlive its
// use: reconfigure before it is destroyed.
void configure_logging(const LogSettings& settings, std::ostream& out);

bool enabled(Level level) noexcept;

// For fields assembled at run time; the others forward here.
void write(Level level, std::string_view msg, std::span<const Field> fields);

inline void write(Level level, std::string_view msg, Fields fields = {}) {
  if (enabled(level)) write(level, msg, std::span<const Field>(fields.begin(), fields.size()));
}
inline void trace(std::string_view msg, Fields fields = {}) { write(Level::trace, msg, fields); }
inline void debug(std::string_view msg, Fields fields = {}) { write(Level::debug, msg, fields); }
inline void info(std::string_view msg, Fields fields = {}) { write(Level::info, msg, fields); }
inline void warn(std::string_view msg, Fields fields = {}) { write(Level::warn, msg, fields); }
inline void error(std::string_view msg, Fields fields = {}) { write(Level::error, msg, fields); }
inline void critical(std::string_view msg, Fields fields = {}) { write(Level::critical, msg, fields); }

}  // namespace wxlived::log
