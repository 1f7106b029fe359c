// StateStore: the fleet's app leases and the fencing check every app write
// makes (PostgreSQL backend). See docs/architecture/fleet.md.
#include <algorithm>
#include <string>
#include <utility>

#include "rows.hpp"
#include "wxlived/store/state_store.hpp"

namespace wxlived::store {

namespace {

// The database's clock in unix ms: every daemon of the fleet reads the same
// one, so a lease's expiry does not depend on any machine's clock.
#define WXLIVED_DB_NOW_MS "(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT"

// Members silent this long are forgotten (a crashed daemon's row).
constexpr std::int64_t kForgetMemberAfterMs = 24LL * 3600 * 1000;

FleetMember read_member(const Query& q) { return FleetMember{q.text(0), q.text(1), q.int64(2), q.int64(3)}; }

LeaseRecord read_lease(const Query& q) {
  return LeaseRecord{q.text(0), q.text(1), q.int64(2), q.int64(3), q.int64(4)};
}

}  // namespace

Result<void> StateStore::join_fleet(std::string owner, std::chrono::milliseconds lease) {
  if (auto pg = require_postgresql("join fleet"); !pg) return pg;
  fleet_owner_ = std::move(owner);
  return db_.set_session("SET idle_in_transaction_session_timeout = " + std::to_string(lease.count()));
}

Result<void> StateStore::require_postgresql(std::string_view what) const {
  if (db_.postgresql()) return {};
  return Unexpected{StoreError{std::string(what),
                               "a fleet of daemons needs the postgresql store backend; a SQLite file has one daemon",
                               SQLITE_MISUSE}};
}

std::optional<std::int64_t> StateStore::held_epoch(std::string_view app) const {
  auto it = std::lower_bound(held_.begin(), held_.end(), app,
                             [](const auto& entry, std::string_view key) { return entry.first < key; });
  if (it == held_.end() || it->first != app) return std::nullopt;
  return it->second;
}

Result<void> StateStore::check_lease(std::string_view app) {
  if (fleet_owner_.empty()) return {};
  const auto epoch = held_epoch(app);
  constexpr std::string_view kCheck =
      "SELECT epoch FROM app_leases WHERE app = ?1 AND owner = ?2 AND epoch = ?3 AND expires_at_ms > " WXLIVED_DB_NOW_MS
      " FOR SHARE";
  auto found = detail::select_one<std::int64_t>(
      db_, kCheck, [](const Query& q) { return q.int64(0); }, app, fleet_owner_, epoch.value_or(-1));
  if (!found) return detail::failure(std::move(found));
  if (*found) return {};
  StoreError error{std::string(kCheck),
                   "lease of app " + std::string(app) + " lost (expired or taken over): write refused", SQLITE_ABORT};
  error.lease_lost = true;
  return Unexpected{std::move(error)};
}

Result<void> StateStore::fenced(std::string_view app, const std::function<Result<void>()>& write) {
  if (fleet_owner_.empty()) return write();
  auto tx = db_.begin_immediate();
  if (!tx) return detail::failure(std::move(tx));
  if (auto held = check_lease(app); !held) return held;
  if (auto done = write(); !done) return done;
  return tx->commit();
}

Result<std::vector<FleetMember>> StateStore::fleet_heartbeat(std::string_view node, std::int64_t started_at_ms,
                                                             std::int64_t ttl_ms) {
  if (auto pg = require_postgresql("fleet heartbeat"); !pg) return detail::failure(std::move(pg));
  auto tx = db_.begin_immediate();
  if (!tx) return detail::failure(std::move(tx));
  if (auto done = db_.run("INSERT INTO fleet_members(owner, node, started_at_ms, expires_at_ms) VALUES "
                          "(?1, ?2, ?3, " WXLIVED_DB_NOW_MS " + ?4) ON CONFLICT(owner) DO UPDATE SET "
                          "expires_at_ms = excluded.expires_at_ms",
                          fleet_owner_, node, started_at_ms, ttl_ms);
      !done) {
    return detail::failure(std::move(done));
  }
  if (auto done = db_.run("DELETE FROM fleet_members WHERE expires_at_ms < " WXLIVED_DB_NOW_MS " - ?1",
                          kForgetMemberAfterMs);
      !done) {
    return detail::failure(std::move(done));
  }
  auto alive = detail::select_all<FleetMember>(
      db_,
      "SELECT owner, node, started_at_ms, expires_at_ms FROM fleet_members WHERE expires_at_ms > " WXLIVED_DB_NOW_MS
      " ORDER BY started_at_ms, owner",
      read_member);
  if (!alive) return alive;
  if (auto done = tx->commit(); !done) return detail::failure(std::move(done));
  return alive;
}

Result<void> StateStore::leave_fleet() {
  if (auto pg = require_postgresql("leave fleet"); !pg) return pg;
  auto tx = db_.begin_immediate();
  if (!tx) return detail::failure(std::move(tx));
  if (auto done = db_.run("UPDATE app_leases SET expires_at_ms = 0 WHERE owner = ?1", fleet_owner_); !done)
    return done;
  if (auto done = db_.run("DELETE FROM fleet_members WHERE owner = ?1", fleet_owner_); !done) return done;
  if (auto done = tx->commit(); !done) return done;
  held_.clear();
  return {};
}

Result<std::vector<std::string>> StateStore::renew_leases(std::int64_t ttl_ms) {
  if (auto pg = require_postgresql("renew leases"); !pg) return detail::failure(std::move(pg));
  auto renewed = detail::select_all<std::pair<std::string, std::int64_t>>(
      db_,
      "UPDATE app_leases SET expires_at_ms = " WXLIVED_DB_NOW_MS " + ?2 WHERE owner = ?1 AND expires_at_ms > "
      WXLIVED_DB_NOW_MS " RETURNING app, epoch",
      [](const Query& q) { return std::pair{q.text(0), q.int64(1)}; }, fleet_owner_, ttl_ms);
  if (!renewed) return detail::failure(std::move(renewed));
  std::sort(renewed->begin(), renewed->end());
  // Only leases renewed with the epoch this store acquired stay held.
  std::vector<std::pair<std::string, std::int64_t>> still;
  std::vector<std::string> apps;
  for (auto& [app, epoch] : *renewed) {
    if (held_epoch(app) != epoch) continue;
    apps.push_back(app);
    still.emplace_back(std::move(app), epoch);
  }
  held_ = std::move(still);
  return apps;
}

Result<std::optional<std::int64_t>> StateStore::acquire_lease(std::string_view app, std::int64_t ttl_ms) {
  if (auto pg = require_postgresql("acquire lease"); !pg) return detail::failure(std::move(pg));
  // The conflict branch runs only for a lease whose owner let it lapse or
  // released it; while another owner's fenced write holds its share lock,
  // this waits, then sees the lease still expired and takes it.
  auto epoch = detail::select_one<std::int64_t>(
      db_,
      "INSERT INTO app_leases(app, owner, epoch, acquired_at_ms, expires_at_ms) VALUES (?1, ?2, 1, " WXLIVED_DB_NOW_MS
      ", " WXLIVED_DB_NOW_MS " + ?3) ON CONFLICT(app) DO UPDATE SET owner = excluded.owner, "
      "epoch = app_leases.epoch + 1, acquired_at_ms = excluded.acquired_at_ms, expires_at_ms = excluded.expires_at_ms "
      "WHERE app_leases.expires_at_ms <= " WXLIVED_DB_NOW_MS " RETURNING epoch",
      [](const Query& q) { return q.int64(0); }, app, fleet_owner_, ttl_ms);
  if (!epoch) return epoch;
  if (*epoch) {
    auto it = std::lower_bound(held_.begin(), held_.end(), app,
                               [](const auto& entry, std::string_view key) { return entry.first < key; });
    if (it != held_.end() && it->first == app)
      it->second = **epoch;
    else
      held_.emplace(it, std::string(app), **epoch);
  }
  return epoch;
}

Result<std::vector<std::pair<std::string, std::int64_t>>> StateStore::acquire_leases(
    const std::vector<std::string>& apps, std::size_t wanted, std::int64_t ttl_ms) {
  if (auto pg = require_postgresql("acquire leases"); !pg) return detail::failure(std::move(pg));
  std::vector<std::pair<std::string, std::int64_t>> taken;
  auto tx = db_.begin_immediate();
  if (!tx) return detail::failure(std::move(tx));
  // A lease row share-locked by a paused member: give up this round rather
  // than stall this daemon's event loop (see join_fleet).
  if (auto set = db_.exec("SET LOCAL lock_timeout = 500"); !set) return detail::failure(std::move(set));
  const auto forget = [&] {
    for (const auto& entry : taken) std::erase_if(held_, [&](const auto& h) { return h.first == entry.first; });
  };
  for (const std::string& app : apps) {
    if (taken.size() >= wanted) break;
    auto epoch = acquire_lease(app, ttl_ms);
    if (!epoch) {
      forget();
      return detail::failure(std::move(epoch));
    }
    if (*epoch) taken.emplace_back(app, **epoch);
  }
  if (auto done = tx->commit(); !done) {
    forget();
    return detail::failure(std::move(done));
  }
  return taken;
}

Result<void> StateStore::release_lease(std::string_view app) {
  if (auto pg = require_postgresql("release lease"); !pg) return pg;
  if (auto done = db_.run("UPDATE app_leases SET expires_at_ms = 0 WHERE app = ?1 AND owner = ?2", app, fleet_owner_);
      !done) {
    return done;
  }
  std::erase_if(held_, [&](const auto& entry) { return entry.first == app; });
  return {};
}

Result<std::vector<std::string>> StateStore::leased_apps() {
  if (auto pg = require_postgresql("leased apps"); !pg) return detail::failure(std::move(pg));
  return detail::select_all<std::string>(
      db_, "SELECT app FROM app_leases WHERE expires_at_ms > " WXLIVED_DB_NOW_MS " ORDER BY app",
      [](const Query& q) { return q.text(0); });
}

Result<std::vector<FleetMember>> StateStore::fleet_members() {
  return detail::select_all<FleetMember>(
      db_, "SELECT owner, node, started_at_ms, expires_at_ms FROM fleet_members ORDER BY started_at_ms, owner",
      read_member);
}

Result<std::vector<LeaseRecord>> StateStore::leases() {
  return detail::select_all<LeaseRecord>(
      db_, "SELECT app, owner, epoch, acquired_at_ms, expires_at_ms FROM app_leases ORDER BY app", read_lease);
}

}  // namespace wxlived::store
#undef WXLIVED_DB_NOW_MS
