#include "wxlived/wechat/outcome.hpp"

namespace wxlived::wechat {

Outcome outcome_of_errcode(int errcode) {
  switch (errcode) {
    case 0: return Outcome::ok;
    case 1: return Outcome::no_rooms;
    case -1: return Outcome::busy;
    case 40001:  // invalid credential / token not latest
    case 40014:  // invalid access_token
    case 42001:  // access_token expired
      return Outcome::token_invalid;
    case 40002:  // invalid grant_type
    case 40013:  // invalid appid
    case 40125:  // invalid appsecret
    case 40164:  // caller IP not in the whitelist
    case 41002:  // appid missing
    case 41004:  // secret missing
    case 48001:  // api unauthorized: no live-room permission
    case 89503:  // IP awaits the administrator's confirmation
      return Outcome::auth_failed;
    case 45009:  // daily quota reached
      return Outcome::quota_exhausted;
    case 300022:  // the room does not exist (deleted)
      return Outcome::room_not_found;
    default: return Outcome::unknown_errcode;
  }
}

}  // namespace wxlived::wechat
