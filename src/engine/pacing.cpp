#include "wxlived/engine/pacing.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace wxlived::engine {
namespace {

Millis clamp_ms(double value, Millis lo, Millis hi) {
  if (!(value == value)) return hi;  // NaN
  if (value < static_cast<double>(lo)) return lo;
  if (value > static_cast<double>(hi)) return hi;
  return static_cast<Millis>(value);
}

}  // namespace

PacingAdvice adaptive_pacing(const PacingInput& in) {
  PacingAdvice advice;
  const Millis horizon = std::max<Millis>(in.day_end - in.now, kSecond);

  // Weight as a step function over [now, day_end): +w at from, -w at to.
  std::map<Millis, double> steps;
  for (const HotSpan& span : in.spans) {
    const Millis from = std::max(span.from, in.now);
    const Millis to = std::min(span.to, in.day_end);
    if (to <= from || span.weight <= 0) continue;
    steps[from] += span.weight;
    steps[to] -= span.weight;
  }
  double weight_now = 0;
  double root_integral = 0;  // integral of sqrt(w) over hot time, in ms
  Millis hot_ms = 0;
  double w = 0;
  Millis at = in.now;
  advice.next_change = in.day_end;
  for (const auto& [t, delta] : steps) {
    if (t > at && w > 1e-9) {
      root_integral += std::pow(w, in.density_exponent) * static_cast<double>(t - at);
      hot_ms += t - at;
    }
    if (t <= in.now) {
      weight_now = w + delta;
    } else if (advice.next_change == in.day_end) {
      advice.next_change = t;
    }
    w += delta;
    at = std::max(at, t);
  }
  advice.hot = weight_now > 1e-9;
  advice.hot_ms_left = hot_ms;

  const Millis cold_ms = std::max<Millis>(0, horizon - hot_ms);
  const std::int64_t cold_sweeps = cold_ms / std::max<Millis>(in.cold_interval, in.floor);
  advice.cold_sweeps = cold_sweeps;
  const std::int64_t sweeps_left = std::max<std::int64_t>(in.sweeps_left, 0);
  if (sweeps_left <= 0) {
    advice.interval = horizon;  // nothing left: next sweep after the reset
    return advice;
  }
  const Millis even = horizon / sweeps_left;
  if (hot_ms == 0) {  // nothing likely to change before the reset: cold pace, or slower if scarce
    advice.interval = std::max({in.floor, in.cold_interval, even});
    return advice;
  }
  if (sweeps_left <= cold_sweeps) {  // not even the cold plan fits: spread what is left evenly
    advice.interval = std::max({in.floor, even, advice.hot ? Millis{0} : in.cold_interval});
    return advice;
  }
  if (!advice.hot) {
    advice.interval = std::max(in.floor, in.cold_interval);
    return advice;
  }
  const double hot_sweeps = static_cast<double>(sweeps_left - cold_sweeps);
  const double k = root_integral / hot_sweeps;
  advice.interval = clamp_ms(k / std::pow(weight_now, in.density_exponent), in.floor, std::max(in.floor, horizon));
  return advice;
}

Millis fixed_interval(std::int64_t daily_quota, std::int64_t pages_per_sweep, Millis floor, double reserve_share) {
  const double usable = static_cast<double>(daily_quota) * (1.0 - reserve_share);
  const double sweeps = usable / static_cast<double>(std::max<std::int64_t>(pages_per_sweep, 1));
  if (sweeps < 1) return kDay;
  return clamp_ms(static_cast<double>(kDay) / sweeps, floor, kDay);
}

Millis cold_interval(std::int64_t daily_quota, std::int64_t pages_per_sweep, Millis floor, double cold_share) {
  const double sweeps = static_cast<double>(daily_quota) * cold_share /
                        static_cast<double>(std::max<std::int64_t>(pages_per_sweep, 1));
  if (sweeps < 1) return 30 * kMinute;
  return clamp_ms(static_cast<double>(kDay) / sweeps, floor, std::max(floor, 30 * kMinute));
}

Millis deep_sweep_period(std::int64_t daily_quota, std::int64_t extra_pages, Millis floor, double deep_share) {
  if (extra_pages <= 0) return floor;
  const double sweeps = static_cast<double>(daily_quota) * deep_share / static_cast<double>(extra_pages);
  if (sweeps < 1) return 12 * kHour;
  return clamp_ms(static_cast<double>(kDay) / sweeps, floor, 12 * kHour);
}

}  // namespace wxlived::engine
