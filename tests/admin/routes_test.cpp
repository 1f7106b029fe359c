// The admin API's routes, called directly on a real database.
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include "admin_fixture.hpp"
#include "wxlived/admin/routes.hpp"
#include "wxlived/admin/views.hpp"

using namespace wxlived::admin;
using namespace wxlived::admin::testing;

namespace {

struct RoutesFixture : StoreFixture {
  Metrics metrics{"0"};
  Health health;
  Routes routes{db, metrics, health, [] { return kT0; }};

  Reply get(const std::string& path, std::multimap<std::string, std::string> params = {}) {
    return routes.handle(Request{"GET", path, std::move(params)});
  }
};

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  REQUIRE_MESSAGE(!doc.HasParseError(), text);
  return doc;
}

std::string error_of(const Reply& reply) {
  const auto doc = parse(reply.body);
  REQUIRE(doc.IsObject());
  REQUIRE(doc.HasMember("error"));
  return doc["error"].GetString();
}

}  // namespace

TEST_CASE("unknown paths answer 404 and other methods than GET 405 with Allow") {
  RoutesFixture f;
  CHECK(f.get("/").status == 404);
  CHECK(f.get("/v1/room").status == 404);
  CHECK(f.get("/v1/rooms/").status == 404);
  CHECK(error_of(f.get("/nope")).find("/nope") != std::string::npos);
  for (const char* method : {"POST", "PUT", "DELETE", "PATCH"}) {
    const Reply r = f.routes.handle(Request{method, "/metrics", {}});
    CHECK(r.status == 405);
    REQUIRE(r.headers.size() == 1);
    CHECK(r.headers[0].first == "Allow");
  }
  CHECK(f.routes.handle(Request{"POST", "/v1/rooms/7", {}}).status == 405);
  CHECK(f.routes.handle(Request{"HEAD", "/healthz", {}}).status == 200);
}

TEST_CASE("healthz answers 200 while the loop beats") {
  RoutesFixture f;
  const Reply r = f.get("/healthz");
  CHECK(r.status == 200);
  CHECK(std::string(parse(r.body)["status"].GetString()) == "ok");
}

TEST_CASE("healthz answers 503 when the loop's last beat is more than 30 s old") {
  RoutesFixture f;
  f.health.beat(Health::SteadyClock::now() - std::chrono::seconds(31));
  const Reply r = f.get("/healthz");
  CHECK(r.status == 503);
  const auto doc = parse(r.body);
  CHECK(std::string(doc["status"].GetString()) == "stuck");
  CHECK(doc["loop_age_ms"].GetInt64() >= 31000);
}

TEST_CASE("readyz says which app is not ready and why") {
  RoutesFixture f;
  f.health.engine_state("shop", false, false, 500);
  f.health.engine_state("mall", true, false, 500);
  f.health.poll_result("shop", true, kT0);
  Reply r = f.get("/readyz");
  CHECK(r.status == 503);
  auto doc = parse(r.body);
  CHECK(doc["ready"].GetBool() == false);
  CHECK(std::string(doc["store"].GetString()) == "ok");
  REQUIRE(doc["apps"].Size() == 2);
  CHECK(std::string(doc["apps"][0]["app"].GetString()) == "mall");
  CHECK(std::string(doc["apps"][0]["state"].GetString()) == "auth_failed");
  CHECK(doc["apps"][0].HasMember("reason"));
  f.health.forget_app("mall");
  r = f.get("/readyz");
  CHECK(r.status == 200);
  CHECK(parse(r.body)["ready"].GetBool());
}

TEST_CASE("readyz is 503 when the database cannot be opened") {
  wxlived::testing::TempDir dir;
  Metrics metrics("0");
  Health health;
  Routes routes(dir / "missing.db", metrics, health, [] { return kT0; });
  const Reply r = routes.handle(Request{"GET", "/readyz", {}});
  CHECK(r.status == 503);
  CHECK(std::string(parse(r.body)["store"].GetString()) != "ok");
  CHECK(routes.handle(Request{"GET", "/v1/rooms", {}}).status == 503);
  CHECK(routes.handle(Request{"GET", "/metrics", {}}).status == 503);
}

TEST_CASE("metrics are served as Prometheus text") {
  RoutesFixture f;
  const Reply r = f.get("/metrics");
  CHECK(r.status == 200);
  CHECK(r.content_type == kMetricsContentType);
  CHECK(sample(r.body, "wxlived_rooms{app=\"shop\",status=\"live\"}") == 1);
}

TEST_CASE("v1 rooms is the shared rooms view, optionally of one app") {
  RoutesFixture f;
  Reply r = f.get("/v1/rooms");
  CHECK(r.status == 200);
  CHECK(r.body == rooms_json(must(f.store.rooms())) + "\n");
  r = f.get("/v1/rooms", {{"app", "mall"}});
  CHECK(parse(r.body).Size() == 1);
  CHECK(f.get("/v1/rooms", {{"status", "live"}}).status == 400);
}

TEST_CASE("v1 rooms id has the room's transitions, unknown rooms 404 and bad ids 400") {
  RoutesFixture f;
  Reply r = f.get("/v1/rooms/7", {{"app", "shop"}});
  CHECK(r.status == 200);
  auto doc = parse(r.body);
  REQUIRE(doc.Size() == 1);
  CHECK(doc[0]["transitions"].Size() == 2);
  CHECK(parse(f.get("/v1/rooms/7").body).Size() == 2);  // shop's and mall's
  CHECK(f.get("/v1/rooms/99").status == 404);
  CHECK(f.get("/v1/rooms/7", {{"app", "nope"}}).status == 404);
  CHECK(f.get("/v1/rooms/seven").status == 400);
  CHECK(f.get("/v1/rooms/7x").status == 400);
}

TEST_CASE("v1 events filters by room and since") {
  RoutesFixture f;
  CHECK(parse(f.get("/v1/events").body).Size() == 4);
  auto doc = parse(f.get("/v1/events", {{"room", "8"}}).body);
  REQUIRE(doc.Size() == 1);
  CHECK(std::string(doc[0]["id"].GetString()) == "evt_8_1");
  // Since 25 s before kT0 (an age): evt_m7_1 (-20 s) and evt_7_2 (-1 s).
  doc = parse(f.get("/v1/events", {{"since", "25s"}}).body);
  REQUIRE(doc.Size() == 2);
  CHECK(std::string(doc[0]["id"].GetString()) == "evt_7_2");
  CHECK(std::string(doc[1]["id"].GetString()) == "evt_m7_1");
  doc = parse(f.get("/v1/events", {{"room", "7"}, {"since", format_utc(kT0 - 30000)}, {"app", "shop"}}).body);
  REQUIRE(doc.Size() == 1);
  CHECK(std::string(doc[0]["id"].GetString()) == "evt_7_2");
  CHECK(parse(f.get("/v1/events", {{"limit", "1"}}).body).Size() == 1);
  CHECK(parse(f.get("/v1/events", {{"after", std::to_string(f.seqs[2])}}).body).Size() == 1);
}

TEST_CASE("v1 events answers 400 with a JSON error for bad values") {
  RoutesFixture f;
  CHECK(f.get("/v1/events", {{"room", "abc"}}).status == 400);
  CHECK(error_of(f.get("/v1/events", {{"since", "yesterday"}})).find("since") != std::string::npos);
  CHECK(f.get("/v1/events", {{"limit", "0"}}).status == 400);
  CHECK(f.get("/v1/events", {{"limit", "100000"}}).status == 400);
  CHECK(f.get("/v1/events", {{"after", "-1"}}).status == 400);
  CHECK(f.get("/v1/events", {{"room_id", "7"}}).status == 400);
  CHECK(f.get("/v1/events", {{"room", "7"}, {"room", "8"}}).status == 400);
}

TEST_CASE("v1 apps habits is the shared habits view, unknown apps 404") {
  RoutesFixture f;
  wxlived::engine::Habits learned = wxlived::engine::prior_habits();
  learned.pause_length.observe(270, 270);
  wxlived::store::Observation o;
  o.app = "shop";
  o.habits_json = wxlived::engine::habits_to_json(learned);
  must(f.store.commit_observation(o));

  Reply r = f.get("/v1/apps/shop/habits");
  CHECK(r.status == 200);
  CHECK(r.content_type == "application/json");
  CHECK(r.body == habits_summary_json(AppHabits{"shop", o.habits_json}) + "\n");
  auto doc = parse(r.body);
  CHECK(std::string(doc["app"].GetString()) == "shop");
  CHECK(doc["habits"]["pause_length"]["observations"].GetDouble() == 1);

  // mall is known (rooms, quota) but has learned nothing: the prior.
  r = f.get("/v1/apps/mall/habits");
  CHECK(r.status == 200);
  CHECK(r.body == habits_summary_json(AppHabits{"mall", std::nullopt}) + "\n");
  CHECK(parse(r.body)["habits"]["pause_length"]["observations"].GetDouble() == 0);

  r = f.get("/v1/apps/x/habits");
  CHECK(r.status == 404);
  CHECK(error_of(r) == "no app x");
  CHECK(f.get("/v1/apps//habits").status == 404);
  CHECK(f.get("/v1/apps/shop/habits/x").status == 404);
  CHECK(f.get("/v1/apps/shop/x/habits").status == 404);
  CHECK(f.get("/v1/apps/shop").status == 404);
  CHECK(f.get("/v1/apps/shop/habits", {{"app", "mall"}}).status == 400);
  CHECK(f.routes.handle(Request{"POST", "/v1/apps/shop/habits", {}}).status == 405);
  CHECK(f.routes.handle(Request{"HEAD", "/v1/apps/shop/habits", {}}).status == 200);
}
