#include "wxlived/engine/failure_backoff.hpp"

#include <algorithm>

namespace wxlived::engine {

Millis doubled(Millis first, int doublings, Millis cap) {
  Millis wait = first;
  for (int i = 0; i < doublings && wait < cap; ++i) wait *= 2;
  return std::min(wait, cap);
}

Millis FailureBackoff::on_failure(Millis now, liveapi::Outcome outcome) {
  if (failures_ == 0) failing_since_ = now;
  ++failures_;
  Millis wait = 0;  // the shell has fetched a new token: retry as soon as the floor allows
  if (outcome != liveapi::Outcome::token_invalid || failures_ > 1) {
    wait = doubled(floor_, failures_ - 2, long_outage(now) ? cap_ : std::min(cap_, 2 * floor_));
  }
  retry_at_ = now + wait;
  return wait;
}

}  // namespace wxlived::engine
