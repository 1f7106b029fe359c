#include "wxlived/admin/metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <mutex>
#include <set>
#include <sstream>

#include "wxlived/admin/process_stats.hpp"
#include "wxlived/admin/time_text.hpp"
#include "wxlived/engine/beijing_time.hpp"

namespace wxlived::admin {

namespace {

constexpr int kStatuses[] = {101, 102, 103, 104, 105, 106, 107};
constexpr std::string_view kDeliveryResults[] = {"delivered", "retry", "dead", "gone"};

prometheus::Histogram::BucketBoundaries latency_buckets() {
  return {std::begin(kLatencyBucketsS), std::end(kLatencyBucketsS)};
}

// What the database says at one instant (one read transaction).
struct DatabaseView {
  std::map<std::string, std::map<std::string, std::int64_t>> rooms;  // app -> status name -> rooms
  struct Outbox {
    std::int64_t pending = 0;
    std::int64_t oldest_queued_ms = 0;
  };
  std::map<std::string, Outbox> outbox;            // endpoint -> undelivered rows
  std::map<std::string, std::int64_t> dead;        // endpoint -> rows given up on (until redelivered)
  std::set<std::string> disabled;                  // endpoints a 410 disabled (until enable-endpoint)
  std::map<std::string, std::int64_t> quota_used;  // app -> getliveinfo calls today (Beijing day)
};

store::Result<DatabaseView> read_database(store::StateStore& db, std::int64_t now_ms) {
  auto tx = db.database().begin_read();
  if (!tx) return Unexpected{std::move(tx).error()};
  DatabaseView view;
  // Removed rooms (gone from WeChat's list) are history, not rooms.
  auto rooms = db.database().query(
      "SELECT app, status, COUNT(*) FROM rooms WHERE removed_at_ms IS NULL GROUP BY app, status");
  if (!rooms) return Unexpected{std::move(rooms).error()};
  for (;;) {
    auto row = rooms->step();
    if (!row) return Unexpected{std::move(row).error()};
    if (!*row) break;
    view.rooms[rooms->text(0)][std::string(status_name(static_cast<int>(rooms->int64(1))))] += rooms->int64(2);
  }
  // Pending and failed (waiting for a retry) rows: what is still to be sent.
  auto outbox = db.database().query(
      "SELECT endpoint, COUNT(*), MIN(queued_at_ms) FROM deliveries WHERE state IN ('pending', 'failed') "
      "GROUP BY endpoint");
  if (!outbox) return Unexpected{std::move(outbox).error()};
  for (;;) {
    auto row = outbox->step();
    if (!row) return Unexpected{std::move(row).error()};
    if (!*row) break;
    view.outbox[outbox->text(0)] = DatabaseView::Outbox{outbox->int64(1), outbox->int64(2)};
  }
  // Dead rows stay dead until `wxlivectl redeliver` requeues them (or
  // retention prunes them): a backlog that alerts until someone acts.
  auto dead = db.database().query("SELECT endpoint, COUNT(*) FROM deliveries WHERE state = 'dead' GROUP BY endpoint");
  if (!dead) return Unexpected{std::move(dead).error()};
  for (;;) {
    auto row = dead->step();
    if (!row) return Unexpected{std::move(row).error()};
    if (!*row) break;
    view.dead[dead->text(0)] = dead->int64(1);
  }
  auto disabled = db.database().query("SELECT name FROM endpoints WHERE disabled_at_ms IS NOT NULL");
  if (!disabled) return Unexpected{std::move(disabled).error()};
  for (;;) {
    auto row = disabled->step();
    if (!row) return Unexpected{std::move(row).error()};
    if (!*row) break;
    view.disabled.insert(disabled->text(0));
  }
  auto days = db.quota_days(beijing_day(now_ms));
  if (!days) return Unexpected{std::move(days).error()};
  for (const auto& q : *days) view.quota_used[q.app] = q.list_calls + q.replay_calls;
  return view;
}

prometheus::Family<prometheus::Gauge>& gauge(prometheus::Registry& r, const char* name, const char* help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(r);
}

}  // namespace

struct Metrics::Impl {
  prometheus::Registry registry;
  prometheus::Family<prometheus::Counter>& calls =
      prometheus::BuildCounter()
          .Name("wxlived_wechat_api_calls_total")
          .Help("WeChat API calls finished, by app, api (list|replay|token|quota) and result (ok or the failure)")
          .Register(registry);
  prometheus::Family<prometheus::Counter>& events =
      prometheus::BuildCounter()
          .Name("wxlived_events_total")
          .Help("Events committed to the outbox by this process, by app and type")
          .Register(registry);
  prometheus::Family<prometheus::Counter>& store_commits =
      prometheus::BuildCounter()
          .Name("wxlived_store_commits_total")
          .Help("Write transactions the polling loop committed to the state store, by kind "
                "(observation|schedule|token_call)")
          .Register(registry);
  prometheus::Family<prometheus::Counter>& deliveries =
      prometheus::BuildCounter()
          .Name("wxlived_webhook_deliveries_total")
          .Help("Webhook delivery attempts by endpoint and result (delivered|retry|dead|gone)")
          .Register(registry);
  prometheus::Family<prometheus::Histogram>& latency =
      prometheus::BuildHistogram()
          .Name("wxlived_webhook_delivery_latency_seconds")
          .Help("Time from an event's commit to its 2xx answer, by endpoint")
          .Register(registry);
  std::mutex endpoints_mu;
  std::set<std::string> endpoints;  // configured or seen
  std::map<std::string, std::int64_t> failing_since_ms;  // endpoint -> start of its failing streak (endpoints_mu)
};

Metrics::Metrics(std::string_view version) : impl_(std::make_unique<Impl>()) {
  // Present at zero from the start, so a rate over a window needs no first commit.
  for (const char* kind : {"observation", "schedule", "token_call"}) impl_->store_commits.Add({{"kind", kind}});
  gauge(impl_->registry, "wxlived_build_info", "Always 1; the version label says which build is running")
      .Add({{"version", std::string(version)}})
      .Set(1);
}

Metrics::~Metrics() = default;

void Metrics::count_call(const std::string& app, std::string_view api, std::string_view result) {
  impl_->calls.Add({{"app", app}, {"api", std::string(api)}, {"result", std::string(result)}}).Increment();
}

void Metrics::count_event(const std::string& app, const std::string& type) {
  impl_->events.Add({{"app", app}, {"type", type}}).Increment();
}

void Metrics::count_store_commit(std::string_view kind) {
  impl_->store_commits.Add({{"kind", std::string(kind)}}).Increment();
}

void Metrics::count_delivery(const std::string& endpoint, std::string_view result) {
  impl_->deliveries.Add({{"endpoint", endpoint}, {"result", std::string(result)}}).Increment();
  std::lock_guard lock(impl_->endpoints_mu);
  impl_->endpoints.insert(endpoint);
}

void Metrics::observe_delivery_latency(const std::string& endpoint, double seconds) {
  impl_->latency.Add({{"endpoint", endpoint}}, latency_buckets()).Observe(seconds);
}

void Metrics::expect_endpoints(const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    for (const std::string_view result : kDeliveryResults) impl_->deliveries.Add({{"endpoint", name}, {"result", std::string(result)}});
    impl_->latency.Add({{"endpoint", name}}, latency_buckets());
  }
  std::lock_guard lock(impl_->endpoints_mu);
  impl_->endpoints.insert(names.begin(), names.end());
}

void Metrics::set_endpoint_failing_since(const std::string& endpoint, std::optional<std::int64_t> since_ms) {
  std::lock_guard lock(impl_->endpoints_mu);
  impl_->endpoints.insert(endpoint);
  if (since_ms) {
    impl_->failing_since_ms[endpoint] = *since_ms;
  } else {
    impl_->failing_since_ms.erase(endpoint);
  }
}

store::Result<std::string> Metrics::scrape(store::StateStore& db, const Health& health, std::int64_t now_ms) const {
  auto view = read_database(db, now_ms);
  if (!view) return Unexpected{std::move(view).error()};
  const std::map<std::string, AppStatus> apps = health.apps();

  // Gauges computed now live in a registry of their own, built for this
  // scrape: a series that no longer exists simply is not there.
  prometheus::Registry now;
  auto& rooms = gauge(now, "wxlived_rooms", "Rooms WeChat lists now, by app and status (removed rooms excluded)");
  auto& used = gauge(now, "wxlived_quota_used_calls", "getliveinfo calls spent in the current Beijing day");
  auto& limit = gauge(now, "wxlived_quota_limit_calls", "getliveinfo calls allowed per Beijing day");
  auto& remaining = gauge(now, "wxlived_quota_remaining_calls", "getliveinfo calls left in the current Beijing day");
  auto& resets_at = gauge(now, "wxlived_quota_resets_at_timestamp_seconds",
                         "Unix time the app's daily quota returns (the next 00:00 Beijing time, UTC+8)");
  auto& exhausted = gauge(now, "wxlived_quota_exhausted", "1 while the app's daily quota is spent, else 0");
  auto& auth_failed = gauge(now, "wxlived_app_auth_failed", "1 while WeChat refuses the app's credentials, else 0");
  auto& last_poll = gauge(now, "wxlived_last_successful_poll_timestamp_seconds",
                          "Unix time of the app's last successful getliveinfo call");
  auto& pending = gauge(now, "wxlived_outbox_pending_deliveries",
                        "Deliveries not yet made (pending or waiting for a retry), by endpoint");
  auto& oldest = gauge(now, "wxlived_outbox_oldest_pending_age_seconds",
                       "Age of the oldest delivery not yet made, by endpoint; 0 when there is none");
  auto& dead = gauge(now, "wxlived_outbox_dead_deliveries",
                     "Deliveries given up on (dead) and not requeued by wxlivectl redeliver, by endpoint");
  auto& endpoint_disabled = gauge(now, "wxlived_webhook_endpoint_disabled",
                                 "1 while the endpoint is disabled (it answered 410 Gone) until wxlivectl enable-endpoint, else 0");

  std::set<std::string> app_names;
  for (const auto& entry : apps) app_names.insert(entry.first);
  for (const auto& entry : view->rooms) app_names.insert(entry.first);
  for (const std::string& app : app_names) {
    const auto counted = view->rooms.find(app);
    for (const int status : kStatuses) {
      const std::string name(status_name(status));
      std::int64_t n = 0;
      if (counted != view->rooms.end()) {
        const auto it = counted->second.find(name);
        if (it != counted->second.end()) n = it->second;
      }
      rooms.Add({{"app", app}, {"status", name}}).Set(static_cast<double>(n));
    }
    if (counted != view->rooms.end() && counted->second.contains("unknown"))
      rooms.Add({{"app", app}, {"status", "unknown"}}).Set(static_cast<double>(counted->second.at("unknown")));
  }
  for (const auto& [app, s] : apps) {
    const auto spent = view->quota_used.find(app);
    const std::int64_t n = spent == view->quota_used.end() ? 0 : spent->second;
    used.Add({{"app", app}}).Set(static_cast<double>(n));
    if (s.quota_limit) {
      limit.Add({{"app", app}}).Set(static_cast<double>(*s.quota_limit));
      remaining.Add({{"app", app}}).Set(static_cast<double>(std::max<std::int64_t>(0, *s.quota_limit - n)));
    }
    resets_at.Add({{"app", app}}).Set(static_cast<double>(engine::next_beijing_midnight(now_ms) / 1000));
    exhausted.Add({{"app", app}}).Set(s.quota_exhausted ? 1 : 0);
    auth_failed.Add({{"app", app}}).Set(s.auth_failed ? 1 : 0);
    if (s.last_success_ms) last_poll.Add({{"app", app}}).Set(static_cast<double>(*s.last_success_ms) / 1000.0);
  }
  std::set<std::string> endpoints;
  std::map<std::string, std::int64_t> failing_since_ms;
  {
    std::lock_guard lock(impl_->endpoints_mu);
    endpoints = impl_->endpoints;
    failing_since_ms = impl_->failing_since_ms;
  }
  auto& failing = gauge(now, "wxlived_webhook_endpoint_failing_seconds",
                        "Seconds since the endpoint's attempts began failing (since its last 2xx); 0 when healthy");
  for (const std::string& endpoint : endpoints) {
    const auto since = failing_since_ms.find(endpoint);
    failing.Add({{"endpoint", endpoint}})
        .Set(since == failing_since_ms.end()
                 ? 0
                 : static_cast<double>(std::max<std::int64_t>(0, now_ms - since->second)) / 1000.0);
  }
  for (const auto& entry : view->outbox) endpoints.insert(entry.first);
  for (const auto& entry : view->dead) endpoints.insert(entry.first);
  for (const std::string& endpoint : endpoints) {
    const auto it = view->outbox.find(endpoint);
    const bool any = it != view->outbox.end() && it->second.pending > 0;
    pending.Add({{"endpoint", endpoint}}).Set(any ? static_cast<double>(it->second.pending) : 0);
    const double age_s = any ? static_cast<double>(std::max<std::int64_t>(0, now_ms - it->second.oldest_queued_ms)) / 1000.0 : 0;
    oldest.Add({{"endpoint", endpoint}}).Set(age_s);
    const auto given_up = view->dead.find(endpoint);
    dead.Add({{"endpoint", endpoint}}).Set(given_up == view->dead.end() ? 0 : static_cast<double>(given_up->second));
    endpoint_disabled.Add({{"endpoint", endpoint}}).Set(view->disabled.contains(endpoint) ? 1 : 0);
  }
  add_process_metrics(now);

  std::vector<prometheus::MetricFamily> families = impl_->registry.Collect();
  std::vector<prometheus::MetricFamily> computed = now.Collect();
  families.insert(families.end(), std::make_move_iterator(computed.begin()), std::make_move_iterator(computed.end()));
  std::ostringstream text;
  prometheus::TextSerializer().Serialize(text, families);
  return text.str();
}

}  // namespace wxlived::admin
