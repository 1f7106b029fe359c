#pragma once
// Pure parsers for WeChat's answers. Tolerant where WeChat is inconsistent
// (live_status or the documented live_satus, numbers sent as strings, missing
// optional fields, extra fields), strict where it matters (errcode, roomid).
#include <string_view>

#include "wxlived/core/expected.hpp"
#include "wxlived/http/exchange.hpp"
#include "wxlived/wechat/answers.hpp"
#include "wxlived/wechat/outcome.hpp"

namespace wxlived::wechat {

Expected<RoomListPage, ApiError> parse_room_list(std::string_view body);
Expected<ReplayPage, ApiError> parse_replay(std::string_view body);
Expected<QuotaInfo, ApiError> parse_quota(std::string_view body);
// expires_in beyond this is clamped to it: a day, against WeChat's 7200 s.
inline constexpr std::int64_t kMaxTokenLifetimeS = 86'400;
Expected<TokenGrant, ApiError> parse_token(std::string_view body);

// The transport and HTTP layer's verdict: an ApiError unless it is a 200.
std::optional<ApiError> transport_error(const http::Response& response);

}  // namespace wxlived::wechat
