#pragma once
// A room as the engine remembers it between restarts: WeChat's fields plus
// the engine's follow-up state (the bound on a status's onset, the replay
// checks still owed). Stored as RoomRecord::snapshot_json.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "wxlived/engine/beijing_time.hpp"
#include "wxlived/liveapi/answers.hpp"

namespace wxlived::engine {

// Replay follow-up of one ended room.
struct ReplayTrack {
  bool active = false;
  Millis next_check = 0;
  Millis give_up_at = 0;          // no segments by then: stop asking
  Millis backoff = 0;             // next wait when a check finds nothing
  std::int64_t segments_seen = 0; // segments already announced
  int followups_left = 0;         // checks for more segments after the first announcement

  friend bool operator==(const ReplayTrack&, const ReplayTrack&) = default;
};

struct RoomMemory {
  liveapi::RoomInfo info;
  // The current status began after this time: the last sighting with the
  // previous one (a change is only known to within the gap between two
  // sightings). Bounds a 106's onset for WeChat's rule and censors the habits.
  std::optional<Millis> changed_after;
  ReplayTrack replay;

  friend bool operator==(const RoomMemory&, const RoomMemory&) = default;
};

std::string snapshot_to_json(const RoomMemory& memory);
// nullopt when the text is not a snapshot this engine wrote.
std::optional<RoomMemory> snapshot_from_json(std::string_view json);

}  // namespace wxlived::engine
