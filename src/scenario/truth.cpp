#include "wxlived/scenario/truth.hpp"

#include <algorithm>
#include <limits>

namespace wxlived::scenario {
namespace {

bool is_terminal(LiveStatus s) { return s == LiveStatus::ended || s == LiveStatus::expired; }

// Walks a room's timeline applying WeChat's rules, yielding one true change at
// a time. status_at stops early; transitions() runs it to the end. Kept apart
// from engine/ on purpose: this is the yardstick the engine is graded against.
class RuleWalk {
 public:
  RuleWalk(const Room& room, Seconds abnormal_timeout_s)
      : room_(room), timeout_(abnormal_timeout_s) {}

  std::optional<Transition> next() {
    while (!is_terminal(current_)) {
      const TimelineEntry* entry = next_ < room_.timeline.size() ? &room_.timeline[next_] : nullptr;
      const std::optional<Transition> rule = pending_rule();
      // At the exact deadline second the rule wins over a timeline entry:
      // WeChat has already ended (or expired) the room by then.
      if (rule && (entry == nullptr || rule->t <= entry->t)) return apply(*rule);
      if (entry == nullptr) return std::nullopt;
      ++next_;
      if (entry->status == current_) continue;  // a repeat is no change; 106's clock keeps running
      return apply(entered_by_timeline(*entry));
    }
    return std::nullopt;
  }

 private:
  // The rule deadline the current status is heading for, if any.
  std::optional<Transition> pending_rule() const {
    if (current_ == LiveStatus::abnormal) {
      return Transition{entered_at_ + timeout_, current_, LiveStatus::ended,
                        TransitionCause::abnormal_timeout};
    }
    if (current_ == LiveStatus::not_started) {
      return Transition{std::max(entered_at_, room_.end_time), current_, LiveStatus::expired,
                        TransitionCause::end_time_passed};
    }
    return std::nullopt;
  }

  Transition entered_by_timeline(const TimelineEntry& entry) const {
    // Back to 102 after the planned end: WeChat would show it expired at once,
    // so this is one change, not a 102 and a 107 in the same second.
    if (entry.status == LiveStatus::not_started && entry.t >= room_.end_time) {
      return Transition{entry.t, current_, LiveStatus::expired, TransitionCause::end_time_passed};
    }
    return Transition{entry.t, current_, entry.status, TransitionCause::timeline};
  }

  Transition apply(const Transition& change) {
    current_ = change.to;
    entered_at_ = change.t;
    return change;
  }

  const Room& room_;
  Seconds timeout_;
  std::size_t next_ = 0;
  LiveStatus current_ = LiveStatus::not_started;
  // The initial 102 has been held since forever; 106 is only ever entered by a change.
  Seconds entered_at_ = std::numeric_limits<Seconds>::min();
};

}  // namespace

std::string_view cause_name(TransitionCause c) noexcept {
  switch (c) {
    case TransitionCause::timeline: return "timeline";
    case TransitionCause::abnormal_timeout: return "abnormal_timeout";
    case TransitionCause::end_time_passed: return "end_time_passed";
  }
  return "unknown";
}

std::vector<Transition> transitions(const Room& room, Seconds abnormal_timeout_s) {
  std::vector<Transition> out;
  RuleWalk walk(room, abnormal_timeout_s);
  while (const auto change = walk.next()) out.push_back(*change);
  return out;
}

LiveStatus status_at(const Room& room, Seconds abnormal_timeout_s, Seconds t) {
  LiveStatus status = LiveStatus::not_started;
  RuleWalk walk(room, abnormal_timeout_s);
  while (const auto change = walk.next()) {
    if (change->t > t) break;
    status = change->to;
  }
  return status;
}

std::optional<Seconds> ended_at(const Room& room, Seconds abnormal_timeout_s) {
  RuleWalk walk(room, abnormal_timeout_s);
  while (const auto change = walk.next()) {
    if (change->to == LiveStatus::ended) return change->t;
  }
  return std::nullopt;
}

}  // namespace wxlived::scenario
