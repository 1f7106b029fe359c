#pragma once
// The admin side of `wxlived run`: metrics, health and the admin HTTP server
// (admin/), and the hooks through which the loop feeds them. Kept out of
// Daemon so that the daemon only asks for hooks and a start.
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <filesystem>
#include <memory>
#include <string>

#include "app_runner.hpp"
#include "wxlived/admin/health.hpp"
#include "wxlived/admin/metrics.hpp"
#include "wxlived/admin/server.hpp"
#include "wxlived/config/config.hpp"
#include "wxlived/store/location.hpp"
#include "wxlived/delivery/delivery_worker.hpp"
#include "wxlived/store/state_store.hpp"

namespace wxlived::daemon {

// The store the admin API reads, as the config names it.
store::StoreLocation store_location(const config::Config& config);

class Observability {
 public:
  explicit Observability(asio::io_context& io);
  ~Observability();
  Observability(const Observability&) = delete;
  Observability& operator=(const Observability&) = delete;

  // Starts the loop's heartbeat and, unless admin_listen is "", the admin
  // HTTP server. False (with the reason, naming the address) if it cannot listen.
  bool start(const config::Config& config, store::StateStore& store, std::string& error);
  // SIGHUP: follows a changed admin_listen (a new address, or "" for off).
  // False (with the reason) if the new address cannot be bound; the server
  // on the old address then keeps serving.
  bool relisten(const config::Config& config, std::string& error);

  // Adds the metrics and health hooks (keeps whatever else the hooks do).
  void hook(RunnerHooks& hooks);
  void hook(delivery::DeliveryOptions& options);

  admin::Health& health() { return health_; }
  admin::Metrics& metrics() { return metrics_; }

 private:
  void beat();
  Expected<std::unique_ptr<admin::AdminServer>, std::string> listen(const std::string& address,
                                                                    const store::StoreLocation& db_file);

  asio::steady_timer heartbeat_;
  admin::Health health_;
  admin::Metrics metrics_;
  std::unique_ptr<admin::AdminServer> server_;
  std::string listening_on_;  // admin_listen as configured ("" = off)
};

}  // namespace wxlived::daemon
