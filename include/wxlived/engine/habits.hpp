#pragma once
// What one app's rooms usually do, learned from its own transitions: how far
// from the planned start a broadcast begins, how far from the planned end it
// stops, how long a pause (105) and a drop (106) last, and how often a live
// broadcast is interrupted. The scheduler's hazard model reads these; a new
// app starts from a neutral prior and moves away from it as observations
// arrive. Pure data and arithmetic: persisted by the store as JSON.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wxlived/engine/beijing_time.hpp"

namespace wxlived::engine {

// A distribution of seconds on fixed bins [lo, lo + bins * width), plus the
// mass of "never" (a room that never starts, a drop that never recovers).
// Prior and observations are kept apart so the operator sees both.
class HabitDistribution {
 public:
  // smoothing_s: each observation is spread this far either side (a box
  // kernel), so a few observations give a smooth estimate, not spikes at
  // the values seen.
  HabitDistribution(std::int64_t lo_s, std::int64_t width_s, std::vector<double> prior_pmf, double prior_never,
                    double prior_strength, double smoothing_s);

  // One change known to have happened somewhere in [from_s, to_s] (the gap
  // between two sightings: WeChat's change time is never seen exactly), spread
  // evenly over the bins it covers; values outside the axis land on its edges.
  void observe(double from_s, double to_s);
  void observe_never();
  // A value known only to exceed x_s (right-censored: a live run cut short by
  // the broadcast's end): one unit spread over the bins past x_s and never,
  // in proportion to what the blend already puts there.
  void observe_beyond(double x_s);
  // Older observations count for less: all observed mass times `factor`.
  void fade(double factor);

  // The blended distribution: (prior_strength * prior + observed) / total.
  double mass(std::size_t bin) const;  // probability of bin
  double never() const;                // probability of never
  // P(value > x): the chance the change is still to come x seconds after the anchor.
  double survival(double x_s) const;
  // Probability density (per second) at x.
  double density(double x_s) const;
  // Quantile of the changes that happen (never excluded); q in [0, 1].
  double quantile(double q, bool prior_only = false) const;
  double prior_never() const noexcept { return prior_->never; }

  double observations() const noexcept { return observed_total_; }
  std::int64_t lo_s() const noexcept { return lo_s_; }
  std::int64_t width_s() const noexcept { return width_s_; }
  std::size_t bins() const noexcept { return prior_->pmf.size(); }
  // Zeros (the prior's shared ones) until something is observed.
  const std::vector<double>& observed() const noexcept { return observed_.empty() ? prior_->zeros : observed_; }
  double observed_never() const noexcept { return observed_never_; }
  // Restores stored observations; `total` is their count (the bins are rounded when stored).
  void set_observed(std::vector<double> observed, double never, double total);

 private:
  // What never changes, shared by every copy (every app starts from the
  // same prior_habits()): 10,000 apps held 28 KB each of identical prior,
  // blend and tail arrays before anything was observed.
  struct Prior {
    std::vector<double> pmf;   // sums to 1 - never
    double never = 0;
    double strength = 0;       // the prior counts as this many observations
    std::vector<double> tail;  // the blend's tail_ while nothing is observed
    std::vector<double> zeros;
  };

  std::size_t bin_of(double x_s) const;
  // The blended pmf of bin k: (strength * prior + observed) / total.
  double blend(std::size_t k) const;
  const std::vector<double>& tail() const noexcept { return observed_.empty() ? prior_->tail : tail_; }
  // Gives this distribution its own observed_ and tail_ (before the first change to them).
  void own();
  void refresh();

  std::int64_t lo_s_;
  std::int64_t width_s_;
  std::shared_ptr<const Prior> prior_;
  double smoothing_s_;
  // Empty (and tail_ too) until the first observation: prior_'s then.
  std::vector<double> observed_;
  double observed_never_ = 0;
  double observed_total_ = 0;   // observed mass, never included
  std::vector<double> tail_;    // tail_[k] = P(value in bins > k) + never
  double blended_never_ = 0;
};

// Interruptions of a live broadcast (a 105 or a 106 while 101), per live hour:
// the operator's figure, and the pace of interruptions in broadcasts not yet
// under way. A broadcast under way uses live_run, which also knows that a
// stream rarely stops again within minutes of (re)starting.
struct InterruptionRate {
  double prior_per_hour = 0.55;
  double prior_hours = 4;       // the prior counts as this many live hours
  double events = 0;
  double live_hours = 0;
  double per_hour() const { return (prior_per_hour * prior_hours + events) / (prior_hours + live_hours); }
};

enum class Habit { start_offset, end_offset, pause_length, abnormal_recovery, live_run };
inline constexpr std::array<Habit, 5> kAllHabits{Habit::start_offset, Habit::end_offset, Habit::pause_length,
                                                 Habit::abnormal_recovery, Habit::live_run};
const char* to_string(Habit habit);

struct Habits {
  HabitDistribution start_offset;       // actual start - planned start_time; never = a no-show (107)
  HabitDistribution end_offset;         // actual end (103) - planned end_time
  HabitDistribution pause_length;       // 105 -> anything
  HabitDistribution abnormal_recovery;  // 106 -> 101; never = WeChat's 15-minute rule ended it
  HabitDistribution live_run;           // 101 held before a 105 or 106 (an end censors it)
  InterruptionRate interruptions;
  std::int64_t day = 0;                 // Beijing day of the last fade
  bool learning = true;                 // false: stay at the prior (simulate --no-learn)

  HabitDistribution& of(Habit habit);
  const HabitDistribution& of(Habit habit) const;
};

// The neutral prior every app starts from.
Habits prior_habits();

// A new Beijing day: observations older than today fade by kDailyFade so
// the habits follow a merchant who changes theirs. Returns true when it faded.
inline constexpr double kDailyFade = 0.9;
bool fade_for_day(Habits& habits, Millis now);

std::string habits_to_json(const Habits& habits);
// nullopt when the text is not habits this engine wrote (then: the prior).
std::optional<Habits> habits_from_json(std::string_view json);
// For the operator (wxlivectl habits, /v1/apps/{app}/habits): per habit the
// learned p10/p50/p90 and never-share beside the prior's, and the observations.
std::string habits_summary_json(const std::string& app, const Habits& habits);

}  // namespace wxlived::engine
