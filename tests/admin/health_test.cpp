// Liveness from the loop's heartbeat and readiness from each app's polls and
// engine state; times are passed in, nothing waits.
#include <doctest/doctest.h>

#include "wxlived/admin/health.hpp"

using namespace wxlived::admin;

namespace {

constexpr std::int64_t kT0 = 1764000000000;

const AppReadiness& app_of(const Readiness& r, const std::string& name) {
  for (const auto& a : r.apps)
    if (a.app == name) return a;
  FAIL("no app " << name);
  return r.apps.front();
}

}  // namespace

TEST_CASE("the loop is alive while it beats and stuck after 30 s without a beat") {
  Health health;
  const auto t = Health::SteadyClock::now();
  health.beat(t);
  CHECK(health.alive(t + std::chrono::seconds(29)));
  CHECK_FALSE(health.alive(t + std::chrono::seconds(31)));
  health.beat(t + std::chrono::seconds(31));
  CHECK(health.alive(t + std::chrono::seconds(32)));
}

TEST_CASE("an app is not ready before its first successful poll, and ready after") {
  Health health;
  health.engine_state("shop", false, false, 500);
  auto r = health.readiness(kT0);
  CHECK_FALSE(r.ready);
  CHECK(app_of(r, "shop").state == "starting");
  health.poll_result("shop", false, kT0);
  CHECK(app_of(health.readiness(kT0 + 1000), "shop").reason.find("failing") != std::string::npos);
  health.poll_result("shop", true, kT0 + 2000);
  r = health.readiness(kT0 + 2000);
  CHECK(r.ready);
  CHECK(app_of(r, "shop").state == "ok");
}

TEST_CASE("a seeded success from the previous run does not make an app ready") {
  Health health;
  health.engine_state("shop", false, false, 500);
  health.seed_last_success("shop", kT0 - 1000);
  CHECK_FALSE(health.readiness(kT0).ready);
  CHECK(health.apps().at("shop").last_success_ms == kT0 - 1000);
}

TEST_CASE("failing polls make an app unready only after the grace") {
  Health health;
  health.engine_state("shop", false, false, 500);
  health.poll_result("shop", true, kT0);
  health.poll_result("shop", false, kT0 + 1000);
  health.poll_result("shop", false, kT0 + 2000);
  CHECK(health.readiness(kT0 + Health::kFailingGraceMs).ready);
  const auto r = health.readiness(kT0 + 1000 + Health::kFailingGraceMs);
  CHECK_FALSE(r.ready);
  CHECK(app_of(r, "shop").state == "failing");
  health.poll_result("shop", true, kT0 + 2 * Health::kFailingGraceMs);
  CHECK(health.readiness(kT0 + 2 * Health::kFailingGraceMs).ready);
}

TEST_CASE("waiting for quota is ready, auth failed is not, and one unready app makes the daemon unready") {
  Health health;
  health.engine_state("shop", false, true, 500);
  health.engine_state("mall", true, false, 500);
  health.poll_result("mall", true, kT0);
  const auto r = health.readiness(kT0);
  CHECK(app_of(r, "shop").ready);
  CHECK(app_of(r, "shop").state == "waiting_for_quota");
  CHECK_FALSE(app_of(r, "mall").ready);
  CHECK(app_of(r, "mall").state == "auth_failed");
  CHECK_FALSE(r.ready);
  health.forget_app("mall");
  CHECK(health.readiness(kT0).ready);
}
