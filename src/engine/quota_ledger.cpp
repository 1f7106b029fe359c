#include "wxlived/engine/quota_ledger.hpp"

#include <algorithm>

namespace wxlived::engine {

QuotaLedger::QuotaLedger(std::optional<std::int64_t> daily_limit, std::int64_t fallback_limit)
    : limit_(daily_limit), fallback_(fallback_limit) {}

void QuotaLedger::roll(Millis now) noexcept {
  if (!is_later_day(now)) return;
  day_ = beijing_day(now);
  used_ = 0;
  exhausted_ = false;
}

void QuotaLedger::restore(Millis now, std::int64_t used_today, std::optional<Millis> exhausted_at) {
  roll(now);
  used_ = std::max<std::int64_t>(used_, used_today);
  if (exhausted_at && beijing_day(*exhausted_at) == day_) exhausted_ = true;
}

void QuotaLedger::set_limit(std::int64_t daily_limit) noexcept {
  if (daily_limit > 0) limit_ = daily_limit;
}

std::int64_t QuotaLedger::used(Millis now) const noexcept { return is_later_day(now) ? 0 : used_; }

std::int64_t QuotaLedger::remaining(Millis now) const noexcept {
  if (is_later_day(now)) return limit();
  if (exhausted_) return 0;
  return std::max<std::int64_t>(0, limit() - used_);
}

bool QuotaLedger::exhausted(Millis now) const noexcept { return remaining(now) <= 0; }

void QuotaLedger::spend(Millis now) noexcept {
  roll(now);
  ++used_;
}

bool QuotaLedger::mark_exhausted(Millis now) noexcept {
  roll(now);
  const bool first = !exhausted_;
  exhausted_ = true;
  return first;
}

}  // namespace wxlived::engine
