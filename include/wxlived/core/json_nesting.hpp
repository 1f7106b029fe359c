#pragma once
// How deep a parsed RapidJSON value nests, measured with a heap stack: the
// recursive walks (Accept, a writer) overflow the thread's stack on inputs
// nested ~100,000 deep, so parsers refuse anything deeper than they need
// before handing a document to them.
#include <rapidjson/document.h>

#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

namespace wxlived {

inline bool json_nests_deeper_than(const rapidjson::Value& root, std::size_t limit) {
  std::vector<std::pair<const rapidjson::Value*, std::size_t>> pending{{&root, 1}};
  while (!pending.empty()) {
    const auto [value, depth] = pending.back();
    pending.pop_back();
    if (depth > limit) return true;
    if (value->IsArray()) {
      for (const rapidjson::Value& item : value->GetArray()) pending.emplace_back(&item, depth + 1);
    } else if (value->IsObject()) {
      for (auto it = value->MemberBegin(); it != value->MemberEnd(); ++it) pending.emplace_back(&it->value, depth + 1);
    }
  }
  return false;
}

// What the daemon's own stored JSON (snapshots, event bodies) may nest: the
// WeChat intake's 64 plus the few levels the engine wraps around it.
inline constexpr std::size_t kStoredJsonMaxDepth = 128;

// Parses iteratively (a million '[' cannot exhaust the stack) and refuses a
// document nesting deeper than max_depth (the recursive walks a caller may
// run on it: Accept, a writer, a destructor). False on either.
inline bool parse_bounded_json(rapidjson::Document& doc, std::string_view text,
                               std::size_t max_depth = kStoredJsonMaxDepth) {
  const char* p = text.empty() ? "" : text.data();  // rapidjson wants a non-null pointer
  doc.Parse<rapidjson::kParseIterativeFlag>(p, text.size());
  return !doc.HasParseError() && !json_nests_deeper_than(doc, max_depth);
}

}  // namespace wxlived
