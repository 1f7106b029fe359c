#pragma once
// Small writers for the JSON that wxlivectl --json and the admin API print:
// one field per call, optional values as null, times as both unix ms and
// RFC 3339. Shared so that the two outputs cannot drift apart.
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "wxlived/admin/time_text.hpp"

namespace wxlived::admin::json {

using Writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

inline void field(Writer& w, const char* k, std::string_view v) {
  w.Key(k);
  w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
}
inline void field(Writer& w, const char* k, const char* v) { field(w, k, std::string_view(v)); }
inline void field(Writer& w, const char* k, const std::string& v) { field(w, k, std::string_view(v)); }
inline void field(Writer& w, const char* k, std::int64_t v) {
  w.Key(k);
  w.Int64(v);
}
inline void field(Writer& w, const char* k, const std::optional<std::int64_t>& v) {
  w.Key(k);
  if (v) {
    w.Int64(*v);
  } else {
    w.Null();
  }
}
inline void field(Writer& w, const char* k, const std::optional<std::string>& v) {
  w.Key(k);
  if (v) {
    w.String(v->data(), static_cast<rapidjson::SizeType>(v->size()));
  } else {
    w.Null();
  }
}
// "since_ms": unix ms, and "since": the same instant in RFC 3339 (UTC).
inline void time_field(Writer& w, const std::string& k, const std::optional<std::int64_t>& ms) {
  field(w, k.c_str(), ms);
  const std::string text_key = k.substr(0, k.size() - 3);
  w.Key(text_key.c_str());
  if (ms) {
    const std::string t = format_utc(*ms);
    w.String(t.c_str());
  } else {
    w.Null();
  }
}

}  // namespace wxlived::admin::json
