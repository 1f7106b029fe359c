#pragma once
// One mini program's engine: the room state machine and WeChat's rules at
// their deadlines, composing the scheduler (scheduler.hpp, hazard.hpp), the
// habits it learns (habits.hpp, habit_learning.hpp), the replay tracker, the
// failure backoff and the quota ledger. Pure: it never reads a
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
#include "wxlived/engine/failure_backoff.hpp"
#include "wxlived/engine/habit_learning.hpp"
#include "wxlived/engine/habits.hpp"
#include "wxlived/engine/outlook.hpp"
#include "wxlived/engine/pacing.hpp"
#include "wxlived/engine/quota_ledger.hpp"
#include "wxlived/engine/replay_tracker.hpp"
#include "wxlived/engine/scheduler.hpp"
#include "wxlived/engine/room_snapshot.hpp"
#include "wxlived/engine/tracked_room.hpp"
#include "wxlived/engine/settings.hpp"
#include "wxlived/liveapi/answers.hpp"
#include "wxlived/liveapi/outcome.hpp"

namespace wxlived::engine {

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

  bool blocked_long(Millis now) const;
  Millis blocked_until(Millis now) const;
  Plan issue(Millis now, Call call, Effects effects, Outlook why);
  Plan start_sweep(Millis now, bool confirm, Effects effects, Outlook why);
  // The operator's view of a decision (outlook.hpp).
  OutlookReason block_reason(Millis now) const;
  Outlook outlook(Millis now, std::string call, Millis at, OutlookReason reason) const;
  Outlook sweep_outlook(Millis now, const SweepDecision& next) const;
  std::vector<std::int64_t> replay_rooms_at(Millis at) const;

  // Applying answers.
  void observe_room(Millis now, const liveapi::RoomInfo& info, Effects& out);
  void finish_sweep(Millis now, Effects& out);
  void infer_due_rules(Millis now, Effects& out);
  void change_status(Millis now, TrackedRoom& room, int to, Millis after, Millis at, const std::string& reason,
                     bool inferred, Effects& out);
  void learn(Millis now, const TrackedRoom& before, const SeenChange& change);
  void flush_habits(Effects& out);
  void note_success(Millis now, Effects& out);
  Effects on_replay_room_gone(Millis now, const Call& call);
  void upsert(const TrackedRoom& room, Effects& out);  // seen_at: the last list page that held the room
  std::string emit(Effects& out, std::string type, std::optional<std::int64_t> room_id, std::string body, Millis now);
  bool take_inflight(const Call& call);

  EngineSettings settings_;
  ReplaySettings replay_settings_;
  AppIdentity identity_;
  QuotaLedger ledger_;
  SweepScheduler scheduler_;
  FailureBackoff backoff_;
  EngineStats stats_;
  RoomTable rooms_;
  Habits habits_ = prior_habits();
  bool habits_changed_ = false;  // learned since the last Effects that carried them
  std::optional<Call> inflight_;
  std::uint64_t next_call_id_ = 1;
  std::optional<Sweep> sweep_;
  std::optional<ReplayFetch> replay_fetch_;
  // daily_quota = "auto": when the quota API may be asked (again).
  Millis quota_ask_at_ = 0;
  int quota_api_failures_ = 0;

  AppHealth health_ = AppHealth::ok;
  Millis health_since_ = 0;
  Millis auth_retry_at_ = 0;
  std::optional<Millis> last_success_;

  Millis last_event_ms_ = 0;
  std::uint64_t event_ordinal_ = 0;
};

}  // namespace wxlived::engine
