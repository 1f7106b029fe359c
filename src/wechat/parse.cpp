#include "wxlived/wechat/parse.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>
#include <utility>
#include <vector>

#include "wxlived/core/json_nesting.hpp"
#include "wxlived/log/utf8.hpp"

namespace wxlived::wechat {
namespace {

using rapidjson::Value;

ApiError malformed(std::string detail) { return {Outcome::malformed, 0, 0, std::move(detail)}; }

// An integer that may arrive as a JSON number or as a string of digits.
std::optional<std::int64_t> integer(const Value& v) {
  if (v.IsInt64()) return v.GetInt64();
  if (v.IsUint64()) return v.GetUint64() <= static_cast<std::uint64_t>(INT64_MAX) ? std::optional(static_cast<std::int64_t>(v.GetUint64())) : std::nullopt;
  if (v.IsDouble()) {
    const double d = v.GetDouble();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e15) return static_cast<std::int64_t>(d);
    return std::nullopt;
  }
  if (v.IsString()) {
    std::string_view s(v.GetString(), v.GetStringLength());
    std::int64_t out = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec == std::errc() && end == s.data() + s.size() && !s.empty()) return out;
  }
  return std::nullopt;
}

std::optional<std::int64_t> integer_field(const Value& obj, const char* key) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd()) return std::nullopt;
  return integer(it->value);
}

std::string string_field(const Value& obj, const char* key) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsString()) return {};
  return {it->value.GetString(), it->value.GetStringLength()};
}

std::string compact_json(const Value& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  v.Accept(writer);
  return {buffer.GetString(), buffer.GetSize()};
}

// WeChat's answers nest 5 levels (body, room_info, room, goods, good).
constexpr std::size_t kMaxNesting = 64;


// Parses the body and checks errcode; on success returns the document.
// Iterative parsing and the nesting limit: a body of a million '[' overflowed
// the stack in the recursive parser, and goods nested 100,000 deep did in
// compact_json's recursive writer (the daemon reads bodies of any size).
// Invalid UTF-8 (a name with FF FE C0 AF) is replaced by U+FFFD here, once,
// before anything is parsed: every output after this (the store, webhook
// bodies, logs, wxlivectl) is UTF-8. JSON's structure is ASCII, so the
// replacement can only change string contents.
Expected<rapidjson::Document, ApiError> checked_document(std::string_view raw_body) {
  const std::string body = log::valid_utf8(std::string(raw_body));
  rapidjson::Document doc;
  if (!wxlived::parse_bounded_json(doc, body, kMaxNesting)) {
    return Unexpected(malformed(doc.HasParseError() ? "body is not JSON"
                                                    : "body nests deeper than " + std::to_string(kMaxNesting) + " levels"));
  }
  if (!doc.IsObject()) return Unexpected(malformed("body is not a JSON object"));
  // Success answers of the token endpoints carry no errcode at all.
  const auto errcode = doc.HasMember("errcode") ? integer_field(doc, "errcode") : std::optional<std::int64_t>(0);
  if (!errcode) return Unexpected(malformed("errcode is not a number"));
  if (*errcode != 0) {
    // Never narrowed: 2^32 + 45009 is not 45009.
    if (*errcode < INT_MIN || *errcode > INT_MAX)
      return Unexpected(ApiError{Outcome::unknown_errcode, 0, 0,
                                 "errcode " + std::to_string(*errcode) + ": " + string_field(doc, "errmsg")});
    const int code = static_cast<int>(*errcode);
    return Unexpected(ApiError{outcome_of_errcode(code), code, 0, string_field(doc, "errmsg")});
  }
  return doc;
}

// A room time must be a plausible Unix second: 0 (unset) up to 2100-01-01.
// Beyond it the engine's millisecond arithmetic would overflow (end_time =
// INT64_MAX once produced a 102 -> 107 dated 1969).
constexpr std::int64_t kLatestRoomTime = 4'102'444'800;

std::optional<std::int64_t> room_time(const Value& v, const char* key) {
  const auto t = integer_field(v, key).value_or(0);
  if (t < 0 || t > kLatestRoomTime) return std::nullopt;
  return t;
}

std::optional<RoomInfo> room_from(const Value& v) {
  if (!v.IsObject()) return std::nullopt;
  RoomInfo room;
  const auto roomid = integer_field(v, "roomid");
  if (!roomid || *roomid <= 0) return std::nullopt;
  room.roomid = *roomid;
  // WeChat's documented example spells the key "live_satus". A value that
  // does not fit an int is no status at all (never narrowed: 4294967397 is
  // not 101).
  auto status = integer_field(v, "live_status");
  if (!status) status = integer_field(v, "live_satus");
  room.live_status = status && *status >= INT_MIN && *status <= INT_MAX ? static_cast<int>(*status) : 0;
  room.name = string_field(v, "name");
  const auto start = room_time(v, "start_time");
  const auto end = room_time(v, "end_time");
  if (!start || !end) return std::nullopt;  // dropped and counted, like a bad roomid
  room.start_time = *start;
  room.end_time = *end;
  room.anchor_name = string_field(v, "anchor_name");
  room.cover_img = string_field(v, "cover_img");
  room.anchor_img = string_field(v, "anchor_img");
  room.share_img = string_field(v, "share_img");
  if (auto goods = v.FindMember("goods"); goods != v.MemberEnd() && goods->value.IsArray())
    room.goods_json = compact_json(goods->value);
  return room;
}

}  // namespace

Expected<RoomListPage, ApiError> parse_room_list(std::string_view body) {
  auto doc = checked_document(body);
  if (!doc) return Unexpected(std::move(doc).error());
  RoomListPage page;
  auto rooms = doc->FindMember("room_info");
  if (rooms == doc->MemberEnd() || !rooms->value.IsArray()) return Unexpected(malformed("room_info is missing"));
  for (const Value& entry : rooms->value.GetArray()) {
    if (auto room = room_from(entry))
      page.rooms.push_back(std::move(*room));
    else
      ++page.dropped;
  }
  page.total = integer_field(*doc, "total").value_or(static_cast<std::int64_t>(page.rooms.size()));
  return page;
}

Expected<ReplayPage, ApiError> parse_replay(std::string_view body) {
  auto doc = checked_document(body);
  if (!doc) return Unexpected(std::move(doc).error());
  ReplayPage page;
  auto replays = doc->FindMember("live_replay");
  if (replays != doc->MemberEnd() && replays->value.IsArray()) {
    for (const Value& entry : replays->value.GetArray()) {
      if (!entry.IsObject()) continue;
      ReplaySegment segment{string_field(entry, "media_url"), string_field(entry, "create_time"),
                            string_field(entry, "expire_time")};
      if (!segment.media_url.empty()) page.segments.push_back(std::move(segment));
    }
  }
  page.total = integer_field(*doc, "total").value_or(static_cast<std::int64_t>(page.segments.size()));
  return page;
}

Expected<QuotaInfo, ApiError> parse_quota(std::string_view body) {
  auto doc = checked_document(body);
  if (!doc) return Unexpected(std::move(doc).error());
  auto quota = doc->FindMember("quota");
  if (quota == doc->MemberEnd() || !quota->value.IsObject()) return Unexpected(malformed("quota is missing"));
  QuotaInfo info;
  auto limit = integer_field(quota->value, "daily_limit");
  if (!limit || *limit <= 0) return Unexpected(malformed("quota.daily_limit is missing"));
  info.daily_limit = *limit;
  info.used = integer_field(quota->value, "used").value_or(0);
  info.remain = integer_field(quota->value, "remain").value_or(info.daily_limit - info.used);
  return info;
}

Expected<TokenGrant, ApiError> parse_token(std::string_view body) {
  auto doc = checked_document(body);
  if (!doc) return Unexpected(std::move(doc).error());
  TokenGrant grant;
  grant.access_token = string_field(*doc, "access_token");
  grant.expires_in = integer_field(*doc, "expires_in").value_or(0);
  if (grant.access_token.empty()) return Unexpected(malformed("access_token is missing"));
  if (grant.expires_in <= 0) return Unexpected(malformed("expires_in is missing"));
  // WeChat's tokens live 7200 s; a larger claim is held for a day at most
  // (INT64_MAX seconds overflowed into "expired before every call").
  grant.expires_in = std::min<std::int64_t>(grant.expires_in, kMaxTokenLifetimeS);
  return grant;
}

std::optional<ApiError> transport_error(const http::Response& response) {
  switch (response.transport) {
    case http::Transport::ok: break;
    case http::Transport::timeout: return ApiError{Outcome::timeout, 0, 0, response.error};
    default: return ApiError{Outcome::transport_error, 0, 0, response.error};
  }
  if (response.status != 200) return ApiError{Outcome::http_error, 0, response.status, "HTTP " + std::to_string(response.status)};
  return std::nullopt;
}

}  // namespace wxlived::wechat
