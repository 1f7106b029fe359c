#pragma once
// Replays of ended rooms: when to look (WeChat publishes segments about ten
// minutes after the end, sometimes in several goes), how to back off when
// nothing is there yet, when to give up, and how many calls to keep aside.
#include <cstdint>
#include <optional>

#include "wxlived/engine/tracked_room.hpp"

namespace wxlived::engine {

struct ReplaySettings {
  Millis delay = 600 * kSecond;  // replay expected this long after 103
  Millis floor = 60 * kSecond;
  Millis give_up = 2 * kHour;    // no segments this long after the first check: stop
  Millis followup = 1 * kHour;   // look for more segments this long after an announcement
  int followups = 1;
};

// Begins following a room that ended at `ended_at` (once per room).
void start_replay_track(ReplayTrack& track, Millis ended_at, const ReplaySettings& settings);

enum class ReplayVerdict { announce, nothing_new, gave_up };
// A check at `now` found `segments` segments in all.
ReplayVerdict on_replay_checked(ReplayTrack& track, Millis now, std::int64_t segments, const ReplaySettings& settings);
// A check failed: not again before `not_before`; an unknown errcode past the give-up time ends the track.
void on_replay_failed(ReplayTrack& track, Millis not_before, bool give_up_if_due, Millis now);

// The room whose check is most overdue at `now`, if any.
std::optional<std::int64_t> due_replay(const RoomTable& rooms, Millis now);
// The earliest check still to come (0: none).
Millis next_replay_time(const RoomTable& rooms);
// Calls to keep aside today for replays of rooms ended or still to end before `day_end`.
std::int64_t replay_reserve(const RoomTable& rooms, Millis now, Millis day_end, int followups);

}  // namespace wxlived::engine
