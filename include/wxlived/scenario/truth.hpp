#pragma once
// A room's true status over time: its timeline with WeChat's documented rules
// applied on top (106 held abnormal_timeout_s => 103; 102 held at end_time =>
// 107; 103 and 107 are terminal).
#include <optional>
#include <string_view>
#include <vector>

#include "wxlived/scenario/scenario.hpp"

namespace wxlived::scenario {

enum class TransitionCause { timeline, abnormal_timeout, end_time_passed };
std::string_view cause_name(TransitionCause c) noexcept;

struct Transition {
  Seconds t = 0;
  LiveStatus from = LiveStatus::not_started;
  LiveStatus to = LiveStatus::not_started;
  TransitionCause cause = TransitionCause::timeline;

  friend bool operator==(const Transition&, const Transition&) = default;
};

// Every change of true status, in time order, strictly increasing t. The
// initial 102 is not a change. Listing windows are not applied: a change while
// the room is unlisted is still here (see listed()).
std::vector<Transition> transitions(const Room& room, Seconds abnormal_timeout_s);

// The true status at t.
LiveStatus status_at(const Room& room, Seconds abnormal_timeout_s, Seconds t);

// When the room reached 103 (by timeline or by the abnormal rule), if ever.
std::optional<Seconds> ended_at(const Room& room, Seconds abnormal_timeout_s);

// Scenario-level conveniences using the scenario's abnormal_timeout_s.
inline std::vector<Transition> transitions(const Scenario& s, const Room& room) {
  return transitions(room, s.abnormal_timeout_s);
}
inline LiveStatus status_at(const Scenario& s, const Room& room, Seconds t) {
  return status_at(room, s.abnormal_timeout_s, t);
}

}  // namespace wxlived::scenario
