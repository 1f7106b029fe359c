#include "wxlived/engine/app_engine.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include "wxlived/engine/hazard.hpp"
#include "wxlived/engine/status.hpp"

namespace wxlived::engine {
namespace {

// A room first seen already ended this recently still gets its replay announced.
constexpr Millis kRecentEnd = 3 * kHour;

Millis seconds_to_ms(std::int64_t s) { return s * kSecond; }

EngineSettings normalised(EngineSettings settings) {
  settings.page_size = std::clamp<std::int64_t>(settings.page_size, 1, 100);
  settings.min_interval = std::max<Millis>(settings.min_interval, kSecond);
  return settings;
}

ReplaySettings replay_settings_of(const EngineSettings& s) {
  return ReplaySettings{s.replay_delay, s.min_interval, s.replay_give_up, s.replay_followup, s.replay_followups};
}

// An API failure's outcome, errcode and HTTP status as fields (its detail,
// WeChat's errmsg, stays out of the engine: the client logs it, redacted).
void add_error_fields(Warning& w, const liveapi::ApiError& error) {
  w.fields.emplace_back("outcome", std::string(liveapi::to_string(error.outcome)));
  if (error.errcode != 0) w.fields.emplace_back("errcode", static_cast<std::int64_t>(error.errcode));
  if (error.http_status != 0) w.fields.emplace_back("http_status", static_cast<std::int64_t>(error.http_status));
}

}  // namespace

const char* to_string(Policy policy) {
  switch (policy) {
    case Policy::adaptive: return "adaptive";
    case Policy::steady: return "steady";
    case Policy::fixed: return "fixed";
  }
  return "?";
}

std::optional<Policy> policy_from_string(std::string_view name) {
  for (Policy p : {Policy::adaptive, Policy::steady, Policy::fixed}) {
    if (name == to_string(p)) return p;
  }
  return std::nullopt;
}

AppEngine::AppEngine(EngineSettings settings)
    : settings_(normalised(std::move(settings))),
      replay_settings_(replay_settings_of(settings_)),
      identity_{settings_.app, settings_.appid},
      ledger_(settings_.daily_quota),
      scheduler_(settings_),
      backoff_(settings_.min_interval, settings_.max_failure_backoff, settings_.infer_after_outage) {
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
    TrackedRoom room;
    if (auto memory = snapshot_from_json(r.snapshot_json)) {
      room.memory = std::move(*memory);
    } else {
      out.warnings.push_back({"stored room snapshot unreadable; keeping its status only", {{"room_id", r.room_id}}});
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
      out.warnings.push_back({"stored habits unreadable; starting again from the prior", {}});
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
  flush_habits(plan.effects);

  const Millis block = blocked_until(now);
  if (block > now) {
    Millis wake = block;
    for (const RuleDeadline& d : rule_deadlines(rooms_, settings_.abnormal_timeout)) {
      if (d.at > now) wake = std::min(wake, d.at);
    }
    if (backoff_.failing() && backoff_.long_from() > now) wake = std::min(wake, backoff_.long_from());
    plan.wake_at = std::max(wake, now + kSecond);
    plan.outlook = outlook(now, "list", block, block_reason(now));
    return plan;
  }

  if (!ledger_.limit_known() && now >= quota_ask_at_) {
    quota_ask_at_ = std::numeric_limits<Millis>::max();  // set again by the answer
    return issue(now, Call{Call::Kind::quota, 0, 0, 0, 0}, std::move(plan.effects),
                 outlook(now, "quota", now, OutlookReason::daily_quota_unknown));
  }
  if (sweep_ && sweep_->next_start < sweep_->end) {
    return issue(now, Call{Call::Kind::list, sweep_->next_start, settings_.page_size, 0, 0},
                 std::move(plan.effects), outlook(now, "list", now, OutlookReason::sweep_pages_left));
  }
  if (replay_fetch_) {
    Outlook why = outlook(now, "replay", now, OutlookReason::replay_pages_left);
    why.rooms = {replay_fetch_->room_id};
    return issue(now,
                 Call{Call::Kind::replay, static_cast<std::int64_t>(replay_fetch_->segments.size()),
                      settings_.page_size, replay_fetch_->room_id, 0},
                 std::move(plan.effects), std::move(why));
  }

  const Millis day_end = next_beijing_midnight(now);
  const SweepDecision next =
      scheduler_.next_sweep(now, rooms_, habits_, ledger_, replay_reserve(rooms_, now, day_end, settings_.replay_followups));
  if (next.at <= now) return start_sweep(now, next.confirm, std::move(plan.effects), sweep_outlook(now, next));
  if (const auto room_id = due_replay(rooms_, now)) {
    replay_fetch_ = ReplayFetch{*room_id, {}};
    Outlook why = outlook(now, "replay", now, OutlookReason::replay_check);
    why.rooms = {*room_id};
    return issue(now, Call{Call::Kind::replay, 0, settings_.page_size, *room_id, 0}, std::move(plan.effects),
                 std::move(why));
  }
  Millis wake = std::min(next.at, next.replan_at);
  if (!ledger_.limit_known()) wake = std::min(wake, quota_ask_at_);
  const Millis replay_at = next_replay_time(rooms_);
  if (replay_at > now) wake = std::min(wake, replay_at);
  plan.wake_at = std::max(wake, now + kSecond);
  plan.outlook = sweep_outlook(now, next);
  if (replay_at > now && replay_at < next.at) {
    plan.outlook->call = "replay";
    plan.outlook->at = replay_at;
    plan.outlook->reason = OutlookReason::replay_check;
    plan.outlook->rooms = replay_rooms_at(replay_at);
    plan.outlook->deadline.reset();
  }
  return plan;
}

OutlookReason AppEngine::block_reason(Millis now) const {
  if (ledger_.exhausted(now)) return OutlookReason::quota_exhausted;
  if (health_ == AppHealth::auth_failed) return OutlookReason::auth_failed;
  return OutlookReason::failure_backoff;
}

Outlook AppEngine::outlook(Millis now, std::string call, Millis at, OutlookReason reason) const {
  Outlook o;
  o.computed_at = now;
  o.call = std::move(call);
  o.at = at;
  o.reason = reason;
  o.policy = to_string(settings_.policy);
  o.daily_limit = ledger_.limit();
  o.limit_known = ledger_.limit_known();
  o.used_today = ledger_.used(now);
  o.budget_left = ledger_.remaining(now);
  o.resets_at = ledger_.resets_at(now);
  o.last_sweep = scheduler_.last_sweep_start();
  return o;
}

// The sweep's reason, with the rooms behind it: the deadline's room, or the
// rooms whose likely change window is open now or opens before the sweep.
Outlook AppEngine::sweep_outlook(Millis now, const SweepDecision& next) const {
  Outlook o = outlook(now, "list", std::max(next.at, now), next.why);
  o.sweeps_left = next.sweeps_left;
  o.even_interval = next.even_interval;
  if (next.why == OutlookReason::rule_deadline && next.deadline) {
    o.rooms = {next.deadline->room_id};
    o.deadline = next.deadline->at;
    return o;
  }
  for (const auto& [id, room] : rooms_) {
    if (o.rooms.size() >= kOutlookRooms) break;
    if (room.removed_at || is_terminal_status(room.status)) continue;
    const ChangeWindow w = likely_change_window(room, habits_, room.last_seen);
    if (w.from <= o.at && now < w.to) o.rooms.push_back(id);
  }
  return o;
}

std::vector<std::int64_t> AppEngine::replay_rooms_at(Millis at) const {
  std::vector<std::int64_t> out;
  for (const auto& [id, room] : rooms_) {
    if (out.size() >= kOutlookRooms) break;
    if (room.memory.replay.active && room.memory.replay.next_check == at) out.push_back(id);
  }
  return out;
}

Plan AppEngine::start_sweep(Millis now, bool confirm, Effects effects, Outlook why) {
  Sweep s;
  s.started = now;
  s.full = scheduler_.full_sweep_due(now, rooms_, ledger_, confirm);
  s.end = s.full ? std::max<std::int64_t>(scheduler_.list_total(), 1) : scheduler_.shallow_depth(rooms_);
  sweep_ = std::move(s);
  return issue(now, Call{Call::Kind::list, 0, settings_.page_size, 0, 0}, std::move(effects), std::move(why));
}

Plan AppEngine::issue(Millis now, Call call, Effects effects, Outlook why) {
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
        if (const auto last = scheduler_.last_sweep_start()) {
          const Millis gap = now - *last;
          if (stats_.min_sweep_gap < 0 || gap < stats_.min_sweep_gap) stats_.min_sweep_gap = gap;
        }
        scheduler_.on_sweep_started(now);
      }
      break;
    case Call::Kind::replay: ++stats_.replay_calls; break;
    case Call::Kind::quota: ++stats_.quota_calls; break;
  }
  Plan plan;
  plan.call = call;
  plan.effects = std::move(effects);
  plan.wake_at = now;  // plan again once the answer is in
  why.used_today = ledger_.used(now);  // this call included
  why.budget_left = ledger_.remaining(now);
  plan.outlook = std::move(why);
  return plan;
}

bool AppEngine::blocked_long(Millis now) const {
  if (ledger_.exhausted(now) || health_ == AppHealth::auth_failed) return true;
  return backoff_.long_outage(now);
}

Millis AppEngine::blocked_until(Millis now) const {
  Millis until = 0;
  if (ledger_.exhausted(now)) until = std::max(until, ledger_.resets_at(now));
  if (health_ == AppHealth::auth_failed) until = std::max(until, auth_retry_at_);
  if (backoff_.failing()) until = std::max(until, backoff_.retry_at());
  return until;
}

void AppEngine::infer_due_rules(Millis now, Effects& out) {
  if (!blocked_long(now)) return;
  for (const RuleDeadline& d : rule_deadlines(rooms_, settings_.abnormal_timeout)) {
    if (d.at > now) break;
    TrackedRoom& room = rooms_[d.room_id];
    if (room.status == kAbnormal) {
      change_status(now, room, kEnded, room.last_seen, d.at, "abnormal_timeout", true, out);
    } else if (room.status == kNotStarted) {
      change_status(now, room, kExpired, room.last_seen, d.at, "end_time_passed", true, out);
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
    out.warnings.push_back({"answer for a call not in flight ignored", {{"call", "list"}}});
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
    if (s.end > scheduler_.max_sweep_rooms(ledger_)) {
      out.warnings.push_back({"list total above what a sweep may read; sweep capped",
                              {{"total", page.total},
                               {"max_sweep_rooms", scheduler_.max_sweep_rooms(ledger_)},
                               {"max_sweep_share_pct", static_cast<std::int64_t>(settings_.max_sweep_share * 100)}}});
      s.end = scheduler_.max_sweep_rooms(ledger_);
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
    out.warnings.push_back({"rooms already seen in this sweep ignored", {{"rooms", repeated}, {"start", call.start}}});
  }
  const std::int64_t expected = std::max<std::int64_t>(0, std::min(call.limit, page.total - call.start));
  const bool short_page = static_cast<std::int64_t>(page.rooms.size()) + page.dropped < expected;
  if (short_page) s.consistent = false;
  // A later page with nothing new is a list that is not what its total
  // says (a lying total spent a whole day's quota in two seconds): stop.
  const bool stale_page = call.start > 0 && !page.rooms.empty() && fresh == 0;
  if (stale_page) out.warnings.push_back({"list page brought no new room; sweep ended", {{"start", call.start}}});
  s.next_start = call.start + call.limit;
  if (short_page || stale_page || page.rooms.empty() || s.next_start >= std::min(s.end, page.total))
    finish_sweep(now, out);
  flush_habits(out);
  return out;
}

void AppEngine::finish_sweep(Millis now, Effects& out) {
  Sweep s = std::move(*sweep_);
  sweep_.reset();
  if (!s.total) {
    scheduler_.on_sweep_answered(s.started, std::nullopt, false);
    return;
  }
  const bool complete = s.full && s.consistent && static_cast<std::int64_t>(s.seen.size()) == *s.total &&
                        s.next_start >= *s.total;
  // The deepest a sweep reads: a share of the daily quota in pages, so no
  // list total, true or not, can spend the day on one sweep.
  scheduler_.on_sweep_answered(s.started, std::min(*s.total, scheduler_.max_sweep_rooms(ledger_)), complete);
  if (!complete) return;
  ++stats_.complete_sweeps;
  for (auto& [id, room] : rooms_) {
    if (room.removed_at || s.seen.count(id) != 0) continue;
    room.removed_at = now;
    room.memory.replay.active = false;
    emit(out, "room.removed", id, removed_event_body(identity_, room.memory.info, room.status, now), now);
    upsert(room, out);
  }
}

void AppEngine::observe_room(Millis now, const liveapi::RoomInfo& info, Effects& out) {
  if (!is_known_status(info.live_status)) {
    out.warnings.push_back({"unknown live_status; room recorded as seen, status unchanged",
                            {{"room_id", info.roomid}, {"live_status", static_cast<std::int64_t>(info.live_status)}}});
  }
  auto it = rooms_.find(info.roomid);
  if (it == rooms_.end() || it->second.removed_at) {
    TrackedRoom room;
    if (it != rooms_.end()) room.first_seen = it->second.first_seen;  // back after a removal
    room.memory.info = info;
    room.status = info.live_status;
    room.status_since = now;
    if (room.first_seen == 0) room.first_seen = now;
    room.last_seen = now;
    StatusChange change{std::nullopt, info.live_status, now, "observed", false};
    const std::string id = emit(out, "room.created", info.roomid,
                                status_event_body(identity_, "room.created", info, change, now), now);
    out.transitions.push_back(
        TransitionOut{info.roomid, std::nullopt, info.live_status, now, "observed", false, id, std::nullopt});
    if (info.live_status == kEnded && seconds_to_ms(info.end_time) >= now - kRecentEnd) {
      start_replay_track(room.memory.replay, now, replay_settings_);
    }
    rooms_[info.roomid] = std::move(room);
    upsert(rooms_[info.roomid], out);
    return;
  }

  TrackedRoom& room = it->second;
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
      out.warnings.push_back({"status changed after a final status; recorded as observed",
                              {{"room_id", info.roomid},
                               {"from", static_cast<std::int64_t>(from)},
                               {"to", static_cast<std::int64_t>(to)},
                               {"from_name", std::string(status_name(from))},
                               {"to_name", std::string(status_name(to))}}});
    }
    std::string reason = "observed";
    Millis at = now;
    if (from == kAbnormal && to == kEnded) {
      const Millis earliest = room.memory.changed_after.value_or(room.status_since) + settings_.abnormal_timeout;
      if (now >= earliest) reason = "abnormal_timeout";
    } else if (from == kNotStarted && to == kExpired && info.end_time > 0) {
      reason = "end_time_passed";
      at = std::clamp(seconds_to_ms(info.end_time), previous_sighting, now);
    }
    change_status(now, room, to, previous_sighting, at, reason, false, out);
  }
  const std::vector<std::string> fields = changed_fields(before, info);
  if (!fields.empty()) {
    liveapi::RoomInfo previous = before;
    emit(out, "room.updated", info.roomid, updated_event_body(identity_, previous, room.memory.info, fields, now),
         now);
  }
  upsert(room, out);
}

// `after`: the last sighting with the old status; `at`: when the change is
// recorded (the first sighting with the new one, or the rule's deadline).
void AppEngine::change_status(Millis now, TrackedRoom& room, int to, Millis after, Millis at,
                              const std::string& reason, bool inferred, Effects& out) {
  const int from = room.status;
  const bool by_rule = reason != "observed";
  learn(now, room, SeenChange{from, to, std::min(after, at), at, by_rule});
  room.status = to;
  room.status_since = at;
  room.memory.info.live_status = to;
  room.memory.changed_after = std::min(after, at);
  StatusChange change{from, to, at, reason, inferred};
  const std::int64_t room_id = room.memory.info.roomid;
  const std::string id =
      emit(out, "room.status_changed", room_id,
           status_event_body(identity_, "room.status_changed", room.memory.info, change, now), now);
  out.transitions.push_back(TransitionOut{room_id, from, to, at, reason, inferred, id, room.memory.changed_after});
  if (to == kEnded) start_replay_track(room.memory.replay, std::max(at, now - settings_.replay_delay), replay_settings_);
}

void AppEngine::learn(Millis now, const TrackedRoom& before, const SeenChange& change) {
  if (!settings_.learn) return;
  const bool faded = fade_for_day(habits_, now);
  if (learn_from_change(habits_, before, change) || faded) habits_changed_ = true;
}

// Once per answer, however many changes it taught: the JSON is a few kB.
void AppEngine::flush_habits(Effects& out) {
  if (!habits_changed_) return;
  habits_changed_ = false;
  out.habits_json = habits_to_json(habits_);
}

Effects AppEngine::on_replay(Millis now, const Call& call, const liveapi::ReplayPage& page) {
  Effects out;
  if (!take_inflight(call)) {
    out.warnings.push_back({"answer for a call not in flight ignored", {{"call", "replay"}}});
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
  TrackedRoom& room = it->second;
  ReplayTrack& t = room.memory.replay;
  const Millis first_check = t.give_up_at - settings_.replay_give_up;
  switch (on_replay_checked(t, now, static_cast<std::int64_t>(segments.size()), replay_settings_)) {
    case ReplayVerdict::announce:
      emit(out, "room.replay_ready", call.room_id, replay_event_body(identity_, room.memory.info, segments, now), now);
      break;
    case ReplayVerdict::gave_up:
      out.warnings.push_back({"no replay after the checks; giving up",
                              {{"room_id", call.room_id}, {"checked_for_min", (now - first_check) / kMinute}}});
      break;
    case ReplayVerdict::nothing_new: break;
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
    out.warnings.push_back({"answer for a call not in flight ignored", {{"call", std::string(to_string(call.kind))}}});
    return out;
  }
  if (call.kind == Call::Kind::list && error.outcome == liveapi::Outcome::no_rooms) {
    inflight_ = call;  // errcode 1 = an empty list: a complete answer
    liveapi::RoomListPage empty;
    return on_list_page(now, call, empty);
  }
  if (call.kind == Call::Kind::replay && error.outcome == liveapi::Outcome::room_not_found) {
    return on_replay_room_gone(now, call);
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
    Warning w{"quota API failed; using the fallback daily_quota until it answers",
              {{"daily_quota", ledger_.limit()}, {"retry_in_s", (quota_ask_at_ - now) / kSecond}}};
    add_error_fields(w, error);
    out.warnings.push_back(std::move(w));
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
  const Millis backoff = backoff_.on_failure(now, error.outcome);
  if (call.kind == Call::Kind::replay) {
    if (const auto it = rooms_.find(call.room_id); it != rooms_.end() && it->second.memory.replay.active) {
      ReplayTrack& t = it->second.memory.replay;
      on_replay_failed(t, now + std::max(backoff, t.backoff), error.outcome == liveapi::Outcome::unknown_errcode, now);
      upsert(it->second, out);
    }
  }
  Warning w{"backing off after a failed WeChat call", {{"call", std::string(to_string(call.kind))}, {"retry_in_s", backoff / kSecond}}};
  add_error_fields(w, error);
  out.warnings.push_back(std::move(w));
  return out;
}

// WeChat answered that the room is gone (deleted since the last complete
// sweep): an answer, not an outage, so no backoff. Asking again would spend
// quota on the same answer until the replay gave up; instead the follow-up
// stops and the next sweep reads the whole list, which confirms the removal
// and sends room.removed without waiting for the deep-sweep period.
Effects AppEngine::on_replay_room_gone(Millis now, const Call& call) {
  Effects out;
  replay_fetch_.reset();
  note_success(now, out);
  if (const auto it = rooms_.find(call.room_id); it != rooms_.end() && it->second.memory.replay.active) {
    it->second.memory.replay.active = false;
    upsert(it->second, out);
  }
  scheduler_.want_full_sweep();
  out.warnings.push_back({"replay room does not exist; follow-up stopped, next sweep complete",
                          {{"room_id", call.room_id}, {"errcode", static_cast<std::int64_t>(300022)}}});
  return out;
}

void AppEngine::note_success(Millis now, Effects& out) {
  backoff_.on_success();
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

void AppEngine::upsert(const TrackedRoom& room, Effects& out) {
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
