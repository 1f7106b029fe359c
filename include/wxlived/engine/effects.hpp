#pragma once
// What the engine decides, as plain values the shell executes and commits.
// Each Effects maps 1:1 onto one store::Observation (one transaction):
//   rooms -> room_upserts, transitions -> transitions, events -> events,
//   quota -> quota, app_state -> app_record, habits_json -> the app's habits
//   row. warnings are for the log only.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "wxlived/engine/beijing_time.hpp"
#include "wxlived/engine/outlook.hpp"

namespace wxlived::engine {

// One getliveinfo (or quota API) call the shell should make now.
struct Call {
  enum class Kind { list, replay, quota };
  Kind kind = Kind::list;
  std::int64_t start = 0;
  std::int64_t limit = 100;
  std::int64_t room_id = 0;  // replay only
  std::uint64_t id = 0;      // echo it back with the answer; stale answers are ignored

  friend bool operator==(const Call&, const Call&) = default;
};
const char* to_string(Call::Kind kind);

// A room's row as the store keeps it (store::RoomRecord without the app).
struct RoomUpsert {
  std::int64_t room_id = 0;
  int status = 0;
  Millis status_since = 0;
  std::string snapshot_json;  // room_snapshot.hpp: WeChat's fields + the engine's follow-up state
  Millis seen_at = 0;         // first_seen_ms on insert, last_seen_ms always
  std::optional<Millis> removed_at;
};

struct TransitionOut {
  std::int64_t room_id = 0;
  std::optional<int> from;  // none for a room's first status
  int to = 0;
  Millis at = 0;
  std::string reason;  // observed | abnormal_timeout | end_time_passed
  bool inferred = false;
  std::string event_id;
  // The lower bound of the change: the last sighting with the old status (a
  // rule's change: its last sighting, at most the deadline). None for a
  // room's first status.
  std::optional<Millis> after;
};

struct EventOut {
  std::string id;  // stable, becomes the webhook-id
  std::string type;
  std::optional<std::int64_t> room_id;  // none for app.* events
  std::string body_json;                // the whole webhook body (SPEC section 5)
  Millis created_at = 0;
};

// Calls to add to the app's ledger row for one Beijing day.
struct QuotaDelta {
  std::string day;  // YYYY-MM-DD, Beijing
  std::int64_t list_calls = 0;
  std::int64_t replay_calls = 0;
  std::int64_t quota_errors = 0;
  std::optional<Millis> exhausted_at;
};

enum class AppHealth { ok, auth_failed, quota_exhausted };
const char* to_string(AppHealth health);

struct AppStateChange {
  AppHealth health = AppHealth::ok;
  Millis since = 0;
  std::optional<Millis> last_success;
};

// Something surprising the engine recorded anyway, for the shell's log: one
// stable message per kind (docs/OPERATIONS.md lists them), values in fields.
struct Warning {
  using Value = std::variant<std::int64_t, std::string>;
  std::string msg;
  std::vector<std::pair<std::string, Value>> fields;

  // The field's value, if the warning has it (for tests and the shell).
  const Value* field(std::string_view key) const;
  friend bool operator==(const Warning&, const Warning&) = default;
};

struct Effects {
  std::vector<RoomUpsert> rooms;
  std::vector<TransitionOut> transitions;
  std::vector<EventOut> events;
  std::vector<QuotaDelta> quota;  // one per Beijing day, oldest first
  std::optional<AppStateChange> app_state;
  std::optional<std::string> habits_json;  // the app's learned habits changed: store this (habits.hpp)
  std::vector<Warning> warnings;  // surprising input, recorded anyway: the shell logs these

  bool empty() const {
    return rooms.empty() && transitions.empty() && events.empty() && quota.empty() && !app_state && !habits_json &&
           warnings.empty();
  }
  void append(Effects&& other);
};

// plan(): what to do now and when to ask again. If call is set, the quota
// increment for it is already in effects: commit effects, then make the call
// (a crash in between over-counts by one call, never under-counts).
struct Plan {
  std::optional<Call> call;
  Effects effects;
  Millis wake_at = 0;  // call plan() again at this time (or when an answer arrives)
  // The next call and why, for the operator; none while a call is in flight.
  std::optional<Outlook> outlook;
};

}  // namespace wxlived::engine
