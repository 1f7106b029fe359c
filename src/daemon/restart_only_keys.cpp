#include "restart_only_keys.hpp"

#include "wxlived/log/log.hpp"

namespace wxlived::daemon {

// Everything else a reload applies (docs/OPERATIONS.md, "Reload"): log
// settings, admin_listen, apps, webhooks, [poll], [rules], [delivery],
// [retention]. state_dir is the exception: the store is open in it and its
// lock file is held for the life of the process.
std::vector<RestartOnlyChange> keep_restart_only_values(const config::Config& running, config::Config& fresh) {
  std::vector<RestartOnlyChange> changes;
  if (fresh.daemon.state_dir != running.daemon.state_dir) {
    changes.push_back({"daemon.state_dir", running.daemon.state_dir.string(), fresh.daemon.state_dir.string()});
    fresh.daemon.state_dir = running.daemon.state_dir;
  }
  return changes;
}

void warn_restart_only_changes(const std::vector<RestartOnlyChange>& changes) {
  for (const auto& change : changes)
    log::warn("needs a restart: the running value is kept until then",
              {{"key", change.key}, {"running", change.running}, {"configured", change.configured}});
}

}  // namespace wxlived::daemon
