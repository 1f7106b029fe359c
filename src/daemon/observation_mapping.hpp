#pragma once
// The seam between the pure engine and the store: the engine's Effects
// become one store::Observation (one transaction), and the store's rows
// become the engine's restored state after a restart. Pure functions.
#include <optional>
#include <string>
#include <vector>

#include "wxlived/config/config.hpp"
#include "wxlived/engine/app_engine.hpp"
#include "wxlived/store/records.hpp"

namespace wxlived::daemon {

// Endpoints (webhook names) subscribed to an event of `type` from `app`.
std::vector<std::string> subscribers(const std::vector<config::WebhookSettings>& webhooks, const std::string& app,
                                     const std::string& type);

store::Observation to_observation(const config::AppSettings& app, engine::Effects effects,
                                  const std::vector<config::WebhookSettings>& webhooks);

// habits_json: the app's habits as the store holds them (none: the engine
// starts from the prior).
engine::RestoredApp to_restored(const std::vector<store::RoomRecord>& rooms, const store::QuotaDay& today,
                                const std::optional<store::AppRecord>& app,
                                std::optional<std::string> habits_json);

}  // namespace wxlived::daemon
