#pragma once
// The engine's own settings; the shell converts config::Config into these.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "wxlived/engine/beijing_time.hpp"

namespace wxlived::engine {

// adaptive: sweeps where the hazard model expects changes (scheduler.hpp);
// steady: the fair baseline, shallow sweeps evenly over the hours any room
// can change; fixed: full sweeps at one constant interval.
enum class Policy { adaptive, steady, fixed };
const char* to_string(Policy policy);
std::optional<Policy> policy_from_string(std::string_view name);

struct EngineSettings {
  std::string app = "app";
  std::string appid;
  std::optional<std::int64_t> daily_quota = 500;  // nullopt = "auto": ask the quota API first
  std::int64_t page_size = 100;
  Millis min_interval = 60 * kSecond;        // floor between sweep starts
  Millis abnormal_timeout = 900 * kSecond;   // 106 held this long => 103
  Millis replay_delay = 600 * kSecond;       // replay expected this long after 103
  Policy policy = Policy::adaptive;
  bool learn = true;                         // false: habits stay at the prior (simulate --no-learn)

  // Tunables (defaults suit 500..100,000 calls a day).
  Millis replay_give_up = 2 * kHour;         // no segments this long after the first check: stop
  Millis replay_followup = 1 * kHour;        // look for more segments this long after an announcement
  int replay_followups = 1;
  Millis auth_backoff = 30 * kMinute;
  Millis max_failure_backoff = 10 * kMinute;
  Millis quota_api_retry = 5 * kMinute;      // "auto": a failed quota API call is asked again after this,
  Millis max_quota_api_retry = 2 * kHour;    // doubling up to this, and at the latest at the next Beijing day
  Millis infer_after_outage = 30 * kMinute;  // failing this long = unreachable: rules are inferred
  Millis live_tail = 30 * kMinute;           // a live room is expected to run this far past end_time
  Millis start_lead = 10 * kMinute;          // steady: a 102 room may start this early
  double pacing_margin = 0.0;                // share of the spendable budget held back at each decision
  double cold_share = 0.08;                  // of the budget for quiet time
  double deep_share = 0.05;                  // of the budget for deep sweeps
  double max_sweep_share = 0.2;              // one sweep reads at most this share of the daily quota in pages
  double fixed_reserve_share = 0.08;         // fixed policy: kept for replays and rule confirmations
  double interval_cap = 1.2;                 // adaptive: wait at most this times steady's interval...
  double quiet_mass = 0.1;                   // ...unless fewer changes than this can have happened since
};

}  // namespace wxlived::engine
