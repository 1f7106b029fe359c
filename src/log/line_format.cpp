#include "wxlived/log/line_format.hpp"

#include <cmath>
#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "wxlived/log/utf8.hpp"

namespace wxlived::log {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

std::string clean(std::string_view text, const Redactor& redactor) { return valid_utf8(redactor.redact(text)); }

void append_priority(std::string& out, Level level) { fmt::format_to(std::back_inserter(out), "<{}>", syslog_priority(level)); }

// --- text -------------------------------------------------------------------

bool is_control(char c) noexcept { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; }

// One record must stay one line, so control characters are always escaped.
void append_escaped(std::string& out, std::string_view s, bool quoted) {
  for (const char c : s) {
    switch (c) {
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '"': out += quoted ? "\\\"" : "\""; break;
      case '\\': out += quoted ? "\\\\" : "\\"; break;
      default:
        if (is_control(c)) {
          fmt::format_to(std::back_inserter(out), "\\x{:02x}", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
}

bool needs_quotes(std::string_view s) noexcept {
  if (s.empty()) return true;
  for (const char c : s) {
    if (c == ' ' || c == '"' || c == '=' || is_control(c)) return true;
  }
  return false;
}

void append_text_value(std::string& out, const FieldValue& value, const Redactor& redactor) {
  std::visit(Overloaded{
                 [&](std::string_view s) {
                   const std::string v = clean(s, redactor);
                   const bool quoted = needs_quotes(v);
                   if (quoted) out += '"';
                   append_escaped(out, v, quoted);
                   if (quoted) out += '"';
                 },
                 [&](std::int64_t i) { fmt::format_to(std::back_inserter(out), "{}", i); },
                 [&](double d) { fmt::format_to(std::back_inserter(out), "{}", d); },
                 [&](bool b) { out += b ? "true" : "false"; },
             },
             value.storage());
}

std::string text_line(Level level, std::chrono::system_clock::time_point when, std::string_view msg,
                      std::span<const Field> fields, bool journal, const Redactor& redactor) {
  std::string out;
  out.reserve(64 + msg.size() + fields.size() * 24);
  if (journal) {
    append_priority(out, level);
  } else {
    out += format_utc_timestamp(when);
    out += ' ';
  }
  out += level_name(level);
  out += ' ';
  append_escaped(out, clean(msg, redactor), false);
  for (const auto& field : fields) {
    out += ' ';
    out += field.key;
    out += '=';
    append_text_value(out, field.value, redactor);
  }
  return out;
}

// --- json -------------------------------------------------------------------

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void write_json_string(JsonWriter& writer, std::string_view s) {
  writer.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

// A field must not shadow the record's own keys (duplicate keys are read
// differently by different JSON parsers), so it gets a "_" prefix.
bool is_reserved_key(std::string_view key) noexcept { return key == "ts" || key == "level" || key == "msg"; }

void write_json_value(JsonWriter& writer, const FieldValue& value, const Redactor& redactor) {
  std::visit(Overloaded{
                 [&](std::string_view s) { write_json_string(writer, clean(s, redactor)); },
                 [&](std::int64_t i) { writer.Int64(i); },
                 // JSON has no NaN or infinity.
                 [&](double d) { std::isfinite(d) ? writer.Double(d) : writer.Null(); },
                 [&](bool b) { writer.Bool(b); },
             },
             value.storage());
}

std::string json_line(Level level, std::chrono::system_clock::time_point when, std::string_view msg,
                      std::span<const Field> fields, bool journal, const Redactor& redactor) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  if (!journal) {
    writer.Key("ts");
    write_json_string(writer, format_utc_timestamp(when));
  }
  writer.Key("level");
  write_json_string(writer, level_name(level));
  writer.Key("msg");
  write_json_string(writer, clean(msg, redactor));
  for (const auto& field : fields) {
    const std::string key = valid_utf8((is_reserved_key(field.key) ? "_" : "") + std::string(field.key));
    write_json_string(writer, key);
    write_json_value(writer, field.value, redactor);
  }
  writer.EndObject();

  std::string out;
  if (journal) append_priority(out, level);
  out.append(buffer.GetString(), buffer.GetSize());
  return out;
}

}  // namespace

std::string format_utc_timestamp(std::chrono::system_clock::time_point when) {
  using namespace std::chrono;
  const auto ms = floor<milliseconds>(when);
  const auto day = floor<days>(ms);
  const year_month_day date{day};
  const hh_mm_ss<milliseconds> time{ms - day};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()), time.hours().count(),
                     time.minutes().count(), time.seconds().count(), time.subseconds().count());
}

std::string format_line(Level level, std::chrono::system_clock::time_point when, std::string_view msg,
                        std::span<const Field> fields, LineStyle style, const Redactor& redactor) {
  return style.format == Format::json ? json_line(level, when, msg, fields, style.journal, redactor)
                                      : text_line(level, when, msg, fields, style.journal, redactor);
}

}  // namespace wxlived::log
