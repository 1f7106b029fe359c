#include "wxlived/engine/scheduler.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "wxlived/engine/hazard.hpp"
#include "wxlived/engine/status.hpp"

namespace wxlived::engine {
namespace {

constexpr Millis kTriggerStep = 10 * kSecond;   // the latency integral's grid
constexpr Millis kForecastBucket = 5 * kMinute; // the day forecast's grid

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return b <= 0 ? a : (a + b - 1) / b; }

double seconds(Millis ms) { return static_cast<double>(ms) / static_cast<double>(kSecond); }

bool changeable(const TrackedRoom& room) { return !room.removed_at && !is_terminal_status(room.status); }

// Sweeps the buckets cost at threshold theta: interval sqrt(2 theta / rate)
// within [floor, the bucket's cap].
double sweeps_at(const std::vector<ForecastBucket>& buckets, Millis floor, double theta) {
  double sweeps = 0;
  for (const ForecastBucket& b : buckets) {
    const double longest = seconds(std::max(b.longest, floor));
    double interval = longest;
    if (b.rate > 0) interval = std::clamp(std::sqrt(2 * theta / b.rate), seconds(floor), longest);
    sweeps += seconds(b.length) / interval;
  }
  return sweeps;
}

}  // namespace

std::vector<RuleDeadline> rule_deadlines(const RoomTable& rooms, Millis abnormal_timeout) {
  std::vector<RuleDeadline> out;
  for (const auto& [id, room] : rooms) {
    if (room.removed_at) continue;
    if (room.status == kAbnormal) {
      const Millis at = room.status_since + abnormal_timeout;
      const Millis from = room.memory.changed_after ? *room.memory.changed_after + abnormal_timeout : at;
      out.push_back(RuleDeadline{at, std::min(from, at), id});
    } else if (room.status == kNotStarted && room.memory.info.end_time > 0) {
      out.push_back(RuleDeadline{room.planned_end(), room.planned_end(), id});
    }
  }
  std::sort(out.begin(), out.end(), [](const RuleDeadline& a, const RuleDeadline& b) { return a.at < b.at; });
  return out;
}

Millis latency_trigger(const RoomTable& rooms, const Habits& habits, Millis since, Millis earliest, Millis cap,
                       Millis latest, double threshold, double quiet_mass) {
  std::vector<const TrackedRoom*> live;
  for (const auto& [id, room] : rooms) {
    if (changeable(room)) live.push_back(&room);
  }
  // L(T) = sum integral_since^T p(t) (T - t) dt, stepped: the mass that fell
  // in each step keeps adding its waiting time until the sweep.
  double mass = 0;
  double latency = 0;
  const double step = seconds(kTriggerStep);
  for (Millis t = since; t < latest; t += kTriggerStep) {
    if (t >= earliest && latency >= threshold && latency > 0) return t;
    // Past the cap, wait on only while almost nothing can have happened.
    if (t >= cap && mass >= quiet_mass) return t;
    double rate = 0;
    for (const TrackedRoom* room : live) rate += forecast_density(*room, habits, room->last_seen, t + kTriggerStep / 2);
    latency += mass * step + rate * step * step / 2;
    mass += rate * step;
  }
  return latest;
}

double pace_threshold(const std::vector<ForecastBucket>& buckets, Millis floor, double sweeps) {
  if (sweeps_at(buckets, floor, 0) <= sweeps) return 0;  // the floor everywhere fits
  constexpr double kHuge = 1e12;
  if (sweeps_at(buckets, floor, kHuge) > sweeps) return std::numeric_limits<double>::infinity();
  double lo = 1e-6;
  double hi = kHuge;
  for (int i = 0; i < 60; ++i) {  // geometric bisection: theta spans many decades
    const double mid = std::sqrt(lo * hi);
    (sweeps_at(buckets, floor, mid) > sweeps ? lo : hi) = mid;
  }
  return hi;
}

void SweepScheduler::on_sweep_started(Millis now) { last_sweep_start_ = now; }

void SweepScheduler::on_sweep_answered(Millis started, std::optional<std::int64_t> total, bool complete) {
  last_answered_sweep_ = started;
  if (total) last_total_ = *total;
  if (complete) {
    last_full_sweep_ = started;
    full_sweep_wanted_ = false;
  }
}

std::int64_t SweepScheduler::max_sweep_rooms(const QuotaLedger& ledger) const {
  const auto pages = static_cast<std::int64_t>(static_cast<double>(ledger.limit()) * settings_.max_sweep_share);
  return std::max<std::int64_t>(1, pages) * settings_.page_size;
}

// Rooms in list order (start_time descending, higher roomid first): the
// position just past the last room that can still change, plus slack for
// rooms created since the last sweep.
std::int64_t SweepScheduler::shallow_depth(const RoomTable& rooms) const {
  std::vector<const TrackedRoom*> order;
  order.reserve(rooms.size());
  for (const auto& [id, room] : rooms) {
    if (!room.removed_at) order.push_back(&room);
  }
  std::sort(order.begin(), order.end(), [](const TrackedRoom* a, const TrackedRoom* b) {
    if (a->memory.info.start_time != b->memory.info.start_time) return a->memory.info.start_time > b->memory.info.start_time;
    return a->memory.info.roomid > b->memory.info.roomid;
  });
  std::int64_t last = -1;
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (!is_terminal_status(order[i]->status)) last = static_cast<std::int64_t>(i);
  }
  const std::int64_t depth = last + 1 + 2 + (last + 1) / 50;
  return std::clamp<std::int64_t>(depth, 1, std::max<std::int64_t>(last_total_.value_or(depth), 1));
}

std::int64_t SweepScheduler::full_pages() const {
  return std::max<std::int64_t>(1, ceil_div(last_total_.value_or(0), settings_.page_size));
}

bool SweepScheduler::full_sweep_due(Millis now, const RoomTable& rooms, const QuotaLedger& ledger,
                                    bool confirm) const {
  if (!last_full_sweep_ || rooms.empty()) return true;
  if (confirm) return false;  // a sweep brought forward for a deadline only needs the changeable rooms
  if (settings_.policy == Policy::fixed || full_sweep_wanted_) return true;
  const std::int64_t extra = full_pages() - ceil_div(shallow_depth(rooms), settings_.page_size);
  return now - *last_full_sweep_ >= deep_sweep_period(ledger.limit(), extra, settings_.min_interval,
                                                      settings_.deep_share);
}

// Where any room can change, by the plan alone (no habits): from start_lead
// before a planned start to live_tail past the planned end. The steady
// policy spreads its sweeps evenly over these spans.
std::vector<HotSpan> SweepScheduler::hot_spans(Millis now, Millis day_end, const RoomTable& rooms) const {
  std::vector<HotSpan> spans;
  for (const auto& [id, room] : rooms) {
    if (!changeable(room)) continue;
    const Millis start = room.planned_start();
    const Millis end = room.planned_end();
    if (room.status == kNotStarted) {
      if (end <= now) continue;  // its deadline, not a span
      const Millis from = start - settings_.start_lead;
      if (from >= day_end) continue;
      spans.push_back(HotSpan{std::max(from, now), std::max(end, start) + settings_.live_tail, 1.0});
    } else {
      spans.push_back(HotSpan{now, std::max(end, now) + settings_.live_tail, 1.0});
    }
  }
  return spans;
}

// What the rest of the day may spend on regular sweeps of `pages` pages.
PacingInput SweepScheduler::budget(Millis now, const RoomTable& rooms, const QuotaLedger& ledger,
                                   std::int64_t replay_reserve, std::int64_t pages) const {
  const Millis floor = settings_.min_interval;
  const Millis day_end = next_beijing_midnight(now);
  const std::int64_t extra = full_pages() - pages;
  std::int64_t deep_reserve = 0;
  if (extra > 0) {
    const Millis deep_every = deep_sweep_period(ledger.limit(), extra, floor, settings_.deep_share);
    deep_reserve = extra * (1 + (day_end - now) / std::max<Millis>(deep_every, kSecond));
  }
  const std::int64_t spendable = ledger.remaining(now) - replay_reserve - deep_reserve - 2;
  // Hold back a share of what is left: rooms created later today will want some of it.
  const auto held_back = static_cast<std::int64_t>(static_cast<double>(std::max<std::int64_t>(0, spendable)) *
                                                   settings_.pacing_margin);
  PacingInput in;
  in.now = now;
  in.day_end = day_end;
  in.sweeps_left = std::max<std::int64_t>(0, spendable - held_back) / std::max<std::int64_t>(pages, 1);
  in.floor = floor;
  in.cold_interval = cold_interval(ledger.limit(), pages, floor, settings_.cold_share);
  in.spans = hot_spans(now, day_end, rooms);
  in.density_exponent = 0;  // even spacing over the hot time
  return in;
}

Millis SweepScheduler::regular_sweep(Millis now, const RoomTable& rooms, const Habits& habits,
                                     const QuotaLedger& ledger, std::int64_t replay_reserve,
                                     SweepDecision& decision) const {
  const Millis last = *last_sweep_start_;
  const Millis floor = settings_.min_interval;
  if (settings_.policy == Policy::fixed) {
    decision.why = OutlookReason::fixed_interval;
    return last + fixed_interval(ledger.limit(), full_pages(), floor, settings_.fixed_reserve_share);
  }
  const std::int64_t pages = ceil_div(shallow_depth(rooms), settings_.page_size);
  const PacingInput in = budget(now, rooms, ledger, replay_reserve, pages);
  const PacingAdvice steady = adaptive_pacing(in);
  if (steady.next_change > now) decision.replan_at = std::min(decision.replan_at, steady.next_change);
  decision.sweeps_left = in.sweeps_left;
  if (in.sweeps_left > 0) decision.even_interval = (in.day_end - now) / in.sweeps_left;
  decision.why = steady.hot ? OutlookReason::likely_change : OutlookReason::quiet;
  if (settings_.policy == Policy::steady) return last + steady.interval;

  // Adaptive: the forecast for the rest of the day, bucket by bucket, with
  // the interval capped where the plan says a room may change and held to
  // the cold pace elsewhere.
  const Millis hot_cap = std::max(floor, static_cast<Millis>(static_cast<double>(steady.interval) *
                                                             settings_.interval_cap));
  const Millis cold_cap = std::max(in.cold_interval, hot_cap);
  std::vector<ChangeWindow> windows;
  std::vector<const TrackedRoom*> live;
  for (const auto& [id, room] : rooms) {
    if (!changeable(room)) continue;
    live.push_back(&room);
    windows.push_back(likely_change_window(room, habits, room.last_seen));
  }
  auto hot_at = [&](Millis t) {
    for (const ChangeWindow& w : windows) {
      if (w.from <= t && t < w.to) return true;
    }
    return false;
  };
  auto cap_at = [&](Millis t) { return hot_at(t) ? hot_cap : cold_cap; };
  std::vector<ForecastBucket> buckets;
  for (Millis t = now; t < in.day_end; t += kForecastBucket) {
    const Millis length = std::min(kForecastBucket, in.day_end - t);
    const Millis mid = t + length / 2;
    double rate = 0;
    for (const TrackedRoom* room : live) rate += forecast_density(*room, habits, room->last_seen, mid);
    buckets.push_back(ForecastBucket{length, rate, cap_at(mid)});
  }
  const double theta = pace_threshold(buckets, floor, static_cast<double>(in.sweeps_left));
  if (!std::isfinite(theta)) return last + steady.interval;  // not even the caps fit: spread evenly
  // Past the cap only while almost nothing can have happened, and never past
  // twice the cap where a room may change (habits learned from a few days
  // can be wrong about a quiet stretch).
  const Millis cap = cap_at(now);
  decision.why = hot_at(now) ? OutlookReason::likely_change : OutlookReason::quiet;
  const Millis latest = cap == hot_cap ? 2 * hot_cap : std::max(cap, cold_cap);
  return latency_trigger(rooms, habits, last, last + floor, last + cap, last + latest, theta, settings_.quiet_mass);
}

// Rule deadlines: be there to confirm with a poll rather than infer.
Millis SweepScheduler::deadline_sweep(Millis regular, const RoomTable& rooms, SweepDecision& decision) const {
  const Millis floor = settings_.min_interval;
  const Millis floor_at = *last_sweep_start_ + floor;
  Millis t = regular;
  for (const RuleDeadline& d : rule_deadlines(rooms, settings_.abnormal_timeout)) {
    // A sweep at or after it already looked; a failed one did not, so a
    // deadline whose sweep failed is retried at the floor, not left to the regular pace.
    if (last_answered_sweep_ && d.at <= *last_answered_sweep_) continue;
    // Through a 106's uncertainty window (window_from, at] at the floor, on a
    // grid at - k * floor: the true deadline is caught within one floor and
    // the latest possible one (the one the engine knows) is never overshot.
    // A 102's window is the one instant end_time.
    const Millis lo = std::max(floor_at, d.window_from < d.at ? d.window_from + 1 : d.at);
    if (lo <= d.at) {
      const Millis grid = d.at - (d.at - lo) / floor * floor;  // the first grid point the floor allows
      if (grid < t) {
        t = grid;
      } else if (t < grid && grid < t + floor) {
        t = grid;  // a little later, rather than block the grid point with a sweep just before it
      }
    } else if (floor_at < t) {
      t = floor_at;  // the floor kept us off the deadline itself: as soon after as allowed
    }
    if (t != regular) decision.deadline = d;
    break;  // sorted: the earliest unconfirmed deadline decides
  }
  return t;
}

SweepDecision SweepScheduler::next_sweep(Millis now, const RoomTable& rooms, const Habits& habits,
                                         const QuotaLedger& ledger, std::int64_t replay_reserve) const {
  SweepDecision decision;
  decision.replan_at = next_beijing_midnight(now);
  if (!last_sweep_start_) {
    decision.at = now;
    decision.why = OutlookReason::first_sweep;
    return decision;
  }
  const Millis floor_at = *last_sweep_start_ + settings_.min_interval;
  // The last sweep got no answer (a failure, a block): it saw nothing, so
  // the next one goes as soon as the floor (and the engine's backoff) allow.
  const bool unanswered = last_answered_sweep_ != last_sweep_start_;
  const Millis regular =
      unanswered ? floor_at : std::max(regular_sweep(now, rooms, habits, ledger, replay_reserve, decision), floor_at);
  if (unanswered) decision.why = OutlookReason::after_failed_sweep;
  decision.at = deadline_sweep(regular, rooms, decision);
  decision.confirm = decision.at < regular;
  if (decision.at != regular && decision.deadline) decision.why = OutlookReason::rule_deadline;
  return decision;
}

}  // namespace wxlived::engine
