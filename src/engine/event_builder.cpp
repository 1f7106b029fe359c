#include "wxlived/engine/event_builder.hpp"

#include <cstdio>

#include "json_writer.hpp"
#include "wxlived/engine/status.hpp"

namespace wxlived::engine {
namespace {

// FNV-1a, 64 bits, with a chosen offset basis: two bases give 128 bits.
struct Fnv {
  std::uint64_t h;
  void add(std::string_view bytes) {
    for (const char c : bytes) {
      h ^= static_cast<unsigned char>(c);
      h *= 1099511628211ULL;
    }
    h ^= 0xff;  // field separator
    h *= 1099511628211ULL;
  }
};

void begin(json::Writer& w, std::string_view type, Millis now) {
  w.StartObject();
  json::key(w, "type"); json::str(w, type);
  json::key(w, "timestamp"); json::str(w, rfc3339_utc(now));
  json::key(w, "data");
  w.StartObject();
}

void identity(json::Writer& w, const AppIdentity& app) {
  json::key(w, "app"); json::str(w, app.app);
  json::key(w, "appid"); json::str(w, app.appid);
}

void room_object(json::Writer& w, const liveapi::RoomInfo& r) {
  w.StartObject();
  json::key(w, "name"); json::str(w, r.name);
  json::key(w, "anchor_name"); json::str(w, r.anchor_name);
  json::key(w, "start_time"); w.Int64(r.start_time);
  json::key(w, "end_time"); w.Int64(r.end_time);
  json::key(w, "live_status"); w.Int(r.live_status);
  json::key(w, "cover_img"); json::str(w, r.cover_img);
  json::key(w, "anchor_img"); json::str(w, r.anchor_img);
  json::key(w, "share_img"); json::str(w, r.share_img);
  json::key(w, "goods"); json::raw(w, r.goods_json.empty() ? "[]" : r.goods_json);
  w.EndObject();
}

std::string end(json::Writer& w, rapidjson::StringBuffer& buffer) {
  w.EndObject();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

std::string event_id(std::string_view app, std::string_view type, std::optional<std::int64_t> room_id,
                     Millis created_at, std::uint64_t ordinal, std::string_view body) {
  Fnv a{14695981039346656037ULL};
  Fnv b{0x6c62272e07bb0142ULL};
  const std::string room = room_id ? std::to_string(*room_id) : std::string("-");
  const std::string at = std::to_string(created_at);
  const std::string n = std::to_string(ordinal);
  for (Fnv* f : {&a, &b}) {
    f->add(app);
    f->add(type);
    f->add(room);
    f->add(at);
    f->add(n);
    f->add(body);
  }
  char buf[40];
  std::snprintf(buf, sizeof buf, "evt_%016llx%016llx", static_cast<unsigned long long>(a.h),
                static_cast<unsigned long long>(b.h));
  return buf;
}

std::string status_event_body(const AppIdentity& app, std::string_view type, const liveapi::RoomInfo& room,
                              const StatusChange& change, Millis now) {
  rapidjson::StringBuffer buffer;
  json::Writer w(buffer);
  begin(w, type, now);
  identity(w, app);
  json::key(w, "room_id"); w.Int64(room.roomid);
  if (change.from) {
    json::key(w, "from"); w.Int(*change.from);
  }
  json::key(w, "to"); w.Int(change.to);
  if (change.from) {
    json::key(w, "from_name"); json::str(w, status_name(*change.from));
  }
  json::key(w, "to_name"); json::str(w, status_name(change.to));
  json::key(w, "changed_at"); json::str(w, rfc3339_utc(change.changed_at));
  json::key(w, "inferred"); w.Bool(change.inferred);
  json::key(w, "reason"); json::str(w, change.reason);
  json::key(w, "room"); room_object(w, room);
  return end(w, buffer);
}

std::string updated_event_body(const AppIdentity& app, const liveapi::RoomInfo& previous,
                               const liveapi::RoomInfo& room, const std::vector<std::string>& changed, Millis now) {
  rapidjson::StringBuffer buffer;
  json::Writer w(buffer);
  begin(w, "room.updated", now);
  identity(w, app);
  json::key(w, "room_id"); w.Int64(room.roomid);
  json::key(w, "changed");
  w.StartArray();
  for (const std::string& field : changed) json::str(w, field);
  w.EndArray();
  json::key(w, "previous"); room_object(w, previous);
  json::key(w, "room"); room_object(w, room);
  return end(w, buffer);
}

std::string removed_event_body(const AppIdentity& app, const liveapi::RoomInfo& room, int last_status, Millis now) {
  rapidjson::StringBuffer buffer;
  json::Writer w(buffer);
  begin(w, "room.removed", now);
  identity(w, app);
  json::key(w, "room_id"); w.Int64(room.roomid);
  json::key(w, "removed_at"); json::str(w, rfc3339_utc(now));
  json::key(w, "last_status"); w.Int(last_status);
  json::key(w, "last_status_name"); json::str(w, status_name(last_status));
  json::key(w, "reason"); json::str(w, "absent_from_complete_sweep");
  json::key(w, "room"); room_object(w, room);
  return end(w, buffer);
}

std::string replay_event_body(const AppIdentity& app, const liveapi::RoomInfo& room,
                              const std::vector<liveapi::ReplaySegment>& segments, Millis now) {
  rapidjson::StringBuffer buffer;
  json::Writer w(buffer);
  begin(w, "room.replay_ready", now);
  identity(w, app);
  json::key(w, "room_id"); w.Int64(room.roomid);
  json::key(w, "segments");
  w.StartArray();
  for (const liveapi::ReplaySegment& s : segments) {
    w.StartObject();
    json::key(w, "media_url"); json::str(w, s.media_url);
    json::key(w, "create_time"); json::str(w, s.create_time);
    json::key(w, "expire_time"); json::str(w, s.expire_time);
    w.EndObject();
  }
  w.EndArray();
  json::key(w, "total"); w.Int64(static_cast<std::int64_t>(segments.size()));
  json::key(w, "room"); room_object(w, room);
  return end(w, buffer);
}

std::string app_event_body(const AppIdentity& app, std::string_view type, std::string_view reason,
                           std::optional<int> errcode, std::string_view detail, std::optional<Millis> until,
                           Millis now) {
  rapidjson::StringBuffer buffer;
  json::Writer w(buffer);
  begin(w, type, now);
  identity(w, app);
  json::key(w, "reason"); json::str(w, reason);
  if (errcode) { json::key(w, "errcode"); w.Int(*errcode); }
  if (!detail.empty()) { json::key(w, "detail"); json::str(w, detail); }
  if (until) { json::key(w, "until"); json::str(w, rfc3339_utc(*until)); }
  return end(w, buffer);
}

std::string test_event_body(std::string_view endpoint, Millis now) {
  rapidjson::StringBuffer buffer;
  json::Writer w(buffer);
  begin(w, "webhook.test", now);
  json::key(w, "endpoint"); json::str(w, endpoint);
  json::key(w, "message"); json::str(w, "a test event from wxlivectl send-test; no room or app changed");
  return end(w, buffer);
}

std::vector<std::string> changed_fields(const liveapi::RoomInfo& a, const liveapi::RoomInfo& b) {
  std::vector<std::string> out;
  if (a.name != b.name) out.emplace_back("name");
  if (a.start_time != b.start_time) out.emplace_back("start_time");
  if (a.end_time != b.end_time) out.emplace_back("end_time");
  if (a.anchor_name != b.anchor_name) out.emplace_back("anchor_name");
  if (a.anchor_img != b.anchor_img) out.emplace_back("anchor_img");
  if (a.cover_img != b.cover_img) out.emplace_back("cover_img");
  if (a.share_img != b.share_img) out.emplace_back("share_img");
  if (a.goods_json != b.goods_json) out.emplace_back("goods");
  return out;
}

}  // namespace wxlived::engine
