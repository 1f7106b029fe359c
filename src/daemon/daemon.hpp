#pragma once
// `wxlived run`: one io_context thread carries every app's engine loop, the
// WeChat calls, the webhook POSTs and the store's short transactions.
// SIGTERM/SIGINT stop it cleanly, SIGHUP reloads the config. systemd hears
// about each step (sd_notify) and gets watchdog pings from the loop itself.
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app_runner.hpp"
#include "lease_keeper.hpp"
#include "retention_pruner.hpp"
#include "state_lock.hpp"
#include "store_files_watch.hpp"
#include "observability.hpp"
#include "wxlived/config/config.hpp"
#include "wxlived/delivery/delivery_worker.hpp"
#include "wxlived/http/curl_multi.hpp"
#include "wxlived/store/state_store.hpp"
#include "wxlived/sys/service_notifier.hpp"
#include "wxlived/sys/watchdog_pinger.hpp"

namespace wxlived::daemon {

class Daemon {
 public:
  Daemon(config::Config config, std::filesystem::path config_file);
  ~Daemon();

  // Runs until stopped; the process exit code.
  int run();

 private:
  void use_fd_limit();
  bool start();
  bool open_store();
  bool fleet() const { return config_.store.backend == config::StoreBackend::postgresql; }
  bool start_fleet();
  void retire_runner(const std::string& app);
  bool start_runner(const config::AppSettings& app, std::string& error);
  bool start_observability();
  void watch_signals();
  void reload();
  void drop_unconfigured_schedules();
  void apply_apps(const config::Config& old_config);
  void start_waiting_apps();
  void publish_status();
  std::string status_text();
  void begin_shutdown(int exit_code);
  void finish_when_idle();
  bool runners_idle() const;

  config::Config config_;
  std::filesystem::path config_file_;
  asio::io_context io_;
  asio::signal_set signals_;
  asio::steady_timer shutdown_timer_;
  std::chrono::steady_clock::time_point shutdown_deadline_;
  std::optional<StateLock> state_lock_;  // taken before the store is opened
  std::optional<store::StateStore> store_;
  std::unique_ptr<Observability> observability_;  // outlives the runners and delivery that feed it
  std::unique_ptr<http::CurlMulti> wechat_http_;
  std::unique_ptr<delivery::DeliveryWorker> delivery_;
  std::unique_ptr<RetentionPruner> pruner_;
  std::unique_ptr<StoreFilesWatch> files_watch_;
  // The fleet (PostgreSQL backend): which apps this daemon polls. Apps it
  // sheds release their lease once their runner is idle (releasing_).
  std::unique_ptr<LeaseKeeper> lease_keeper_;
  std::set<std::string> releasing_;
  std::vector<std::unique_ptr<AppRunner>> runners_;
  // SIGHUP: runners of removed or changed apps finish their call in flight
  // here; a changed app's new runner starts once its old one is gone, so two
  // engines never write the same app's state.
  std::vector<std::unique_ptr<AppRunner>> retiring_;
  std::vector<config::AppSettings> waiting_apps_;
  asio::steady_timer retire_timer_;
  sys::ServiceNotifier notifier_;
  sys::WatchdogPinger watchdog_;
  asio::steady_timer status_timer_;
  bool stopping_ = false;
  bool delivery_stopped_ = false;
  int exit_code_ = 0;
};

// Logging as the config asks, journald-aware, with every secret redacted;
// then the config's warnings, in that format (start and every reload).
void configure_daemon_logging(const config::Config& config);

}  // namespace wxlived::daemon
