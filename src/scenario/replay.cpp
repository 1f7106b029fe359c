#include "wxlived/scenario/replay.hpp"

#include <algorithm>

#include "wxlived/scenario/rfc3339.hpp"
#include "wxlived/scenario/truth.hpp"

namespace wxlived::scenario {

std::optional<Seconds> replay_ready_at(const Scenario& s, const Room& room) {
  if (!room.replay) return std::nullopt;
  const auto end = ended_at(room, s.abnormal_timeout_s);
  if (!end) return std::nullopt;  // expired rooms never streamed: nothing to replay
  return *end + room.replay->delay_s;
}

ReplayPage replay_segments(const Scenario& s, const Room& room, Seconds t, std::int64_t start,
                           std::int64_t limit) {
  ReplayPage page;
  const auto ready = replay_ready_at(s, room);
  if (!ready || t < *ready) return page;
  page.total = room.replay->segments;
  const std::int64_t first = std::max<std::int64_t>(start, 0);
  if (limit <= 0 || first >= page.total) return page;
  const std::int64_t last = first + std::min(limit, page.total - first);
  // All segments of one live appear together, when the replay is generated.
  const UnixSeconds created = s.origin_unix + *ready;
  const UnixSeconds expires = created + replay_url_lifetime_s;
  for (std::int64_t i = first; i < last; ++i) {
    page.segments.push_back(ReplaySegment{
        "http://fake.vod.example/" + std::to_string(room.roomid) + "/" + std::to_string(i) + ".mp4",
        format_rfc3339_utc(created),
        format_rfc3339_utc(expires),
        created,
        expires,
    });
  }
  return page;
}

}  // namespace wxlived::scenario
