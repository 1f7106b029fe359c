#include "wxlived/engine/replay_tracker.hpp"

#include <algorithm>

#include "wxlived/engine/status.hpp"

namespace wxlived::engine {
namespace {

constexpr Millis kFirstReplayBackoff = 5 * kMinute;
constexpr Millis kMaxReplayBackoff = 30 * kMinute;

// After an announcement or an empty follow-up: one more look later, or done.
void follow_up_or_finish(ReplayTrack& t, Millis now, const ReplaySettings& settings) {
  if (t.followups_left > 0) {
    --t.followups_left;
    t.next_check = now + settings.followup;
  } else {
    t.active = false;
  }
}

}  // namespace

void start_replay_track(ReplayTrack& t, Millis ended_at, const ReplaySettings& settings) {
  if (t.active || t.segments_seen > 0) return;
  t.active = true;
  t.next_check = ended_at + settings.delay;
  t.give_up_at = t.next_check + settings.give_up;
  // Half the expected delay between checks, within [floor, 5 min]: WeChat's
  // ~10 min delay gives 5 min; a shortened delay (tests, demos) keeps pace.
  t.backoff = std::max(settings.floor, std::min(settings.delay / 2, kFirstReplayBackoff));
  t.followups_left = settings.followups;
}

ReplayVerdict on_replay_checked(ReplayTrack& t, Millis now, std::int64_t segments, const ReplaySettings& settings) {
  if (segments > t.segments_seen) {
    t.segments_seen = segments;
    follow_up_or_finish(t, now, settings);
    return ReplayVerdict::announce;
  }
  if (t.segments_seen > 0) {  // a follow-up found nothing new
    follow_up_or_finish(t, now, settings);
    return ReplayVerdict::nothing_new;
  }
  if (now >= t.give_up_at) {
    t.active = false;
    return ReplayVerdict::gave_up;
  }
  t.next_check = std::min(now + t.backoff, t.give_up_at);
  t.backoff = std::min(t.backoff * 2, kMaxReplayBackoff);
  return ReplayVerdict::nothing_new;
}

void on_replay_failed(ReplayTrack& t, Millis not_before, bool give_up_if_due, Millis now) {
  if (!t.active) return;
  t.next_check = std::max(t.next_check, not_before);
  if (give_up_if_due && now >= t.give_up_at) t.active = false;
}

std::optional<std::int64_t> due_replay(const RoomTable& rooms, Millis now) {
  std::optional<std::int64_t> best;
  Millis best_at = 0;
  for (const auto& [id, room] : rooms) {
    const ReplayTrack& t = room.memory.replay;
    if (room.removed_at || !t.active || t.next_check > now) continue;
    if (!best || t.next_check < best_at) {
      best = id;
      best_at = t.next_check;
    }
  }
  return best;
}

Millis next_replay_time(const RoomTable& rooms) {
  Millis next = 0;
  for (const auto& [id, room] : rooms) {
    const ReplayTrack& t = room.memory.replay;
    if (room.removed_at || !t.active) continue;
    if (next == 0 || t.next_check < next) next = t.next_check;
  }
  return next;
}

std::int64_t replay_reserve(const RoomTable& rooms, Millis now, Millis day_end, int followups) {
  std::int64_t reserve = 0;
  for (const auto& [id, room] : rooms) {
    if (room.removed_at) continue;
    if (room.memory.replay.active) {
      reserve += 1 + room.memory.replay.followups_left;
    } else if (is_active_status(room.status) ||
               (room.status == kNotStarted && room.planned_start() < day_end && room.planned_end() > now)) {
      reserve += 1 + followups;
    }
  }
  return reserve;
}

}  // namespace wxlived::engine
