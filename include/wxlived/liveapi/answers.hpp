#pragma once
// What WeChat's live-room API answers, normalised: field names as WeChat
// spells them (roomid, live_status), numbers as numbers, times as unix seconds.
// The vocabulary the pure engine and the WeChat client share: plain data, so
// the engine depends on no adapter and the client on no engine.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wxlived::liveapi {

struct RoomInfo {
  std::int64_t roomid = 0;
  std::string name;
  int live_status = 0;
  std::int64_t start_time = 0;
  std::int64_t end_time = 0;
  std::string anchor_name;
  std::string cover_img;
  std::string anchor_img;
  std::string share_img;
  std::string goods_json = "[]";  // the goods array as compact JSON, compared for room.updated

  friend bool operator==(const RoomInfo&, const RoomInfo&) = default;
};

struct RoomListPage {
  std::vector<RoomInfo> rooms;
  std::int64_t total = 0;
  int dropped = 0;  // entries without a usable roomid: counted, not fatal
};

struct ReplaySegment {
  std::string media_url;
  std::string create_time;  // RFC 3339 as WeChat sends it
  std::string expire_time;

  friend bool operator==(const ReplaySegment&, const ReplaySegment&) = default;
};

struct ReplayPage {
  std::vector<ReplaySegment> segments;
  std::int64_t total = 0;
};

struct QuotaInfo {
  std::int64_t daily_limit = 0;
  std::int64_t used = 0;
  std::int64_t remain = 0;
};

struct TokenGrant {
  std::string access_token;
  std::int64_t expires_in = 0;  // seconds
};

}  // namespace wxlived::liveapi
