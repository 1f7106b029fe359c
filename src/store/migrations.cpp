#include "wxlived/store/migrations.hpp"

#include <array>
#include <string>
#include <utility>

namespace wxlived::store {

namespace {

// Append only: a released migration is never edited, a change is a new one.
// The first schema is split by capability (room state, then the outbox) so the
// upgrade path is exercised by the tests from the start; 3 adds app habits;
// 4 the lower bound of each observed change (wxlivectl export-scenario); 5 each
// app's outlook (app_schedule); 6 the last attempt's latency and answer
// (wxlivectl send-test); 7 the fleet's app leases and members (PostgreSQL
// backend; the tables exist, empty, in SQLite too, so both schemas match).
// PostgreSQL runs the same text through postgresql_ddl() below.
// STRICT tables: a wrong type is an error at write time, not a surprise later.
constexpr std::array kMigrations{
    Migration{1, R"sql(
CREATE TABLE apps(
  name            TEXT PRIMARY KEY,
  appid           TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('ok', 'auth_failed', 'quota_exhausted')),
  state_since_ms  INTEGER NOT NULL,
  last_success_ms INTEGER
) STRICT;

-- One row per room ever listed. snapshot_json is the latest list entry as
-- WeChat sent it (normalised); its start/end times are WeChat's seconds.
CREATE TABLE rooms(
  app             TEXT NOT NULL,
  room_id         INTEGER NOT NULL,
  status          INTEGER NOT NULL,
  status_since_ms INTEGER NOT NULL,
  snapshot_json   TEXT NOT NULL,
  first_seen_ms   INTEGER NOT NULL,
  last_seen_ms    INTEGER NOT NULL,
  removed_at_ms   INTEGER,
  PRIMARY KEY (app, room_id)
) STRICT;

-- History of status changes. event_id names the event that reported it; no
-- foreign key so that event retention can prune the outbox independently.
CREATE TABLE transitions(
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  app         TEXT NOT NULL,
  room_id     INTEGER NOT NULL,
  from_status INTEGER,
  to_status   INTEGER NOT NULL,
  at_ms       INTEGER NOT NULL,
  reason      TEXT NOT NULL,
  inferred    INTEGER NOT NULL CHECK (inferred IN (0, 1)),
  event_id    TEXT
) STRICT;
CREATE INDEX transitions_by_room ON transitions(app, room_id, id);

-- Calls spent per Beijing-time day, so a restart never re-spends the quota.
CREATE TABLE quota_ledger(
  app             TEXT NOT NULL,
  day             TEXT NOT NULL,
  list_calls      INTEGER NOT NULL DEFAULT 0,
  replay_calls    INTEGER NOT NULL DEFAULT 0,
  token_calls     INTEGER NOT NULL DEFAULT 0,
  quota_errors    INTEGER NOT NULL DEFAULT 0,
  exhausted_at_ms INTEGER,
  PRIMARY KEY (app, day)
) STRICT;

CREATE TABLE kv(
  key           TEXT PRIMARY KEY,
  value         TEXT NOT NULL,
  expires_at_ms INTEGER
) STRICT;
)sql"},
    Migration{2, R"sql(
-- The outbox. seq is the global order; id is the stable webhook-id.
CREATE TABLE events(
  seq           INTEGER PRIMARY KEY AUTOINCREMENT,
  id            TEXT NOT NULL UNIQUE,
  type          TEXT NOT NULL,
  app           TEXT NOT NULL,
  room_id       INTEGER,
  body_json     TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX events_by_room ON events(app, room_id, seq);
CREATE INDEX events_by_time ON events(created_at_ms);

-- Endpoints an operator must re-enable (a 410 Gone disables one).
CREATE TABLE endpoints(
  name            TEXT PRIMARY KEY,
  disabled_at_ms  INTEGER,
  disabled_reason TEXT
) STRICT;

-- One row per (event, endpoint). app and room_id are copied from the event
-- because (endpoint, app, room_id) is the ordering lane: one delivery in
-- flight per lane, oldest first. queued_at_ms is when the current round of
-- attempts began (creation or requeue), to bound the retry time.
CREATE TABLE deliveries(
  event_seq          INTEGER NOT NULL REFERENCES events(seq) ON DELETE CASCADE,
  endpoint           TEXT NOT NULL,
  app                TEXT NOT NULL,
  room_id            INTEGER,
  state              TEXT NOT NULL CHECK (state IN ('pending', 'failed', 'delivered', 'dead')),
  attempts           INTEGER NOT NULL DEFAULT 0,
  queued_at_ms       INTEGER NOT NULL,
  next_attempt_at_ms INTEGER NOT NULL,
  last_status        INTEGER,
  last_error         TEXT,
  delivered_at_ms    INTEGER,
  PRIMARY KEY (event_seq, endpoint)
) STRICT;
-- Only undelivered rows, in lane order: the head of each lane is its first entry.
CREATE INDEX deliveries_undelivered_by_lane ON deliveries(endpoint, app, room_id, event_seq)
  WHERE state IN ('pending', 'failed');
CREATE INDEX deliveries_by_state ON deliveries(state, endpoint, event_seq);
)sql"},
    Migration{3, R"sql(
-- An app's learned scheduling habits (engine/habits.hpp) as the engine wrote
-- them, replaced by the observation that changed them. No foreign key to
-- apps: an app has an apps row only once its health has changed.
CREATE TABLE app_habits(
  app         TEXT PRIMARY KEY,
  habits_json TEXT NOT NULL
) STRICT;
)sql"},
    Migration{4, R"sql(
-- The change happened after after_ms (the last sighting with the old status)
-- and was seen at at_ms: its true time is within that gap. NULL for a room's
-- first status and for rows written before this migration.
ALTER TABLE transitions ADD COLUMN after_ms INTEGER;
)sql"},
    Migration{5, R"sql(
-- What each app's engine plans next and why (engine/outlook.hpp), written by
-- the daemon when the app goes idle; read by wxlivectl schedule and /v1/apps.
-- Runtime state, not history: replaced in place, never used on restart.
CREATE TABLE app_schedule(
  app           TEXT PRIMARY KEY,
  written_at_ms INTEGER NOT NULL,
  outlook_json  TEXT NOT NULL
) STRICT;
)sql"},
    Migration{6, R"sql(
-- The last attempt's round trip and the start of the receiver's answer
-- (wxlivectl send-test prints them). NULL until an attempt of this version.
ALTER TABLE deliveries ADD COLUMN last_latency_ms INTEGER;
ALTER TABLE deliveries ADD COLUMN last_answer TEXT;
)sql"},
    Migration{7, R"sql(
-- A fleet of daemons sharing a PostgreSQL store: each app is polled by the
-- daemon holding its lease. epoch grows at every change of owner and is the
-- fencing token every write for the app checks inside its transaction;
-- expires_at_ms is the database's clock. Released leases keep their row
-- (expires_at_ms = 0) so epochs never repeat.
CREATE TABLE app_leases(
  app            TEXT PRIMARY KEY,
  owner          TEXT NOT NULL,
  epoch          INTEGER NOT NULL,
  acquired_at_ms INTEGER NOT NULL,
  expires_at_ms  INTEGER NOT NULL
) STRICT;
CREATE INDEX app_leases_by_owner ON app_leases(owner, expires_at_ms);

-- The daemons alive in the fleet (heartbeats), to compute each one's fair share.
CREATE TABLE fleet_members(
  owner         TEXT PRIMARY KEY,
  node          TEXT NOT NULL,
  started_at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL
) STRICT;
)sql"},
};

// SQLite's DDL in PostgreSQL's words: 64-bit integers everywhere (SQLite's
// INTEGER is 64-bit, PostgreSQL's is not), identity columns for AUTOINCREMENT,
// no STRICT (PostgreSQL's types are strict already).
std::string postgresql_ddl(std::string_view sqlite_sql) {
  std::string text(sqlite_sql);
  const auto replace_all = [&text](std::string_view from, std::string_view to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
      text.replace(at, from.size(), to);
  };
  replace_all("INTEGER PRIMARY KEY AUTOINCREMENT", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
  replace_all("INTEGER", "BIGINT");
  replace_all(") STRICT", ")");
  return text;
}

constexpr const char* kCreateSchemaVersion =
    "CREATE TABLE IF NOT EXISTS schema_version(version INTEGER PRIMARY KEY, applied_at_ms INTEGER NOT NULL) STRICT";

StoreError newer_schema_error(int found) {
  return StoreError{"SELECT MAX(version) FROM schema_version",
                    "database schema version " + std::to_string(found) + " is newer than this build knows (" +
                        std::to_string(latest_schema_version()) + "); refusing to use it: run a newer wxlived",
                    SQLITE_ERROR};
}

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

int latest_schema_version() { return kMigrations.back().version; }

Result<int> schema_version(Database& db) {
  // One statement, so one snapshot: another daemon of a fleet committing its
  // migration between two reads must not make this look like someone else's
  // database (tables, but no schema_version).
  const char* kTables =
      db.postgresql()
          ? "SELECT COALESCE(SUM(CASE WHEN table_name = 'schema_version' THEN 1 ELSE 0 END), 0), count(*) "
            "FROM information_schema.tables WHERE table_schema = current_schema()"
          : "SELECT COALESCE(SUM(CASE WHEN name = 'schema_version' THEN 1 ELSE 0 END), 0), count(*) "
            "FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
  auto tables = db.query(kTables);
  if (!tables) return Unexpected{std::move(tables).error()};
  auto row = tables->step();
  if (!row) return Unexpected{std::move(row).error()};
  if (tables->int64(0) == 0) {
    // An empty file is a new database; tables without schema_version are
    // someone else's file, which wxlived must neither read nor migrate.
    if (tables->int64(1) > 0)
      return Unexpected{StoreError{kTables,
                                   "not a wxlived database: it has " + std::to_string(tables->int64(1)) +
                                       " table(s) but no schema_version (another program's file?)",
                                   SQLITE_ERROR}};
    return 0;
  }
  auto version = db.query("SELECT COALESCE(MAX(version), 0) FROM schema_version");
  if (!version) {
    return Unexpected{std::move(version).error()};
  }
  row = version->step();
  if (!row) {
    return Unexpected{std::move(row).error()};
  }
  return static_cast<int>(version->int64(0));
}

Result<void> apply_migrations(Database& db, int up_to) {
  // Read before taking the write lock so a newer database is not even locked.
  auto current = schema_version(db);
  if (!current) {
    return Unexpected{std::move(current).error()};
  }
  if (*current > latest_schema_version()) {
    return Unexpected{newer_schema_error(*current)};
  }
  if (*current >= up_to) {
    return {};
  }

  auto tx = db.begin_immediate();
  if (!tx) {
    return Unexpected{std::move(tx).error()};
  }
  // PostgreSQL: daemons of a fleet starting together migrate one at a time
  // (SQLite's BEGIN IMMEDIATE already serialises them).
  if (db.postgresql()) {
    if (auto locked = db.exec("SELECT pg_advisory_xact_lock(7291)"); !locked) return locked;
  }
  current = schema_version(db);  // again, under the lock: another process may have migrated
  if (!current) {
    return Unexpected{std::move(current).error()};
  }
  if (*current > latest_schema_version()) {
    return Unexpected{newer_schema_error(*current)};
  }
  if (auto created = db.exec(db.postgresql() ? postgresql_ddl(kCreateSchemaVersion) : kCreateSchemaVersion);
      !created) {
    return created;
  }
  for (const Migration& migration : kMigrations) {
    if (migration.version <= *current || migration.version > up_to) {
      continue;
    }
    if (auto applied = db.exec(db.postgresql() ? postgresql_ddl(migration.sql) : std::string(migration.sql));
        !applied) {
      StoreError error = std::move(applied).error();
      error.message = "migration " + std::to_string(migration.version) + ": " + error.message;
      return Unexpected{std::move(error)};
    }
    auto record = db.query(db.postgresql() ? "INSERT INTO schema_version(version, applied_at_ms) VALUES "
                                             "(?1, (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT)"
                                           : "INSERT INTO schema_version(version, applied_at_ms) "
                                             "VALUES (?1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))",
                           migration.version);
    if (!record) {
      return Unexpected{std::move(record).error()};
    }
    if (auto ran = record->run(); !ran) {
      return ran;
    }
  }
  return tx->commit();
}

Result<void> require_current_schema(Database& db) {
  auto current = schema_version(db);
  if (!current) {
    return Unexpected{std::move(current).error()};
  }
  if (*current > latest_schema_version()) {
    return Unexpected{newer_schema_error(*current)};
  }
  if (*current < latest_schema_version()) {
    return Unexpected{StoreError{"SELECT MAX(version) FROM schema_version",
                                 "database schema version " + std::to_string(*current) + " is older than this build's (" +
                                     std::to_string(latest_schema_version()) +
                                     "); a read-only opener cannot migrate: start the daemon first",
                                 SQLITE_ERROR}};
  }
  return {};
}

}  // namespace wxlived::store
