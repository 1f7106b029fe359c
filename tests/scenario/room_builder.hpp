#pragma once
// Rooms built in code for rule tests; parse tests use inline JSON instead.
#include <initializer_list>
#include <utility>

#include "wxlived/scenario/scenario.hpp"

namespace wxlived::scenario::testing {

inline Room room_with(std::int64_t roomid, std::initializer_list<std::pair<Seconds, int>> timeline,
                      Seconds start_time = 1000, Seconds end_time = 10000) {
  Room room;
  room.roomid = roomid;
  room.name = "Room " + std::to_string(roomid);
  room.anchor_name = "Anchor";
  room.created_at = -86400;
  room.start_time = start_time;
  room.end_time = end_time;
  for (const auto& [t, status] : timeline) room.timeline.push_back({t, static_cast<LiveStatus>(status)});
  return room;
}

}  // namespace wxlived::scenario::testing
