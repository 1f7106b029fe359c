#pragma once
// One mini program's engine: room state machine, WeChat's rules at their
// deadlines, the quota ledger and the scheduler. Pure: it never reads a
// clock, sleeps or does I/O; every entry point takes `now` and returns
// decisions. The shell (wxlived run, wxlived simulate) loops:
//   plan(now) -> commit plan.effects, make plan.call if any, feed the answer
//   back with on_list_page/on_replay/on_quota/on_failure, commit those
//   effects, plan again; with no call, sleep until plan.wake_at.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "wxlived/engine/beijing_time.hpp"
#include "wxlived/engine/effects.hpp"
#include "wxlived/engine/event_builder.hpp"
#include "wxlived/engine/habits.hpp"
#include "wxlived/engine/pacing.hpp"
#include "wxlived/engine/quota_ledger.hpp"
#include "wxlived/engine/room_snapshot.hpp"
#include "wxlived/liveapi/answers.hpp"
#include "wxlived/liveapi/outcome.hpp"

namespace wxlived::engine {

enum class Policy { adaptive, fixed };
const char* to_string(Policy policy);

// The engine's own settings; the shell converts config::Config into these.
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
  Millis start_lead = 10 * kMinute;          // a 102 room may start this early...
  Millis start_lag = 15 * kMinute;           // ...or this late
  double start_weight = 2.0;                 // a room around its start counts for this many live rooms
  double density_exponent = 0.5;             // sweep density ~ (rooms that may change)^exponent
  double pacing_margin = 0.15;               // share of the spendable budget held back at each decision
  double cold_share = 0.08;                  // of the budget for quiet time
  double deep_share = 0.05;                  // of the budget for deep sweeps
  double max_sweep_share = 0.2;              // one sweep reads at most this share of the daily quota in pages
  double fixed_reserve_share = 0.08;         // fixed policy: kept for replays and rule confirmations
};

// A room as the store gives it back on restart.
struct RestoredRoom {
  std::int64_t room_id = 0;
  int status = 0;
  Millis status_since = 0;
  std::string snapshot_json;
  Millis first_seen = 0;
  Millis last_seen = 0;
  std::optional<Millis> removed_at;
};

struct RestoredApp {
  std::vector<RestoredRoom> rooms;
  std::int64_t quota_used_today = 0;        // every getliveinfo call counted today (Beijing day)
  std::optional<Millis> quota_exhausted_at; // 45009 seen today
  AppHealth health = AppHealth::ok;
  Millis health_since = 0;
  std::optional<std::string> habits_json;   // as Effects::habits_json last stored it
};

// Counters for metrics and the simulator.
struct EngineStats {
  std::int64_t sweeps = 0;
  std::int64_t complete_sweeps = 0;
  std::int64_t list_calls = 0;
  std::int64_t replay_calls = 0;
  std::int64_t quota_calls = 0;
  std::int64_t failures = 0;
  std::int64_t inferred = 0;
  Millis min_sweep_gap = -1;  // smallest gap between two sweep starts; -1 before the second
};

class AppEngine {
 public:
  explicit AppEngine(EngineSettings settings);

  // Before the first plan() after a restart: state and today's spending.
  Effects restore(const RestoredApp& saved, Millis now);

  Plan plan(Millis now);
  Effects on_list_page(Millis now, const Call& call, const liveapi::RoomListPage& page);
  Effects on_replay(Millis now, const Call& call, const liveapi::ReplayPage& page);
  Effects on_quota(Millis now, const Call& call, const liveapi::QuotaInfo& quota);
  Effects on_failure(Millis now, const Call& call, const liveapi::ApiError& error);

  const EngineSettings& settings() const noexcept { return settings_; }
  const QuotaLedger& ledger() const noexcept { return ledger_; }
  const EngineStats& stats() const noexcept { return stats_; }
  AppHealth health() const noexcept { return health_; }
  const Habits& habits() const noexcept { return habits_; }
  std::optional<int> room_status(std::int64_t room_id) const;
  std::size_t known_rooms() const;
  bool call_in_flight() const noexcept { return inflight_.has_value(); }

 private:
  struct Room {
    RoomMemory memory;
    int status = 0;
    Millis status_since = 0;
    Millis first_seen = 0;
    Millis last_seen = 0;
    std::optional<Millis> removed_at;
  };
  struct Sweep {
    Millis started = 0;
    std::int64_t next_start = 0;
    std::int64_t end = 0;  // positions [0, end) wanted; full sweeps follow total
    bool full = false;
    bool consistent = true;
    std::optional<std::int64_t> total;
    std::set<std::int64_t> seen;
  };
  struct ReplayFetch {
    std::int64_t room_id = 0;
    std::vector<liveapi::ReplaySegment> segments;
  };
  struct Deadline {
    Millis at = 0;          // the latest instant the rule can fire (sweep here to confirm)
    Millis window_from = 0; // the earliest (106: onset unknown within a poll interval)
    std::int64_t room_id = 0;
  };

  // Scheduling.
  Millis next_sweep_time(Millis now, Millis* hint, bool* confirm);
  std::int64_t shallow_depth() const;
  std::int64_t full_pages() const;
  std::int64_t max_sweep_rooms() const;
  std::vector<Deadline> deadlines() const;
  std::vector<HotSpan> hot_spans(Millis now, Millis day_end) const;
  std::int64_t replay_reserve(Millis now, Millis day_end) const;
  std::optional<std::int64_t> due_replay(Millis now) const;
  Millis next_replay_time() const;
  bool blocked_long(Millis now) const;
  Millis blocked_until(Millis now) const;

  // Making calls.
  Plan issue(Millis now, Call call, Effects effects);

  // Applying answers.
  void observe_room(Millis now, const liveapi::RoomInfo& info, Effects& out);
  void finish_sweep(Millis now, Effects& out);
  void infer_due_rules(Millis now, Effects& out);
  void change_status(Millis now, Room& room, int to, Millis at, const std::string& reason, bool inferred,
                     Effects& out);
  void start_replay_track(Room& room, Millis ended_at);
  void note_success(Millis now, Effects& out);
  void upsert(const Room& room, Effects& out);  // seen_at: the last list page that held the room
  std::string emit(Effects& out, std::string type, std::optional<std::int64_t> room_id, std::string body, Millis now);
  bool take_inflight(const Call& call);

  EngineSettings settings_;
  AppIdentity identity_;
  QuotaLedger ledger_;
  EngineStats stats_;
  std::map<std::int64_t, Room> rooms_;
  std::optional<Call> inflight_;
  std::uint64_t next_call_id_ = 1;
  std::optional<Sweep> sweep_;
  std::optional<ReplayFetch> replay_fetch_;
  std::optional<Millis> last_sweep_start_;
  std::optional<Millis> last_answered_sweep_;  // start of the last sweep whose pages all came back
  std::optional<Millis> last_full_sweep_;
  std::optional<std::int64_t> last_total_;
  // daily_quota = "auto": when the quota API may be asked (again).
  Millis quota_ask_at_ = 0;
  int quota_api_failures_ = 0;

  Habits habits_ = prior_habits();

  AppHealth health_ = AppHealth::ok;
  Millis health_since_ = 0;
  Millis auth_retry_at_ = 0;
  int consecutive_failures_ = 0;
  Millis failing_since_ = 0;
  Millis retry_at_ = 0;
  std::optional<Millis> last_success_;

  Millis last_event_ms_ = 0;
  std::uint64_t event_ordinal_ = 0;
};

}  // namespace wxlived::engine
