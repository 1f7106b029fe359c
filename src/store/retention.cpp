// StateStore::prune: keeps the database bounded. Each call is one short
// write transaction with a row limit per kind, so the daemon can interleave
// pruning with polling and delivery instead of holding the write lock for a
// month's worth of rows.
#include "wxlived/store/state_store.hpp"

namespace wxlived::store {

namespace {

// An event goes only when no delivery of it can still be sent: its pending
// and failed deliveries keep it (dead ones do not: redeliver works within the
// retention window). Its deliveries go with it (ON DELETE CASCADE).
constexpr const char* kPruneEvents =
    "DELETE FROM events WHERE seq IN (SELECT e.seq FROM events e WHERE e.created_at_ms < ?1 AND NOT EXISTS "
    "(SELECT 1 FROM deliveries d WHERE d.event_seq = e.seq AND d.state IN ('pending', 'failed')) "
    "ORDER BY e.created_at_ms LIMIT ?2)";
// ids grow with time: the oldest rows are found first.
constexpr const char* kPruneTransitions =
    "DELETE FROM transitions WHERE id IN (SELECT id FROM transitions WHERE at_ms < ?1 ORDER BY id LIMIT ?2)";
constexpr const char* kPruneQuotaDays =
    "DELETE FROM quota_ledger WHERE (app, day) IN (SELECT app, day FROM quota_ledger WHERE day < ?1 LIMIT ?2)";
// A room still in WeChat's list stays, however old: deleting it would
// announce it again as room.created at the next sweep.
constexpr const char* kPruneRooms =
    "DELETE FROM rooms WHERE (app, room_id) IN (SELECT app, room_id FROM rooms WHERE removed_at_ms IS NOT NULL "
    "AND removed_at_ms < ?1 LIMIT ?2)";
constexpr const char* kPruneKv =
    "DELETE FROM kv WHERE key IN (SELECT key FROM kv WHERE expires_at_ms IS NOT NULL AND expires_at_ms < ?1 "
    "LIMIT ?2)";

}  // namespace

Result<PruneCounts> StateStore::prune(std::int64_t cutoff_ms, std::string_view cutoff_day, int batch_rows) {
  auto tx = db_.begin_immediate();
  if (!tx) return Unexpected{std::move(tx).error()};
  PruneCounts counts;
  const auto run = [&](const char* sql, auto cutoff, int& removed) -> Result<void> {
    if (auto done = db_.run(sql, cutoff, batch_rows); !done) return done;
    removed = db_.changes();
    if (removed >= batch_rows) counts.more = true;
    return {};
  };
  if (auto r = run(kPruneEvents, cutoff_ms, counts.events); !r) return Unexpected{std::move(r).error()};
  if (auto r = run(kPruneTransitions, cutoff_ms, counts.transitions); !r) return Unexpected{std::move(r).error()};
  if (auto r = run(kPruneQuotaDays, cutoff_day, counts.quota_days); !r) return Unexpected{std::move(r).error()};
  if (auto r = run(kPruneRooms, cutoff_ms, counts.rooms); !r) return Unexpected{std::move(r).error()};
  if (auto r = run(kPruneKv, cutoff_ms, counts.kv); !r) return Unexpected{std::move(r).error()};
  if (auto committed = tx->commit(); !committed) return Unexpected{std::move(committed).error()};
  return counts;
}

}  // namespace wxlived::store
