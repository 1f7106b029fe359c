#include "wxlived/engine/effects.hpp"

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
  if (other.quota) {
    if (!quota || quota->day != other.quota->day) {
      quota = other.quota;  // a new day's increment replaces; the shell commits per call anyway
    } else {
      quota->list_calls += other.quota->list_calls;
      quota->replay_calls += other.quota->replay_calls;
      quota->quota_errors += other.quota->quota_errors;
      if (!quota->exhausted_at) quota->exhausted_at = other.quota->exhausted_at;
    }
  }
  if (other.app_state) app_state = other.app_state;
}

}  // namespace wxlived::engine
