#pragma once
// The pure half of `wxlivectl export-scenario`: one app's recorded history
// (rooms, their transitions, their room.replay_ready events) as a scenario
// file of SPEC section 7, which wxlive-fakewx and `wxlived simulate` read.
//
// The daemon never sees a change happen, only two sightings around it: each
// observed change goes into the timeline at the midpoint of that gap (the
// true time is within half the gap of it). Changes WeChat's rules made (106
// held too long -> 103, 102 past end_time -> 107) are left out: the fake and
// the simulator apply the rules themselves.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wxlived/store/records.hpp"

namespace wxlived::ctl {

struct RecordedRoom {
  store::RoomRecord room;
  std::vector<store::TransitionRecord> transitions;  // oldest first
  std::vector<store::EventRecord> replays;           // its room.replay_ready events, oldest first
};

// What the file is made from, besides the rooms; also said in its comment.
struct ExportSource {
  std::string app;
  std::string appid;
  std::string db;              // the database's path
  std::string since_text;      // --since as given ("7d")
  std::int64_t since_ms = 0;
  std::int64_t now_ms = 0;
  std::int64_t daily_quota = 500;
  std::string daily_quota_from;                     // "the config FILE" or why 500
  std::optional<std::int64_t> abnormal_timeout_s;   // the config's [rules], when given
  std::string abnormal_timeout_from;                // "the config FILE [rules]" or why absent
};

// The placeholder written as "secret": the CLI never writes a secret.
inline constexpr const char* kPlaceholderSecret = "exported-no-secret";

struct ExportedScenario {
  std::string json;  // the whole file, ending with a newline
  std::string origin;  // "2026-11-17T00:00:00+08:00"
  int rooms = 0;
  int transitions = 0;  // timeline entries written
  int left_to_rules = 0;  // rule transitions not written
  int without_lower_bound = 0;  // observed changes placed at their sighting (rows older than migration 4)
};

// 00:00 +08:00 of the Beijing day holding `unix_ms`, in unix ms.
std::int64_t beijing_midnight_at_or_before(std::int64_t unix_ms);

// `rooms`: every room of the app the store holds; those listed in the window
// (or still not in a final status) are written.
ExportedScenario export_recorded(const ExportSource& source, const std::vector<RecordedRoom>& rooms);

}  // namespace wxlived::ctl
