// The gauges the alert rules are written against (etc/prometheus/wxlived-alerts.yml):
// dead deliveries and disabled endpoints, read from a real database, which go back
// to zero when `wxlivectl redeliver` / `enable-endpoint` act on them; and the instant each
// app's daily quota returns.
#include <doctest/doctest.h>

#include "admin_fixture.hpp"
#include "wxlived/admin/metrics.hpp"

using namespace wxlived::admin;
using namespace wxlived::admin::testing;
namespace store = wxlived::store;

namespace {

std::string scrape(Metrics& metrics, StoreFixture& f, const Health& health, std::int64_t now) {
  auto reader = must(store::StateStore::open_readonly(f.db));
  return must(metrics.scrape(reader, health, now));
}

void give_up(StoreFixture& f, std::int64_t seq, std::int64_t now) {
  must(f.store.record_delivery_attempt(
      {seq, "crm", store::DeliveryState::dead, 500, std::string("HTTP 500"), now, now, std::nullopt, std::nullopt}));
}

}  // namespace

TEST_CASE("dead deliveries per endpoint stay counted until redeliver requeues them") {
  StoreFixture f;
  Metrics metrics("0");
  metrics.expect_endpoints({"crm", "idle"});
  Health health;
  CHECK(sample(scrape(metrics, f, health, kT0 + 1000), "wxlived_outbox_dead_deliveries{endpoint=\"crm\"}") == 0);
  CHECK(sample(scrape(metrics, f, health, kT0 + 1000), "wxlived_outbox_dead_deliveries{endpoint=\"idle\"}") == 0);

  give_up(f, f.seqs[1], kT0 + 2000);
  give_up(f, f.seqs[3], kT0 + 3000);
  // Hours later nothing has changed: the gauge still says 2 (an alert on it
  // keeps firing, unlike one on the counter's increase).
  const std::string later = scrape(metrics, f, health, kT0 + 6 * 3600 * 1000);
  CHECK(sample(later, "wxlived_outbox_dead_deliveries{endpoint=\"crm\"}") == 2);
  CHECK(sample(later, "wxlived_outbox_dead_deliveries{endpoint=\"idle\"}") == 0);
  CHECK(sample(later, "wxlived_outbox_pending_deliveries{endpoint=\"crm\"}") == 1);  // evt_8_1 only

  CHECK(must(f.store.requeue_dead(kT0 + 7 * 3600 * 1000, std::string_view("crm"))) == 2);
  const std::string requeued = scrape(metrics, f, health, kT0 + 7 * 3600 * 1000);
  CHECK(sample(requeued, "wxlived_outbox_dead_deliveries{endpoint=\"crm\"}") == 0);
  CHECK(sample(requeued, "wxlived_outbox_pending_deliveries{endpoint=\"crm\"}") == 3);
}

TEST_CASE("an endpoint no longer configured still shows its dead deliveries") {
  StoreFixture f;
  Metrics metrics("0");  // no expect_endpoints: "crm" is only in the database
  Health health;
  give_up(f, f.seqs[2], kT0 + 2000);
  CHECK(sample(scrape(metrics, f, health, kT0 + 5000), "wxlived_outbox_dead_deliveries{endpoint=\"crm\"}") == 1);
}

TEST_CASE("the quota reset is the next 00:00 Beijing time, per app") {
  StoreFixture f;
  Metrics metrics("0");
  Health health;
  health.engine_state("shop", false, false, 500);
  health.engine_state("mall", false, true, 45);
  // kT0 is 2025-11-24T16:00:00Z, the first instant of 2025-11-25 in Beijing.
  const double next_midnight = static_cast<double>(kT0) / 1000 + 86400;
  const std::string at_start = scrape(metrics, f, health, kT0);
  CHECK(sample(at_start, "wxlived_quota_resets_at_timestamp_seconds{app=\"shop\"}") == next_midnight);
  CHECK(sample(at_start, "wxlived_quota_resets_at_timestamp_seconds{app=\"mall\"}") == next_midnight);
  const std::string last_second = scrape(metrics, f, health, kT0 + 86400 * 1000 - 1);
  CHECK(sample(last_second, "wxlived_quota_resets_at_timestamp_seconds{app=\"shop\"}") == next_midnight);
  const std::string next_day = scrape(metrics, f, health, kT0 + 86400 * 1000);
  CHECK(sample(next_day, "wxlived_quota_resets_at_timestamp_seconds{app=\"shop\"}") == next_midnight + 86400);
  CHECK(at_start.find("# TYPE wxlived_quota_resets_at_timestamp_seconds gauge") != std::string::npos);
  CHECK(at_start.find("# TYPE wxlived_outbox_dead_deliveries gauge") != std::string::npos);
}

TEST_CASE("an endpoint disabled by a 410 is 1 until enable-endpoint, the others 0") {
  StoreFixture f;
  Metrics metrics("0");
  metrics.expect_endpoints({"crm", "idle"});
  Health health;
  must(f.store.disable_endpoint("crm", "HTTP 410", kT0 + 1000));
  const std::string disabled = scrape(metrics, f, health, kT0 + 2000);
  CHECK(sample(disabled, "wxlived_webhook_endpoint_disabled{endpoint=\"crm\"}") == 1);
  CHECK(sample(disabled, "wxlived_webhook_endpoint_disabled{endpoint=\"idle\"}") == 0);
  must(f.store.enable_endpoint("crm"));
  CHECK(sample(scrape(metrics, f, health, kT0 + 3000), "wxlived_webhook_endpoint_disabled{endpoint=\"crm\"}") == 0);
}
