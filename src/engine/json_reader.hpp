#pragma once
// Reading members of the JSON the engine wrote (snapshots, outlooks):
// absent or of another type reads as none, never an exception.
#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>

namespace wxlived::engine::json {

inline std::optional<std::int64_t> int_member(const rapidjson::Value& o, const char* name) {
  const auto it = o.FindMember(name);
  if (it == o.MemberEnd() || !it->value.IsInt64()) return std::nullopt;
  return it->value.GetInt64();
}

inline std::optional<std::string> string_member(const rapidjson::Value& o, const char* name) {
  const auto it = o.FindMember(name);
  if (it == o.MemberEnd() || !it->value.IsString()) return std::nullopt;
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

inline std::optional<bool> bool_member(const rapidjson::Value& o, const char* name) {
  const auto it = o.FindMember(name);
  if (it == o.MemberEnd() || !it->value.IsBool()) return std::nullopt;
  return it->value.GetBool();
}

}  // namespace wxlived::engine::json
