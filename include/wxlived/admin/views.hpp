#pragma once
// The JSON shapes of rooms, room histories and events, rendered in one place
// so that `wxlivectl rooms|room|events --json` and the admin API's
// /v1/rooms, /v1/rooms/{id}, /v1/events are the same documents.
// Pretty-printed, without a trailing newline.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wxlived/store/records.hpp"
#include "wxlived/store/state_store.hpp"

namespace wxlived::admin {

// A room with its status history (oldest first).
struct RoomHistory {
  store::RoomRecord room;
  std::vector<store::TransitionRecord> transitions;
};

// Every room with this id (one per app that has it, or only `app`'s), each
// with its transitions; empty if there is none.
store::Result<std::vector<RoomHistory>> room_histories(store::StateStore& store, std::int64_t room_id,
                                                       const std::optional<std::string>& app);

// [ {app, room_id, status, status_name, status_since_ms, status_since, name, ...}, ... ]
std::string rooms_json(const std::vector<store::RoomRecord>& rooms);
// [ {"room": {...}, "transitions": [ {id, from, to, at_ms, at, reason, inferred, event_id}, ... ]}, ... ]
std::string room_histories_json(const std::vector<RoomHistory>& rooms);
// [ {seq, id, type, app, room_id, created_at_ms, created_at, body}, ... ]
std::string events_json(const std::vector<store::EventRecord>& events);

// The room's name from its stored snapshot ("" if it has none).
std::string room_name(const std::string& snapshot_json);

}  // namespace wxlived::admin
