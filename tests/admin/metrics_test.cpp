// The metrics text: counters from hooks, gauges read from a real database
// and from Health, in Prometheus' text format.
#include <doctest/doctest.h>

#include "admin_fixture.hpp"
#include "wxlived/admin/metrics.hpp"

using namespace wxlived::admin;
using namespace wxlived::admin::testing;

namespace {

std::string scrape(Metrics& metrics, StoreFixture& f, const Health& health, std::int64_t now = kT0) {
  auto reader = must(wxlived::store::StateStore::open_readonly(f.db));
  return must(metrics.scrape(reader, health, now));
}

}  // namespace

TEST_CASE("build info is one series with the version") {
  StoreFixture f;
  Metrics metrics("1.2.3");
  Health health;
  const std::string text = scrape(metrics, f, health);
  CHECK(text.find("# TYPE wxlived_build_info gauge") != std::string::npos);
  CHECK(sample(text, "wxlived_build_info{version=\"1.2.3\"}") == 1);
}

TEST_CASE("rooms by status equal the database, removed rooms left out, every status present") {
  StoreFixture f;
  Metrics metrics("0");
  Health health;
  const std::string text = scrape(metrics, f, health);
  CHECK(sample(text, "wxlived_rooms{app=\"shop\",status=\"live\"}") == 1);
  CHECK(sample(text, "wxlived_rooms{app=\"shop\",status=\"not_started\"}") == 1);
  CHECK(sample(text, "wxlived_rooms{app=\"shop\",status=\"ended\"}") == 1);  // 10 is removed
  CHECK(sample(text, "wxlived_rooms{app=\"shop\",status=\"banned\"}") == 0);
  CHECK(sample(text, "wxlived_rooms{app=\"shop\",status=\"expired\"}") == 0);
  CHECK(sample(text, "wxlived_rooms{app=\"mall\",status=\"live\"}") == 1);
  CHECK(sample(text, "wxlived_rooms{app=\"mall\",status=\"paused\"}") == 0);
}

TEST_CASE("the outbox depth and the oldest undelivered age come from the database") {
  StoreFixture f;
  Metrics metrics("0");
  metrics.expect_endpoints({"crm", "idle"});
  Health health;
  const std::string text = scrape(metrics, f, health, kT0 + 60000);
  // Three rows undelivered at crm (two pending, one failed waiting to retry).
  CHECK(sample(text, "wxlived_outbox_pending_deliveries{endpoint=\"crm\"}") == 3);
  const auto rows = must(f.store.deliveries({}));
  std::int64_t oldest = kT0 + 60000;
  for (const auto& d : rows)
    if (d.state != wxlived::store::DeliveryState::delivered) oldest = std::min(oldest, d.queued_at_ms);
  CHECK(sample(text, "wxlived_outbox_oldest_pending_age_seconds{endpoint=\"crm\"}") ==
        doctest::Approx(static_cast<double>(kT0 + 60000 - oldest) / 1000.0));
  CHECK(sample(text, "wxlived_outbox_pending_deliveries{endpoint=\"idle\"}") == 0);
  CHECK(sample(text, "wxlived_outbox_oldest_pending_age_seconds{endpoint=\"idle\"}") == 0);
}

TEST_CASE("quota gauges: used from today's ledger row, limit and state from the engine") {
  StoreFixture f;
  Metrics metrics("0");
  Health health;
  health.engine_state("shop", false, false, 500);
  health.engine_state("mall", true, true, 45);
  health.poll_result("shop", true, kT0 - 2500);
  const std::string text = scrape(metrics, f, health);
  CHECK(sample(text, "wxlived_quota_used_calls{app=\"shop\"}") == 42);  // list 40 + replay 2; tokens do not count
  CHECK(sample(text, "wxlived_quota_limit_calls{app=\"shop\"}") == 500);
  CHECK(sample(text, "wxlived_quota_remaining_calls{app=\"shop\"}") == 458);
  CHECK(sample(text, "wxlived_quota_exhausted{app=\"shop\"}") == 0);
  CHECK(sample(text, "wxlived_app_auth_failed{app=\"shop\"}") == 0);
  CHECK(sample(text, "wxlived_last_successful_poll_timestamp_seconds{app=\"shop\"}") ==
        doctest::Approx(static_cast<double>(kT0 - 2500) / 1000.0));
  CHECK(sample(text, "wxlived_quota_used_calls{app=\"mall\"}") == 3);
  CHECK(sample(text, "wxlived_quota_remaining_calls{app=\"mall\"}") == 42);
  CHECK(sample(text, "wxlived_quota_exhausted{app=\"mall\"}") == 1);
  CHECK(sample(text, "wxlived_app_auth_failed{app=\"mall\"}") == 1);
  CHECK_FALSE(sample(text, "wxlived_last_successful_poll_timestamp_seconds{app=\"mall\"}").has_value());

  // The next Beijing day has no row yet: nothing used, everything remaining.
  const std::string tomorrow = scrape(metrics, f, health, kT0 + 86400000);
  CHECK(sample(tomorrow, "wxlived_quota_used_calls{app=\"shop\"}") == 0);
  CHECK(sample(tomorrow, "wxlived_quota_remaining_calls{app=\"shop\"}") == 500);
}

TEST_CASE("counters count what the hooks report, labelled as named") {
  StoreFixture f;
  Metrics metrics("0");
  Health health;
  metrics.count_call("shop", "list", "ok");
  metrics.count_call("shop", "list", "ok");
  metrics.count_call("shop", "replay", "busy");
  metrics.count_event("shop", "room.created");
  metrics.count_event("shop", "room.created");
  metrics.count_event("shop", "room.status_changed");
  metrics.count_delivery("crm", "delivered");
  metrics.count_delivery("crm", "retry");
  metrics.observe_delivery_latency("crm", 0.3);
  metrics.observe_delivery_latency("crm", 42);
  const std::string text = scrape(metrics, f, health);
  CHECK(sample(text, "wxlived_wechat_api_calls_total{api=\"list\",app=\"shop\",result=\"ok\"}") == 2);
  CHECK(sample(text, "wxlived_wechat_api_calls_total{api=\"replay\",app=\"shop\",result=\"busy\"}") == 1);
  CHECK(sample(text, "wxlived_events_total{app=\"shop\",type=\"room.created\"}") == 2);
  CHECK(sample(text, "wxlived_events_total{app=\"shop\",type=\"room.status_changed\"}") == 1);
  CHECK(sample(text, "wxlived_webhook_deliveries_total{endpoint=\"crm\",result=\"delivered\"}") == 1);
  CHECK(sample(text, "wxlived_webhook_deliveries_total{endpoint=\"crm\",result=\"retry\"}") == 1);
  CHECK(text.find("# TYPE wxlived_webhook_delivery_latency_seconds histogram") != std::string::npos);
  CHECK(sample(text, "wxlived_webhook_delivery_latency_seconds_count{endpoint=\"crm\"}") == 2);
  CHECK(sample(text, "wxlived_webhook_delivery_latency_seconds_sum{endpoint=\"crm\"}") == doctest::Approx(42.3));
  CHECK(sample(text, "wxlived_webhook_delivery_latency_seconds_bucket{endpoint=\"crm\",le=\"0.5\"}") == 1);
  CHECK(sample(text, "wxlived_webhook_delivery_latency_seconds_bucket{endpoint=\"crm\",le=\"60\"}") == 2);
  CHECK(sample(text, "wxlived_webhook_delivery_latency_seconds_bucket{endpoint=\"crm\",le=\"+Inf\"}") == 2);
}

TEST_CASE("store commits are counted by kind and every kind starts at zero") {
  StoreFixture f;
  Metrics metrics("0");
  Health health;
  const std::string before = scrape(metrics, f, health);
  for (const char* kind : {"observation", "schedule", "token_call"})
    CHECK(sample(before, std::string("wxlived_store_commits_total{kind=\"") + kind + "\"}") == 0);
  metrics.count_store_commit("observation");
  metrics.count_store_commit("observation");
  metrics.count_store_commit("schedule");
  const std::string after = scrape(metrics, f, health);
  CHECK(sample(after, "wxlived_store_commits_total{kind=\"observation\"}") == 2);
  CHECK(sample(after, "wxlived_store_commits_total{kind=\"schedule\"}") == 1);
  CHECK(sample(after, "wxlived_store_commits_total{kind=\"token_call\"}") == 0);
}

TEST_CASE("configured endpoints have their delivery series at zero before any delivery") {
  StoreFixture f;
  Metrics metrics("0");
  metrics.expect_endpoints({"crm"});
  Health health;
  const std::string text = scrape(metrics, f, health);
  for (const char* result : {"delivered", "retry", "dead", "gone"})
    CHECK(sample(text, std::string("wxlived_webhook_deliveries_total{endpoint=\"crm\",result=\"") + result + "\"}") ==
          0);
  CHECK(sample(text, "wxlived_webhook_delivery_latency_seconds_count{endpoint=\"crm\"}") == 0);
}

TEST_CASE("every family has HELP and TYPE lines") {
  StoreFixture f;
  Metrics metrics("0");
  Health health;
  health.engine_state("shop", false, false, 500);
  metrics.count_call("shop", "list", "ok");
  const std::string text = scrape(metrics, f, health);
  for (const char* name :
       {"wxlived_build_info", "wxlived_wechat_api_calls_total", "wxlived_quota_used_calls", "wxlived_quota_limit_calls",
        "wxlived_quota_remaining_calls", "wxlived_quota_exhausted", "wxlived_app_auth_failed", "wxlived_rooms",
        "wxlived_outbox_pending_deliveries", "wxlived_outbox_oldest_pending_age_seconds"}) {
    CAPTURE(name);
    CHECK(text.find(std::string("# HELP ") + name + " ") != std::string::npos);
    CHECK(text.find(std::string("# TYPE ") + name + " ") != std::string::npos);
  }
}

TEST_CASE("an endpoint's failing seconds count from its streak's start and are 0 once it recovers") {
  StoreFixture f;
  Metrics metrics("0");
  Health health;
  metrics.expect_endpoints({"crm", "erp"});
  metrics.set_endpoint_failing_since("crm", kT0 - 90'000);
  const std::string failing = scrape(metrics, f, health);
  CHECK(failing.find("# TYPE wxlived_webhook_endpoint_failing_seconds gauge") != std::string::npos);
  CHECK(sample(failing, "wxlived_webhook_endpoint_failing_seconds{endpoint=\"crm\"}") == 90);
  CHECK(sample(failing, "wxlived_webhook_endpoint_failing_seconds{endpoint=\"erp\"}") == 0);
  CHECK(sample(scrape(metrics, f, health, kT0 + 30'000), "wxlived_webhook_endpoint_failing_seconds{endpoint=\"crm\"}") ==
        120);
  metrics.set_endpoint_failing_since("crm", std::nullopt);
  CHECK(sample(scrape(metrics, f, health), "wxlived_webhook_endpoint_failing_seconds{endpoint=\"crm\"}") == 0);
}
