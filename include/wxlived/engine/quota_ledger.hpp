#pragma once
// The daily call budget of one app: every getliveinfo call (list or replay,
// success or failure) counts against the Beijing-time day it was made in.
#include <cstdint>
#include <limits>
#include <optional>

#include "wxlived/engine/beijing_time.hpp"

namespace wxlived::engine {

class QuotaLedger {
 public:
  // nullopt = "auto": unknown until set_limit (the quota API), fallback_limit meanwhile.
  explicit QuotaLedger(std::optional<std::int64_t> daily_limit, std::int64_t fallback_limit = 500);

  // A restart: calls already spent today (from the store) are not spent again.
  void restore(Millis now, std::int64_t used_today, std::optional<Millis> exhausted_at = std::nullopt);

  std::int64_t limit() const noexcept { return limit_ ? *limit_ : fallback_; }
  bool limit_known() const noexcept { return limit_.has_value(); }
  void set_limit(std::int64_t daily_limit) noexcept;

  std::int64_t used(Millis now) const noexcept;
  std::int64_t remaining(Millis now) const noexcept;
  // No call may be made: the count reached the limit, or WeChat said 45009 today.
  bool exhausted(Millis now) const noexcept;
  // When the current day's budget returns: the next 00:00 +08:00.
  Millis resets_at(Millis now) const noexcept { return next_beijing_midnight(now); }

  void spend(Millis now) noexcept;
  // 45009: WeChat says the day is gone, whatever our count says. Returns true
  // the first time for this day (emit app.quota_exhausted once).
  bool mark_exhausted(Millis now) noexcept;

 private:
  // Moves the ledger to now's day. A clock stepped back across 00:00 +08:00
  // stays on the later day: a day once spent is never handed out again.
  void roll(Millis now) noexcept;
  // True when now falls on a day after the ledger's: its counts are spent history.
  bool is_later_day(Millis now) const noexcept { return beijing_day(now) > day_; }

  std::optional<std::int64_t> limit_;
  std::int64_t fallback_;
  std::int64_t day_ = std::numeric_limits<std::int64_t>::min();
  std::int64_t used_ = 0;
  bool exhausted_ = false;
};

}  // namespace wxlived::engine
