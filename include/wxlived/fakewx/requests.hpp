#pragma once
// Reading the JSON bodies clients POST. Problems come back as the WeChat
// errcode the real API answers them with, never as exceptions.
#include <cstdint>
#include <string>
#include <string_view>

#include "wxlived/core/expected.hpp"
#include "wxlived/scenario/scenario.hpp"

namespace wxlived::fakewx {

// A request WeChat would refuse before doing any work.
struct RequestError {
  std::int64_t errcode = 0;  // 44002 empty post data, 47001 data format error
  std::string message;
};

// getliveinfo: the room list, or action "get_replay" for one room's replay.
struct LiveInfoRequest {
  scenario::Api api = scenario::Api::list;
  std::int64_t start = 0;
  std::int64_t limit = 10;
  std::int64_t room_id = 0;  // get_replay only
};

// WeChat serves at most this many entries per page whatever limit asks for.
inline constexpr std::int64_t max_page_limit = 100;
std::int64_t clamp_page_limit(std::int64_t limit) noexcept;

// Missing start/limit default to 0/10; get_replay needs room_id.
Expected<LiveInfoRequest, RequestError> parse_live_info_request(std::string_view body);

// Which API a getliveinfo body is for, even if it is otherwise broken (the
// fault scope is chosen from this before the body is validated).
scenario::Api live_info_api(std::string_view body) noexcept;

struct StableTokenRequest {
  std::string grant_type;
  std::string appid;
  std::string secret;
  bool force_refresh = false;
};
Expected<StableTokenRequest, RequestError> parse_stable_token_request(std::string_view body);

// /cgi-bin/openapi/quota/get: the cgi_path asked about.
Expected<std::string, RequestError> parse_quota_request(std::string_view body);

}  // namespace wxlived::fakewx
