#pragma once
// The room list as getliveinfo would page it at a given time.
#include <cstdint>
#include <string>
#include <vector>

#include "wxlived/scenario/scenario.hpp"

namespace wxlived::scenario {

// created_at <= t < deleted_at (no deleted_at: forever).
bool listed(const Room& room, Seconds t) noexcept;

// nullptr when no room has that id (listed or not).
const Room* find_room(const Scenario& s, std::int64_t roomid) noexcept;

// One room_info entry, with WeChat's absolute unix times.
struct RoomListing {
  std::int64_t roomid = 0;
  std::string name;
  std::string anchor_name;
  std::string cover_img;
  UnixSeconds start_time = 0;
  UnixSeconds end_time = 0;
  LiveStatus live_status = LiveStatus::not_started;
  std::string goods_json = "[]";
  bool spells_live_satus = false;  // write the key as "live_satus"
};

struct ListPage {
  std::int64_t total = 0;  // rooms listed at t, whatever the page
  std::vector<RoomListing> rooms;
};

// Rooms listed at t, ordered by start_time descending (ties: higher roomid
// first), then rooms [start, start + limit). A start at or past total, or a
// limit <= 0, gives an empty slice; a negative start counts as 0.
ListPage list_page(const Scenario& s, Seconds t, std::int64_t start, std::int64_t limit);

// The cover URL a room without cover_img is listed with.
std::string default_cover_img(std::int64_t roomid);

}  // namespace wxlived::scenario
