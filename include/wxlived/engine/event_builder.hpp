#pragma once
// Webhook bodies (SPEC section 5) and stable event ids.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wxlived/engine/beijing_time.hpp"
#include "wxlived/engine/effects.hpp"
#include "wxlived/liveapi/answers.hpp"

namespace wxlived::engine {

struct AppIdentity {
  std::string app;
  std::string appid;
};

// "evt_" + 32 hex digits: a 128-bit hash of (app, type, room, created_at,
// ordinal within that millisecond, body). Deterministic for the same inputs,
// distinct for distinct events: created_at only moves forward across a
// restart, and the ordinal separates events made in the same millisecond.
std::string event_id(std::string_view app, std::string_view type, std::optional<std::int64_t> room_id,
                     Millis created_at, std::uint64_t ordinal, std::string_view body);

struct StatusChange {
  std::optional<int> from;  // none: room.created
  int to = 0;
  Millis changed_at = 0;
  std::string reason = "observed";
  bool inferred = false;
};

// room.created (from absent) or room.status_changed.
std::string status_event_body(const AppIdentity& app, std::string_view type, const liveapi::RoomInfo& room,
                              const StatusChange& change, Millis now);
// room.updated: changed = field names, previous = the room before the edit.
std::string updated_event_body(const AppIdentity& app, const liveapi::RoomInfo& previous,
                               const liveapi::RoomInfo& room, const std::vector<std::string>& changed, Millis now);
std::string removed_event_body(const AppIdentity& app, const liveapi::RoomInfo& room, int last_status, Millis now);
std::string replay_event_body(const AppIdentity& app, const liveapi::RoomInfo& room,
                              const std::vector<liveapi::ReplaySegment>& segments, Millis now);
// app.quota_exhausted / app.auth_failed / app.recovered.
std::string app_event_body(const AppIdentity& app, std::string_view type, std::string_view reason,
                           std::optional<int> errcode, std::string_view detail, std::optional<Millis> until,
                           Millis now);

// webhook.test (wxlivectl send-test): names the endpoint it was sent to; no
// room or app changed.
std::string test_event_body(std::string_view endpoint, Millis now);

// The fields room.updated compares, by name, that differ.
std::vector<std::string> changed_fields(const liveapi::RoomInfo& before, const liveapi::RoomInfo& after);

}  // namespace wxlived::engine
