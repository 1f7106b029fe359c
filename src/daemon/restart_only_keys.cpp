#include "restart_only_keys.hpp"

#include "wxlived/log/log.hpp"

namespace wxlived::daemon {

// Everything else a reload applies (docs/OPERATIONS.md, "Reload"): log
// settings, admin_listen, apps, webhooks, [poll], [rules], [delivery],
// [retention]. state_dir and [store] are the exceptions: the store is open
// (in state_dir, whose lock file is held for the life of the process, or on
// the PostgreSQL server the dsn names) and the fleet knows this daemon.
std::vector<RestartOnlyChange> keep_restart_only_values(const config::Config& running, config::Config& fresh) {
  std::vector<RestartOnlyChange> changes;
  if (fresh.daemon.state_dir != running.daemon.state_dir) {
    changes.push_back({"daemon.state_dir", running.daemon.state_dir.string(), fresh.daemon.state_dir.string()});
    fresh.daemon.state_dir = running.daemon.state_dir;
  }
  const auto& was = running.store;
  auto& now = fresh.store;
  const auto backend = [](const config::StoreSettings& s) {
    return s.backend == config::StoreBackend::postgresql ? "postgresql" : "sqlite";
  };
  if (now.backend != was.backend) changes.push_back({"store.backend", backend(was), backend(now)});
  // The DSN may hold a password: say that it changed, not what it is.
  if (now.dsn != was.dsn) changes.push_back({"store.dsn", "(running)", "(changed)"});
  if (now.lease_s != was.lease_s)
    changes.push_back({"store.lease_s", std::to_string(was.lease_s), std::to_string(now.lease_s)});
  if (now.node != was.node) changes.push_back({"store.node", was.node, now.node});
  now = was;
  return changes;
}

void warn_restart_only_changes(const std::vector<RestartOnlyChange>& changes) {
  for (const auto& change : changes)
    log::warn("needs a restart: the running value is kept until then",
              {{"key", change.key}, {"running", change.running}, {"configured", change.configured}});
}

}  // namespace wxlived::daemon
