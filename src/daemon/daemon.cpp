#include "daemon.hpp"

#include <csignal>

#include "wxlived/config/load.hpp"
#include "wxlived/log/journal_stream.hpp"
#include "wxlived/log/log.hpp"
#include "wxlived/version.hpp"

namespace wxlived::daemon {
namespace {

constexpr auto kShutdownGrace = std::chrono::seconds(10);

std::int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void configure_daemon_logging(const config::Config& config) {
  log::LogSettings settings;
  settings.format = config.daemon.log_format == config::LogFormat::json ? log::Format::json : log::Format::text;
  if (auto level = log::parse_level(config.daemon.log_level)) settings.level = *level;
  settings.journal = log::stderr_is_journal();
  log::configure_logging(settings);
  log::process_redactor().set_secrets(config.secret_values());
}

Daemon::Daemon(config::Config config, std::filesystem::path config_file)
    : config_(std::move(config)),
      config_file_(std::move(config_file)),
      signals_(io_, SIGTERM, SIGINT, SIGHUP),
      shutdown_timer_(io_) {}

Daemon::~Daemon() = default;

int Daemon::run() {
  configure_daemon_logging(config_);
  if (!start()) return 1;
  watch_signals();
  io_.run();
  log::info("stopped", {{"exit_code", exit_code_}});
  return exit_code_;
}

bool Daemon::start() {
  const auto db_file = config_.daemon.db_path();
  auto store = store::StateStore::open(db_file);
  if (!store) {
    log::critical("cannot open the state store", {{"path", db_file.string()}, {"error", store.error().to_string()}});
    return false;
  }
  store_.emplace(std::move(*store));
  if (!start_observability()) return false;
  wechat_http_ = std::make_unique<http::CurlMulti>(io_, http::CurlMulti::Options{.user_agent = kUserAgent});
  delivery::DeliveryOptions delivery_options;
  delivery_options.policy.max_retry_age = std::chrono::seconds(config_.delivery.max_retry_age_s);
  observability_->hook(delivery_options);
  delivery_ = std::make_unique<delivery::DeliveryWorker>(io_, *store_, config_.webhooks, delivery_options);

  RunnerHooks hooks;
  hooks.clock = unix_ms;
  hooks.committed_events = [this] { delivery_->kick(); };
  hooks.fatal = [this](const std::string&) { begin_shutdown(1); };
  observability_->hook(hooks);
  for (const auto& app : config_.apps) {
    auto runner = std::make_unique<AppRunner>(io_, *wechat_http_, *store_, config_, app, hooks);
    std::string error;
    if (!runner->start(error)) {
      log::critical("cannot start app", {{"app", app.name}, {"error", error}});
      return false;
    }
    runners_.push_back(std::move(runner));
  }
  delivery_->kick();  // deliveries left pending by the previous run
  log::info("started", {{"version", kVersion},
                        {"apps", static_cast<std::int64_t>(config_.apps.size())},
                        {"webhooks", static_cast<std::int64_t>(config_.webhooks.size())},
                        {"db", db_file.string()}});
  return true;
}

// Metrics, health and the admin HTTP server. A bad admin_listen stops the
// start: an operator who asked for it expects it to be there.
bool Daemon::start_observability() {
  observability_ = std::make_unique<Observability>(io_);
  std::string error;
  if (observability_->start(config_, *store_, error)) return true;
  log::critical("cannot start the admin HTTP server", {{"admin_listen", config_.daemon.admin_listen}, {"error", error}});
  return false;
}

void Daemon::watch_signals() {
  signals_.async_wait([this](const asio::error_code& ec, int signal) {
    if (ec) return;
    if (signal == SIGHUP) {
      reload();
    } else {
      log::info("stopping", {{"signal", signal == SIGTERM ? "SIGTERM" : "SIGINT"}});
      begin_shutdown(0);
    }
    if (!stopping_ || signal == SIGHUP) watch_signals();
  });
}

// Swap in the new config only if all of it is valid; otherwise keep running
// with the old one and say why.
void Daemon::reload() {
  auto fresh = config::load_config(config_file_);
  if (!fresh) {
    for (const auto& e : fresh.error()) log::error("reload refused", {{"problem", e.to_string()}});
    return;
  }
  if (fresh->daemon.state_dir != config_.daemon.state_dir)
    log::warn("state_dir changes need a restart; keeping the old one", {{"state_dir", config_.daemon.state_dir.string()}});
  fresh->daemon.state_dir = config_.daemon.state_dir;
  config_ = std::move(*fresh);
  configure_daemon_logging(config_);
  delivery_->reconfigure(config_.webhooks);
  for (auto& runner : runners_) {
    if (const auto* app = config_.find_app(runner->name()))
      runner->reconfigure(config_, *app);
    else
      log::warn("an app removed from the config stops at the next restart", {{"app", runner->name()}});
  }
  log::info("reloaded", {{"summary", config_.summary()}});
}

void Daemon::begin_shutdown(int exit_code) {
  if (stopping_) return;
  stopping_ = true;
  exit_code_ = exit_code;
  signals_.cancel();
  for (auto& runner : runners_) runner->stop();
  shutdown_deadline_ = std::chrono::steady_clock::now() + kShutdownGrace;
  delivery_->stop(shutdown_deadline_, [this] { delivery_stopped_ = true; });
  finish_when_idle();
}

bool Daemon::runners_idle() const {
  for (const auto& runner : runners_)
    if (!runner->idle()) return false;
  return true;
}

// In-flight WeChat calls and POSTs finish and are committed, up to the grace.
void Daemon::finish_when_idle() {
  if ((delivery_stopped_ && runners_idle()) || std::chrono::steady_clock::now() >= shutdown_deadline_) {
    io_.stop();
    return;
  }
  shutdown_timer_.expires_after(std::chrono::milliseconds(50));
  shutdown_timer_.async_wait([this](const asio::error_code& ec) {
    if (!ec) finish_when_idle();
  });
}

}  // namespace wxlived::daemon
