#include "wxlived/engine/app_engine.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include "wxlived/engine/pacing.hpp"
#include "wxlived/engine/status.hpp"

namespace wxlived::engine {
namespace {

constexpr Millis kFirstReplayBackoff = 5 * kMinute;
constexpr Millis kMaxReplayBackoff = 30 * kMinute;
// A room first seen already ended this recently still gets its replay announced.
constexpr Millis kRecentEnd = 3 * kHour;

Millis seconds_to_ms(std::int64_t s) { return s * kSecond; }

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return b <= 0 ? a : (a + b - 1) / b; }

// `first` doubled `doublings` times, never past `cap`.
Millis doubled(Millis first, int doublings, Millis cap) {
  Millis wait = first;
  for (int i = 0; i < doublings && wait < cap; ++i) wait *= 2;
  return std::min(wait, cap);
}

std::string describe(const liveapi::ApiError& error) {
  std::string text = liveapi::to_string(error.outcome);
  if (error.errcode != 0) text += " errcode " + std::to_string(error.errcode);
  if (error.http_status != 0) text += " http " + std::to_string(error.http_status);
  return text;
}

}  // namespace

const char* to_string(Policy policy) { return policy == Policy::fixed ? "fixed" : "adaptive"; }

AppEngine::AppEngine(EngineSettings settings)
    : settings_(std::move(settings)),
      identity_{settings_.app, settings_.appid},
      ledger_(settings_.daily_quota) {
  settings_.page_size = std::clamp<std::int64_t>(settings_.page_size, 1, 100);
  settings_.min_interval = std::max<Millis>(settings_.min_interval, kSecond);
  habits_.learning = settings_.learn;
}

std::optional<int> AppEngine::room_status(std::int64_t room_id) const {
  const auto it = rooms_.find(room_id);
  if (it == rooms_.end() || it->second.removed_at) return std::nullopt;
  return it->second.status;
}

std::size_t AppEngine::known_rooms() const {
  return static_cast<std::size_t>(
      std::count_if(rooms_.begin(), rooms_.end(), [](const auto& kv) { return !kv.second.removed_at; }));
}

// ---------------------------------------------------------------- restart --

Effects AppEngine::restore(const RestoredApp& saved, Millis now) {
  Effects out;
  for (const RestoredRoom& r : saved.rooms) {
    Room room;
    if (auto memory = snapshot_from_json(r.snapshot_json)) {
      room.memory = std::move(*memory);
    } else {
      out.warnings.push_back("room " + std::to_string(r.room_id) + ": unreadable snapshot, keeping status only");
    }
    room.memory.info.roomid = r.room_id;
    room.memory.info.live_status = r.status;
    room.status = r.status;
    room.status_since = r.status_since;
    room.first_seen = r.first_seen;
    room.last_seen = r.last_seen;
    room.removed_at = r.removed_at;
    rooms_[r.room_id] = std::move(room);
  }
  ledger_.restore(now, saved.quota_used_today, saved.quota_exhausted_at);
  if (saved.habits_json && settings_.learn) {
    if (auto habits = habits_from_json(*saved.habits_json)) {
      habits_ = std::move(*habits);
    } else {
      out.warnings.push_back("stored habits unreadable: starting again from the prior");
    }
  }
  health_ = saved.health;
  health_since_ = saved.health_since;
  if (health_ == AppHealth::auth_failed) auth_retry_at_ = now;  // a restart may follow a fixed secret
  return out;
}

// --------------------------------------------------------------- planning --

Plan AppEngine::plan(Millis now) {
  Plan plan;
  if (inflight_) {
    plan.wake_at = now + settings_.max_failure_backoff;  // the answer comes first
    return plan;
  }
  infer_due_rules(now, plan.effects);

  const Millis block = blocked_until(now);
  if (block > now) {
    Millis wake = block;
    for (const Deadline& d : deadlines()) {
      if (d.at > now) wake = std::min(wake, d.at);
    }
    if (consecutive_failures_ > 0) {
      const Millis unreachable_at = failing_since_ + settings_.infer_after_outage;
      if (unreachable_at > now) wake = std::min(wake, unreachable_at);
    }
    plan.wake_at = std::max(wake, now + kSecond);
    return plan;
  }

  if (!ledger_.limit_known() && now >= quota_ask_at_) {
    quota_ask_at_ = std::numeric_limits<Millis>::max();  // set again by the answer
    return issue(now, Call{Call::Kind::quota, 0, 0, 0, 0}, std::move(plan.effects));
  }
  if (sweep_ && sweep_->next_start < sweep_->end) {
    return issue(now, Call{Call::Kind::list, sweep_->next_start, settings_.page_size, 0, 0},
                 std::move(plan.effects));
  }
  if (replay_fetch_) {
    return issue(now,
                 Call{Call::Kind::replay, static_cast<std::int64_t>(replay_fetch_->segments.size()),
                      settings_.page_size, replay_fetch_->room_id, 0},
                 std::move(plan.effects));
  }

  Millis hint = next_beijing_midnight(now);
  bool confirm = false;
  const Millis sweep_at = next_sweep_time(now, &hint, &confirm);
  if (sweep_at <= now) {
    Sweep s;
    s.started = now;
    const std::int64_t extra = full_pages() - ceil_div(shallow_depth(), settings_.page_size);
    const Millis deep_every = deep_sweep_period(ledger_.limit(), extra, settings_.min_interval, settings_.deep_share);
    // A sweep brought forward to confirm a rule deadline only needs the changeable rooms.
    s.full = !last_full_sweep_ || rooms_.empty() ||
             (!confirm && (settings_.policy == Policy::fixed || now - *last_full_sweep_ >= deep_every));
    s.end = s.full ? std::max<std::int64_t>(last_total_.value_or(settings_.page_size), 1) : shallow_depth();
    sweep_ = std::move(s);
    return issue(now, Call{Call::Kind::list, 0, settings_.page_size, 0, 0}, std::move(plan.effects));
  }
  if (const auto room_id = due_replay(now)) {
    replay_fetch_ = ReplayFetch{*room_id, {}};
    return issue(now, Call{Call::Kind::replay, 0, settings_.page_size, *room_id, 0}, std::move(plan.effects));
  }
  Millis wake = std::min(sweep_at, hint);
  if (!ledger_.limit_known()) wake = std::min(wake, quota_ask_at_);
  const Millis replay_at = next_replay_time();
  if (replay_at > now) wake = std::min(wake, replay_at);
  plan.wake_at = std::max(wake, now + kSecond);
  return plan;
}

Plan AppEngine::issue(Millis now, Call call, Effects effects) {
  call.id = next_call_id_++;
  inflight_ = call;
  if (call.kind != Call::Kind::quota) {
    ledger_.spend(now);
    QuotaDelta delta;
    delta.day = beijing_date(now);
    (call.kind == Call::Kind::list ? delta.list_calls : delta.replay_calls) = 1;
    Effects counted;
    counted.quota.push_back(std::move(delta));
    effects.append(std::move(counted));
  }
  switch (call.kind) {
    case Call::Kind::list:
      ++stats_.list_calls;
      if (call.start == 0) {
        ++stats_.sweeps;
        if (last_sweep_start_) {
          const Millis gap = now - *last_sweep_start_;
          if (stats_.min_sweep_gap < 0 || gap < stats_.min_sweep_gap) stats_.min_sweep_gap = gap;
        }
        last_sweep_start_ = now;
      }
      break;
    case Call::Kind::replay: ++stats_.replay_calls; break;
    case Call::Kind::quota: ++stats_.quota_calls; break;
  }
  Plan plan;
  plan.call = call;
  plan.effects = std::move(effects);
  plan.wake_at = now;  // plan again once the answer is in
  return plan;
}

bool AppEngine::blocked_long(Millis now) const {
  if (ledger_.exhausted(now) || health_ == AppHealth::auth_failed) return true;
  return consecutive_failures_ > 0 && now - failing_since_ >= settings_.infer_after_outage;
}

Millis AppEngine::blocked_until(Millis now) const {
  Millis until = 0;
  if (ledger_.exhausted(now)) until = std::max(until, ledger_.resets_at(now));
  if (health_ == AppHealth::auth_failed) until = std::max(until, auth_retry_at_);
  if (consecutive_failures_ > 0) until = std::max(until, retry_at_);
  return until;
}

std::vector<AppEngine::Deadline> AppEngine::deadlines() const {
  std::vector<Deadline> out;
  for (const auto& [id, room] : rooms_) {
    if (room.removed_at) continue;
    if (room.status == kAbnormal) {
      const Millis at = room.status_since + settings_.abnormal_timeout;
      const Millis from = room.memory.abnormal_after ? *room.memory.abnormal_after + settings_.abnormal_timeout : at;
      out.push_back(Deadline{at, std::min(from, at), id});
    } else if (room.status == kNotStarted && room.memory.info.end_time > 0) {
      const Millis at = seconds_to_ms(room.memory.info.end_time);
      out.push_back(Deadline{at, at, id});
    }
  }
  std::sort(out.begin(), out.end(), [](const Deadline& a, const Deadline& b) { return a.at < b.at; });
  return out;
}

// Rooms in list order (start_time descending, higher roomid first): the
// position just past the last room that can still change, plus slack for
// rooms created since the last sweep.
std::int64_t AppEngine::shallow_depth() const {
  std::vector<std::pair<const Room*, bool>> order;
  order.reserve(rooms_.size());
  for (const auto& [id, room] : rooms_) {
    if (!room.removed_at) order.emplace_back(&room, !is_terminal_status(room.status));
  }
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    if (a.first->memory.info.start_time != b.first->memory.info.start_time) {
      return a.first->memory.info.start_time > b.first->memory.info.start_time;
    }
    return a.first->memory.info.roomid > b.first->memory.info.roomid;
  });
  std::int64_t last = -1;
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (order[i].second) last = static_cast<std::int64_t>(i);
  }
  const std::int64_t depth = last + 1 + 2 + (last + 1) / 50;
  return std::clamp<std::int64_t>(depth, 1, std::max<std::int64_t>(last_total_.value_or(depth), 1));
}

std::int64_t AppEngine::full_pages() const {
  return std::max<std::int64_t>(1, ceil_div(last_total_.value_or(0), settings_.page_size));
}

std::vector<HotSpan> AppEngine::hot_spans(Millis now, Millis day_end) const {
  std::vector<HotSpan> spans;
  for (const auto& [id, room] : rooms_) {
    if (room.removed_at || is_terminal_status(room.status)) continue;
    const Millis start = seconds_to_ms(room.memory.info.start_time);
    const Millis end = seconds_to_ms(room.memory.info.end_time);
    if (room.status == kNotStarted) {
      if (end <= now) continue;  // its deadline, not a span
      const Millis window_from = start - settings_.start_lead;
      const Millis window_to = start + settings_.start_lag;
      if (window_from >= day_end) continue;
      if (window_to > now) spans.push_back(HotSpan{window_from, window_to, settings_.start_weight});
      spans.push_back(HotSpan{std::max(window_to, now), std::max(end, window_to) + settings_.live_tail, 1.0});
    } else {
      // Live, paused, abnormal (or a code we do not know): anything can happen.
      spans.push_back(HotSpan{now, std::max(end, now) + settings_.live_tail, 1.0});
    }
  }
  return spans;
}

std::int64_t AppEngine::replay_reserve(Millis now, Millis day_end) const {
  std::int64_t reserve = 0;
  const std::int64_t per_room = 1 + settings_.replay_followups;
  for (const auto& [id, room] : rooms_) {
    if (room.removed_at) continue;
    if (room.memory.replay.active) {
      reserve += 1 + room.memory.replay.followups_left;
    } else if (is_active_status(room.status) ||
               (room.status == kNotStarted && seconds_to_ms(room.memory.info.start_time) < day_end &&
                seconds_to_ms(room.memory.info.end_time) > now)) {
      reserve += per_room;
    }
  }
  return reserve;
}

Millis AppEngine::next_sweep_time(Millis now, Millis* hint, bool* confirm) {
  *confirm = false;
  if (!last_sweep_start_) return now;
  const Millis last = *last_sweep_start_;
  const Millis floor = settings_.min_interval;
  const Millis floor_at = last + floor;
  Millis t = 0;
  if (settings_.policy == Policy::fixed) {
    t = last + fixed_interval(ledger_.limit(), full_pages(), floor, settings_.fixed_reserve_share);
  } else {
    const Millis day_end = next_beijing_midnight(now);
    const std::int64_t pages = ceil_div(shallow_depth(), settings_.page_size);
    const std::int64_t extra = full_pages() - pages;
    std::int64_t deep_reserve = 0;
    if (extra > 0) {
      const Millis deep_every = deep_sweep_period(ledger_.limit(), extra, floor, settings_.deep_share);
      deep_reserve = extra * (1 + (day_end - now) / std::max<Millis>(deep_every, kSecond));
    }
    const std::int64_t spendable = ledger_.remaining(now) - replay_reserve(now, day_end) - deep_reserve - 2;
    PacingInput in;
    in.now = now;
    in.day_end = day_end;
    // Hold back a share of what is left: rooms created later today will want some of it.
    const auto held_back = static_cast<std::int64_t>(static_cast<double>(std::max<std::int64_t>(0, spendable)) *
                                                     settings_.pacing_margin);
    in.sweeps_left = std::max<std::int64_t>(0, spendable - held_back) / std::max<std::int64_t>(pages, 1);
    in.floor = floor;
    in.cold_interval = cold_interval(ledger_.limit(), pages, floor, settings_.cold_share);
    in.spans = hot_spans(now, day_end);
    in.density_exponent = settings_.density_exponent;
    const PacingAdvice advice = adaptive_pacing(in);
    t = last + advice.interval;
    if (advice.next_change > now) *hint = std::min(*hint, advice.next_change);
  }
  t = std::max(t, floor_at);
  const Millis regular = t;
  // Rule deadlines: be there to confirm with a poll rather than infer.
  for (const Deadline& d : deadlines()) {
    // A sweep at or after it already looked; a failed one did not, so a
    // deadline whose sweep failed is retried at the floor, not left to the regular pace.
    if (last_answered_sweep_ && d.at <= *last_answered_sweep_) continue;
    // Through a 106's uncertainty window (window_from, at] at the floor, on a
    // grid at - k * floor: the true deadline is caught within one floor and
    // the latest possible one (the one the engine knows) is never overshot.
    // A 102's window is the one instant end_time.
    const Millis lo = std::max(floor_at, d.window_from < d.at ? d.window_from + 1 : d.at);
    if (lo <= d.at) {
      const Millis grid = d.at - (d.at - lo) / floor * floor;  // the first grid point the floor allows
      if (grid < t) {
        t = grid;
      } else if (t < grid && grid < t + floor) {
        t = grid;  // a little later, rather than block the grid point with a sweep just before it
      }
    } else if (floor_at < t) {
      t = floor_at;  // the floor kept us off the deadline itself: as soon after as allowed
    }
    break;  // sorted: the earliest unconfirmed deadline decides
  }
  *confirm = t < regular;
  return t;
}

std::optional<std::int64_t> AppEngine::due_replay(Millis now) const {
  std::optional<std::int64_t> best;
  Millis best_at = 0;
  for (const auto& [id, room] : rooms_) {
    const ReplayTrack& t = room.memory.replay;
    if (room.removed_at || !t.active || t.next_check > now) continue;
    if (!best || t.next_check < best_at) {
      best = id;
      best_at = t.next_check;
    }
  }
  return best;
}

Millis AppEngine::next_replay_time() const {
  Millis next = 0;
  for (const auto& [id, room] : rooms_) {
    const ReplayTrack& t = room.memory.replay;
    if (room.removed_at || !t.active) continue;
    if (next == 0 || t.next_check < next) next = t.next_check;
  }
  return next;
}

void AppEngine::infer_due_rules(Millis now, Effects& out) {
  if (!blocked_long(now)) return;
  for (const Deadline& d : deadlines()) {
    if (d.at > now) break;
    Room& room = rooms_[d.room_id];
    if (room.status == kAbnormal) {
      change_status(now, room, kEnded, d.at, "abnormal_timeout", true, out);
    } else if (room.status == kNotStarted) {
      change_status(now, room, kExpired, d.at, "end_time_passed", true, out);
    } else {
      continue;
    }
    ++stats_.inferred;
    upsert(room, out);
  }
}

// ---------------------------------------------------------------- answers --

bool AppEngine::take_inflight(const Call& call) {
  if (!inflight_ || inflight_->id != call.id) return false;
  inflight_.reset();
  return true;
}

Effects AppEngine::on_list_page(Millis now, const Call& call, const liveapi::RoomListPage& page) {
  Effects out;
  if (!take_inflight(call)) {
    out.warnings.push_back("list answer for a call not in flight: ignored");
    return out;
  }
  note_success(now, out);
  if (!sweep_) sweep_ = Sweep{now, call.start, call.start + call.limit, false, false, std::nullopt, {}};
  Sweep& s = *sweep_;
  if (!s.total) {
    s.total = page.total;
    if (s.full) {
      s.end = page.total;
    } else {
      // Rooms created since the last sweep sit above the ones we know: look that much deeper.
      const auto listed = static_cast<std::int64_t>(known_rooms());
      s.end = std::min(page.total, s.end + std::max<std::int64_t>(0, page.total - listed));
    }
    if (s.end > max_sweep_rooms()) {
      out.warnings.push_back("the list says " + std::to_string(page.total) + " rooms; a sweep reads at most " +
                             std::to_string(max_sweep_rooms()) + " (" +
                             std::to_string(static_cast<int>(settings_.max_sweep_share * 100)) +
                             " % of the daily quota in pages)");
      s.end = max_sweep_rooms();
    }
  } else if (*s.total != page.total) {
    s.consistent = false;
  }
  if (page.dropped > 0) s.consistent = false;
  // One room id once per sweep, the first sighting wins: a repeat within a
  // sweep is WeChat's list shifting or a broken answer, never a change.
  std::int64_t fresh = 0;
  for (const liveapi::RoomInfo& info : page.rooms) {
    if (!s.seen.insert(info.roomid).second) continue;
    ++fresh;
    observe_room(now, info, out);
  }
  const auto repeated = static_cast<std::int64_t>(page.rooms.size()) - fresh;
  if (repeated > 0) {
    s.consistent = false;
    out.warnings.push_back(std::to_string(repeated) + " room(s) at list start " + std::to_string(call.start) +
                           " already seen in this sweep: ignored");
  }
  const std::int64_t expected = std::max<std::int64_t>(0, std::min(call.limit, page.total - call.start));
  const bool short_page = static_cast<std::int64_t>(page.rooms.size()) + page.dropped < expected;
  if (short_page) s.consistent = false;
  // A later page with nothing new is a list that is not what its total
  // says (a lying total spent a whole day's quota in two seconds): stop.
  const bool stale_page = call.start > 0 && !page.rooms.empty() && fresh == 0;
  if (stale_page) out.warnings.push_back("list page at start " + std::to_string(call.start) +
                                         " brought no room not already seen: sweep ended");
  s.next_start = call.start + call.limit;
  if (short_page || stale_page || page.rooms.empty() || s.next_start >= std::min(s.end, page.total))
    finish_sweep(now, out);
  return out;
}

// The deepest a sweep reads: a share of the daily quota in pages, so no
// list total, true or not, can spend the day on one sweep.
std::int64_t AppEngine::max_sweep_rooms() const {
  const auto pages = static_cast<std::int64_t>(static_cast<double>(ledger_.limit()) * settings_.max_sweep_share);
  return std::max<std::int64_t>(1, pages) * settings_.page_size;
}

void AppEngine::finish_sweep(Millis now, Effects& out) {
  Sweep s = std::move(*sweep_);
  sweep_.reset();
  last_answered_sweep_ = s.started;
  if (!s.total) return;
  last_total_ = std::min(*s.total, max_sweep_rooms());
  const bool complete = s.full && s.consistent && static_cast<std::int64_t>(s.seen.size()) == *s.total &&
                        s.next_start >= *s.total;
  if (!complete) return;
  ++stats_.complete_sweeps;
  last_full_sweep_ = s.started;
  for (auto& [id, room] : rooms_) {
    if (room.removed_at || s.seen.count(id) != 0) continue;
    room.removed_at = now;
    room.memory.replay.active = false;
    emit(out, "room.removed", id, removed_event_body(identity_, room.memory.info, room.status, now), now);
    upsert(room, out);
  }
}

void AppEngine::observe_room(Millis now, const liveapi::RoomInfo& info, Effects& out) {
  const std::string label = "room " + std::to_string(info.roomid);
  if (!is_known_status(info.live_status)) {
    out.warnings.push_back(label + ": unknown live_status " + std::to_string(info.live_status) +
                           ", recorded as seen, status unchanged");
  }
  auto it = rooms_.find(info.roomid);
  if (it == rooms_.end() || it->second.removed_at) {
    Room room;
    if (it != rooms_.end()) room.first_seen = it->second.first_seen;  // back after a removal
    room.memory.info = info;
    room.status = info.live_status;
    room.status_since = now;
    if (room.first_seen == 0) room.first_seen = now;
    room.last_seen = now;
    StatusChange change{std::nullopt, info.live_status, now, "observed", false};
    const std::string id = emit(out, "room.created", info.roomid,
                                status_event_body(identity_, "room.created", info, change, now), now);
    out.transitions.push_back(TransitionOut{info.roomid, std::nullopt, info.live_status, now, "observed", false, id});
    if (info.live_status == kEnded && seconds_to_ms(info.end_time) >= now - kRecentEnd) {
      start_replay_track(room, now);
    }
    rooms_[info.roomid] = std::move(room);
    upsert(rooms_[info.roomid], out);
    return;
  }

  Room& room = it->second;
  const liveapi::RoomInfo before = room.memory.info;
  const Millis previous_sighting = room.last_seen;
  room.last_seen = now;
  room.memory.info = info;
  room.memory.info.live_status = room.status;  // change_status moves it
  const int from = room.status;
  const int to = info.live_status;
  // A value outside 101..107 is recorded as seen, never as a change:
  // flapping between -1, 0 and 999 would otherwise announce an event per poll.
  if (to != from && is_known_status(to)) {
    if (is_terminal_status(from)) {
      out.warnings.push_back(label + ": " + std::to_string(from) + " -> " + std::to_string(to) +
                             " after a final status, recorded as observed");
    }
    std::string reason = "observed";
    Millis at = now;
    if (from == kAbnormal && to == kEnded) {
      const Millis earliest = room.memory.abnormal_after.value_or(room.status_since) + settings_.abnormal_timeout;
      if (now >= earliest) reason = "abnormal_timeout";
    } else if (from == kNotStarted && to == kExpired && info.end_time > 0) {
      reason = "end_time_passed";
      at = std::clamp(seconds_to_ms(info.end_time), previous_sighting, now);
    }
    change_status(now, room, to, at, reason, false, out);
    if (to == kAbnormal) room.memory.abnormal_after = previous_sighting;
  }
  const std::vector<std::string> fields = changed_fields(before, info);
  if (!fields.empty()) {
    liveapi::RoomInfo previous = before;
    emit(out, "room.updated", info.roomid, updated_event_body(identity_, previous, room.memory.info, fields, now),
         now);
  }
  upsert(room, out);
}

void AppEngine::change_status(Millis now, Room& room, int to, Millis at, const std::string& reason, bool inferred,
                              Effects& out) {
  const int from = room.status;
  room.status = to;
  room.status_since = at;
  room.memory.info.live_status = to;
  if (to != kAbnormal) room.memory.abnormal_after.reset();
  StatusChange change{from, to, at, reason, inferred};
  const std::int64_t room_id = room.memory.info.roomid;
  const std::string id =
      emit(out, "room.status_changed", room_id,
           status_event_body(identity_, "room.status_changed", room.memory.info, change, now), now);
  out.transitions.push_back(TransitionOut{room_id, from, to, at, reason, inferred, id});
  if (to == kEnded) start_replay_track(room, std::max(at, now - settings_.replay_delay));
}

void AppEngine::start_replay_track(Room& room, Millis ended_at) {
  ReplayTrack& t = room.memory.replay;
  if (t.active || t.segments_seen > 0) return;
  t.active = true;
  t.next_check = ended_at + settings_.replay_delay;
  t.give_up_at = t.next_check + settings_.replay_give_up;
  // Half the expected delay between checks, within [floor, 5 min]: WeChat's
  // ~10 min delay gives 5 min; a shortened delay (tests, demos) keeps pace.
  t.backoff = std::max(settings_.min_interval, std::min(settings_.replay_delay / 2, kFirstReplayBackoff));
  t.followups_left = settings_.replay_followups;
}

Effects AppEngine::on_replay(Millis now, const Call& call, const liveapi::ReplayPage& page) {
  Effects out;
  if (!take_inflight(call)) {
    out.warnings.push_back("replay answer for a call not in flight: ignored");
    return out;
  }
  note_success(now, out);
  if (!replay_fetch_ || replay_fetch_->room_id != call.room_id) replay_fetch_ = ReplayFetch{call.room_id, {}};
  replay_fetch_->segments.insert(replay_fetch_->segments.end(), page.segments.begin(), page.segments.end());
  const auto have = static_cast<std::int64_t>(replay_fetch_->segments.size());
  if (!page.segments.empty() && page.total > have) return out;  // next page at once

  std::vector<liveapi::ReplaySegment> segments = std::move(replay_fetch_->segments);
  replay_fetch_.reset();
  const auto it = rooms_.find(call.room_id);
  if (it == rooms_.end()) return out;
  Room& room = it->second;
  ReplayTrack& t = room.memory.replay;
  if (static_cast<std::int64_t>(segments.size()) > t.segments_seen) {
    t.segments_seen = static_cast<std::int64_t>(segments.size());
    emit(out, "room.replay_ready", call.room_id, replay_event_body(identity_, room.memory.info, segments, now), now);
    if (t.followups_left > 0) {
      --t.followups_left;
      t.next_check = now + settings_.replay_followup;
    } else {
      t.active = false;
    }
  } else if (t.segments_seen > 0) {  // a follow-up found nothing new
    if (t.followups_left > 0) {
      --t.followups_left;
      t.next_check = now + settings_.replay_followup;
    } else {
      t.active = false;
    }
  } else if (now >= t.give_up_at) {
    t.active = false;
    out.warnings.push_back("room " + std::to_string(call.room_id) + ": no replay after " +
                           std::to_string((now - t.give_up_at + settings_.replay_give_up) / kMinute) +
                           " min of checks, giving up");
  } else {
    t.next_check = std::min(now + t.backoff, t.give_up_at);
    t.backoff = std::min(t.backoff * 2, kMaxReplayBackoff);
  }
  upsert(room, out);
  return out;
}

Effects AppEngine::on_quota(Millis now, const Call& call, const liveapi::QuotaInfo& quota) {
  Effects out;
  if (!take_inflight(call)) return out;
  ledger_.set_limit(quota.daily_limit);
  quota_api_failures_ = 0;
  // An answer without a usable limit (0) is asked again later, like a failure.
  if (!ledger_.limit_known()) quota_ask_at_ = std::min(now + settings_.quota_api_retry, next_beijing_midnight(now));
  // WeChat's own count may be ahead of ours (another caller, a lost ledger).
  ledger_.restore(now, quota.used);
  return out;
}

Effects AppEngine::on_failure(Millis now, const Call& call, const liveapi::ApiError& error) {
  Effects out;
  if (!take_inflight(call)) {
    out.warnings.push_back("failure for a call not in flight: ignored");
    return out;
  }
  if (call.kind == Call::Kind::list && error.outcome == liveapi::Outcome::no_rooms) {
    inflight_ = call;  // errcode 1 = an empty list: a complete answer
    liveapi::RoomListPage empty;
    return on_list_page(now, call, empty);
  }
  ++stats_.failures;
  if (call.kind == Call::Kind::list) sweep_.reset();
  if (call.kind == Call::Kind::replay) replay_fetch_.reset();
  if (call.kind == Call::Kind::quota) {
    // One failure must not pin the fallback for the life of the process:
    // ask again with backoff, and at the latest when the next day begins.
    ++quota_api_failures_;
    const Millis wait = doubled(settings_.quota_api_retry, quota_api_failures_ - 1, settings_.max_quota_api_retry);
    quota_ask_at_ = std::min(now + wait, next_beijing_midnight(now));
    out.warnings.push_back("quota API failed (" + describe(error) + "): using daily_quota " +
                           std::to_string(ledger_.limit()) + " until it answers, asking again in " +
                           std::to_string((quota_ask_at_ - now) / kSecond) + " s");
    return out;
  }
  switch (error.outcome) {
    case liveapi::Outcome::quota_exhausted: {
      QuotaDelta delta;
      delta.day = beijing_date(now);
      delta.quota_errors = 1;
      delta.exhausted_at = now;
      out.quota.push_back(std::move(delta));
      if (ledger_.mark_exhausted(now)) {
        health_ = AppHealth::quota_exhausted;
        health_since_ = now;
        out.app_state = AppStateChange{health_, now, last_success_};
        emit(out, "app.quota_exhausted", std::nullopt,
             app_event_body(identity_, "app.quota_exhausted", "quota_exhausted", error.errcode, "",
                            ledger_.resets_at(now), now),
             now);
      }
      return out;
    }
    case liveapi::Outcome::auth_failed: {
      if (health_ != AppHealth::auth_failed) {
        health_ = AppHealth::auth_failed;
        health_since_ = now;
        out.app_state = AppStateChange{health_, now, last_success_};
        emit(out, "app.auth_failed", std::nullopt,
             app_event_body(identity_, "app.auth_failed", "auth_failed", error.errcode, error.detail,
                            now + settings_.auth_backoff, now),
             now);
      }
      auth_retry_at_ = now + settings_.auth_backoff;
      return out;
    }
    default: break;
  }
  if (consecutive_failures_ == 0) failing_since_ = now;
  ++consecutive_failures_;
  Millis backoff = 0;
  if (error.outcome == liveapi::Outcome::token_invalid && consecutive_failures_ == 1) {
    backoff = 0;  // the shell has fetched a new token: retry as soon as the floor allows
  } else {
    // floor, floor, 2x, 4x, ...: a busy answer is usually over within a minute or two.
    backoff = doubled(settings_.min_interval, consecutive_failures_ - 2, settings_.max_failure_backoff);
  }
  retry_at_ = now + backoff;
  if (call.kind == Call::Kind::replay) {
    if (const auto it = rooms_.find(call.room_id); it != rooms_.end() && it->second.memory.replay.active) {
      ReplayTrack& t = it->second.memory.replay;
      t.next_check = std::max(t.next_check, now + std::max(backoff, t.backoff));
      if (error.outcome == liveapi::Outcome::unknown_errcode && now >= t.give_up_at) t.active = false;
      upsert(it->second, out);
    }
  }
  out.warnings.push_back(std::string(to_string(call.kind)) + " call failed: " + describe(error) + ", retry in " +
                         std::to_string(backoff / kSecond) + " s");
  return out;
}

void AppEngine::note_success(Millis now, Effects& out) {
  consecutive_failures_ = 0;
  retry_at_ = 0;
  last_success_ = now;
  if (health_ != AppHealth::ok) {
    const std::string previous = to_string(health_);
    health_ = AppHealth::ok;
    health_since_ = now;
    out.app_state = AppStateChange{health_, now, now};
    emit(out, "app.recovered", std::nullopt,
         app_event_body(identity_, "app.recovered", "recovered", std::nullopt, "after " + previous, std::nullopt,
                        now),
         now);
  }
}

void AppEngine::upsert(const Room& room, Effects& out) {
  // One row per room per Effects: a later upsert of the same room replaces the earlier.
  RoomUpsert row{room.memory.info.roomid, room.status, room.status_since, snapshot_to_json(room.memory),
                 room.last_seen, room.removed_at};
  for (RoomUpsert& existing : out.rooms) {
    if (existing.room_id == row.room_id) {
      existing = std::move(row);
      return;
    }
  }
  out.rooms.push_back(std::move(row));
}

std::string AppEngine::emit(Effects& out, std::string type, std::optional<std::int64_t> room_id, std::string body,
                            Millis now) {
  if (now == last_event_ms_) {
    ++event_ordinal_;
  } else {
    last_event_ms_ = now;
    event_ordinal_ = 0;
  }
  std::string id = event_id(identity_.app, type, room_id, now, event_ordinal_, body);
  out.events.push_back(EventOut{id, std::move(type), room_id, std::move(body), now});
  return id;
}

}  // namespace wxlived::engine
