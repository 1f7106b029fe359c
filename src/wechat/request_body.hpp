#pragma once
// Building WeChat request bodies and URLs.
#include <cstdint>
#include <string>
#include <string_view>

namespace wxlived::wechat {

std::string percent_encode(std::string_view text);
std::string list_body(std::int64_t start, std::int64_t limit);
std::string replay_body(std::int64_t room_id, std::int64_t start, std::int64_t limit);
std::string quota_body();
std::string stable_token_body(const std::string& appid, const std::string& secret, bool force_refresh);
// api_base + path, without a doubled slash.
std::string endpoint(std::string_view api_base, std::string_view path);

}  // namespace wxlived::wechat
