#include "wxlived/fakewx/responses.hpp"

#include "wxlived/fakewx/fake_wechat.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cinttypes>
#include <cstdio>

namespace wxlived::fakewx {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void key(JsonWriter& w, std::string_view k) { w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size())); }
void string_value(JsonWriter& w, std::string_view v) {
  w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
}
void int_member(JsonWriter& w, std::string_view k, std::int64_t v) {
  key(w, k);
  w.Int64(v);
}
void string_member(JsonWriter& w, std::string_view k, std::string_view v) {
  key(w, k);
  string_value(w, v);
}

Reply json_reply(const rapidjson::StringBuffer& buffer, std::string api, std::optional<std::int64_t> code) {
  Reply reply;
  reply.body = escape_slashes(std::string_view(buffer.GetString(), buffer.GetSize()));
  reply.api = std::move(api);
  reply.errcode = code;
  return reply;
}

std::string fake_image_url(std::string_view kind, std::int64_t roomid) {
  return "http://mmbiz.qpic.cn/mmbiz_jpg/fake" + std::string(kind) + std::to_string(roomid) + "/0?wx_fmt=jpeg";
}

// A stable, openid-shaped (28 characters, leading 'o') creator id per room.
std::string fake_openid(std::int64_t roomid) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "oFAKE%023" PRId64, roomid < 0 ? -roomid : roomid);
  return buf;
}

void write_room(JsonWriter& w, const scenario::RoomListing& room) {
  w.StartObject();
  string_member(w, "name", room.name);
  int_member(w, "roomid", room.roomid);
  string_member(w, "cover_img", room.cover_img);
  // WeChat's documented example misspells the key; the scenario marks which rooms do.
  int_member(w, room.spells_live_satus ? "live_satus" : "live_status", scenario::code(room.live_status));
  int_member(w, "start_time", room.start_time);
  int_member(w, "end_time", room.end_time);
  string_member(w, "anchor_name", room.anchor_name);
  string_member(w, "anchor_img", fake_image_url("anchor", room.roomid));
  key(w, "goods");
  w.RawValue(room.goods_json.data(), room.goods_json.size(), rapidjson::kArrayType);
  string_member(w, "share_img", fake_image_url("share", room.roomid));
  int_member(w, "live_type", 0);
  int_member(w, "close_like", 0);
  int_member(w, "close_goods", 0);
  int_member(w, "close_comment", 0);
  int_member(w, "close_kf", 1);
  int_member(w, "close_replay", 0);
  int_member(w, "is_feeds_public", 1);
  string_member(w, "creater_openid", fake_openid(room.roomid));
  string_member(w, "feeds_img", fake_image_url("feeds", room.roomid));
  w.EndObject();
}

}  // namespace

std::string escape_slashes(std::string_view json) {
  std::string out;
  out.reserve(json.size() + json.size() / 16);
  for (const char c : json) {
    if (c == '/') out += '\\';
    out += c;
  }
  return out;
}

Reply error_reply(std::int64_t errcode, std::string_view message, std::string_view rid) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  int_member(w, "errcode", errcode);
  string_member(w, "errmsg", std::string(message) + " rid: " + std::string(rid));
  w.EndObject();
  return json_reply(buffer, "", errcode);
}

Reply error_reply(const errcode::Code& code, std::string_view rid) {
  return error_reply(code.value, code.message, rid);
}

Reply token_reply(std::string_view access_token, std::int64_t expires_in) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  string_member(w, "access_token", access_token);
  int_member(w, "expires_in", expires_in);
  w.EndObject();
  // WeChat's token answers carry no errcode; 0 stands for success in the log.
  return json_reply(buffer, "token", 0);
}

Reply room_list_reply(const scenario::ListPage& page, std::string_view rid) {
  if (page.total == 0) {
    Reply reply = error_reply(errcode::no_room, rid);
    reply.api = "list";
    return reply;
  }
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  int_member(w, "errcode", 0);
  string_member(w, "errmsg", "ok");
  key(w, "room_info");
  w.StartArray();
  for (const scenario::RoomListing& room : page.rooms) write_room(w, room);
  w.EndArray();
  key(w, "live_replay");
  w.StartArray();
  w.EndArray();
  int_member(w, "total", page.total);
  w.EndObject();
  return json_reply(buffer, "list", 0);
}

Reply replay_reply(const scenario::ReplayPage& page) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  key(w, "live_replay");
  w.StartArray();
  for (const scenario::ReplaySegment& segment : page.segments) {
    w.StartObject();
    string_member(w, "expire_time", segment.expire_time);
    string_member(w, "create_time", segment.create_time);
    string_member(w, "media_url", segment.media_url);
    w.EndObject();
  }
  w.EndArray();
  int_member(w, "errcode", 0);
  int_member(w, "total", page.total);
  string_member(w, "errmsg", "ok");
  w.EndObject();
  return json_reply(buffer, "replay", 0);
}

Reply quota_reply(std::int64_t daily_limit, std::int64_t used, std::int64_t remain) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  int_member(w, "errcode", 0);
  string_member(w, "errmsg", "ok");
  key(w, "quota");
  w.StartObject();
  int_member(w, "daily_limit", daily_limit);
  int_member(w, "used", used);
  int_member(w, "remain", remain);
  w.EndObject();
  w.EndObject();
  return json_reply(buffer, "quota", 0);
}

std::optional<Reply> infrastructure_fault_reply(scenario::FaultKind kind, std::string_view rid) {
  switch (kind) {
    case scenario::FaultKind::busy:
      return error_reply(errcode::system_busy, rid);
    case scenario::FaultKind::http_500: {
      Reply reply;
      reply.http_status = 500;
      reply.content_type = "text/html";
      reply.body =
          "<html>\r\n<head><title>500 Internal Server Error</title></head>\r\n"
          "<body>\r\n<center><h1>500 Internal Server Error</h1></center>\r\n</body>\r\n</html>\r\n";
      return reply;
    }
    case scenario::FaultKind::timeout: {
      Reply reply = held_too_long_reply();
      reply.hold = true;
      return reply;
    }
    case scenario::FaultKind::malformed: {
      // A body cut off mid-string, as a dropped upstream connection leaves it.
      Reply reply;
      reply.body = R"({"errcode":0,"errmsg":"ok","room_info":[{"name":"Live sa)";
      return reply;
    }
    case scenario::FaultKind::token_expired:
    case scenario::FaultKind::quota_exhausted:
      return std::nullopt;
  }
  return std::nullopt;
}

Reply held_too_long_reply() {
  Reply reply;
  reply.http_status = 504;
  reply.content_type = "text/html";
  reply.body =
      "<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n"
      "<body>\r\n<center><h1>504 Gateway Time-out</h1></center>\r\n</body>\r\n</html>\r\n";
  return reply;
}

std::string request_id(scenario::UnixSeconds now, std::uint64_t sequence) {
  // The third group mixes both so ids do not look like a bare counter.
  const std::uint64_t mixed = (sequence + 0x9E3779B97F4A7C15ULL) * 0xBF58476D1CE4E5B9ULL ^
                              static_cast<std::uint64_t>(now);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08" PRIx32 "-%08" PRIx32 "-%08" PRIx32, static_cast<std::uint32_t>(now),
                static_cast<std::uint32_t>(sequence), static_cast<std::uint32_t>(mixed >> 29));
  return buf;
}

namespace {

void count_members(JsonWriter& w, const CallCounts& counts) {
  int_member(w, "getliveinfo_today", counts.getliveinfo_today);
  int_member(w, "getliveinfo_total", counts.getliveinfo_total);
  int_member(w, "tokens_issued", counts.tokens_issued);
}

Reply stats_json(const rapidjson::StringBuffer& buffer) {
  Reply reply;
  reply.body.assign(buffer.GetString(), buffer.GetSize());
  reply.api = "stats";
  return reply;
}

}  // namespace

Reply stats_reply(std::size_t apps, std::uint64_t requests, const CallCounts& counts) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  int_member(w, "apps", static_cast<std::int64_t>(apps));
  int_member(w, "requests", static_cast<std::int64_t>(requests));
  count_members(w, counts);
  w.EndObject();
  return stats_json(buffer);
}

Reply app_stats_reply(std::string_view appid, const CallCounts& counts) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  string_member(w, "appid", appid);
  count_members(w, counts);
  w.EndObject();
  return stats_json(buffer);
}

}  // namespace wxlived::fakewx
