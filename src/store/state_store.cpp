#include "wxlived/store/state_store.hpp"

#include <string>
#include <utility>

#include "rows.hpp"
#include "wxlived/store/migrations.hpp"

namespace wxlived::store {

using detail::failure;

std::filesystem::path database_path(const std::filesystem::path& state_dir) { return state_dir / "wxlived.db"; }

Result<StateStore> StateStore::open(const std::filesystem::path& db_file, const OpenOptions& options) {
  auto db = Database::open(db_file, options);
  if (!db) {
    return failure(std::move(db));
  }
  if (auto migrated = apply_migrations(*db); !migrated) {
    return failure(std::move(migrated));
  }
  return StateStore(std::move(*db));
}

Result<StateStore> StateStore::connect_postgresql(const std::string& dsn) {
  auto db = Database::connect_postgresql(dsn);
  if (!db) return failure(std::move(db));
  if (auto migrated = apply_migrations(*db); !migrated) return failure(std::move(migrated));
  return StateStore(std::move(*db));
}

Result<StateStore> StateStore::connect_postgresql_readonly(const std::string& dsn) {
  auto db = Database::connect_postgresql(dsn, true);
  if (!db) return failure(std::move(db));
  if (auto current = require_current_schema(*db); !current) return failure(std::move(current));
  return StateStore(std::move(*db));
}

Result<StateStore> StateStore::open_readonly(const std::filesystem::path& db_file) {
  auto db = Database::open_readonly(db_file);
  if (!db) {
    return failure(std::move(db));
  }
  if (auto current = require_current_schema(*db); !current) {
    return failure(std::move(current));
  }
  return StateStore(std::move(*db));
}

// --- commit_observation ------------------------------------------------------

Result<CommittedObservation> StateStore::commit_observation(const Observation& observation) {
  auto tx = db_.begin_immediate();
  if (!tx) {
    return failure(std::move(tx));
  }
  // Any early return below leaves tx uncommitted: its destructor rolls back.
  if (auto held = check_lease(observation.app); !held) {
    return failure(std::move(held));
  }
  if (observation.app_record) {
    if (auto done = upsert_app(*observation.app_record); !done) {
      return failure(std::move(done));
    }
  }
  if (observation.habits_json) {
    if (auto done = put_habits(observation.app, *observation.habits_json); !done) {
      return failure(std::move(done));
    }
  }
  for (const RoomRecord& room : observation.room_upserts) {
    if (auto done = upsert_room(room); !done) {
      return failure(std::move(done));
    }
  }
  CommittedObservation committed;
  committed.event_seqs.reserve(observation.events.size());
  for (const NewEvent& event : observation.events) {
    auto seq = insert_event(event);
    if (!seq) {
      return failure(std::move(seq));
    }
    committed.event_seqs.push_back(*seq);
  }
  for (const TransitionRecord& transition : observation.transitions) {
    if (auto done = insert_transition(transition); !done) {
      return failure(std::move(done));
    }
  }
  for (const QuotaIncrement& quota : observation.quota) {
    if (auto done = add_quota(observation.app, quota); !done) {
      return failure(std::move(done));
    }
  }
  if (auto done = tx->commit(); !done) {
    return failure(std::move(done));
  }
  return committed;
}

Result<void> StateStore::upsert_app(const AppRecord& app) {
  return db_.run(
      "INSERT INTO apps(name, appid, state, state_since_ms, last_success_ms) VALUES (?1, ?2, ?3, ?4, ?5) "
      "ON CONFLICT(name) DO UPDATE SET appid = excluded.appid, state = excluded.state, "
      "state_since_ms = excluded.state_since_ms, last_success_ms = excluded.last_success_ms",
      app.name, app.appid, to_string(app.state), app.state_since_ms, app.last_success_ms);
}

Result<void> StateStore::upsert_room(const RoomRecord& room) {
  // first_seen_ms is not in the update list: the first sighting stays.
  return db_.run(
      "INSERT INTO rooms(app, room_id, status, status_since_ms, snapshot_json, first_seen_ms, last_seen_ms, "
      "removed_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
      "ON CONFLICT(app, room_id) DO UPDATE SET status = excluded.status, "
      "status_since_ms = excluded.status_since_ms, snapshot_json = excluded.snapshot_json, "
      "last_seen_ms = excluded.last_seen_ms, removed_at_ms = excluded.removed_at_ms",
      room.app, room.room_id, room.status, room.status_since_ms, room.snapshot_json, room.first_seen_ms,
      room.last_seen_ms, room.removed_at_ms);
}

Result<void> StateStore::insert_transition(const TransitionRecord& transition) {
  return db_.run(
      "INSERT INTO transitions(app, room_id, from_status, to_status, at_ms, reason, inferred, event_id, after_ms) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
      transition.app, transition.room_id, transition.from_status, transition.to_status, transition.at_ms,
      transition.reason, transition.inferred, transition.event_id, transition.after_ms);
}

Result<void> StateStore::put_habits(std::string_view app, std::string_view habits_json) {
  return db_.run(
      "INSERT INTO app_habits(app, habits_json) VALUES (?1, ?2) "
      "ON CONFLICT(app) DO UPDATE SET habits_json = excluded.habits_json",
      app, habits_json);
}

Result<std::int64_t> StateStore::insert_event(const NewEvent& event) {
  auto seq_row = detail::select_one<std::int64_t>(
      db_,
      "INSERT INTO events(id, type, app, room_id, body_json, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
      "RETURNING seq",
      [](const Query& q) { return q.int64(0); }, event.id, event.type, event.app, event.room_id, event.body_json,
      event.created_at_ms);
  if (!seq_row) {
    return failure(std::move(seq_row));
  }
  const std::int64_t seq = seq_row->value_or(0);
  for (const std::string& endpoint : event.endpoints) {
    if (auto done = db_.run("INSERT INTO deliveries(event_seq, endpoint, app, room_id, state, attempts, "
                            "queued_at_ms, next_attempt_at_ms) VALUES (?1, ?2, ?3, ?4, 'pending', 0, ?5, ?5)",
                            seq, endpoint, event.app, event.room_id, event.created_at_ms);
        !done) {
      return failure(std::move(done));
    }
  }
  return seq;
}

// --- rooms and apps --------------------------------------------------------------

Result<std::vector<RoomRecord>> StateStore::rooms(std::optional<std::string_view> app) {
  static const std::string sql =
      "SELECT " + std::string(detail::kRoomColumns) +
      " FROM rooms WHERE (CAST(?1 AS TEXT) IS NULL OR app = ?1) ORDER BY app, room_id";
  return detail::select_all<RoomRecord>(db_, sql, [](const Query& q) { return detail::read_room(q); }, app);
}

Result<std::optional<RoomRecord>> StateStore::room(std::string_view app, std::int64_t room_id) {
  static const std::string sql =
      "SELECT " + std::string(detail::kRoomColumns) + " FROM rooms WHERE app = ?1 AND room_id = ?2";
  return detail::select_one<RoomRecord>(db_, sql, [](const Query& q) { return detail::read_room(q); }, app, room_id);
}

Result<std::vector<TransitionRecord>> StateStore::transitions(std::string_view app, std::int64_t room_id) {
  return detail::select_all<TransitionRecord>(
      db_,
      "SELECT id, app, room_id, from_status, to_status, at_ms, reason, inferred, event_id, after_ms FROM transitions "
      "WHERE app = ?1 AND room_id = ?2 ORDER BY id",
      [](const Query& q) {
        TransitionRecord t;
        t.id = q.int64(0);
        t.app = q.text(1);
        t.room_id = q.int64(2);
        t.from_status = detail::optional_int(q.optional_int64(3));
        t.to_status = static_cast<int>(q.int64(4));
        t.at_ms = q.int64(5);
        t.reason = q.text(6);
        t.inferred = q.int64(7) != 0;
        t.event_id = q.optional_text(8);
        t.after_ms = q.optional_int64(9);
        return t;
      },
      app, room_id);
}

namespace {

AppRecord read_app(const Query& q) {
  AppRecord app;
  app.name = q.text(0);
  app.appid = q.text(1);
  app.state = app_state_from_string(q.text(2)).value_or(AppState::ok);  // CHECK admits only known states
  app.state_since_ms = q.int64(3);
  app.last_success_ms = q.optional_int64(4);
  return app;
}

}  // namespace

Result<std::vector<AppRecord>> StateStore::apps() {
  return detail::select_all<AppRecord>(
      db_, "SELECT name, appid, state, state_since_ms, last_success_ms FROM apps ORDER BY name", read_app);
}

Result<std::optional<AppRecord>> StateStore::app(std::string_view name) {
  return detail::select_one<AppRecord>(
      db_, "SELECT name, appid, state, state_since_ms, last_success_ms FROM apps WHERE name = ?1", read_app, name);
}

Result<void> StateStore::set_app_state(const AppRecord& app) {
  return fenced(app.name, [&] { return upsert_app(app); });
}

Result<std::vector<std::string>> StateStore::app_names() {
  // UNION drops the duplicates; each part reads an index (rooms and
  // quota_ledger lead their primary keys with the app).
  return detail::select_all<std::string>(
      db_,
      "SELECT name FROM apps UNION SELECT app FROM app_habits UNION SELECT app FROM rooms "
      "UNION SELECT app FROM quota_ledger ORDER BY 1",
      [](const Query& q) { return q.text(0); });
}

Result<std::optional<std::string>> StateStore::app_habits(std::string_view app) {
  return detail::select_one<std::string>(
      db_, "SELECT habits_json FROM app_habits WHERE app = ?1", [](const Query& q) { return q.text(0); }, app);
}

Result<void> StateStore::put_app_schedule(const AppSchedule& schedule) {
  return fenced(schedule.app, [&] {
    return db_.run(
        "INSERT INTO app_schedule(app, written_at_ms, outlook_json) VALUES (?1, ?2, ?3) "
        "ON CONFLICT(app) DO UPDATE SET written_at_ms = excluded.written_at_ms, outlook_json = excluded.outlook_json",
        schedule.app, schedule.written_at_ms, schedule.outlook_json);
  });
}

Result<std::vector<AppSchedule>> StateStore::app_schedules(std::optional<std::string_view> app) {
  auto row = [](const Query& q) { return AppSchedule{q.text(0), q.int64(1), q.text(2)}; };
  if (app) {
    return detail::select_all<AppSchedule>(
        db_, "SELECT app, written_at_ms, outlook_json FROM app_schedule WHERE app = ?1", row, *app);
  }
  return detail::select_all<AppSchedule>(db_, "SELECT app, written_at_ms, outlook_json FROM app_schedule ORDER BY app",
                                         row);
}

Result<void> StateStore::drop_app_schedule(std::string_view app) {
  return db_.run("DELETE FROM app_schedule WHERE app = ?1", app);
}

Result<std::int64_t> StateStore::last_event_seq() {
  auto found = detail::select_one<std::int64_t>(
      db_, "SELECT COALESCE(MAX(seq), 0) FROM events", [](const Query& q) { return q.int64(0); });
  if (!found) return Unexpected{std::move(found).error()};
  return found->value_or(0);
}

}  // namespace wxlived::store
