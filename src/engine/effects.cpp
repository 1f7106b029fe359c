#include "wxlived/engine/effects.hpp"

#include <algorithm>
#include <iterator>

namespace wxlived::engine {

const char* to_string(Call::Kind kind) {
  switch (kind) {
    case Call::Kind::list: return "list";
    case Call::Kind::replay: return "replay";
    case Call::Kind::quota: return "quota";
  }
  return "?";
}

const char* to_string(AppHealth health) {
  switch (health) {
    case AppHealth::ok: return "ok";
    case AppHealth::auth_failed: return "auth_failed";
    case AppHealth::quota_exhausted: return "quota_exhausted";
  }
  return "?";
}

void Effects::append(Effects&& other) {
  auto move_all = [](auto& into, auto& from) {
    into.insert(into.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
  };
  move_all(rooms, other.rooms);
  move_all(transitions, other.transitions);
  move_all(events, other.events);
  move_all(warnings, other.warnings);
  // Counts merge per day: an Effects spanning 00:00 +08:00 keeps both days'.
  for (QuotaDelta& delta : other.quota) {
    auto same_day = std::find_if(quota.begin(), quota.end(), [&](const QuotaDelta& q) { return q.day == delta.day; });
    if (same_day == quota.end()) {
      quota.push_back(std::move(delta));
      continue;
    }
    same_day->list_calls += delta.list_calls;
    same_day->replay_calls += delta.replay_calls;
    same_day->quota_errors += delta.quota_errors;
    if (!same_day->exhausted_at) same_day->exhausted_at = delta.exhausted_at;
  }
  if (other.app_state) app_state = other.app_state;
  if (other.habits_json) habits_json = std::move(other.habits_json);
}

const Warning::Value* Warning::field(std::string_view key) const {
  for (const auto& [k, v] : fields)
    if (k == key) return &v;
  return nullptr;
}

}  // namespace wxlived::engine
