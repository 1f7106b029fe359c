#pragma once
// Scenario files for the fakewx tests, written as JSON text the way users
// write them (the server must parse them like any other file).
#include <cstdint>
#include <string>
#include <vector>

namespace wxlived::fakewx::testing {

inline constexpr const char* appid = "wxfake000000000001";
inline constexpr const char* secret = "fake-secret-for-tests";

struct RoomText {
  std::int64_t roomid = 1;
  std::int64_t start_time = 600;
  std::int64_t end_time = 4200;
  std::int64_t created_at = -86400;
  std::string timeline = "[]";  // JSON array of [t, status]
  std::string replay;           // JSON object, or empty for none
  std::string goods;            // JSON array, or empty for none

  std::string json() const {
    std::string out = "{\"roomid\":" + std::to_string(roomid) + ",\"name\":\"Room " + std::to_string(roomid) +
                      "\",\"anchor_name\":\"Li\",\"created_at\":" + std::to_string(created_at) +
                      ",\"start_time\":" + std::to_string(start_time) + ",\"end_time\":" + std::to_string(end_time) +
                      ",\"timeline\":" + timeline;
    if (!replay.empty()) out += ",\"replay\":" + replay;
    if (!goods.empty()) out += ",\"goods\":" + goods;
    return out + "}";
  }
};

struct FaultText {
  std::int64_t from = -100;
  std::int64_t to = 100000;
  std::string kind = "busy";
  std::string api;  // empty: all

  std::string json() const {
    std::string out = "{\"from\":" + std::to_string(from) + ",\"to\":" + std::to_string(to) + ",\"kind\":\"" + kind +
                      "\"";
    if (!api.empty()) out += ",\"api\":\"" + api + "\"";
    return out + "}";
  }
};

struct ScenarioText {
  std::int64_t daily_quota = 500;
  std::vector<RoomText> rooms;
  std::vector<FaultText> faults;
  std::string extra;  // more top-level members, e.g. "\"live_satus_share\":1"

  std::string json() const {
    std::string out = std::string("{\"origin\":\"2026-11-24T00:00:00+08:00\",\"duration_s\":86400,\"appid\":\"") +
                      appid + "\",\"secret\":\"" + secret + "\",\"daily_quota\":" + std::to_string(daily_quota);
    if (!extra.empty()) out += "," + extra;
    out += ",\"rooms\":[";
    for (std::size_t i = 0; i < rooms.size(); ++i) out += (i ? "," : "") + rooms[i].json();
    out += "],\"faults\":[";
    for (std::size_t i = 0; i < faults.size(); ++i) out += (i ? "," : "") + faults[i].json();
    return out + "]}";
  }
};

inline RoomText room(std::int64_t roomid, std::int64_t start_time, std::int64_t end_time,
                     std::int64_t created_at = -86400, std::string timeline = "[]", std::string replay = "") {
  RoomText r;
  r.roomid = roomid;
  r.start_time = start_time;
  r.end_time = end_time;
  r.created_at = created_at;
  r.timeline = std::move(timeline);
  r.replay = std::move(replay);
  return r;
}

// A scenario with `count` listed rooms whose start_times tie in threes, so
// ordering needs the roomid tiebreak.
inline ScenarioText many_rooms(int count) {
  ScenarioText s;
  for (int i = 0; i < count; ++i) {
    RoomText room;
    room.roomid = 1000 + i;
    room.start_time = 600 + (i / 3) * 60;
    room.end_time = room.start_time + 3600;
    s.rooms.push_back(room);
  }
  return s;
}

}  // namespace wxlived::fakewx::testing
