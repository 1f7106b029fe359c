#pragma once
// What the engine plans next and why, for the operator (`wxlivectl schedule`,
// GET /v1/apps). AppEngine::plan() fills it beside its decision, from the
// same values the decision used; the engine never reads it back. The shell
// stores it (as JSON) when the app goes idle, so that the CLI, which reads
// only the database, sees what the running daemon intends.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wxlived/engine/beijing_time.hpp"

namespace wxlived::engine {

// Why the next call goes when it goes. Stable words: operators script on them.
enum class OutlookReason {
  first_sweep,        // nothing read since start: sweep now
  sweep_pages_left,   // a sweep is under way: its next page now
  replay_pages_left,  // a replay answer had more segments: the next page now
  daily_quota_unknown,// daily_quota = "auto": ask WeChat's quota API
  quota_exhausted,    // 45009 or the ledger says spent: wait for the Beijing midnight reset
  auth_failed,        // the app's credentials were refused: retry later
  failure_backoff,    // WeChat failed: backing off
  after_failed_sweep, // the last sweep got no answer: again at the floor
  rule_deadline,      // a room's rule deadline (106 held, 102 past end_time): confirm it
  likely_change,      // rooms in their likely change window: the pace the budget allows there
  quiet,              // nothing likely to change: the slow pace
  fixed_interval,     // policy fixed: the constant interval
  replay_check,       // an ended room's replay check is due
};
const char* to_string(OutlookReason reason);

struct Outlook {
  Millis computed_at = 0;
  std::string call = "list";  // list | replay | quota
  Millis at = 0;              // when that call is planned (computed_at if now)
  OutlookReason reason = OutlookReason::first_sweep;
  std::vector<std::int64_t> rooms;  // the rooms behind the reason (at most kOutlookRooms)
  std::optional<Millis> deadline;   // rule_deadline: the latest instant the rule fires
  std::string policy;               // adaptive | steady | fixed
  std::int64_t daily_limit = 0;
  bool limit_known = true;          // false while daily_quota = "auto" has no answer yet
  std::int64_t used_today = 0;
  std::int64_t budget_left = 0;
  Millis resets_at = 0;             // the next Beijing midnight
  std::optional<Millis> last_sweep;
  // The pace: sweeps the budget still allows today and the interval that
  // spreads them evenly over the rest of the day (none under policy fixed).
  std::optional<std::int64_t> sweeps_left;
  std::optional<Millis> even_interval;

  friend bool operator==(const Outlook&, const Outlook&) = default;
};

inline constexpr std::size_t kOutlookRooms = 20;

std::string outlook_to_json(const Outlook& outlook);
// nullopt when the text is not an outlook this engine wrote.
std::optional<Outlook> outlook_from_json(std::string_view text);

}  // namespace wxlived::engine
