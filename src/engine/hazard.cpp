#include "wxlived/engine/hazard.hpp"

#include <algorithm>

#include "wxlived/engine/status.hpp"

namespace wxlived::engine {
namespace {

double seconds(Millis ms) { return static_cast<double>(ms) / static_cast<double>(kSecond); }

// Density at `x` of a distribution known not to have fired by `x_known`.
double conditional_density(const HabitDistribution& d, double x_known, double x) {
  if (x < x_known) return 0;
  const double alive = d.survival(x_known);
  return alive > 1e-9 ? d.density(x) / alive : 0;
}

// Probability a distribution known not to have fired by x_known is still to fire at x.
double conditional_survival(const HabitDistribution& d, double x_known, double x) {
  const double alive = d.survival(x_known);
  return alive > 1e-9 ? std::min(1.0, d.survival(x) / alive) : 0;
}

double interruptions_per_second(const Habits& habits) { return habits.interruptions.per_hour() / 3600.0; }

// Probability the broadcast is still on at t, known to be on at `known`.
double still_live(const TrackedRoom& room, const Habits& habits, Millis known, Millis t) {
  return conditional_survival(habits.end_offset, seconds(known - room.planned_end()), seconds(t - room.planned_end()));
}

// Changes per second of a broadcast under way at t, counting what follows
// each interruption: interruptions come in pairs (onset and recovery) at the
// app's rate while it lasts, and it ends around its planned end.
double broadcast_density(const TrackedRoom& room, const Habits& habits, Millis known, Millis t) {
  return 2 * interruptions_per_second(habits) * still_live(room, habits, known, t) +
         conditional_density(habits.end_offset, seconds(known - room.planned_end()), seconds(t - room.planned_end()));
}

}  // namespace

double next_change_density(const TrackedRoom& room, const Habits& habits, Millis known, Millis t) {
  if (room.removed_at || t < known) return 0;
  switch (room.status) {
    case kNotStarted:
      if (t >= room.planned_end()) return 0;  // the 107 deadline's business
      return conditional_density(habits.start_offset, seconds(known - room.planned_start()),
                                 seconds(t - room.planned_start()));
    case kLive:
      // An interruption after the run so far, while the broadcast lasts, or its end.
      return conditional_density(habits.live_run, seconds(known - room.onset()), seconds(t - room.onset())) *
                 still_live(room, habits, known, t) +
             conditional_density(habits.end_offset, seconds(known - room.planned_end()),
                                 seconds(t - room.planned_end()));
    case kPaused:
      return conditional_density(habits.pause_length, seconds(known - room.onset()), seconds(t - room.onset()));
    case kAbnormal:
      return conditional_density(habits.abnormal_recovery, seconds(known - room.onset()), seconds(t - room.onset()));
    default:
      if (is_terminal_status(room.status)) return 0;
      return interruptions_per_second(habits);  // a code we do not know: as likely as a live room's interruption
  }
}

double forecast_density(const TrackedRoom& room, const Habits& habits, Millis known, Millis t) {
  if (room.removed_at || is_terminal_status(room.status) || t < known) return 0;
  const double next = next_change_density(room, habits, known, t);
  // After the next change: a started room runs (interruptions come in pairs,
  // onset and recovery), a paused or dropped room resumes and runs on.
  double started = 1;
  if (room.status == kNotStarted) {
    if (t >= room.planned_end() + 2 * kHour) return 0;
    const double known_x = seconds(known - room.planned_start());
    // A start no survival is left for (never, in effect) starts nothing.
    started = habits.start_offset.survival(known_x) > 1e-9
                  ? 1 - conditional_survival(habits.start_offset, known_x, seconds(t - room.planned_start()))
                  : 0;
  } else if (room.status == kLive) {
    // After an interruption comes its recovery, and later runs.
    const double interrupted =
        1 - conditional_survival(habits.live_run, seconds(known - room.onset()), seconds(t - room.onset()));
    return next + interrupted * interruptions_per_second(habits) * still_live(room, habits, known, t);
  }
  return next + started * broadcast_density(room, habits, known, t);
}

ChangeWindow likely_change_window(const TrackedRoom& room, const Habits& habits, Millis known) {
  if (room.removed_at || is_terminal_status(room.status)) return {known, known};
  const Millis end = room.planned_end() + static_cast<Millis>(habits.end_offset.quantile(0.98) * kSecond);
  if (room.status == kNotStarted) {
    const Millis start = room.planned_start() + static_cast<Millis>(habits.start_offset.quantile(0.02) * kSecond);
    return {std::max(known, start), std::max({known, end, room.planned_end()})};
  }
  return {known, std::max(known, end)};
}

}  // namespace wxlived::engine
