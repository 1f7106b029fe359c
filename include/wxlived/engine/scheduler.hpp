#pragma once
// When to sweep the room list next, and how deep.
//
// adaptive: each room's chance of changing soon comes from the hazard model
// (hazard.hpp, the app's habits); the expected detection latency piling up
// since the last sweep, sum over rooms of integral p(t) (T - t) dt, is
// allowed to reach a threshold theta before the next sweep goes out. For a
// steady change rate that is the square-root rule (interval = sqrt(2 theta /
// rate)); theta is chosen after every sweep so that the forecast for the rest
// of the Beijing day spends what the budget has left. The interval never
// exceeds interval_cap times the steady policy's, so a quiet stretch that
// turns busy is never left unseen for long (p95).
// steady: shallow sweeps evenly over the time any room can change.
// fixed: full sweeps at one constant interval.
// All three: never closer than the floor; WeChat's rule deadlines (106 held
// 15 min, 102 past end_time) get a sweep to confirm them.
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "wxlived/engine/habits.hpp"
#include "wxlived/engine/outlook.hpp"
#include "wxlived/engine/pacing.hpp"
#include "wxlived/engine/quota_ledger.hpp"
#include "wxlived/engine/settings.hpp"
#include "wxlived/engine/tracked_room.hpp"

namespace wxlived::engine {

// A rule's deadline: sweep to confirm it rather than infer.
struct RuleDeadline {
  Millis at = 0;           // the latest instant the rule can fire
  Millis window_from = 0;  // the earliest (106: onset unknown within a sweep gap)
  std::int64_t room_id = 0;
};
std::vector<RuleDeadline> rule_deadlines(const RoomTable& rooms, Millis abnormal_timeout);

struct SweepDecision {
  Millis at = 0;           // the next sweep's start
  bool confirm = false;    // brought forward for a rule deadline: the changeable rooms suffice
  Millis replan_at = 0;    // plan again by then even if nothing happens (forecast edge, day end)
  // Why `at` (for the operator's outlook.hpp; the engine does not use these).
  OutlookReason why = OutlookReason::first_sweep;
  std::optional<RuleDeadline> deadline;    // why == rule_deadline
  std::optional<std::int64_t> sweeps_left; // adaptive, steady: what the budget still allows today
  std::optional<Millis> even_interval;     // those sweeps spread evenly over the rest of the day
};

class SweepScheduler {
 public:
  explicit SweepScheduler(EngineSettings settings) : settings_(std::move(settings)) {}

  void on_sweep_started(Millis now);
  // All pages of the sweep started at `started` are in; `total` is WeChat's
  // list total (capped), `complete` when every room was read.
  void on_sweep_answered(Millis started, std::optional<std::int64_t> total, bool complete);

  SweepDecision next_sweep(Millis now, const RoomTable& rooms, const Habits& habits, const QuotaLedger& ledger,
                           std::int64_t replay_reserve) const;
  // Whether the sweep starting now reads the whole list (a deep sweep).
  bool full_sweep_due(Millis now, const RoomTable& rooms, const QuotaLedger& ledger, bool confirm) const;
  // Make the next regular sweep complete (a room may have been deleted):
  // cleared by the next complete sweep.
  void want_full_sweep() { full_sweep_wanted_ = true; }

  // Positions [0, depth) hold every room that can still change, plus slack.
  std::int64_t shallow_depth(const RoomTable& rooms) const;
  std::int64_t full_pages() const;
  std::int64_t list_total() const { return last_total_.value_or(settings_.page_size); }
  std::int64_t max_sweep_rooms(const QuotaLedger& ledger) const;
  std::optional<Millis> last_sweep_start() const { return last_sweep_start_; }

 private:
  Millis regular_sweep(Millis now, const RoomTable& rooms, const Habits& habits, const QuotaLedger& ledger,
                       std::int64_t replay_reserve, SweepDecision& decision) const;
  Millis deadline_sweep(Millis regular, const RoomTable& rooms, SweepDecision& decision) const;
  PacingInput budget(Millis now, const RoomTable& rooms, const QuotaLedger& ledger, std::int64_t replay_reserve,
                     std::int64_t pages) const;
  std::vector<HotSpan> hot_spans(Millis now, Millis day_end, const RoomTable& rooms) const;

  EngineSettings settings_;
  std::optional<Millis> last_sweep_start_;
  std::optional<Millis> last_answered_sweep_;  // start of the last sweep whose pages all came back
  std::optional<Millis> last_full_sweep_;
  std::optional<std::int64_t> last_total_;
  bool full_sweep_wanted_ = false;
};

// The adaptive trigger, exposed for tests: the first T in [earliest, latest]
// at which sum over rooms of integral_{since}^{T} p(t) (T - t) dt reaches
// threshold (seconds); from `cap` on, as soon as the expected changes since
// `since` reach quiet_mass; latest when neither happens.
Millis latency_trigger(const RoomTable& rooms, const Habits& habits, Millis since, Millis earliest, Millis cap,
                       Millis latest, double threshold, double quiet_mass);

// The threshold that spends `sweeps` over [now, day_end) given the forecast
// (expected changes per second per bucket) and the interval bounds per bucket.
struct ForecastBucket {
  Millis length = 0;
  double rate = 0;     // expected changes per second
  Millis longest = 0;  // the interval cap in this bucket
};
double pace_threshold(const std::vector<ForecastBucket>& buckets, Millis floor, double sweeps);

}  // namespace wxlived::engine
