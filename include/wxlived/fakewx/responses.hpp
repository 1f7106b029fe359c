#pragma once
// The answers the fake WeChat gives, as pure functions of plain values, so
// that every byte a client sees can be tested without a socket.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "wxlived/scenario/listing.hpp"
#include "wxlived/scenario/replay.hpp"
#include "wxlived/fakewx/errcodes.hpp"
#include "wxlived/scenario/scenario.hpp"

namespace wxlived::fakewx {

inline constexpr std::string_view json_content_type = "application/json; encoding=utf-8";

// What the HTTP layer sends back, plus what it logs.
struct Reply {
  int http_status = 200;
  std::string content_type = std::string(json_content_type);
  std::string body;
  std::string api;                      // "list", "replay", "token", "quota": for the access log
  std::optional<std::int64_t> errcode;  // none when the body is not a WeChat JSON answer
  bool hold = false;                    // timeout fault: keep the request unanswered
};

// WeChat escapes '/' in every string ("http:\/\/mmbiz.qpic.cn\/..."). A '/'
// can only occur inside a string in JSON text, so escaping each one in the
// serialised text is exact.
std::string escape_slashes(std::string_view json);

// {"errcode":E,"errmsg":"<message> rid: <rid>"}
Reply error_reply(std::int64_t errcode, std::string_view message, std::string_view rid);
Reply error_reply(const errcode::Code& code, std::string_view rid);

// /cgi-bin/token and /cgi-bin/stable_token on success.
Reply token_reply(std::string_view access_token, std::int64_t expires_in);

// getliveinfo's room list; errcode 1 ("no room created") when nothing is listed.
Reply room_list_reply(const scenario::ListPage& page, std::string_view rid);

// getliveinfo action get_replay.
Reply replay_reply(const scenario::ReplayPage& page);

// /cgi-bin/openapi/quota/get.
Reply quota_reply(std::int64_t daily_limit, std::int64_t used, std::int64_t remain);

// The scripted failures that do not depend on tokens or quota: busy (-1),
// http_500, timeout (held), malformed. Others (token_expired,
// quota_exhausted) are the caller's: they need state.
std::optional<Reply> infrastructure_fault_reply(scenario::FaultKind kind, std::string_view rid);

// What a held request finally gets if nobody gave up on it first.
Reply held_too_long_reply();

// GET /fakewx/stats (the fake's own, not WeChat's): every app's calls summed,
// {"apps":N,"requests":R,"getliveinfo_today":..,"getliveinfo_total":..,"tokens_issued":..}.
struct CallCounts;
Reply stats_reply(std::size_t apps, std::uint64_t requests, const CallCounts& counts);
// GET /fakewx/stats?appid=A: one app's, {"appid":A,"getliveinfo_today":..,...}.
Reply app_stats_reply(std::string_view appid, const CallCounts& counts);

// A WeChat-looking request id: three groups of 8 hex digits.
std::string request_id(scenario::UnixSeconds now, std::uint64_t sequence);

}  // namespace wxlived::fakewx
