#pragma once
// Config keys a running daemon cannot apply on a reload. Each one changed in
// the new file is named in one warning (message "needs a restart", the key in
// a field) and keeps its running value until the next start.
#include <string>
#include <vector>

#include "wxlived/config/config.hpp"

namespace wxlived::daemon {

struct RestartOnlyChange {
  std::string key;  // as check-config names keys: "daemon.state_dir"
  std::string running;
  std::string configured;
};

// Puts the running values of the restart-only keys back into `fresh` and
// returns the keys whose value that changed (one place, so that what is kept
// and what is said cannot drift apart).
std::vector<RestartOnlyChange> keep_restart_only_values(const config::Config& running, config::Config& fresh);

// Logs one warning per change.
void warn_restart_only_changes(const std::vector<RestartOnlyChange>& changes);

}  // namespace wxlived::daemon
