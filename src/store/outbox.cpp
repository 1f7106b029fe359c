// StateStore: the event outbox, its deliveries and the endpoints' state.
#include <string>
#include <utility>

#include "rows.hpp"
#include "wxlived/store/state_store.hpp"

namespace wxlived::store {

using detail::failure;

namespace {

// In a fleet, a daemon sends the deliveries of the apps it holds leases for
// (so per-room order has one sender at a time), and those of apps nobody
// leases (wxlivectl send-test's webhook.test).
constexpr std::string_view kOwnedByThisDaemon =
    " AND (d.app IN (SELECT app FROM app_leases WHERE owner = ?3 AND expires_at_ms > "
    "(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT) "
    "OR NOT EXISTS (SELECT 1 FROM app_leases l WHERE l.app = d.app))";

}  // namespace

Result<std::vector<EventRecord>> StateStore::events(const EventFilter& filter) {
  static const std::string sql = "SELECT " + std::string(detail::kEventColumns) +
                                 " FROM events WHERE seq > ?1 AND (CAST(?2 AS TEXT) IS NULL OR app = ?2) "
                                 "AND (CAST(?3 AS BIGINT) IS NULL OR room_id = ?3) "
                                 "AND (CAST(?4 AS BIGINT) IS NULL OR created_at_ms >= ?4) "
                                 "ORDER BY seq LIMIT ?5";
  return detail::select_all<EventRecord>(
      db_, sql, [](const Query& q) { return detail::read_event(q); }, filter.after_seq, filter.app, filter.room_id,
      filter.since_ms, filter.limit);
}

Result<std::optional<EventRecord>> StateStore::event_by_id(std::string_view event_id) {
  static const std::string sql = "SELECT " + std::string(detail::kEventColumns) + " FROM events WHERE id = ?1";
  return detail::select_one<EventRecord>(db_, sql, [](const Query& q) { return detail::read_event(q); }, event_id);
}

Result<std::vector<DeliveryRecord>> StateStore::deliveries(const DeliveryFilter& filter) {
  static const std::string sql = "SELECT " + std::string(detail::kDeliveryColumns) +
                                 " FROM deliveries WHERE (CAST(?1 AS TEXT) IS NULL OR endpoint = ?1) "
                                 "AND (CAST(?2 AS TEXT) IS NULL OR state = ?2) ORDER BY event_seq, endpoint LIMIT ?3";
  std::optional<std::string_view> state;
  if (filter.state) {
    state = to_string(*filter.state);
  }
  return detail::select_all<DeliveryRecord>(
      db_, sql, [](const Query& q) { return detail::read_delivery(q); }, filter.endpoint, state, filter.limit);
}

Result<std::vector<DueDelivery>> StateStore::due_deliveries(std::int64_t now_ms, int limit) {
  // heads: the oldest undelivered row of every lane, read off the partial
  // index deliveries_undelivered_by_lane (same WHERE, same column order).
  // Only then is "due" checked: a later row of a lane whose head is waiting
  // for its backoff must not overtake it.
  static const std::string select =
      "WITH heads AS (SELECT endpoint, MIN(event_seq) AS event_seq FROM deliveries "
      "WHERE state IN ('pending', 'failed') GROUP BY endpoint, app, room_id) "
      "SELECT d.event_seq, d.endpoint, d.app, d.room_id, d.state, d.attempts, d.queued_at_ms, "
      "d.next_attempt_at_ms, d.last_status, d.last_error, d.delivered_at_ms, "
      "e.seq, e.id, e.type, e.app, e.room_id, e.body_json, e.created_at_ms "
      "FROM heads h JOIN deliveries d ON d.event_seq = h.event_seq AND d.endpoint = h.endpoint "
      "JOIN events e ON e.seq = d.event_seq "
      "WHERE d.next_attempt_at_ms <= ?1 AND NOT EXISTS "
      "(SELECT 1 FROM endpoints x WHERE x.name = d.endpoint AND x.disabled_at_ms IS NOT NULL)";
  static const std::string order = " ORDER BY d.next_attempt_at_ms, d.event_seq, d.endpoint LIMIT ?2";
  static const std::string alone = select + order;
  static const std::string in_fleet = select + std::string(kOwnedByThisDaemon) + order;
  const auto row = [](const Query& q) { return DueDelivery{detail::read_delivery(q, 0), detail::read_event(q, 11)}; };
  if (fleet_owner_.empty()) return detail::select_all<DueDelivery>(db_, alone, row, now_ms, limit);
  return detail::select_all<DueDelivery>(db_, in_fleet, row, now_ms, limit, fleet_owner_);
}

// Attempt outcomes are committed without waiting for the disk (WAL with
// synchronous=NORMAL: the commit is in the WAL, which survives a crash of
// the process; only a power cut can lose the last few, and the next commit
// of an event, made with synchronous=FULL, syncs them too). What a lost
// outcome costs is a webhook sent again with the same webhook-id, which
// at-least-once delivery allows; events themselves are never committed
// this way. See docs/architecture/store.md.
// PostgreSQL's equivalent is synchronous_commit = off for the transaction:
// the commit is in the server's WAL buffers, lost only if the server itself
// crashes before its next flush (at most wal_writer_delay x 3).
Result<void> StateStore::record_delivery_attempts(const std::vector<DeliveryAttempt>& attempts) {
  const bool relax = !db_.postgresql() && db_.synchronous() == Synchronous::full;
  if (relax) {
    if (auto set = db_.exec("PRAGMA synchronous=NORMAL"); !set) return set;
  }
  auto recorded = [&]() -> Result<void> {
    auto tx = db_.begin_immediate();
    if (!tx) return Unexpected{std::move(tx).error()};
    if (db_.postgresql()) {
      if (auto set = db_.exec("SET LOCAL synchronous_commit = off"); !set) return set;
    }
    for (const DeliveryAttempt& attempt : attempts) {
      auto done = record_delivery_attempt(attempt);
      // A row that vanished (pruned, or a test's fixture) must not take the
      // other attempts of the batch down with it.
      if (!done && done.error().code != SQLITE_NOTFOUND) return done;
    }
    return tx->commit();
  }();
  if (relax) {
    if (auto set = db_.exec("PRAGMA synchronous=FULL"); !set && recorded) return set;
  }
  return recorded;
}

Result<std::optional<DueDelivery>> StateStore::lane_head(std::string_view endpoint, std::string_view app,
                                                         std::optional<std::int64_t> room_id) {
  // One seek on deliveries_undelivered_by_lane: O(log n), not a scan.
  static const std::string sql =
      "SELECT d.event_seq, d.endpoint, d.app, d.room_id, d.state, d.attempts, d.queued_at_ms, "
      "d.next_attempt_at_ms, d.last_status, d.last_error, d.delivered_at_ms, "
      "e.seq, e.id, e.type, e.app, e.room_id, e.body_json, e.created_at_ms "
      "FROM deliveries d JOIN events e ON e.seq = d.event_seq "
      "WHERE d.endpoint = ?1 AND d.app = ?2 AND d.room_id IS NOT DISTINCT FROM ?3 AND d.state IN ('pending', 'failed') "
      "ORDER BY d.event_seq LIMIT 1";
  return detail::select_one<DueDelivery>(
      db_, sql, [](const Query& q) { return DueDelivery{detail::read_delivery(q, 0), detail::read_event(q, 11)}; },
      endpoint, app, room_id);
}

Result<void> StateStore::record_delivery_attempt(const DeliveryAttempt& attempt) {
  static constexpr std::string_view sql =
      "UPDATE deliveries SET state = ?3, attempts = attempts + 1, last_status = ?4, last_error = ?5, "
      "next_attempt_at_ms = ?6, delivered_at_ms = CASE WHEN ?3 = 'delivered' THEN ?7 ELSE delivered_at_ms END, "
      "last_latency_ms = ?8, last_answer = ?9 "
      "WHERE event_seq = ?1 AND endpoint = ?2";
  if (auto done = db_.run(sql, attempt.event_seq, attempt.endpoint, to_string(attempt.new_state), attempt.status,
                          attempt.error, attempt.next_attempt_at_ms, attempt.now_ms, attempt.latency_ms,
                          attempt.answer);
      !done) {
    return done;
  }
  if (db_.changes() == 0) {
    return Unexpected{StoreError{std::string(sql),
                                 "no delivery of event " + std::to_string(attempt.event_seq) + " to endpoint " +
                                     attempt.endpoint,
                                 SQLITE_NOTFOUND}};
  }
  return {};
}

Result<std::int64_t> StateStore::append_event(const NewEvent& event) {
  auto tx = db_.begin_immediate();
  if (!tx) return Unexpected{std::move(tx).error()};
  auto seq = insert_event(event);
  if (!seq) return seq;
  if (auto done = tx->commit(); !done) return failure(std::move(done));
  return seq;
}

Result<std::optional<AttemptReport>> StateStore::attempt_report(std::int64_t event_seq, std::string_view endpoint) {
  return detail::select_one<AttemptReport>(
      db_,
      "SELECT state, attempts, last_status, last_error, last_latency_ms, last_answer FROM deliveries "
      "WHERE event_seq = ?1 AND endpoint = ?2",
      [](const Query& q) {
        return AttemptReport{delivery_state_from_string(q.text(0)).value_or(DeliveryState::pending),
                             static_cast<int>(q.int64(1)),
                             detail::optional_int(q.optional_int64(2)),
                             q.optional_text(3),
                             q.optional_int64(4),
                             q.optional_text(5)};
      },
      event_seq, endpoint);
}

Result<int> StateStore::abandon_pending_delivery(std::int64_t event_seq, std::string_view endpoint,
                                                 std::string_view reason) {
  if (auto done = db_.run("UPDATE deliveries SET state = 'dead', last_error = ?3 "
                          "WHERE event_seq = ?1 AND endpoint = ?2 AND state = 'pending'",
                          event_seq, endpoint, reason);
      !done) {
    return failure(std::move(done));
  }
  return db_.changes();
}

Result<int> StateStore::requeue_event(std::string_view event_id, std::int64_t now_ms,
                                      std::optional<std::string_view> endpoint) {
  if (auto done = db_.run("UPDATE deliveries SET state = 'pending', attempts = 0, queued_at_ms = ?2, "
                          "next_attempt_at_ms = ?2 WHERE event_seq = (SELECT seq FROM events WHERE id = ?1) "
                          "AND (CAST(?3 AS TEXT) IS NULL OR endpoint = ?3)",
                          event_id, now_ms, endpoint);
      !done) {
    return failure(std::move(done));
  }
  return db_.changes();
}

Result<int> StateStore::requeue_dead(std::int64_t now_ms, std::optional<std::string_view> endpoint) {
  if (auto done = db_.run("UPDATE deliveries SET state = 'pending', attempts = 0, queued_at_ms = ?1, "
                          "next_attempt_at_ms = ?1 WHERE state = 'dead' AND (CAST(?2 AS TEXT) IS NULL OR endpoint = ?2)",
                          now_ms, endpoint);
      !done) {
    return failure(std::move(done));
  }
  return db_.changes();
}

Result<void> StateStore::disable_endpoint(std::string_view name, std::string_view reason, std::int64_t now_ms) {
  return db_.run(
      "INSERT INTO endpoints(name, disabled_at_ms, disabled_reason) VALUES (?1, ?2, ?3) "
      "ON CONFLICT(name) DO UPDATE SET disabled_at_ms = excluded.disabled_at_ms, "
      "disabled_reason = excluded.disabled_reason",
      name, now_ms, reason);
}

Result<void> StateStore::enable_endpoint(std::string_view name) {
  return db_.run("UPDATE endpoints SET disabled_at_ms = NULL, disabled_reason = NULL WHERE name = ?1", name);
}

Result<std::vector<EndpointRecord>> StateStore::endpoints() {
  return detail::select_all<EndpointRecord>(
      db_, "SELECT name, disabled_at_ms, disabled_reason FROM endpoints ORDER BY name", [](const Query& q) {
        return EndpointRecord{q.text(0), q.optional_int64(1), q.optional_text(2)};
      });
}

}  // namespace wxlived::store
