#pragma once
// Every answer WeChat (or the network) can give, as one taxonomy of values.
// The engine decides what each means for scheduling; the client only names it
// (wechat/outcome.hpp maps WeChat's errcodes onto it).
#include <string>

namespace wxlived::liveapi {

enum class Outcome {
  ok,
  no_rooms,         // errcode 1: the mini program has created no room yet
  busy,             // errcode -1: retry later
  token_invalid,    // 40001 / 42001 / 40014: refresh the token, retry once
  auth_failed,      // bad appid or secret, no live permission, IP not whitelisted: stop the app
  quota_exhausted,  // 45009: the Beijing day's quota is gone
  http_error,       // an HTTP status other than 200
  timeout,
  transport_error,  // connection refused, DNS, TLS, oversized body
  malformed,        // 200 but not the JSON WeChat sends
  room_not_found,   // 300022: the room asked about no longer exists (deleted)
  unknown_errcode,  // an errcode this client does not know: logged, retried later
};

// What went wrong, safe to log: never a token or a secret.
struct ApiError {
  Outcome outcome = Outcome::malformed;
  int errcode = 0;        // WeChat's errcode when there was one
  long http_status = 0;   // when outcome == http_error
  std::string detail;     // errmsg or transport message, redacted by the log layer
};

// Inline: the pure engine names outcomes without linking the client.
inline const char* to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::ok: return "ok";
    case Outcome::no_rooms: return "no_rooms";
    case Outcome::busy: return "busy";
    case Outcome::token_invalid: return "token_invalid";
    case Outcome::auth_failed: return "auth_failed";
    case Outcome::quota_exhausted: return "quota_exhausted";
    case Outcome::http_error: return "http_error";
    case Outcome::timeout: return "timeout";
    case Outcome::transport_error: return "transport_error";
    case Outcome::malformed: return "malformed";
    case Outcome::room_not_found: return "room_not_found";
    case Outcome::unknown_errcode: return "unknown_errcode";
  }
  return "?";
}

}  // namespace wxlived::liveapi
