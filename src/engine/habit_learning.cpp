#include "wxlived/engine/habit_learning.hpp"

#include "wxlived/engine/status.hpp"

namespace wxlived::engine {
namespace {

double seconds(Millis ms) { return static_cast<double>(ms) / static_cast<double>(kSecond); }

// How long the status held: from its onset (between changed_after and
// status_since) to its end (between change.after and change.by).
void observe_length(HabitDistribution& d, const TrackedRoom& room, const SeenChange& change) {
  const Millis onset_lo = room.memory.changed_after.value_or(room.status_since);
  d.observe(seconds(change.after - room.status_since), seconds(change.by - onset_lo));
}

}  // namespace

bool learn_from_change(Habits& habits, const TrackedRoom& room, const SeenChange& change) {
  if (!habits.learning || change.from == change.to || is_terminal_status(change.from)) return false;
  const Millis start = room.planned_start();
  const Millis end = room.planned_end();
  const bool ends = change.to == kEnded && !change.by_rule;
  switch (change.from) {
    case kNotStarted:
      if (change.to == kExpired) {
        habits.start_offset.observe_never();
      } else {
        habits.start_offset.observe(seconds(change.after - start), seconds(change.by - start));
      }
      return true;
    case kLive: {
      const Millis live_from = room.onset();
      const Millis live_to = change.after + (change.by - change.after) / 2;
      if (live_to > live_from) habits.interruptions.live_hours += seconds(live_to - live_from) / 3600.0;
      if (change.to == kPaused || change.to == kAbnormal) {
        habits.interruptions.events += 1;
        observe_length(habits.live_run, room, change);
      } else {
        habits.live_run.observe_beyond(seconds(change.after - room.status_since));
      }
      if (ends) habits.end_offset.observe(seconds(change.after - end), seconds(change.by - end));
      return true;
    }
    case kPaused:
      observe_length(habits.pause_length, room, change);
      if (ends) habits.end_offset.observe(seconds(change.after - end), seconds(change.by - end));
      return true;
    case kAbnormal:
      if (change.by_rule) {
        habits.abnormal_recovery.observe_never();
      } else if (change.to == kEnded) {
        habits.end_offset.observe(seconds(change.after - end), seconds(change.by - end));
      } else {
        observe_length(habits.abnormal_recovery, room, change);
      }
      return true;
    default: return false;
  }
}

}  // namespace wxlived::engine
