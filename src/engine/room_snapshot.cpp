#include "wxlived/engine/room_snapshot.hpp"

#include <rapidjson/document.h>

#include "json_reader.hpp"
#include "json_writer.hpp"
#include "wxlived/core/json_nesting.hpp"

namespace wxlived::engine {
namespace {

std::int64_t int_or(const rapidjson::Value& obj, const char* name, std::int64_t fallback) {
  return json::int_member(obj, name).value_or(fallback);
}

std::string str_or(const rapidjson::Value& obj, const char* name) {
  return json::string_member(obj, name).value_or(std::string());
}

}  // namespace

std::string snapshot_to_json(const RoomMemory& memory) {
  rapidjson::StringBuffer buffer;
  json::Writer w(buffer);
  const liveapi::RoomInfo& r = memory.info;
  w.StartObject();
  json::key(w, "roomid"); w.Int64(r.roomid);
  json::key(w, "name"); json::str(w, r.name);
  json::key(w, "live_status"); w.Int(r.live_status);
  json::key(w, "start_time"); w.Int64(r.start_time);
  json::key(w, "end_time"); w.Int64(r.end_time);
  json::key(w, "anchor_name"); json::str(w, r.anchor_name);
  json::key(w, "cover_img"); json::str(w, r.cover_img);
  json::key(w, "anchor_img"); json::str(w, r.anchor_img);
  json::key(w, "share_img"); json::str(w, r.share_img);
  json::key(w, "goods"); json::raw(w, r.goods_json.empty() ? "[]" : r.goods_json);
  json::key(w, "wxlived");
  w.StartObject();
  if (memory.changed_after) { json::key(w, "changed_after_ms"); w.Int64(*memory.changed_after); }
  const ReplayTrack& t = memory.replay;
  json::key(w, "replay");
  w.StartObject();
  json::key(w, "active"); w.Bool(t.active);
  json::key(w, "next_check_ms"); w.Int64(t.next_check);
  json::key(w, "give_up_ms"); w.Int64(t.give_up_at);
  json::key(w, "backoff_ms"); w.Int64(t.backoff);
  json::key(w, "segments_seen"); w.Int64(t.segments_seen);
  json::key(w, "followups_left"); w.Int(t.followups_left);
  w.EndObject();
  w.EndObject();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::optional<RoomMemory> snapshot_from_json(std::string_view text) {
  rapidjson::Document doc;
  if (!parse_bounded_json(doc, text) || !doc.IsObject()) return std::nullopt;
  RoomMemory m;
  m.info.roomid = int_or(doc, "roomid", 0);
  if (m.info.roomid == 0) return std::nullopt;
  m.info.name = str_or(doc, "name");
  m.info.live_status = static_cast<int>(int_or(doc, "live_status", 0));
  m.info.start_time = int_or(doc, "start_time", 0);
  m.info.end_time = int_or(doc, "end_time", 0);
  m.info.anchor_name = str_or(doc, "anchor_name");
  m.info.cover_img = str_or(doc, "cover_img");
  m.info.anchor_img = str_or(doc, "anchor_img");
  m.info.share_img = str_or(doc, "share_img");
  if (const auto goods = doc.FindMember("goods"); goods != doc.MemberEnd()) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    goods->value.Accept(w);
    m.info.goods_json.assign(buffer.GetString(), buffer.GetSize());
  }
  if (const auto own = doc.FindMember("wxlived"); own != doc.MemberEnd() && own->value.IsObject()) {
    const rapidjson::Value& o = own->value;
    // abnormal_after_ms: the same bound as written before it covered every status.
    for (const char* name : {"changed_after_ms", "abnormal_after_ms"}) {
      if (const auto after = json::int_member(o, name)) {
        m.changed_after = after;
        break;
      }
    }
    if (const auto r = o.FindMember("replay"); r != o.MemberEnd() && r->value.IsObject()) {
      const rapidjson::Value& v = r->value;
      const auto active = v.FindMember("active");
      m.replay.active = active != v.MemberEnd() && active->value.IsBool() && active->value.GetBool();
      m.replay.next_check = int_or(v, "next_check_ms", 0);
      m.replay.give_up_at = int_or(v, "give_up_ms", 0);
      m.replay.backoff = int_or(v, "backoff_ms", 0);
      m.replay.segments_seen = int_or(v, "segments_seen", 0);
      m.replay.followups_left = static_cast<int>(int_or(v, "followups_left", 0));
    }
  }
  return m;
}

}  // namespace wxlived::engine
