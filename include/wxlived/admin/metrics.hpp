#pragma once
// wxlived's Prometheus metrics. Counters and the latency histogram are fed
// by the daemon's hooks (thread-safe: prometheus-cpp locks per family);
// gauges that mirror the database (rooms, outbox, quota used) are read at
// scrape time from a read-only connection, so they equal the database by
// construction; the per-app gauges come from Health.
//
// Names (fixed: alert rules and docs are written against them):
//   wxlived_build_info{version}                                  gauge, 1
//   wxlived_wechat_api_calls_total{app,api,result}               counter
//   wxlived_quota_used_calls{app}, _limit_calls, _remaining_calls gauges, Beijing day
//   wxlived_quota_resets_at_timestamp_seconds{app}               gauge, next 00:00 +08:00
//   wxlived_quota_exhausted{app}, wxlived_app_auth_failed{app}   gauges 0/1
//   wxlived_last_successful_poll_timestamp_seconds{app}          gauge
//   wxlived_rooms{app,status}                                    gauge
//   wxlived_events_total{app,type}                               counter
//   wxlived_store_commits_total{kind}                            counter, the loop's write transactions
//   wxlived_webhook_deliveries_total{endpoint,result}            counter
//   wxlived_outbox_pending_deliveries{endpoint}                  gauge
//   wxlived_outbox_oldest_pending_age_seconds{endpoint}          gauge
//   wxlived_outbox_dead_deliveries{endpoint}                     gauge
//   wxlived_webhook_endpoint_disabled{endpoint}                  gauge 0/1 (410 Gone)
//   wxlived_webhook_delivery_latency_seconds{endpoint}           histogram
//   process_cpu_seconds_total, process_resident_memory_bytes, process_virtual_memory_bytes,
//   process_open_fds, process_max_fds, process_start_time_seconds (process_stats.hpp)
//   wxlived_webhook_endpoint_failing_seconds{endpoint}           gauge, 0 when healthy
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wxlived/admin/health.hpp"
#include "wxlived/store/state_store.hpp"

namespace wxlived::admin {

// Event commit to 2xx: from sub-second (a receiver that is up) to a day (a
// receiver that was down and came back).
inline constexpr double kLatencyBucketsS[] = {0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 21600, 86400};

class Metrics {
 public:
  explicit Metrics(std::string_view version);
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // --- hooks (any thread) ----------------------------------------------------------
  // api: list|replay|token|quota; result: a wechat::Outcome name ("ok" on success).
  void count_call(const std::string& app, std::string_view api, std::string_view result);
  void count_event(const std::string& app, const std::string& type);
  // One write transaction of the polling loop: kind observation (what a plan
  // or an answer changed), schedule (the app's outlook) or token_call (the
  // day's token call count).
  void count_store_commit(std::string_view kind);
  // result: delivered|retry|dead|gone; latency (event commit -> 2xx) when delivered.
  void count_delivery(const std::string& endpoint, std::string_view result);
  void observe_delivery_latency(const std::string& endpoint, double seconds);
  // The configured endpoints: their series exist (at zero) before any delivery.
  void expect_endpoints(const std::vector<std::string>& names);
  // The endpoint's attempts have failed since `since_ms` (its first failure
  // after its last 2xx); nullopt: it answered 2xx again. Scraped as
  // wxlived_webhook_endpoint_failing_seconds = now - since, or 0.
  void set_endpoint_failing_since(const std::string& endpoint, std::optional<std::int64_t> since_ms);

  // --- scrape (any thread) -----------------------------------------------------------
  // The whole exposition text (Prometheus text format 0.0.4). `db` is the
  // caller's own read-only connection; one read transaction covers every
  // gauge read from it.
  store::Result<std::string> scrape(store::StateStore& db, const Health& health, std::int64_t now_ms) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wxlived::admin
