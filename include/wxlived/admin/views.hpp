#pragma once
// The JSON shapes of rooms, room histories, events and app habits, rendered
// in one place so that `wxlivectl rooms|room|events|habits --json` and the
// admin API's /v1/rooms, /v1/rooms/{id}, /v1/events, /v1/apps/{app}/habits
// are the same documents. Pretty-printed, without a trailing newline.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wxlived/engine/habits.hpp"
#include "wxlived/store/records.hpp"
#include "wxlived/store/state_store.hpp"

namespace wxlived::admin {

// One replay video of a room, as WeChat gave it (RFC 3339 text).
struct ReplaySegment {
  std::string media_url;
  std::string create_time;
  std::string expire_time;
};

// A room with its status history (oldest first) and its replay segments
// (those of its latest room.replay_ready event, which carries all so far).
struct RoomHistory {
  store::RoomRecord room;
  std::vector<store::TransitionRecord> transitions;
  std::vector<ReplaySegment> replays;
};

// Every room with this id (one per app that has it, or only `app`'s), each
// with its transitions; empty if there is none.
store::Result<std::vector<RoomHistory>> room_histories(store::StateStore& store, std::int64_t room_id,
                                                       const std::optional<std::string>& app);

// [ {app, room_id, status, status_name, status_since_ms, status_since, name, ...}, ... ]
std::string rooms_json(const std::vector<store::RoomRecord>& rooms);
// [ {"room": {...}, "transitions": [ {id, from, to, at_ms, at, reason, inferred, event_id}, ... ],
//     "replays": [ {media_url, create_time, expire_time}, ... ]}, ... ]
// A room's "snapshot" is WeChat's fields only, never the engine's follow-up state.
std::string room_histories_json(const std::vector<RoomHistory>& rooms);
// [ {seq, id, type, app, room_id, created_at_ms, created_at, body}, ... ]
std::string events_json(const std::vector<store::EventRecord>& events);

// An app the store knows, with its habits as the store holds them (none:
// never stored).
struct AppHabits {
  std::string app;
  std::optional<std::string> habits_json;
};

// Every app the store knows (StateStore::app_names), or only `app`; empty
// when the store knows no such app.
store::Result<std::vector<AppHabits>> app_habits(store::StateStore& store, const std::optional<std::string>& app);
// The habits to show: the stored ones, or the prior with no observations when
// none are stored or they do not parse (the engine would start from the prior too).
engine::Habits habits_or_prior(const AppHabits& app);
// engine::habits_summary_json of habits_or_prior: {app, learning, habits:
// {start_offset: {observations, learned: {p10_s, p50_s, p90_s, never_share},
// prior: {...}}, ..., interruptions_per_live_hour: {...}}}
std::string habits_summary_json(const AppHabits& app);
// [ summary, ... ]
std::string habits_summaries_json(const std::vector<AppHabits>& apps);

// The room's name from its stored snapshot ("" if it has none).
std::string room_name(const std::string& snapshot_json);

}  // namespace wxlived::admin
