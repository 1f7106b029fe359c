#pragma once
// Plain values read from and written to the store. All times are unix
// milliseconds (the *_ms fields); WeChat's own times stay in snapshot_json.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wxlived::store {

enum class AppState { ok, auth_failed, quota_exhausted };
std::string_view to_string(AppState state);
std::optional<AppState> app_state_from_string(std::string_view text);

// What the app's engine plans next, as the daemon last wrote it.
struct AppSchedule {
  std::string app;
  std::int64_t written_at_ms = 0;
  std::string outlook_json;  // engine/outlook.hpp
  bool operator==(const AppSchedule&) const = default;
};

// One app's lease in a fleet (PostgreSQL backend): held by `owner` until
// expires_at_ms (the database's clock); epoch is the fencing token.
struct LeaseRecord {
  std::string app;
  std::string owner;
  std::int64_t epoch = 0;
  std::int64_t acquired_at_ms = 0;
  std::int64_t expires_at_ms = 0;
  bool operator==(const LeaseRecord&) const = default;
};

// A daemon of the fleet, alive while its heartbeat is not expired.
struct FleetMember {
  std::string owner;
  std::string node;
  std::int64_t started_at_ms = 0;
  std::int64_t expires_at_ms = 0;
  bool operator==(const FleetMember&) const = default;
};

struct AppRecord {
  std::string name;
  std::string appid;
  AppState state = AppState::ok;
  std::int64_t state_since_ms = 0;
  std::optional<std::int64_t> last_success_ms;

  bool operator==(const AppRecord&) const = default;
};

struct RoomRecord {
  std::string app;
  std::int64_t room_id = 0;
  int status = 0;  // WeChat live_status: 101..107
  std::int64_t status_since_ms = 0;
  std::string snapshot_json;
  std::int64_t first_seen_ms = 0;  // kept from the first insert on later upserts
  std::int64_t last_seen_ms = 0;
  std::optional<std::int64_t> removed_at_ms;

  bool operator==(const RoomRecord&) const = default;
};

struct TransitionRecord {
  std::int64_t id = 0;  // assigned by the store; ignored on insert
  std::string app;
  std::int64_t room_id = 0;
  std::optional<int> from_status;  // none for a room's first status
  int to_status = 0;
  std::int64_t at_ms = 0;
  std::string reason;  // observed, abnormal_timeout, end_time_passed, ...
  bool inferred = false;
  std::optional<std::string> event_id;
  // The change happened after this: the last sighting with the old status
  // (at_ms is the first sighting with the new one, or a rule's deadline).
  // None for a room's first status, and in rows written before migration 4.
  std::optional<std::int64_t> after_ms;

  bool operator==(const TransitionRecord&) const = default;
};

// An event to append to the outbox, with the endpoints that must receive it.
struct NewEvent {
  std::string id;  // stable: becomes the webhook-id
  std::string type;
  std::string app;
  std::optional<std::int64_t> room_id;  // none for app-level events
  std::string body_json;                // the full webhook body
  std::int64_t created_at_ms = 0;
  std::vector<std::string> endpoints;
};

struct EventRecord {
  std::int64_t seq = 0;  // global order
  std::string id;
  std::string type;
  std::string app;
  std::optional<std::int64_t> room_id;
  std::string body_json;
  std::int64_t created_at_ms = 0;

  bool operator==(const EventRecord&) const = default;
};

// pending: never tried; failed: retrying after an error; dead: gave up, kept
// for redelivery.
enum class DeliveryState { pending, failed, delivered, dead };
std::string_view to_string(DeliveryState state);
std::optional<DeliveryState> delivery_state_from_string(std::string_view text);

struct DeliveryRecord {
  std::int64_t event_seq = 0;
  std::string endpoint;
  std::string app;
  std::optional<std::int64_t> room_id;
  DeliveryState state = DeliveryState::pending;
  int attempts = 0;  // since queued_at_ms
  std::int64_t queued_at_ms = 0;
  std::int64_t next_attempt_at_ms = 0;
  std::optional<int> last_status;  // HTTP status of the last attempt
  std::optional<std::string> last_error;
  std::optional<std::int64_t> delivered_at_ms;

  bool operator==(const DeliveryRecord&) const = default;
};

// A delivery that is due now, with what is needed to send it.
struct DueDelivery {
  DeliveryRecord delivery;
  EventRecord event;
};

// The outcome of one delivery attempt.
struct DeliveryAttempt {
  std::int64_t event_seq = 0;
  std::string endpoint;
  DeliveryState new_state = DeliveryState::failed;
  std::optional<int> status;  // none: no HTTP answer (timeout, connection error)
  std::optional<std::string> error;
  std::int64_t next_attempt_at_ms = 0;  // meaningful for failed
  std::int64_t now_ms = 0;
  std::optional<std::int64_t> latency_ms;  // the POST's round trip
  std::optional<std::string> answer;       // an excerpt of the receiver's answer body
};

// What the last attempt of one delivery found (wxlivectl send-test).
struct AttemptReport {
  DeliveryState state = DeliveryState::pending;
  int attempts = 0;
  std::optional<int> last_status;
  std::optional<std::string> last_error;
  std::optional<std::int64_t> last_latency_ms;
  std::optional<std::string> last_answer;

  bool operator==(const AttemptReport&) const = default;
};

enum class QuotaKind { list, replay, token, quota_error };

struct QuotaDay {
  std::string app;
  std::string day;  // Beijing date, YYYY-MM-DD
  std::int64_t list_calls = 0;
  std::int64_t replay_calls = 0;
  std::int64_t token_calls = 0;
  std::int64_t quota_errors = 0;
  std::optional<std::int64_t> exhausted_at_ms;

  bool operator==(const QuotaDay&) const = default;
};

// Calls to add to an app's ledger for a day.
struct QuotaIncrement {
  std::string day;
  std::int64_t list_calls = 0;
  std::int64_t replay_calls = 0;
  std::int64_t token_calls = 0;
  std::int64_t quota_errors = 0;
  std::optional<std::int64_t> exhausted_at_ms;  // set once; a later value does not overwrite
};

struct EndpointRecord {
  std::string name;
  std::optional<std::int64_t> disabled_at_ms;
  std::optional<std::string> disabled_reason;

  bool operator==(const EndpointRecord&) const = default;
};

// Everything one poll (or one rule firing) changes, committed atomically:
// the state change and the events reporting it never exist one without the other.
struct Observation {
  std::string app;
  std::optional<AppRecord> app_record;  // e.g. auth_failed -> ok together with app.recovered
  std::vector<RoomRecord> room_upserts;
  std::vector<TransitionRecord> transitions;
  std::vector<NewEvent> events;
  std::vector<QuotaIncrement> quota;  // one per Beijing day
  // The app's learned habits changed (engine/habits.hpp's JSON): replaces the
  // app's stored habits, in the same transaction as the rest.
  std::optional<std::string> habits_json;
};

struct CommittedObservation {
  std::vector<std::int64_t> event_seqs;  // in the order of Observation::events
};

struct EventFilter {
  std::int64_t after_seq = 0;  // events with seq > after_seq
  std::optional<std::string> app;
  std::optional<std::int64_t> room_id;
  std::optional<std::int64_t> since_ms;  // created_at_ms >= since_ms
  int limit = 100;
};

struct DeliveryFilter {
  std::optional<std::string> endpoint;
  std::optional<DeliveryState> state;
  int limit = 1000;
};

// What one StateStore::prune call removed.
struct PruneCounts {
  int events = 0;
  int transitions = 0;
  int quota_days = 0;
  int rooms = 0;
  int kv = 0;
  bool more = false;  // some kind hit the batch limit: call again

  int total() const { return events + transitions + quota_days + rooms + kv; }
};

}  // namespace wxlived::store
