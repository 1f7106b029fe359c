#pragma once
// A room as the engine tracks it: what WeChat last said, the status the
// engine holds and since when, and when it was seen. Shared by the engine's
// parts (state machine, scheduler, hazard model, replay tracker).
#include <cstdint>
#include <map>
#include <optional>

#include "wxlived/engine/beijing_time.hpp"
#include "wxlived/engine/room_snapshot.hpp"

namespace wxlived::engine {

struct TrackedRoom {
  RoomMemory memory;
  int status = 0;
  Millis status_since = 0;  // first sighting of the status (or the rule's deadline)
  Millis first_seen = 0;
  Millis last_seen = 0;
  std::optional<Millis> removed_at;

  Millis planned_start() const { return memory.info.start_time * kSecond; }
  Millis planned_end() const { return memory.info.end_time * kSecond; }
  // The status's likeliest onset: midway between the last sighting of the
  // previous status and the first of this one.
  Millis onset() const { return memory.changed_after ? (*memory.changed_after + status_since) / 2 : status_since; }
};

using RoomTable = std::map<std::int64_t, TrackedRoom>;

}  // namespace wxlived::engine
