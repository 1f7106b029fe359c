#pragma once
// Small builders and checks shared by the store tests.
#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "support/postgres_test_cluster.hpp"
#include "support/store_must.hpp"
#include "temp_dir.hpp"
#include "wxlived/store/state_store.hpp"

namespace wxlived::store::testing {

using wxlived::testing::must;

// The backend-neutral cases (state_store, outbox, retention, leases) are
// built twice: test_store on SQLite and test_store_pg, with
// WXLIVED_TEST_ON_POSTGRES, on the fixture's PostgreSQL cluster.
#ifdef WXLIVED_TEST_ON_POSTGRES
inline constexpr bool kOnPostgres = true;
inline StateStore open_store(const TempDir& dir) {
  return must(StateStore::connect_postgresql(wxlived::testing::postgres_dsn_for(dir.path())));
}
// wxlivectl's view beside the writer.
inline StateStore open_reader(const TempDir& dir) {
  return must(StateStore::connect_postgresql_readonly(wxlived::testing::postgres_dsn_for(dir.path())));
}
#else
inline constexpr bool kOnPostgres = false;
inline StateStore open_store(const TempDir& dir) { return must(StateStore::open(db_file(dir))); }
inline StateStore open_reader(const TempDir& dir) { return must(StateStore::open_readonly(db_file(dir))); }
#endif

inline RoomRecord sample_room(std::int64_t room_id, int status, std::int64_t at_ms, std::string app = "shop") {
  RoomRecord room;
  room.app = std::move(app);
  room.room_id = room_id;
  room.status = status;
  room.status_since_ms = at_ms;
  room.snapshot_json = R"({"roomid":)" + std::to_string(room_id) + R"(,"live_status":)" + std::to_string(status) + "}";
  room.first_seen_ms = at_ms;
  room.last_seen_ms = at_ms;
  return room;
}

inline NewEvent sample_event(std::string id, std::optional<std::int64_t> room_id, std::int64_t at_ms,
                             std::vector<std::string> endpoints, std::string app = "shop") {
  NewEvent event;
  event.id = std::move(id);
  event.type = room_id ? "room.status_changed" : "app.quota_exhausted";
  event.app = std::move(app);
  event.room_id = room_id;
  event.body_json = R"({"type":")" + event.type + R"("})";
  event.created_at_ms = at_ms;
  event.endpoints = std::move(endpoints);
  return event;
}

inline TransitionRecord sample_transition(std::int64_t room_id, std::optional<int> from, int to, std::int64_t at_ms,
                                          std::string event_id) {
  TransitionRecord transition;
  transition.app = "shop";
  transition.room_id = room_id;
  transition.from_status = from;
  transition.to_status = to;
  transition.at_ms = at_ms;
  transition.reason = "observed";
  transition.event_id = std::move(event_id);
  return transition;
}

// One event about one room, sent to the given endpoints.
inline std::int64_t commit_room_event(StateStore& store, std::string event_id, std::int64_t room_id,
                                      std::int64_t at_ms, std::vector<std::string> endpoints) {
  Observation observation;
  observation.app = "shop";
  observation.events.push_back(sample_event(std::move(event_id), room_id, at_ms, std::move(endpoints)));
  return must(store.commit_observation(observation)).event_seqs.at(0);
}

}  // namespace wxlived::store::testing
