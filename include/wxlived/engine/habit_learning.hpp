#pragma once
// Feeding the habits: each status change the engine sees tells something
// about the app's rooms (when they start, stop, pause, recover). A change is
// only known to within the gap between two sightings, so each observation is
// the interval that gap allows, never a point.
#include "wxlived/engine/habits.hpp"
#include "wxlived/engine/tracked_room.hpp"

namespace wxlived::engine {

struct SeenChange {
  int from = 0;
  int to = 0;
  Millis after = 0;  // the last sighting with `from` (the change came after it)
  Millis by = 0;     // the first sighting with `to` (or the rule's deadline)
  bool by_rule = false;  // WeChat's 106 -> 103 or 102 -> 107
};

// `room` as it was before the change (status == change.from, its onset bounds).
// Returns true when the habits moved.
bool learn_from_change(Habits& habits, const TrackedRoom& room, const SeenChange& change);

}  // namespace wxlived::engine
