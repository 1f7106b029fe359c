#include "observability.hpp"

#include "wxlived/log/log.hpp"
#include "wxlived/version.hpp"

namespace wxlived::daemon {

namespace {

std::int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool is_poll(wechat::Api api) { return api == wechat::Api::list || api == wechat::Api::replay; }

}  // namespace

Observability::Observability(asio::io_context& io) : heartbeat_(io), metrics_(kVersion) {}

Observability::~Observability() = default;

bool Observability::start(const config::Config& config, store::StateStore& store, std::string& error) {
  std::vector<std::string> endpoints;
  for (const auto& hook : config.webhooks) endpoints.push_back(hook.name);
  metrics_.expect_endpoints(endpoints);
  // The previous run's last success, until this run has its own.
  if (auto apps = store.apps()) {
    for (const auto& app : *apps)
      if (app.last_success_ms && config.find_app(app.name)) health_.seed_last_success(app.name, *app.last_success_ms);
  }
  beat();
  listening_on_ = config.daemon.admin_listen;
  if (config.daemon.admin_listen.empty()) {
    log::info("admin HTTP off (admin_listen = \"\")");
    return true;
  }
  auto server = listen(config.daemon.admin_listen, store_location(config));
  if (!server) {
    error = server.error();
    return false;
  }
  server_ = std::move(*server);
  log::info("admin HTTP listening", {{"address", server_->address()}});
  return true;
}

store::StoreLocation store_location(const config::Config& config) {
  if (config.store.backend == config::StoreBackend::postgresql)
    return store::StoreLocation::postgresql_at(config.store.dsn.reveal());
  return store::StoreLocation(config.daemon.db_path());
}

Expected<std::unique_ptr<admin::AdminServer>, std::string> Observability::listen(
    const std::string& address, const store::StoreLocation& db_file) {
  return admin::AdminServer::start(address, admin::Routes(db_file, metrics_, health_, unix_ms));
}

bool Observability::relisten(const config::Config& config, std::string& error) {
  const std::string& wanted = config.daemon.admin_listen;
  if (wanted == listening_on_) return true;
  if (wanted.empty()) {
    server_.reset();
    listening_on_.clear();
    log::info("admin HTTP off (admin_listen = \"\")");
    return true;
  }
  // The new address is bound while the old server still runs; only a new
  // address that overlaps the old one (same port, another host) needs the
  // old server gone first, and gets it back if the new one fails.
  const auto db_file = store_location(config);
  auto server = listen(wanted, db_file);
  if (!server && server_) {
    server_.reset();
    server = listen(wanted, db_file);
    if (!server) {
      if (auto back = listen(listening_on_, db_file))
        server_ = std::move(*back);
      else
        listening_on_.clear();  // off until the next good reload; said in the error
    }
  }
  if (!server) {
    error = server.error() + (server_ ? "" : "; the old address could not be bound again either: admin HTTP is off");
    return false;
  }
  server_ = std::move(*server);
  listening_on_ = wanted;
  log::info("admin HTTP listening", {{"address", server_->address()}});
  return true;
}

// The loop stamps the heartbeat itself: if the loop is stuck, /healthz says so.
void Observability::beat() {
  health_.beat();
  heartbeat_.expires_after(std::chrono::seconds(1));
  heartbeat_.async_wait([this](const asio::error_code& ec) {
    if (!ec) beat();
  });
}

void Observability::hook(RunnerHooks& hooks) {
  hooks.call_finished = [this](const std::string& app, const wechat::CallRecord& record) {
    metrics_.count_call(app, wechat::to_string(record.api), wechat::to_string(record.outcome));
    if (!is_poll(record.api)) return;
    // A spent quota is a wait, not a failure; an invalid token is retried by
    // the client at once and judged by that retry.
    if (record.outcome == wechat::Outcome::quota_exhausted || record.outcome == wechat::Outcome::token_invalid) return;
    const bool ok = record.outcome == wechat::Outcome::ok || record.outcome == wechat::Outcome::no_rooms;
    health_.poll_result(app, ok, unix_ms());
  };
  hooks.store_committed = [this](std::string_view kind) { metrics_.count_store_commit(kind); };
  hooks.committed = [this](const AppRunner& runner, const std::vector<std::string>& event_types) {
    for (const std::string& type : event_types) metrics_.count_event(runner.name(), type);
    const engine::AppEngine& engine = runner.engine();
    const std::int64_t now = unix_ms();
    health_.engine_state(runner.name(), engine.health() == engine::AppHealth::auth_failed,
                         engine.health() == engine::AppHealth::quota_exhausted || engine.ledger().exhausted(now),
                         engine.ledger().limit());
  };
}

void Observability::hook(delivery::DeliveryOptions& options) {
  options.on_attempt = [this](const std::string& endpoint, std::string_view result, std::optional<double> latency_s) {
    metrics_.count_delivery(endpoint, result);
    if (latency_s) metrics_.observe_delivery_latency(endpoint, *latency_s);
  };
  options.on_endpoint_failing = [this](const std::string& endpoint, std::optional<std::int64_t> since_ms) {
    metrics_.set_endpoint_failing_since(endpoint, since_ms);
  };
}

}  // namespace wxlived::daemon
