#pragma once
// The scenario: a fake WeChat's whole script, as plain values. Everything the
// truth model answers is a pure function of a Scenario and a time.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wxlived::scenario {

// Seconds relative to Scenario::origin_unix (negative = before the origin).
using Seconds = std::int64_t;
// Absolute unix seconds, as WeChat's start_time/end_time carry them.
using UnixSeconds = std::int64_t;

// WeChat's documented live_status codes.
enum class LiveStatus : int {
  live = 101,
  not_started = 102,
  ended = 103,
  banned = 104,
  paused = 105,
  abnormal = 106,
  expired = 107,
};

constexpr int code(LiveStatus s) noexcept { return static_cast<int>(s); }
constexpr bool is_live_status_code(std::int64_t c) noexcept { return c >= 101 && c <= 107; }
// "live", "not_started", ... as SPEC section 5 names them.
std::string_view status_name(LiveStatus s) noexcept;

struct TimelineEntry {
  Seconds t = 0;
  LiveStatus status = LiveStatus::not_started;
};

struct ReplayPlan {
  Seconds delay_s = 600;  // replay appears this long after the room reaches 103
  std::int64_t segments = 1;
};

struct Room {
  std::int64_t roomid = 0;
  std::string name;
  std::string anchor_name;
  std::optional<std::string> cover_img;  // absent: listings make up a stable URL
  Seconds created_at = 0;
  Seconds start_time = 0;
  Seconds end_time = 0;
  std::vector<TimelineEntry> timeline;  // strictly increasing t (parse checks)
  std::optional<ReplayPlan> replay;
  std::optional<Seconds> deleted_at;  // absent: never deleted
  std::string goods_json = "[]";      // the scenario's goods array, re-serialised, passed through
  // Whether this room's list entry spells the key "live_satus", as WeChat's
  // documented example does. Chosen at parse time from a hash of roomid.
  bool spells_live_satus = false;
};

enum class FaultKind { busy, http_500, timeout, malformed, token_expired, quota_exhausted };
std::string_view fault_kind_name(FaultKind k) noexcept;

// Which fake API an answer belongs to.
enum class Api { list, replay, token };
std::string_view api_name(Api a) noexcept;

enum class FaultScope { all, list, replay, token };

// Active for from <= t < to.
struct Fault {
  Seconds from = 0;
  Seconds to = 0;
  FaultKind kind = FaultKind::busy;
  FaultScope scope = FaultScope::all;
};

struct Scenario {
  // Absolute time of relative 0. wxlive-fakewx may overwrite it with its own start.
  UnixSeconds origin_unix = 0;
  Seconds duration_s = 0;
  std::string appid;
  std::string secret;
  std::int64_t daily_quota = 500;
  Seconds abnormal_timeout_s = 900;
  double live_satus_share = 0.0;
  std::vector<Room> rooms;
  std::vector<Fault> faults;
};

}  // namespace wxlived::scenario
