#include "recorded_scenario.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdio>
#include <string_view>

#include "time_text.hpp"
#include "wxlived/core/json_nesting.hpp"
#include "wxlived/engine/room_snapshot.hpp"

namespace wxlived::ctl {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

constexpr std::int64_t kDayMs = 86'400'000;
constexpr std::int64_t kBeijingOffsetMs = 8 * 3'600'000;
constexpr std::int64_t kWeChatAbnormalTimeoutS = 900;
constexpr std::int64_t kMaxSegments = 100'000;  // what the scenario parser accepts

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// Unix milliseconds as whole seconds from the origin.
struct Window {
  std::int64_t origin_ms = 0;

  std::int64_t floor_s(std::int64_t ms) const { return floor_div(ms - origin_ms, 1000); }
  std::int64_t ceil_s(std::int64_t ms) const { return -floor_div(origin_ms - ms, 1000); }
  std::int64_t round_s(std::int64_t ms) const { return floor_div(ms - origin_ms + 500, 1000); }
};

// "2.4 s" under a minute, else "4m30s".
std::string gap_text(std::int64_t ms) {
  if (ms >= 60'000) return format_seconds((ms + 500) / 1000);
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f s", static_cast<double>(ms) / 1000.0);
  return buffer;
}

bool is_final(int status) { return status == 103 || status == 104 || status == 107; }
bool is_wechat_status(int status) { return status >= 101 && status <= 107; }
bool made_by_rule(const store::TransitionRecord& t) { return t.reason != "observed" || t.inferred; }

struct Entry {
  std::int64_t t = 0;
  int status = 0;
};

// One room's timeline and what the comment reports about it.
struct Timeline {
  std::vector<Entry> entries;
  std::optional<std::int64_t> ended_at;  // when the exported room reaches 103 (entry or rule)
  int left_to_rules = 0;
  int observed = 0;  // changes written at a midpoint
  int without_lower_bound = 0;
  std::int64_t widest_gap_ms = 0;
};

// first_status_from_s: from when the status the room was first seen in
// holds (see first_status_from).
Timeline timeline_of(const RecordedRoom& r, const Window& w, std::int64_t abnormal_timeout_s,
                     std::int64_t first_status_from_s) {
  Timeline out;
  int shown = 102;  // the status the exported room has so far, the rules' changes included
  auto add = [&](std::int64_t t, int status) {
    if (!is_wechat_status(status)) return;
    // One entry a second, in order: a change within a second of the previous one moves to the next second.
    if (!out.entries.empty() && t <= out.entries.back().t) t = out.entries.back().t + 1;
    out.entries.push_back({t, status});
    shown = status;
    if (status == 103 && !out.ended_at) out.ended_at = t;
  };
  const std::vector<store::TransitionRecord>& ts = r.transitions;
  // No first sighting kept (retention pruned it): the room had the first kept
  // change's old status (or, with none kept, its status) when first seen.
  if (ts.empty() || ts.front().from_status) {
    const int first = ts.empty() ? r.room.status : *ts.front().from_status;
    if (first != 102) add(std::min(w.floor_s(r.room.first_seen_ms), first_status_from_s), first);
  }
  for (const store::TransitionRecord& t : ts) {
    if (!t.from_status) {
      // First seen (or back after a removal) in this status: from the sighting on.
      const std::int64_t seen = w.floor_s(t.at_ms);
      if (t.to_status != shown) add(out.entries.empty() ? std::min(seen, first_status_from_s) : seen, t.to_status);
      continue;
    }
    const std::int64_t after = std::min(t.after_ms.value_or(t.at_ms), t.at_ms);
    const std::int64_t midpoint = after + (t.at_ms - after) / 2;
    if (made_by_rule(t)) {
      ++out.left_to_rules;
      if (t.to_status == 103 && !out.ended_at) {
        // The fake ends a 106 abnormal_timeout_s after the 106 entry.
        out.ended_at = shown == 106 && !out.entries.empty() ? out.entries.back().t + abnormal_timeout_s
                                                            : w.round_s(midpoint);
      }
      shown = t.to_status;
      continue;
    }
    ++out.observed;
    if (!t.after_ms) ++out.without_lower_bound;
    out.widest_gap_ms = std::max(out.widest_gap_ms, t.at_ms - after);
    add(w.round_s(midpoint), t.to_status);
  }
  return out;
}

// The segment count a room.replay_ready body announces (data.total, else the
// segments array's size); 0 if unreadable.
std::int64_t replay_total(const std::string& body_json) {
  rapidjson::Document doc;
  if (!parse_bounded_json(doc, body_json) || !doc.IsObject()) return 0;
  const auto data = doc.FindMember("data");
  if (data == doc.MemberEnd() || !data->value.IsObject()) return 0;
  const auto total = data->value.FindMember("total");
  if (total != data->value.MemberEnd() && total->value.IsInt64()) return total->value.GetInt64();
  const auto segments = data->value.FindMember("segments");
  if (segments != data->value.MemberEnd() && segments->value.IsArray()) return segments->value.Size();
  return 0;
}

struct Replay {
  std::int64_t delay_s = 0;
  std::int64_t segments = 1;
};

// Replays appear delay_s after the room's 103: from that 103 to the first
// replay found (the daemon found it at most one check after it appeared).
std::optional<Replay> replay_of(const RecordedRoom& r, const Timeline& timeline, const Window& w) {
  if (r.replays.empty() || !timeline.ended_at) return std::nullopt;
  Replay out;
  out.delay_s = std::max<std::int64_t>(0, w.round_s(r.replays.front().created_at_ms) - *timeline.ended_at);
  std::int64_t most = 0;
  for (const store::EventRecord& e : r.replays) most = std::max(most, replay_total(e.body_json));
  out.segments = std::clamp<std::int64_t>(most, 1, kMaxSegments);
  return out;
}

void string(Writer& w, std::string_view text) {
  w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

std::string json_string(std::string_view text) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  string(w, text);
  return std::string(buffer.GetString(), buffer.GetSize());
}

// A room the daemon already found at its first look in the window (its first
// sweep) was created at some unknown earlier time: it is listed from the
// window's start, so a simulation that starts there knows it as the daemon
// did. A room first seen later was created then (to within a sweep).
std::int64_t listed_from(const RecordedRoom& r, const Window& w, std::int64_t first_look_ms) {
  constexpr std::int64_t kOneSweepMs = 10'000;  // the pages of one sweep come back within seconds
  const std::int64_t seen = w.floor_s(r.room.first_seen_ms);
  return r.room.first_seen_ms - first_look_ms <= kOneSweepMs ? std::min<std::int64_t>(seen, 0) : seen;
}

// A room first seen in a status other than 102 left 102 at some unknown time
// before: at the latest when it was listed, and no later than its planned
// start, or WeChat's rule (102 past end_time -> 107) would turn a room seen
// ended into an expired one in the replay.
std::int64_t first_status_from(const RecordedRoom& r, const Window& w, std::int64_t created_at) {
  const std::optional<engine::RoomMemory> snapshot = engine::snapshot_from_json(r.room.snapshot_json);
  if (!snapshot) return created_at;
  return std::min(created_at, snapshot->info.start_time - floor_div(w.origin_ms, 1000));
}

// One room as one line of JSON.
std::string room_json(const RecordedRoom& r, const Timeline& timeline, const Window& w, std::int64_t created_at) {
  const std::optional<engine::RoomMemory> snapshot = engine::snapshot_from_json(r.room.snapshot_json);
  const std::int64_t origin_s = floor_div(w.origin_ms, 1000);
  const std::int64_t start = snapshot ? snapshot->info.start_time - origin_s : created_at;
  const std::int64_t end = snapshot ? std::max(snapshot->info.end_time - origin_s, start) : start;

  rapidjson::StringBuffer buffer;
  Writer out(buffer);
  out.StartObject();
  out.Key("roomid");
  out.Int64(r.room.room_id);
  out.Key("name");
  string(out, snapshot ? snapshot->info.name : std::string());
  out.Key("anchor_name");
  string(out, snapshot ? snapshot->info.anchor_name : std::string());
  out.Key("created_at");
  out.Int64(created_at);
  out.Key("start_time");
  out.Int64(start);
  out.Key("end_time");
  out.Int64(end);
  out.Key("timeline");
  out.StartArray();
  for (const Entry& e : timeline.entries) {
    out.StartArray();
    out.Int64(e.t);
    out.Int(e.status);
    out.EndArray();
  }
  out.EndArray();
  if (const std::optional<Replay> replay = replay_of(r, timeline, w)) {
    out.Key("replay");
    out.StartObject();
    out.Key("delay_s");
    out.Int64(replay->delay_s);
    out.Key("segments");
    out.Int64(replay->segments);
    out.EndObject();
  }
  out.Key("deleted_at");
  if (r.room.removed_at_ms) {
    out.Int64(std::max(w.ceil_s(*r.room.removed_at_ms), created_at + 1));
  } else {
    out.Null();
  }
  out.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

bool in_window(const store::RoomRecord& room, std::int64_t origin_ms) {
  return !room.removed_at_ms || *room.removed_at_ms >= origin_ms || !is_final(room.status);
}

}  // namespace

std::int64_t beijing_midnight_at_or_before(std::int64_t unix_ms) {
  return floor_div(unix_ms + kBeijingOffsetMs, kDayMs) * kDayMs - kBeijingOffsetMs;
}

ExportedScenario export_recorded(const ExportSource& source, const std::vector<RecordedRoom>& rooms) {
  const Window w{beijing_midnight_at_or_before(source.now_ms - source.since_ms)};
  const std::int64_t abnormal_timeout_s = source.abnormal_timeout_s.value_or(kWeChatAbnormalTimeoutS);
  ExportedScenario out;
  out.origin = beijing_day(w.origin_ms) + "T00:00:00+08:00";

  std::vector<std::string> lines;
  std::optional<std::int64_t> latest;
  std::int64_t widest_gap_ms = 0;
  int observed = 0;
  std::optional<std::int64_t> first_look_ms;
  for (const RecordedRoom& r : rooms) {
    if (in_window(r.room, w.origin_ms)) first_look_ms = std::min(first_look_ms.value_or(r.room.first_seen_ms), r.room.first_seen_ms);
  }
  for (const RecordedRoom& r : rooms) {
    if (!in_window(r.room, w.origin_ms)) continue;
    const std::int64_t created_at = listed_from(r, w, *first_look_ms);
    const Timeline timeline = timeline_of(r, w, abnormal_timeout_s, first_status_from(r, w, created_at));
    lines.push_back(room_json(r, timeline, w, created_at));
    ++out.rooms;
    out.transitions += static_cast<int>(timeline.entries.size());
    out.left_to_rules += timeline.left_to_rules;
    out.without_lower_bound += timeline.without_lower_bound;
    widest_gap_ms = std::max(widest_gap_ms, timeline.widest_gap_ms);
    observed += timeline.observed;
    std::int64_t seen = std::max(r.room.last_seen_ms, r.room.removed_at_ms.value_or(0));
    for (const store::EventRecord& e : r.replays) seen = std::max(seen, e.created_at_ms);
    latest = std::max(latest.value_or(seen), seen);
  }
  const std::int64_t until_ms = latest.value_or(source.now_ms);
  const std::int64_t duration_s = std::max<std::int64_t>(1, w.ceil_s(until_ms));

  std::vector<std::string> comment = {
      "Exported by wxlivectl export-scenario from app " + source.app + " (appid " + source.appid +
          ") of the state database " + source.db + ".",
      "Window: origin is the Beijing midnight at or before " + format_utc(source.now_ms - source.since_ms) + " (" +
          source.since_text + " before the export at " + format_utc(source.now_ms) + "); duration_s runs to " +
          format_utc(until_ms) + ", the latest recorded moment. Every time here is in seconds from origin "
          "(negative: before it).",
      "Each observed status change is at the midpoint of the gap in which it was observed (from the last "
      "sighting with the old status to the first with the new one): the true time is within +-half that gap (" +
          (observed > 0 ? "the widest gap here: " + gap_text(widest_gap_ms) : std::string("no observed change here")) +
          ").",
  };
  if (out.without_lower_bound > 0) {
    comment.push_back(std::to_string(out.without_lower_bound) +
                      " change(s) were recorded before the database kept the start of the gap (schema 4): they are "
                      "at the sighting that showed them, up to one gap late.");
  }
  comment.push_back("Changes made by WeChat's rules (106 held past abnormal_timeout_s -> 103, 102 past end_time -> "
                    "107; " + std::to_string(out.left_to_rules) +
                    " here) are not in the timelines: wxlive-fakewx and wxlived simulate apply the rules themselves.");
  comment.push_back("A room the daemon already found at its first look in the window was created at an unknown "
                    "earlier time: it is listed, in the status first seen, from the window's start (or its first "
                    "sighting, if earlier). "
                    "A room first seen later already in a status has it from that first sighting, which is its "
                    "created_at; "
                    "deleted_at is the sweep that found the room gone; replay delay_s runs from the room's 103 to "
                    "the first replay the daemon found (an upper bound), segments is the most it saw.");
  comment.push_back(std::string("secret is a placeholder, never the app's secret (wxlivectl writes no secret): "
                                "wxlived simulate gives it to its own simulated WeChat, with or without --config "
                                "(a --config must name appid ") +
                    source.appid + "; its secrets are never read).");
  comment.push_back("daily_quota: " + source.daily_quota_from + ". abnormal_timeout_s: " +
                    source.abnormal_timeout_from + ".");
  comment.push_back("Names, anchors and planned times are as last seen; goods and images are not exported.");

  std::string& json = out.json;
  json = "{\"comment\": [";
  for (std::size_t i = 0; i < comment.size(); ++i) {
    json += "\n  " + json_string(comment[i]) + (i + 1 < comment.size() ? "," : "");
  }
  json += "],\n \"origin\": " + json_string(out.origin) + ", \"duration_s\": " + std::to_string(duration_s) + ",\n";
  json += " \"appid\": " + json_string(source.appid) + ", \"secret\": " + json_string(kPlaceholderSecret) +
          ", \"daily_quota\": " + std::to_string(source.daily_quota);
  if (source.abnormal_timeout_s) json += ", \"abnormal_timeout_s\": " + std::to_string(*source.abnormal_timeout_s);
  json += ",\n \"rooms\": [";
  for (std::size_t i = 0; i < lines.size(); ++i) json += (i > 0 ? ",\n  " : "\n  ") + lines[i];
  json += lines.empty() ? "],\n" : "\n ],\n";
  json += " \"faults\": []}\n";
  return out;
}

}  // namespace wxlived::ctl
