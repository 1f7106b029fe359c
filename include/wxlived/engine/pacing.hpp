#pragma once
// The scheduler's arithmetic, as pure functions of plain numbers: how often to
// sweep now so that the day's budget lasts until the reset, given where in the
// rest of the day a change is likely.
#include <cstdint>
#include <vector>

#include "wxlived/engine/beijing_time.hpp"

namespace wxlived::engine {

// A stretch of time in which a room may change, and how much it matters
// (one room live = 1; a room around its planned start counts more).
struct HotSpan {
  Millis from = 0;
  Millis to = 0;
  double weight = 1.0;
};

struct PacingInput {
  Millis now = 0;
  Millis day_end = 0;               // next 00:00 +08:00: the budget resets there
  std::int64_t sweeps_left = 0;     // sweeps the remaining budget allows (reserves already taken off)
  Millis floor = 60 * kSecond;      // min_interval_s
  Millis cold_interval = 30 * kMinute;  // spacing when nothing is likely to change
  std::vector<HotSpan> spans;       // the forecast for [now, day_end)
  double density_exponent = 0.5;    // sweep density ~ w^exponent
};

struct PacingAdvice {
  Millis interval = 0;    // from the last sweep start to the next one
  bool hot = false;       // something may change now
  Millis next_change = 0; // when the forecast's weight changes next: plan again then
  Millis hot_ms_left = 0; // forecast hot time left today
  std::int64_t cold_sweeps = 0;  // sweeps reserved for the cold time left today
};

// hot interval(t) = max(floor, K / w(t)^e), K chosen so that the hot time
// left today costs what the budget has left after the cold sweeps: more rooms
// that can change at once -> denser sweeps (the density that minimises the
// mean detection latency of changes arriving at rate ~ w).
PacingAdvice adaptive_pacing(const PacingInput& in);

// The naive baseline: full sweeps at the constant interval that spends the
// day's quota evenly (less a reserve share kept for replays and rule
// confirmations), never below the floor.
Millis fixed_interval(std::int64_t daily_quota, std::int64_t pages_per_sweep, Millis floor, double reserve_share);

// Spacing for quiet time: about cold_share of the budget spread over a day, clamped to [floor, 30 min].
Millis cold_interval(std::int64_t daily_quota, std::int64_t pages_per_sweep, Millis floor, double cold_share);

// Full-depth sweeps to notice edits and deletions of rooms below the
// changeable ones: about deep_share of the budget, clamped to [floor, 12 h].
Millis deep_sweep_period(std::int64_t daily_quota, std::int64_t extra_pages, Millis floor, double deep_share);

}  // namespace wxlived::engine
