#include "observation_mapping.hpp"

namespace wxlived::daemon {
namespace {

store::AppState to_store(engine::AppHealth health) {
  switch (health) {
    case engine::AppHealth::ok: return store::AppState::ok;
    case engine::AppHealth::auth_failed: return store::AppState::auth_failed;
    case engine::AppHealth::quota_exhausted: return store::AppState::quota_exhausted;
  }
  return store::AppState::ok;
}

engine::AppHealth to_engine(store::AppState state) {
  switch (state) {
    case store::AppState::ok: return engine::AppHealth::ok;
    case store::AppState::auth_failed: return engine::AppHealth::auth_failed;
    case store::AppState::quota_exhausted: return engine::AppHealth::quota_exhausted;
  }
  return engine::AppHealth::ok;
}

}  // namespace

std::vector<std::string> subscribers(const std::vector<config::WebhookSettings>& webhooks, const std::string& app,
                                     const std::string& type) {
  std::vector<std::string> names;
  for (const auto& hook : webhooks)
    if (hook.wants_app(app) && hook.wants_event(type)) names.push_back(hook.name);
  return names;
}

store::Observation to_observation(const config::AppSettings& app, engine::Effects effects,
                                  const std::vector<config::WebhookSettings>& webhooks) {
  store::Observation out;
  out.app = app.name;
  if (effects.app_state) {
    out.app_record = store::AppRecord{app.name, app.appid, to_store(effects.app_state->health),
                                      effects.app_state->since, effects.app_state->last_success};
  }
  for (auto& r : effects.rooms) {
    out.room_upserts.push_back({app.name, r.room_id, r.status, r.status_since, std::move(r.snapshot_json), r.seen_at,
                                r.seen_at, r.removed_at});
  }
  for (auto& t : effects.transitions) {
    out.transitions.push_back(
        {0, app.name, t.room_id, t.from, t.to, t.at, std::move(t.reason), t.inferred, std::move(t.event_id), t.after});
  }
  for (auto& e : effects.events) {
    auto endpoints = subscribers(webhooks, app.name, e.type);
    out.events.push_back({std::move(e.id), std::move(e.type), app.name, e.room_id, std::move(e.body_json),
                          e.created_at, std::move(endpoints)});
  }
  for (auto& delta : effects.quota) {
    store::QuotaIncrement q;
    q.day = std::move(delta.day);
    q.list_calls = delta.list_calls;
    q.replay_calls = delta.replay_calls;
    q.quota_errors = delta.quota_errors;
    q.exhausted_at_ms = delta.exhausted_at;
    out.quota.push_back(std::move(q));
  }
  out.habits_json = std::move(effects.habits_json);
  return out;
}

engine::RestoredApp to_restored(const std::vector<store::RoomRecord>& rooms, const store::QuotaDay& today,
                                const std::optional<store::AppRecord>& app,
                                std::optional<std::string> habits_json) {
  engine::RestoredApp out;
  for (const auto& r : rooms) {
    out.rooms.push_back({r.room_id, r.status, r.status_since_ms, r.snapshot_json, r.first_seen_ms, r.last_seen_ms,
                         r.removed_at_ms});
  }
  out.quota_used_today = today.list_calls + today.replay_calls;
  out.quota_exhausted_at = today.exhausted_at_ms;
  if (app) {
    out.health = to_engine(app->state);
    out.health_since = app->state_since_ms;
  }
  out.habits_json = std::move(habits_json);
  return out;
}

}  // namespace wxlived::daemon
