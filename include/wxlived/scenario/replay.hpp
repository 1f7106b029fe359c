#pragma once
// Replay segments (getliveinfo action "get_replay") as they exist at a time.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wxlived/scenario/scenario.hpp"

namespace wxlived::scenario {

// Replay URLs stay valid this long after creation (WeChat's example shows a year).
inline constexpr Seconds replay_url_lifetime_s = 365 * 86400;

struct ReplaySegment {
  std::string media_url;    // http://fake.vod.example/<roomid>/<i>.mp4, i from 0
  std::string create_time;  // RFC 3339 UTC "Z"
  std::string expire_time;  // RFC 3339 UTC "Z"
  UnixSeconds create_unix = 0;
  UnixSeconds expire_unix = 0;
};

struct ReplayPage {
  std::int64_t total = 0;  // segments existing at t
  std::vector<ReplaySegment> segments;
};

// When the room's replay appears: ended_at + delay_s; nothing without a
// replay plan or if the room never reaches 103.
std::optional<Seconds> replay_ready_at(const Scenario& s, const Room& room);

// Segments [start, start + limit) of those existing at t (same paging rules as list_page).
ReplayPage replay_segments(const Scenario& s, const Room& room, Seconds t, std::int64_t start,
                           std::int64_t limit);

}  // namespace wxlived::scenario
