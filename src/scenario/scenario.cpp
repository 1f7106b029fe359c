#include "wxlived/scenario/scenario.hpp"

namespace wxlived::scenario {

std::string_view status_name(LiveStatus s) noexcept {
  switch (s) {
    case LiveStatus::live: return "live";
    case LiveStatus::not_started: return "not_started";
    case LiveStatus::ended: return "ended";
    case LiveStatus::banned: return "banned";
    case LiveStatus::paused: return "paused";
    case LiveStatus::abnormal: return "abnormal";
    case LiveStatus::expired: return "expired";
  }
  return "unknown";
}

std::string_view fault_kind_name(FaultKind k) noexcept {
  switch (k) {
    case FaultKind::busy: return "busy";
    case FaultKind::http_500: return "http_500";
    case FaultKind::timeout: return "timeout";
    case FaultKind::malformed: return "malformed";
    case FaultKind::token_expired: return "token_expired";
    case FaultKind::quota_exhausted: return "quota_exhausted";
  }
  return "unknown";
}

std::string_view api_name(Api a) noexcept {
  switch (a) {
    case Api::list: return "list";
    case Api::replay: return "replay";
    case Api::token: return "token";
  }
  return "unknown";
}

}  // namespace wxlived::scenario
