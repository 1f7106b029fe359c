// The seam between engine effects and the store: one Observation, with each
// event routed to the endpoints whose filters want it.
#include <doctest/doctest.h>

#include "../../src/daemon/observation_mapping.hpp"

using namespace wxlived;

namespace {

config::WebhookSettings hook(std::string name, std::vector<std::string> events, std::vector<std::string> apps) {
  config::WebhookSettings h;
  h.name = std::move(name);
  h.events = std::move(events);
  h.apps = std::move(apps);
  return h;
}

}  // namespace

TEST_CASE("an event goes to every endpoint whose events and apps filters want it") {
  const std::vector<config::WebhookSettings> hooks = {
      hook("all", {}, {}),
      hook("status-only", {"room.status_changed"}, {}),
      hook("outlet-only", {}, {"outlet"}),
  };
  CHECK(daemon::subscribers(hooks, "shop", "room.status_changed") == std::vector<std::string>{"all", "status-only"});
  CHECK(daemon::subscribers(hooks, "shop", "room.created") == std::vector<std::string>{"all"});
  CHECK(daemon::subscribers(hooks, "outlet", "room.created") == std::vector<std::string>{"all", "outlet-only"});
}

TEST_CASE("engine effects become one observation with app room transition event and quota") {
  config::AppSettings app;
  app.name = "shop";
  app.appid = "wx0123456789abcdef";
  engine::Effects fx;
  fx.rooms.push_back({7, 101, 1000, "{}", 1000, std::nullopt});
  fx.transitions.push_back({7, 102, 101, 1000, "observed", false, "evt_1", 400});
  fx.events.push_back({"evt_1", "room.status_changed", 7, "{\"type\":\"room.status_changed\"}", 1000});
  fx.quota = {engine::QuotaDelta{"2026-11-24", 1, 0, 0, std::nullopt}};
  fx.app_state = engine::AppStateChange{engine::AppHealth::ok, 1000, 1000};

  const auto o = daemon::to_observation(app, std::move(fx), {hook("crm", {}, {"shop"})});
  CHECK(o.app == "shop");
  REQUIRE(o.app_record);
  CHECK(o.app_record->appid == "wx0123456789abcdef");
  REQUIRE(o.room_upserts.size() == 1);
  CHECK(o.room_upserts[0].app == "shop");
  CHECK(o.room_upserts[0].status == 101);
  REQUIRE(o.transitions.size() == 1);
  CHECK(o.transitions[0].from_status == 102);
  CHECK(o.transitions[0].event_id == "evt_1");
  CHECK(o.transitions[0].after_ms == std::optional<std::int64_t>(400));
  REQUIRE(o.events.size() == 1);
  CHECK(o.events[0].endpoints == std::vector<std::string>{"crm"});
  REQUIRE(o.quota.size() == 1);
  CHECK(o.quota[0].list_calls == 1);
  CHECK_FALSE(o.habits_json.has_value());
}

TEST_CASE("changed habits go into the same observation as the rest of the effects") {
  config::AppSettings app;
  app.name = "shop";
  app.appid = "wx0123456789abcdef";
  engine::Effects fx;
  fx.quota = {engine::QuotaDelta{"2026-11-24", 1, 0, 0, std::nullopt}};
  fx.habits_json = engine::habits_to_json(engine::prior_habits());
  const std::string expected = *fx.habits_json;
  const auto o = daemon::to_observation(app, std::move(fx), {});
  CHECK(o.app == "shop");
  CHECK(o.quota.size() == 1);
  CHECK(o.habits_json == std::optional<std::string>(expected));
}

TEST_CASE("stored rows restore the engine with today's spending and health") {
  std::vector<store::RoomRecord> rooms = {{"shop", 7, 106, 500, "{}", 100, 900, std::nullopt}};
  store::QuotaDay today{"shop", "2026-11-24", 120, 30, 2, 0, std::nullopt};
  store::AppRecord app{"shop", "wx0123456789abcdef", store::AppState::auth_failed, 800, std::nullopt};
  const auto restored = daemon::to_restored(rooms, today, app, std::nullopt);
  REQUIRE(restored.rooms.size() == 1);
  CHECK(restored.rooms[0].status == 106);
  CHECK(restored.rooms[0].status_since == 500);
  CHECK(restored.quota_used_today == 150);  // list + replay; token calls do not spend getliveinfo quota
  CHECK(restored.health == engine::AppHealth::auth_failed);
  CHECK(restored.health_since == 800);
  CHECK_FALSE(restored.habits_json.has_value());
}

TEST_CASE("stored habits restore the engine's learning") {
  engine::Habits learned = engine::prior_habits();
  learned.start_offset.observe(1200, 1200);
  const std::string json = engine::habits_to_json(learned);
  const auto restored = daemon::to_restored({}, store::QuotaDay{}, std::nullopt, json);
  CHECK(restored.habits_json == std::optional<std::string>(json));

  engine::EngineSettings settings;
  settings.app = "shop";
  engine::AppEngine engine(settings);
  const auto effects = engine.restore(restored, 1764000000000);
  CHECK(effects.warnings.empty());
  CHECK(engine.habits().start_offset.observations() == doctest::Approx(1));
}
