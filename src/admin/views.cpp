#include "wxlived/admin/views.hpp"

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <string_view>

#include "wxlived/core/json_nesting.hpp"
#include "wxlived/admin/json_fields.hpp"
#include "wxlived/admin/time_text.hpp"

namespace wxlived::admin {

namespace {

using json::field;
using json::time_field;
using json::Writer;

// Stored JSON (a snapshot, an event body) embedded as JSON, or null if it
// does not parse.
void raw_json(Writer& w, const char* k, const std::string& text) {
  w.Key(k);
  rapidjson::Document doc;
  if (!parse_bounded_json(doc, text)) {
    w.Null();
  } else {
    doc.Accept(w);
  }
}

// The stored snapshot as WeChat gave it: the engine's own follow-up state
// (its "wxlived" member) is internal and not shown.
void snapshot_json(Writer& w, const std::string& text) {
  w.Key("snapshot");
  rapidjson::Document doc;
  if (!parse_bounded_json(doc, text)) {
    w.Null();
    return;
  }
  if (doc.IsObject()) doc.RemoveMember("wxlived");
  doc.Accept(w);
}

std::string member_text(const rapidjson::Value& o, const char* name) {
  const auto it = o.FindMember(name);
  return it != o.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString()) : std::string();
}

// The segments a room.replay_ready body lists; nullopt if it is not one.
std::optional<std::vector<ReplaySegment>> replay_segments_of(const std::string& body_json) {
  rapidjson::Document doc;
  if (!parse_bounded_json(doc, body_json) || !doc.IsObject()) return std::nullopt;
  const auto data = doc.FindMember("data");
  if (data == doc.MemberEnd() || !data->value.IsObject()) return std::nullopt;
  const auto segments = data->value.FindMember("segments");
  if (segments == data->value.MemberEnd() || !segments->value.IsArray()) return std::nullopt;
  std::vector<ReplaySegment> out;
  for (const auto& s : segments->value.GetArray()) {
    if (s.IsObject()) out.push_back({member_text(s, "media_url"), member_text(s, "create_time"), member_text(s, "expire_time")});
  }
  return out;
}

store::Result<std::vector<ReplaySegment>> latest_replays(store::StateStore& store, const store::RoomRecord& room) {
  std::vector<ReplaySegment> latest;
  store::EventFilter filter;
  filter.app = room.app;
  filter.room_id = room.room_id;
  filter.limit = 1000;
  for (;;) {
    auto events = store.events(filter);
    if (!events) return Unexpected{std::move(events).error()};
    for (const store::EventRecord& e : *events) {
      if (e.type != "room.replay_ready") continue;
      if (auto segments = replay_segments_of(e.body_json)) latest = std::move(*segments);
    }
    if (static_cast<int>(events->size()) < filter.limit) break;
    filter.after_seq = events->back().seq;
  }
  return latest;
}

void room_object(Writer& w, const store::RoomRecord& r) {
  w.StartObject();
  field(w, "app", r.app);
  field(w, "room_id", r.room_id);
  field(w, "status", static_cast<std::int64_t>(r.status));
  field(w, "status_name", status_name(r.status));
  time_field(w, "status_since_ms", r.status_since_ms);
  field(w, "name", room_name(r.snapshot_json));
  time_field(w, "first_seen_ms", r.first_seen_ms);
  time_field(w, "last_seen_ms", r.last_seen_ms);
  time_field(w, "removed_at_ms", r.removed_at_ms);
  snapshot_json(w, r.snapshot_json);
  w.EndObject();
}

void transition_object(Writer& w, const store::TransitionRecord& t) {
  w.StartObject();
  field(w, "id", t.id);
  w.Key("from");
  if (t.from_status) {
    w.Int(*t.from_status);
  } else {
    w.Null();
  }
  field(w, "to", static_cast<std::int64_t>(t.to_status));
  time_field(w, "at_ms", t.at_ms);
  field(w, "reason", t.reason);
  w.Key("inferred");
  w.Bool(t.inferred);
  field(w, "event_id", t.event_id);
  w.EndObject();
}

void event_object(Writer& w, const store::EventRecord& e) {
  w.StartObject();
  field(w, "seq", e.seq);
  field(w, "id", e.id);
  field(w, "type", e.type);
  field(w, "app", e.app);
  field(w, "room_id", e.room_id);
  time_field(w, "created_at_ms", e.created_at_ms);
  raw_json(w, "body", e.body_json);
  w.EndObject();
}

std::string text_of(const rapidjson::StringBuffer& buffer) { return std::string(buffer.GetString(), buffer.GetSize()); }

// The engine's compact summary, pretty-printed like the other views. Parsed
// at full precision so every number is written back as the engine wrote it.
void habits_summary_object(Writer& w, const AppHabits& app) {
  const std::string compact = engine::habits_summary_json(app.app, habits_or_prior(app));
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseFullPrecisionFlag>(compact.data(), compact.size());
  if (doc.HasParseError() || json_nests_deeper_than(doc, kStoredJsonMaxDepth)) {
    w.Null();  // cannot happen: the engine writes it
    return;
  }
  doc.Accept(w);
}

}  // namespace

std::string room_name(const std::string& snapshot_json) {
  rapidjson::Document doc;
  if (!parse_bounded_json(doc, snapshot_json) || !doc.IsObject()) return "";
  auto it = doc.FindMember("name");
  if (it == doc.MemberEnd()) return "";
  if (it->value.IsString()) return it->value.GetString();
  if (it->value.IsInt64()) return std::to_string(it->value.GetInt64());
  if (it->value.IsBool()) return it->value.GetBool() ? "true" : "false";
  return "";
}

store::Result<std::vector<RoomHistory>> room_histories(store::StateStore& store, std::int64_t room_id,
                                                       const std::optional<std::string>& app) {
  auto rooms = app ? store.rooms(*app) : store.rooms();
  if (!rooms) return Unexpected{std::move(rooms).error()};
  std::vector<RoomHistory> out;
  for (auto& r : *rooms) {
    if (r.room_id != room_id) continue;
    auto history = store.transitions(r.app, r.room_id);
    if (!history) return Unexpected{std::move(history).error()};
    auto replays = latest_replays(store, r);
    if (!replays) return Unexpected{std::move(replays).error()};
    out.push_back(RoomHistory{std::move(r), std::move(*history), std::move(*replays)});
  }
  return out;
}

std::string rooms_json(const std::vector<store::RoomRecord>& rooms) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartArray();
  for (const auto& r : rooms) room_object(w, r);
  w.EndArray();
  return text_of(buffer);
}

std::string room_histories_json(const std::vector<RoomHistory>& rooms) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartArray();
  for (const auto& h : rooms) {
    w.StartObject();
    w.Key("room");
    room_object(w, h.room);
    w.Key("transitions");
    w.StartArray();
    for (const auto& t : h.transitions) transition_object(w, t);
    w.EndArray();
    w.Key("replays");
    w.StartArray();
    for (const ReplaySegment& s : h.replays) {
      w.StartObject();
      field(w, "media_url", s.media_url);
      field(w, "create_time", s.create_time);
      field(w, "expire_time", s.expire_time);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  return text_of(buffer);
}

store::Result<std::vector<AppHabits>> app_habits(store::StateStore& store, const std::optional<std::string>& app) {
  auto names = store.app_names();
  if (!names) return Unexpected{std::move(names).error()};
  std::vector<AppHabits> out;
  for (auto& name : *names) {
    if (app && name != *app) continue;
    auto stored = store.app_habits(name);
    if (!stored) return Unexpected{std::move(stored).error()};
    out.push_back(AppHabits{std::move(name), std::move(*stored)});
  }
  return out;
}

engine::Habits habits_or_prior(const AppHabits& app) {
  if (app.habits_json) {
    if (auto habits = engine::habits_from_json(*app.habits_json)) return std::move(*habits);
  }
  return engine::prior_habits();
}

std::string habits_summary_json(const AppHabits& app) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  habits_summary_object(w, app);
  return text_of(buffer);
}

std::string habits_summaries_json(const std::vector<AppHabits>& apps) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartArray();
  for (const auto& app : apps) habits_summary_object(w, app);
  w.EndArray();
  return text_of(buffer);
}

std::string events_json(const std::vector<store::EventRecord>& events) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartArray();
  for (const auto& e : events) event_object(w, e);
  w.EndArray();
  return text_of(buffer);
}

}  // namespace wxlived::admin
