#include "daemon.hpp"

#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <random>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "restart_only_keys.hpp"
#include "state_permissions.hpp"
#include "wxlived/config/load.hpp"
#include "wxlived/log/journal_stream.hpp"
#include "wxlived/log/log.hpp"
#include "wxlived/sys/fd_limit.hpp"
#include "wxlived/version.hpp"

namespace wxlived::daemon {
namespace {

constexpr auto kShutdownGrace = std::chrono::seconds(10);
constexpr auto kStatusPeriod = std::chrono::seconds(30);

// A config's apps by name. With apps_dir a config may hold thousands of
// apps: a reload's diff looks each one up here, not with a linear find_app
// per runner (10,000 apps took 0.8 s of the loop that way).
using AppsByName = std::unordered_map<std::string_view, const config::AppSettings*>;

AppsByName apps_by_name(const config::Config& config) {
  AppsByName index;
  index.reserve(config.apps.size());
  for (const auto& app : config.apps) index.emplace(app.name, &app);
  return index;
}

const config::AppSettings* find_in(const AppsByName& index, std::string_view name) {
  const auto it = index.find(name);
  return it == index.end() ? nullptr : it->second;
}

// A runner must be rebuilt when anything its engine or WeChat client was
// built from changed; webhooks alone are swapped in place.
bool needs_new_runner(const config::Config& old_config, const AppsByName& old_apps, const config::Config& fresh,
                      const config::AppSettings& app) {
  const auto* before = find_in(old_apps, app.name);
  return before == nullptr || !(*before == app) || !(old_config.poll == fresh.poll) ||
         !(old_config.rules == fresh.rules);
}

delivery::DeliveryPolicy delivery_policy(const config::Config& config) {
  delivery::DeliveryPolicy policy;
  policy.max_retry_age = std::chrono::seconds(config.delivery.max_retry_age_s);
  policy.failing_warn_after = std::chrono::seconds(config.delivery.failing_warn_s());
  return policy;
}

std::int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A 0-byte file opens as a new database: no rooms, no ledger. Said, not silent.
void warn_if_empty_database(const std::filesystem::path& db_file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(db_file, ec) || std::filesystem::file_size(db_file, ec) != 0 || ec) return;
  log::warn("the state database is an empty file: starting with no state; every room will be announced as new "
            "and today's quota count starts from 0",
            {{"db", db_file.string()}});
}

}  // namespace

void configure_daemon_logging(const config::Config& config) {
  log::LogSettings settings;
  settings.format = config.daemon.log_format == config::LogFormat::json ? log::Format::json : log::Format::text;
  if (auto level = log::parse_level(config.daemon.log_level)) settings.level = *level;
  settings.journal = log::stderr_is_journal();
  log::configure_logging(settings);
  log::process_redactor().set_secrets(config.secret_values());
  for (const auto& warning : config.warnings) log::warn("config warning", {{"warning", warning}});
}

Daemon::Daemon(config::Config config, std::filesystem::path config_file)
    : config_(std::move(config)),
      config_file_(std::move(config_file)),
      signals_(io_, SIGTERM, SIGINT, SIGHUP),
      shutdown_timer_(io_),
      retire_timer_(io_),
      watchdog_(io_, notifier_),
      status_timer_(io_) {}

Daemon::~Daemon() = default;

int Daemon::run() {
  configure_daemon_logging(config_);
  use_fd_limit();
  if (!start()) return 1;
  watch_signals();
  io_.run();
  log::info("stopped", {{"exit_code", exit_code_}});
  return exit_code_;
}

// Before anything opens a socket: the admin server sizes its connection
// limit from the soft limit in force when it starts.
void Daemon::use_fd_limit() {
  auto limit = sys::raise_fd_limit();
  if (!limit)
    log::warn("open-file limit left as it is", {{"error", limit.error()}});
  else if (limit->raised)
    log::info("open-file limit raised to the hard limit", {{"limit", limit->soft}});
}

// SQLite: the state folder is locked (one daemon per file) and kept
// private. PostgreSQL: the server is the shared truth and the leases say
// who polls what, so several daemons may share one configuration.
bool Daemon::open_store() {
  if (fleet()) {
    auto store = store::StateStore::connect_postgresql(config_.store.dsn.reveal());
    if (!store) {
      log::critical("cannot open the state store", {{"backend", "postgresql"}, {"error", store.error().to_string()}});
      return false;
    }
    store_.emplace(std::move(*store));
    return true;
  }
  auto lock = StateLock::acquire(config_.daemon.state_dir);
  if (!lock) {
    log::critical("cannot lock the state directory", {{"error", lock.error()}});
    return false;
  }
  state_lock_.emplace(std::move(*lock));
  const auto db_file = config_.daemon.db_path();
  warn_if_empty_database(db_file);
  tighten_state_permissions(config_.daemon.state_dir, db_file);
  auto store = store::StateStore::open(db_file);
  if (!store) {
    log::critical("cannot open the state store", {{"path", db_file.string()}, {"error", store.error().to_string()}});
    return false;
  }
  store_.emplace(std::move(*store));
  return true;
}

bool Daemon::start() {
  if (!open_store()) return false;
  drop_unconfigured_schedules();
  if (!start_observability()) return false;
  wechat_http_ = std::make_unique<http::CurlMulti>(io_, http::CurlMulti::Options{.user_agent = kUserAgent});
  delivery::DeliveryOptions delivery_options;
  delivery_options.policy = delivery_policy(config_);
  observability_->hook(delivery_options);
  delivery_ = std::make_unique<delivery::DeliveryWorker>(io_, *store_, config_.webhooks, delivery_options);

  if (fleet()) {
    if (!start_fleet()) return false;
  } else {
    for (const auto& app : config_.apps) {
      std::string error;
      if (!start_runner(app, error)) {
        log::critical("cannot start app", {{"app", app.name}, {"error", error}});
        return false;
      }
    }
  }
  delivery_->kick();  // deliveries left pending by the previous run
  pruner_ = std::make_unique<RetentionPruner>(io_, *store_, unix_ms);
  pruner_->set_days(config_.retention.days);
  pruner_->start();
  if (!fleet()) {
    files_watch_ = std::make_unique<StoreFilesWatch>(io_, config_.daemon.db_path());
    files_watch_->start();
  }
  log::info("started", {{"version", kVersion},
                        {"apps", static_cast<std::int64_t>(config_.apps.size())},
                        {"webhooks", static_cast<std::int64_t>(config_.webhooks.size())},
                        {"db", fleet() ? std::string("postgresql") : config_.daemon.db_path().string()}});
  // Every runner has restored its state and posted its first plan.
  notifier_.ready(status_text());
  watchdog_.start();
  publish_status();
  return true;
}

// This daemon's name in the fleet: unique per run, so a restarted daemon
// never mistakes its predecessor's leases for its own.
static std::string fleet_owner_id(const std::string& node) {
  std::random_device random;
  char suffix[9];
  std::snprintf(suffix, sizeof suffix, "%08x", random());
  return node + "/" + std::to_string(::getpid()) + "/" + suffix;
}

bool Daemon::start_fleet() {
  if (auto joined = store_->join_fleet(fleet_owner_id(config_.store.node), std::chrono::seconds(config_.store.lease_s));
      !joined) {
    log::critical("cannot join the fleet", {{"error", joined.error().to_string()}});
    return false;
  }
  LeaseKeeperHooks hooks;
  hooks.configured_apps = [this] {
    std::vector<std::string> names;
    for (const auto& app : config_.apps) names.push_back(app.name);
    return names;
  };
  // An idle retired runner of the app does not block it: start_waiting_apps
  // reaps it before the new one starts.
  hooks.can_take = [this](const std::string& app) {
    return !stopping_ && std::none_of(retiring_.begin(), retiring_.end(), [&](const std::unique_ptr<AppRunner>& r) {
             return r->name() == app && !r->idle();
           });
  };
  hooks.acquired = [this](const std::string& app) {
    if (const auto* settings = config_.find_app(app)) {
      waiting_apps_.push_back(*settings);
      start_waiting_apps();
    }
    delivery_->kick();  // the previous owner's undelivered events are ours to send now
  };
  hooks.lost = [this](const std::string& app) { retire_runner(app); };
  hooks.shed = [this](const std::string& app) {
    releasing_.insert(app);
    retire_runner(app);
    start_waiting_apps();  // drives the release once the runner is idle
  };
  lease_keeper_ = std::make_unique<LeaseKeeper>(io_, *store_, config_.store, unix_ms(), std::move(hooks));
  log::info("joined the fleet", {{"owner", store_->fleet_owner()}, {"lease_s", config_.store.lease_s}});
  lease_keeper_->start();
  return true;
}

void Daemon::retire_runner(const std::string& app) {
  std::erase_if(waiting_apps_, [&](const config::AppSettings& a) { return a.name == app; });
  for (auto it = runners_.begin(); it != runners_.end(); ++it) {
    if ((*it)->name() != app) continue;
    (*it)->stop();
    retiring_.push_back(std::move(*it));
    runners_.erase(it);
    observability_->health().forget_app(app);
    notifier_.status(status_text());
    // Reaps it once idle (and releases a shed lease). Posted: this may run
    // inside the lease keeper's own loop over the leases it holds.
    asio::post(io_, [this] { start_waiting_apps(); });
    return;
  }
}

bool Daemon::start_runner(const config::AppSettings& app, std::string& error) {
  RunnerHooks hooks;
  hooks.clock = unix_ms;
  hooks.committed_events = [this] { delivery_->kick(); };
  hooks.fatal = [this](const std::string&) { begin_shutdown(1); };
  if (lease_keeper_) {
    hooks.lease_valid = [this, name = app.name] { return lease_keeper_->valid(name); };
    hooks.lease_lost = [this](const std::string& name) {
      asio::post(io_, [this, name] {
        retire_runner(name);
        lease_keeper_->give_up(name);  // taken again (a new epoch) once the runner is idle
      });
    };
  }
  observability_->hook(hooks);
  auto runner = std::make_unique<AppRunner>(io_, *wechat_http_, *store_, config_, app, hooks);
  if (!runner->start(error)) return false;
  runners_.push_back(std::move(runner));
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
  notifier_.reloading();
  auto fresh = config::load_config(config_file_);
  if (!fresh) {
    for (const auto& e : fresh.error()) log::error("reload refused", {{"problem", e.to_string()}});
    log::error("kept the previous config after a refused reload",
               {{"problems", static_cast<std::int64_t>(fresh.error().size())}});
    notifier_.ready(status_text());
    return;
  }
  const auto restart_only = keep_restart_only_values(config_, *fresh);
  std::string admin_error;
  if (!observability_->relisten(*fresh, admin_error)) {
    log::error("[daemon] admin_listen: the new address cannot be used; keeping the old one",
               {{"key", "admin_listen"}, {"kept", config_.daemon.admin_listen}, {"error", admin_error}});
    fresh->daemon.admin_listen = config_.daemon.admin_listen;
  }
  const config::Config old_config = std::exchange(config_, std::move(*fresh));
  configure_daemon_logging(config_);
  warn_restart_only_changes(restart_only);  // after: in the new log format
  delivery_->reconfigure(config_.webhooks);
  delivery_->set_policy(delivery_policy(config_));
  std::vector<std::string> endpoints;
  for (const auto& w : config_.webhooks) endpoints.push_back(w.name);
  observability_->metrics().expect_endpoints(endpoints);
  pruner_->set_days(config_.retention.days);
  apply_apps(old_config);
  log::info("reloaded", {{"summary", config_.summary()}});
  notifier_.ready(status_text());
}

// Apps kept as they were get the new webhooks in place; removed and changed
// apps' runners retire (their call in flight finishes and is committed);
// added and changed apps start from the store's state, as after a restart.
// Plans of apps removed from the config while the daemon was down: no loop
// will replace them, and wxlivectl schedule must not show them as current.
void Daemon::drop_unconfigured_schedules() {
  auto schedules = store_->app_schedules();
  if (!schedules) return;  // the operator's view only; the store's health is checked elsewhere
  const AppsByName configured = apps_by_name(config_);
  for (const store::AppSchedule& s : *schedules) {
    if (!find_in(configured, s.app)) (void)store_->drop_app_schedule(s.app);
  }
}

void Daemon::apply_apps(const config::Config& old_config) {
  const AppsByName old_apps = apps_by_name(old_config);
  const AppsByName new_apps = apps_by_name(config_);
  std::unordered_set<std::string_view> kept;  // names in config_, whose runners go on
  for (auto it = runners_.begin(); it != runners_.end();) {
    const auto* app = find_in(new_apps, (*it)->name());
    if (app && !needs_new_runner(old_config, old_apps, config_, *app)) {
      (*it)->reconfigure(config_, *app);
      kept.insert(app->name);
      ++it;
      continue;
    }
    log::info(app ? "app changed: restarting its loop" : "app removed: its loop stops", {{"app", (*it)->name()}});
    if (!app) {
      observability_->health().forget_app((*it)->name());
      if (auto dropped = store_->drop_app_schedule((*it)->name()); !dropped) {
        log::warn("dropping a removed app's schedule failed",
                  {{"app", (*it)->name()}, {"error", dropped.error().to_string()}});
      }
    }
    (*it)->stop();
    retiring_.push_back(std::move(*it));
    it = runners_.erase(it);
  }
  waiting_apps_.clear();
  for (const auto& app : config_.apps) {
    // In a fleet, only the apps this daemon holds the lease of.
    if (!kept.contains(app.name) && (!lease_keeper_ || lease_keeper_->holds(app.name))) waiting_apps_.push_back(app);
  }
  start_waiting_apps();
}

void Daemon::start_waiting_apps() {
  std::erase_if(retiring_, [this](const std::unique_ptr<AppRunner>& r) {
    if (!r->idle()) return false;
    if (releasing_.erase(r->name()) && lease_keeper_) lease_keeper_->release(r->name());
    return true;
  });
  if (stopping_) return;
  std::unordered_set<std::string_view> busy;  // apps whose old runner is still finishing
  for (const auto& runner : retiring_) busy.insert(runner->name());
  std::vector<config::AppSettings> still_waiting;
  for (const auto& app : waiting_apps_) {
    if (busy.contains(app.name)) {
      still_waiting.push_back(app);
      continue;
    }
    std::string error;
    if (start_runner(app, error)) {
      log::info("app started", {{"app", app.name}});
      notifier_.status(status_text());
    } else
      log::error("cannot start app; fix the config and reload", {{"app", app.name}, {"error", error}});
  }
  waiting_apps_ = std::move(still_waiting);
  if (retiring_.empty() && waiting_apps_.empty()) return;
  retire_timer_.expires_after(std::chrono::milliseconds(50));
  retire_timer_.async_wait([this](const asio::error_code& ec) {
    if (!ec) start_waiting_apps();
  });
}

// STATUS= for `systemctl status`: apps, rooms live, quota left per app.
std::string Daemon::status_text() {
  std::int64_t live = 0;
  if (auto rooms = store_->rooms())
    for (const auto& r : *rooms) live += r.status == 101 ? 1 : 0;
  std::string quota;
  const std::int64_t now = unix_ms();
  for (const auto& runner : runners_) {
    const auto& ledger = runner->engine().ledger();
    quota += (quota.empty() ? "" : ", ") + runner->name() + " " + std::to_string(ledger.remaining(now)) + "/" +
             std::to_string(ledger.limit());
  }
  return std::to_string(runners_.size()) + (runners_.size() == 1 ? " app, " : " apps, ") + std::to_string(live) +
         (live == 1 ? " room live" : " rooms live") + (quota.empty() ? "" : "; quota left: " + quota);
}

void Daemon::publish_status() {
  status_timer_.expires_after(kStatusPeriod);
  status_timer_.async_wait([this](const asio::error_code& ec) {
    if (ec || stopping_) return;
    notifier_.status(status_text());
    // Bursts (the first sweep of thousands of rooms, a backlog of webhooks
    // after an outage) leave freed heap that glibc keeps; give it back so
    // an idle daemon's RSS reflects what it holds, not its busiest minute.
    malloc_trim(0);
    publish_status();
  });
}

void Daemon::begin_shutdown(int exit_code) {
  if (stopping_) return;
  stopping_ = true;
  exit_code_ = exit_code;
  notifier_.stopping();
  status_timer_.cancel();
  if (pruner_) pruner_->stop();
  if (files_watch_) files_watch_->stop();
  if (lease_keeper_) lease_keeper_->stop();
  signals_.cancel();
  for (auto& runner : runners_) runner->stop();
  shutdown_deadline_ = std::chrono::steady_clock::now() + kShutdownGrace;
  delivery_->stop(shutdown_deadline_, [this] { delivery_stopped_ = true; });
  finish_when_idle();
}

bool Daemon::runners_idle() const {
  for (const auto& runner : runners_)
    if (!runner->idle()) return false;
  for (const auto& runner : retiring_)
    if (!runner->idle()) return false;
  return true;
}

// In-flight WeChat calls and POSTs finish and are committed, up to the grace.
void Daemon::finish_when_idle() {
  if ((delivery_stopped_ && runners_idle()) || std::chrono::steady_clock::now() >= shutdown_deadline_) {
    // Every commit is in: the other daemons may take the apps over at once
    // rather than after the leases expire.
    if (lease_keeper_) lease_keeper_->leave();
    io_.stop();
    return;
  }
  shutdown_timer_.expires_after(std::chrono::milliseconds(50));
  shutdown_timer_.async_wait([this](const asio::error_code& ec) {
    if (!ec) finish_when_idle();
  });
}

}  // namespace wxlived::daemon
