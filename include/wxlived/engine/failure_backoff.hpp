#pragma once
// How long to wait after failed calls: the floor twice (a busy answer is
// usually over within a minute or two), then two floors, for as long as an
// outage may still be a passing fault window; once it has lasted
// `short_for`, doubling to `cap`. A fault window is thus followed by a
// successful call within one floor plus one step (two floors), and a long
// outage costs a call per `cap`. A token WeChat rejected once is retried at
// once with the shell's fresh token.
#include "wxlived/engine/beijing_time.hpp"
#include "wxlived/liveapi/outcome.hpp"

namespace wxlived::engine {

// `first` doubled `doublings` times, never past `cap`.
Millis doubled(Millis first, int doublings, Millis cap);

class FailureBackoff {
 public:
  FailureBackoff(Millis floor, Millis cap, Millis short_for) : floor_(floor), cap_(cap), short_for_(short_for) {}

  // A failed call answered at `now`: returns the wait before the next call.
  Millis on_failure(Millis now, liveapi::Outcome outcome);
  void on_success() { failures_ = 0; retry_at_ = 0; }

  bool failing() const noexcept { return failures_ > 0; }
  int failures() const noexcept { return failures_; }
  // When the failures running now become a long outage (the app is then
  // unreachable: the engine infers WeChat's rules instead of confirming them).
  Millis long_from() const noexcept { return failing_since_ + short_for_; }
  bool long_outage(Millis now) const noexcept { return failing() && now >= long_from(); }
  Millis retry_at() const noexcept { return retry_at_; }

 private:
  Millis floor_;
  Millis cap_;
  Millis short_for_;
  int failures_ = 0;
  Millis failing_since_ = 0;
  Millis retry_at_ = 0;
};

}  // namespace wxlived::engine
