#pragma once
// WeChat's errcodes and errmsg texts as the fake answers them.
#include <cstdint>
#include <string_view>

namespace wxlived::fakewx::errcode {

struct Code {
  std::int64_t value;
  std::string_view message;
};

inline constexpr Code system_busy{-1, "system error"};
inline constexpr Code no_room{1, "no room created"};
inline constexpr Code invalid_credential{40001, "invalid credential, access_token is invalid or not latest"};
inline constexpr Code invalid_grant_type{40002, "invalid grant_type"};
inline constexpr Code invalid_appid{40013, "invalid appid"};
inline constexpr Code invalid_secret{40125, "invalid appsecret"};
inline constexpr Code access_token_missing{41001, "access_token missing"};
inline constexpr Code appid_missing{41002, "appid missing"};
inline constexpr Code secret_missing{41004, "appsecret missing"};
inline constexpr Code access_token_expired{42001, "access_token expired"};
inline constexpr Code daily_quota{45009, "reach max api daily quota limit"};
inline constexpr Code cgi_path_not_found{76021, "cgi_path not found, please check"};
// The live-room APIs' "room does not exist" (300022 in WeChat's live error table).
inline constexpr Code room_not_found{300022, "room not exist"};

}  // namespace wxlived::fakewx::errcode
