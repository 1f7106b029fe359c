#pragma once
// rapidjson's writer, as the engine's bodies use it.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string_view>

namespace wxlived::engine::json {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

inline void key(Writer& w, std::string_view k) { w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size())); }
inline void str(Writer& w, std::string_view v) { w.String(v.data(), static_cast<rapidjson::SizeType>(v.size())); }
inline void raw(Writer& w, std::string_view v) {
  w.RawValue(v.data(), v.size(), rapidjson::kArrayType);
}

}  // namespace wxlived::engine::json
