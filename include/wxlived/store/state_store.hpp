#pragma once
// The product's state in SQLite or PostgreSQL (the same SQL on both): rooms, transitions, the event outbox and its
// deliveries, the quota ledger, app and endpoint state, app habits, a small kv.
// One writer (the daemon) and any number of readers (wxlivectl, read-only).
// Nothing here throws; every call returns Result<...> carrying a StoreError.
#include <cstdint>
#include <filesystem>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wxlived/store/database.hpp"
#include "wxlived/store/records.hpp"

namespace wxlived::store {

// state_dir/wxlived.db
std::filesystem::path database_path(const std::filesystem::path& state_dir);

class StateStore {
 public:
  // Read-write: creates state_dir (0700) and the file (0600) if missing and
  // migrates to the latest schema. A newer schema is refused, untouched.
  static Result<StateStore> open(const std::filesystem::path& db_file, const OpenOptions& options = {});
  // Read-only, beside a running daemon; the schema must be the current one.
  static Result<StateStore> open_readonly(const std::filesystem::path& db_file);
  // The same on PostgreSQL (a libpq `dsn`): migrates to the latest schema;
  // the read-only one runs every transaction read-only.
  static Result<StateStore> connect_postgresql(const std::string& dsn);
  static Result<StateStore> connect_postgresql_readonly(const std::string& dsn);

  explicit StateStore(Database db) : db_(std::move(db)) {}

  // --- writes that report changes: one transaction, all or nothing ---------
  Result<CommittedObservation> commit_observation(const Observation& observation);

  // --- rooms and apps -------------------------------------------------------
  Result<std::vector<RoomRecord>> rooms(std::optional<std::string_view> app = std::nullopt);
  Result<std::optional<RoomRecord>> room(std::string_view app, std::int64_t room_id);
  Result<std::vector<TransitionRecord>> transitions(std::string_view app, std::int64_t room_id);
  Result<std::vector<AppRecord>> apps();
  // One app's row; none until its health first changed.
  Result<std::optional<AppRecord>> app(std::string_view name);
  Result<void> set_app_state(const AppRecord& app);
  // Every app the store holds anything of (an apps row, habits, rooms or a
  // quota day), sorted: an app has an apps row only once its health changed.
  Result<std::vector<std::string>> app_names();
  // The app's habits as Observation::habits_json last stored them; none if never.
  Result<std::optional<std::string>> app_habits(std::string_view app);
  // The engine's outlook (engine/outlook.hpp) per app, as the daemon last wrote it.
  Result<void> put_app_schedule(const AppSchedule& schedule);
  Result<std::vector<AppSchedule>> app_schedules(std::optional<std::string_view> app = std::nullopt);
  // An app no longer configured has no plan.
  Result<void> drop_app_schedule(std::string_view app);

  // --- outbox ---------------------------------------------------------------
  Result<std::vector<EventRecord>> events(const EventFilter& filter = {});
  Result<std::optional<EventRecord>> event_by_id(std::string_view event_id);
  // The newest event's seq, 0 when there is none (a follower starts there).
  Result<std::int64_t> last_event_seq();
  Result<std::vector<DeliveryRecord>> deliveries(const DeliveryFilter& filter = {});
  // For each lane (endpoint, app, room), only its oldest pending/failed
  // delivery, and only if that one is due (next_attempt_at_ms <= now_ms):
  // a lane never has two deliveries in flight, so order per room and
  // endpoint holds. Disabled endpoints get nothing. Earliest due first.
  Result<std::vector<DueDelivery>> due_deliveries(std::int64_t now_ms, int limit);
  // Appends one event with its deliveries outside any observation (the
  // webhook.test event of wxlivectl send-test); returns its seq.
  Result<std::int64_t> append_event(const NewEvent& event);
  // The state and last attempt of one delivery; none if there is no such row.
  Result<std::optional<AttemptReport>> attempt_report(std::int64_t event_seq, std::string_view endpoint);
  // A delivery still pending (never tried) becomes dead with `reason`: its
  // sender stopped waiting. 1 if it was pending, 0 if an attempt came first.
  Result<int> abandon_pending_delivery(std::int64_t event_seq, std::string_view endpoint, std::string_view reason);
  // Several attempts in one transaction (one fsync): the delivery worker
  // commits every answer of a loop turn together. Rows not found are skipped.
  Result<void> record_delivery_attempts(const std::vector<DeliveryAttempt>& attempts);
  // The oldest undelivered delivery of one lane, due or not (the worker's
  // follow-up after finishing that lane's head, without rescanning).
  Result<std::optional<DueDelivery>> lane_head(std::string_view endpoint, std::string_view app,
                                               std::optional<std::int64_t> room_id);
  // Counts the attempt and moves the delivery to attempt.new_state. Error
  // SQLITE_NOTFOUND if there is no such delivery.
  Result<void> record_delivery_attempt(const DeliveryAttempt& attempt);
  // Puts an event's deliveries (to one endpoint, or all) back to pending, due
  // now, attempts reset: wxlivectl redeliver EVENT_ID. Returns rows requeued.
  Result<int> requeue_event(std::string_view event_id, std::int64_t now_ms,
                            std::optional<std::string_view> endpoint = std::nullopt);
  // wxlivectl redeliver --dead [--endpoint NAME]. Returns rows requeued.
  Result<int> requeue_dead(std::int64_t now_ms, std::optional<std::string_view> endpoint = std::nullopt);

  // --- endpoints --------------------------------------------------------------
  Result<void> disable_endpoint(std::string_view name, std::string_view reason, std::int64_t now_ms);
  Result<void> enable_endpoint(std::string_view name);
  Result<std::vector<EndpointRecord>> endpoints();

  // --- quota ledger -----------------------------------------------------------
  Result<QuotaDay> quota_day(std::string_view app, std::string_view day);  // zeros if no row
  Result<std::vector<QuotaDay>> quota_days(std::string_view day);          // every app with a row
  Result<void> add_quota_calls(std::string_view app, std::string_view day, QuotaKind kind, std::int64_t n);
  Result<void> mark_quota_exhausted(std::string_view app, std::string_view day, std::int64_t at_ms);

  // --- kv (token caches and other small state) ---------------------------------
  // An entry past its expires_at_ms reads as absent.
  // Retention: one small transaction removing at most `batch_rows` rows of
  // each kind older than the cutoff (events whose deliveries are all
  // delivered or dead, with those deliveries; transitions; quota days before
  // cutoff_day; rooms removed from WeChat's list; expired kv entries).
  // Call again while `more` is set.
  Result<PruneCounts> prune(std::int64_t cutoff_ms, std::string_view cutoff_day, int batch_rows);

  Result<std::optional<std::string>> kv_get(std::string_view key, std::int64_t now_ms);
  Result<void> kv_put(std::string_view key, std::string_view value, std::optional<std::int64_t> expires_at_ms);
  Result<void> kv_erase(std::string_view key);

  // --- fleet: app leases and fencing (PostgreSQL backend only) ----------------
  // Times are the database's clock, so daemons on different machines agree.
  // On SQLite these return an error: one daemon owns a SQLite file.
  //
  // From join_fleet(owner) on, every write for an app (commit_observation,
  // set_app_state, the quota ledger, put_app_schedule) first checks, inside
  // its transaction and under a share lock on the lease row, that `owner`
  // still holds the app's live lease with the epoch it acquired; if not,
  // nothing is written and the error has lease_lost set. A takeover waits
  // for such a transaction, so no write of a lost lease lands after it.
  //
  // A member paused (SIGSTOP, a frozen VM) inside such a transaction would
  // hold its share lock for as long as it is paused: the server ends a
  // session idle in a transaction for longer than `lease` (its writes roll
  // back, its next statement fails and reconnects), and a takeover waits for
  // a lock at most half a second (acquire_leases), then tries again later.
  Result<void> join_fleet(std::string owner, std::chrono::milliseconds lease);
  const std::string& fleet_owner() const { return fleet_owner_; }
  // This daemon is alive for ttl_ms more; returns the members alive now
  // (itself included), oldest first. Members expired long ago are removed.
  Result<std::vector<FleetMember>> fleet_heartbeat(std::string_view node, std::int64_t started_at_ms,
                                                   std::int64_t ttl_ms);
  // A clean stop: the member row goes and every lease is released at once.
  Result<void> leave_fleet();
  // Extends the leases still held (not expired); returns their apps. A lease
  // that expired is not renewed, even if nobody took it: its app restarts.
  Result<std::vector<std::string>> renew_leases(std::int64_t ttl_ms);
  // Takes the app if its lease is free, released or expired: the new epoch,
  // none when another owner holds it.
  Result<std::optional<std::int64_t>> acquire_lease(std::string_view app, std::int64_t ttl_ms);
  // acquire_lease for each of `apps` in order until `wanted` are taken, in
  // one transaction (one commit for thousands of apps at a start): the apps
  // taken with their epochs.
  Result<std::vector<std::pair<std::string, std::int64_t>>> acquire_leases(const std::vector<std::string>& apps,
                                                                           std::size_t wanted, std::int64_t ttl_ms);
  // Gives the app up now (its lease row stays, expired, so epochs never repeat).
  Result<void> release_lease(std::string_view app);
  // The apps whose lease is live now, whoever holds it, sorted.
  Result<std::vector<std::string>> leased_apps();
  // Every member row, alive or not, oldest first (wxlivectl fleet).
  Result<std::vector<FleetMember>> fleet_members();
  // Every lease row, live or not, sorted by app (wxlivectl, tests).
  Result<std::vector<LeaseRecord>> leases();

  Database& database() { return db_; }

 private:
  // Fencing, inside an open transaction: ok when not in a fleet.
  Result<void> check_lease(std::string_view app);
  // A single write for `app`, in a fenced transaction when in a fleet.
  Result<void> fenced(std::string_view app, const std::function<Result<void>()>& write);
  std::optional<std::int64_t> held_epoch(std::string_view app) const;
  Result<void> require_postgresql(std::string_view what) const;

  // Pieces of commit_observation, run inside its transaction.
  Result<void> upsert_app(const AppRecord& app);
  Result<void> upsert_room(const RoomRecord& room);
  Result<void> insert_transition(const TransitionRecord& transition);
  Result<std::int64_t> insert_event(const NewEvent& event);
  Result<void> add_quota(std::string_view app, const QuotaIncrement& quota);
  Result<void> put_habits(std::string_view app, std::string_view habits_json);

  Database db_;
  std::string fleet_owner_;                               // empty: not in a fleet
  std::vector<std::pair<std::string, std::int64_t>> held_;  // app -> epoch, sorted by app
};

}  // namespace wxlived::store
