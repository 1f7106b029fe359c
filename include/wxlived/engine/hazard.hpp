#pragma once
// When will a room change next? Per status, from the app's habits:
//   102  around its planned start (start_offset), unless it never starts
//        (then WeChat's 107 rule at end_time, a deadline, not a hazard);
//   101  an interruption at the app's rate per live hour, or its end around
//        the planned end (end_offset);
//   105  the end of the pause (pause_length from its onset);
//   106  recovery (abnormal_recovery from its onset; never = the 15-minute rule).
// Densities are per second and conditional on no change seen up to `known`,
// the start of the last sweep that saw the room.
#include "wxlived/engine/habits.hpp"
#include "wxlived/engine/tracked_room.hpp"

namespace wxlived::engine {

// Density of the room's next change at t > known (per second).
double next_change_density(const TrackedRoom& room, const Habits& habits, Millis known, Millis t);

// Expected changes per second at t, counting what follows the next change
// too (a 102 that starts then runs, is interrupted and ends): the day's
// forecast the pacer spreads the budget over.
double forecast_density(const TrackedRoom& room, const Habits& habits, Millis known, Millis t);

// From when to when the habits say the room may change (for the interval cap).
struct ChangeWindow {
  Millis from = 0;
  Millis to = 0;
};
ChangeWindow likely_change_window(const TrackedRoom& room, const Habits& habits, Millis known);

}  // namespace wxlived::engine
