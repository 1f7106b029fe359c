#include "wxlived/engine/habits.hpp"

#include <algorithm>
#include <cmath>
#include <functional>


namespace wxlived::engine {
namespace {

constexpr double kPriorStrength = 6;  // the prior counts as six observations

// A prior pmf on the bins of [lo, lo + n * width): shape(x) at each bin's
// centre, with kSupportFloor of it spread evenly so that no value is ever
// impossible (the interval-censored update weighs by the current belief and
// could never move mass into a bin the prior had at zero), scaled to 1 - never.
constexpr double kSupportFloor = 0.03;
std::vector<double> shaped(std::int64_t lo_s, std::int64_t width_s, std::size_t n, double never,
                           const std::function<double(double)>& shape) {
  std::vector<double> pmf(n);
  double sum = 0;
  for (std::size_t k = 0; k < n; ++k) {
    pmf[k] = std::max(0.0, shape(static_cast<double>(lo_s) + (static_cast<double>(k) + 0.5) *
                                                                  static_cast<double>(width_s)));
    sum += pmf[k];
  }
  const auto bins = static_cast<double>(n);
  for (double& p : pmf) p = (sum > 0 ? (1 - kSupportFloor) * p / sum : 0) * (1 - never) + kSupportFloor * (1 - never) / bins;
  return pmf;
}

// Piecewise-linear shape through (x, y) points, 0 outside.
std::function<double(double)> ramp(std::vector<std::pair<double, double>> points) {
  return [points = std::move(points)](double x) {
    for (std::size_t i = 1; i < points.size(); ++i) {
      const auto [x0, y0] = points[i - 1];
      const auto [x1, y1] = points[i];
      if (x >= x0 && x <= x1) return x1 == x0 ? y1 : y0 + (y1 - y0) * (x - x0) / (x1 - x0);
    }
    return 0.0;
  };
}

constexpr double kMin = 60;

}  // namespace

HabitDistribution::HabitDistribution(std::int64_t lo_s, std::int64_t width_s, std::vector<double> prior_pmf,
                                     double prior_never, double prior_strength, double smoothing_s)
    : lo_s_(lo_s), width_s_(std::max<std::int64_t>(width_s, 1)), smoothing_s_(std::max(0.0, smoothing_s)) {
  auto prior = std::make_shared<Prior>();
  prior->pmf = std::move(prior_pmf);
  prior->never = prior_never;
  prior->strength = prior_strength;
  prior->zeros.assign(prior->pmf.size(), 0.0);
  prior_ = prior;
  refresh();  // nothing observed: blended_never_ only
  // The tail of the blend with nothing observed, computed as refresh() would.
  prior->tail.assign(prior->pmf.size(), 0.0);
  double after = blended_never_;
  for (std::size_t k = prior->pmf.size(); k-- > 0;) {
    prior->tail[k] = after;
    after += blend(k);
  }
}

double HabitDistribution::blend(std::size_t k) const {
  const double total = prior_->strength + observed_total_;
  return (prior_->strength * prior_->pmf[k] + (observed_.empty() ? 0.0 : observed_[k])) / total;
}

void HabitDistribution::own() {
  if (!observed_.empty() || prior_->pmf.empty()) return;
  observed_.assign(prior_->pmf.size(), 0.0);
  tail_ = prior_->tail;
}

std::size_t HabitDistribution::bin_of(double x_s) const {
  const double k = std::floor((x_s - static_cast<double>(lo_s_)) / static_cast<double>(width_s_));
  return static_cast<std::size_t>(std::clamp(k, 0.0, static_cast<double>(prior_->pmf.size() - 1)));
}

void HabitDistribution::observe(double from_s, double to_s) {
  if (prior_->pmf.empty() || !std::isfinite(from_s) || !std::isfinite(to_s)) return;
  own();
  if (to_s < from_s) std::swap(from_s, to_s);
  from_s -= smoothing_s_;
  to_s += smoothing_s_;
  const std::size_t first = bin_of(from_s);
  const std::size_t last = bin_of(to_s);
  // The interval's unit goes to the bins it covers in proportion to what the
  // blend already believes of them (one step of Turnbull's self-consistent
  // estimator for interval-censored data): a drop seen once between two
  // sweeps says "0 to 4 minutes", and the belief says where in that span.
  // The edges absorb what lies beyond the axis.
  std::vector<double> share(last - first + 1, 0.0);
  double believed = 0;
  double covered_total = 0;
  for (std::size_t k = first; k <= last; ++k) {
    double lo = static_cast<double>(lo_s_) + static_cast<double>(k) * static_cast<double>(width_s_);
    double hi = lo + static_cast<double>(width_s_);
    if (k == 0) lo = std::min(lo, from_s);
    if (k + 1 == prior_->pmf.size()) hi = std::max(hi, to_s);
    const double covered = std::max(0.0, std::min(hi, to_s) - std::max(lo, from_s)) / (hi - lo);
    share[k - first] = covered;
    covered_total += covered;
    believed += covered * blend(k);
  }
  for (std::size_t k = first; k <= last; ++k) {
    const double c = share[k - first];
    if (believed > 1e-12) {
      observed_[k] += c * blend(k) / believed;
    } else if (covered_total > 0) {
      observed_[k] += c / covered_total;
    }
  }
  if (covered_total <= 0) observed_[bin_of((from_s + to_s) / 2)] += 1;
  observed_total_ += 1;
  refresh();
}

void HabitDistribution::observe_never() {
  own();
  observed_never_ += 1;
  observed_total_ += 1;
  refresh();
}

void HabitDistribution::observe_beyond(double x_s) {
  if (prior_->pmf.empty() || !std::isfinite(x_s)) return;
  const double pos = (x_s - static_cast<double>(lo_s_)) / static_cast<double>(width_s_);
  const double beyond = survival(x_s);
  own();
  if (pos >= static_cast<double>(prior_->pmf.size()) || beyond < 1e-9) {
    observed_never_ += 1;
  } else {
    const std::size_t first = pos < 0 ? 0 : static_cast<std::size_t>(pos);
    const double inside = pos < 0 ? 0 : pos - static_cast<double>(first);  // share of bin `first` already past
    observed_[first] += blend(first) * (1 - inside) / beyond;
    for (std::size_t k = first + 1; k < prior_->pmf.size(); ++k) observed_[k] += blend(k) / beyond;
    observed_never_ += blended_never_ / beyond;
  }
  observed_total_ += 1;
  refresh();
}

void HabitDistribution::fade(double factor) {
  if (observed_.empty() && observed_never_ == 0 && observed_total_ == 0) return;  // nothing to fade
  own();
  for (double& w : observed_) w *= factor;
  observed_never_ *= factor;
  observed_total_ *= factor;
  refresh();
}

void HabitDistribution::set_observed(std::vector<double> observed, double never, double total) {
  if (observed.size() != prior_->pmf.size() || observed.empty()) return;
  own();
  observed_ = std::move(observed);
  observed_never_ = std::isfinite(never) ? std::max(0.0, never) : 0.0;
  double sum = observed_never_;
  for (double& w : observed_) {
    if (!(w >= 0) || !std::isfinite(w)) w = 0;
    sum += w;
  }
  // The stored count, unless it disagrees with the bins by more than their rounding.
  observed_total_ = std::isfinite(total) && std::abs(total - sum) < 0.01 + 1e-3 * sum ? total : sum;
  refresh();
}

void HabitDistribution::refresh() {
  const double total = prior_->strength + observed_total_;
  blended_never_ = (prior_->strength * prior_->never + observed_never_) / total;
  if (observed_.empty()) return;  // the prior's tail stands
  double after = blended_never_;
  for (std::size_t k = prior_->pmf.size(); k-- > 0;) {
    tail_[k] = after;
    after += blend(k);
  }
}

double HabitDistribution::mass(std::size_t bin) const { return bin < prior_->pmf.size() ? blend(bin) : 0.0; }
double HabitDistribution::never() const { return blended_never_; }

double HabitDistribution::survival(double x_s) const {
  if (prior_->pmf.empty()) return 1;
  const double pos = (x_s - static_cast<double>(lo_s_)) / static_cast<double>(width_s_);
  if (pos < 0) return 1;
  if (pos >= static_cast<double>(prior_->pmf.size())) return blended_never_;
  const auto k = static_cast<std::size_t>(pos);
  const double inside = pos - static_cast<double>(k);  // share of bin k already past
  return tail()[k] + blend(k) * (1 - inside);
}

double HabitDistribution::density(double x_s) const {
  const double pos = (x_s - static_cast<double>(lo_s_)) / static_cast<double>(width_s_);
  if (pos < 0 || pos >= static_cast<double>(prior_->pmf.size())) return 0;
  return blend(static_cast<std::size_t>(pos)) / static_cast<double>(width_s_);
}

double HabitDistribution::quantile(double q, bool prior_only) const {
  const std::size_t n = prior_->pmf.size();
  auto pmf = [&](std::size_t k) { return prior_only ? prior_->pmf[k] : blend(k); };
  double happening = 0;
  for (std::size_t k = 0; k < n; ++k) happening += pmf(k);
  if (happening <= 0) return static_cast<double>(lo_s_);
  const double want = std::clamp(q, 0.0, 1.0) * happening;
  double seen = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const double p = pmf(k);
    if (p > 0 && seen + p >= want) {
      const double inside = (want - seen) / p;
      return static_cast<double>(lo_s_) + (static_cast<double>(k) + inside) * static_cast<double>(width_s_);
    }
    seen += p;
  }
  return static_cast<double>(lo_s_) + static_cast<double>(n * static_cast<std::size_t>(width_s_));
}

const char* to_string(Habit habit) {
  switch (habit) {
    case Habit::start_offset: return "start_offset";
    case Habit::end_offset: return "end_offset";
    case Habit::pause_length: return "pause_length";
    case Habit::abnormal_recovery: return "abnormal_recovery";
    case Habit::live_run: return "live_run";
  }
  return "?";
}

HabitDistribution& Habits::of(Habit habit) {
  return const_cast<HabitDistribution&>(static_cast<const Habits&>(*this).of(habit));
}

const HabitDistribution& Habits::of(Habit habit) const {
  switch (habit) {
    case Habit::start_offset: return start_offset;
    case Habit::end_offset: return end_offset;
    case Habit::pause_length: return pause_length;
    case Habit::abnormal_recovery: return abnormal_recovery;
    case Habit::live_run: break;
  }
  return live_run;
}

// Neutral: what a live room usually does, not any merchant's: the
// distributions of the ordinary day that scripts/gen_scenarios.py draws
// ("day" shape, sampled 20,000 broadcasts). Starts evenly from 4 minutes
// early to 15 late, one room in seven a no-show; ends mostly from 20 minutes
// early to two hours late (pauses push them back), likeliest half an hour
// late; pauses of 2 to 25 minutes; drops that recover within 14 minutes,
// a quarter never (WeChat's 15-minute rule ends them); a stream runs at
// least 10 minutes between interruptions, then stops at about 4 % per five
// minutes for the first hour and less after (about one interruption every
// two live hours).
namespace {

Habits build_prior_habits() {
  auto distribution = [](std::int64_t lo, std::int64_t width, std::size_t n, double never, double smoothing_s,
                         std::vector<std::pair<double, double>> points) {
    return HabitDistribution(lo, width, shaped(lo, width, n, never, ramp(std::move(points))), never, kPriorStrength,
                             smoothing_s);
  };
  return Habits{
      distribution(-60 * 60, 60, 180, 0.15, 3 * kMin, {{-5 * kMin, 0}, {-4 * kMin, 1}, {15 * kMin, 1}, {16 * kMin, 0}}),
      distribution(-120 * 60, 120, 150, 0, 10 * kMin,
                   {{-60 * kMin, 0}, {-20 * kMin, 0.15}, {0, 0.5}, {20 * kMin, 0.9}, {30 * kMin, 1},
                    {45 * kMin, 0.85}, {60 * kMin, 0.6}, {80 * kMin, 0.3}, {100 * kMin, 0.13}, {120 * kMin, 0.05},
                    {150 * kMin, 0}}),
      distribution(0, 30, 180, 0, 3 * kMin, {{110, 0}, {120, 1}, {1500, 1}, {1530, 0}}),
      distribution(0, 30, 120, 0.26, 2 * kMin, {{25, 0}, {30, 1}, {840, 1}, {870, 0}}),
      distribution(0, 60, 240, 0.05, 10 * kMin,
                   {{9.5 * kMin, 0}, {10 * kMin, 1}, {60 * kMin, 1.2}, {65 * kMin, 0.6}, {110 * kMin, 0.5},
                    {150 * kMin, 0.25}, {200 * kMin, 0.15}, {240 * kMin, 0.05}}),
      InterruptionRate{0.55, 4, 0, 0},
      0,
      true,
  };
}

}  // namespace

Habits prior_habits() {
  // Built once: every copy shares the prior's arrays (HabitDistribution::Prior).
  static const Habits prior = build_prior_habits();
  return prior;
}

bool fade_for_day(Habits& habits, Millis now) {
  const std::int64_t today = beijing_day(now);
  if (habits.day == today) return false;
  const std::int64_t days = std::clamp<std::int64_t>(today - habits.day, 1, 60);
  const bool first = habits.day == 0;
  habits.day = today;
  if (first) return false;
  const double factor = std::pow(kDailyFade, static_cast<double>(days));
  for (Habit h : kAllHabits) habits.of(h).fade(factor);
  habits.interruptions.events *= factor;
  habits.interruptions.live_hours *= factor;
  return true;
}

}  // namespace wxlived::engine
