#include "wxlived/config/config.hpp"

#include <algorithm>

namespace wxlived::config {
namespace {

// Thousands of apps (apps_dir) would make a summary line nobody reads.
constexpr std::size_t kNamesShown = 10;

template <class It>
std::string join_names(It begin, It end) {
  std::string out;
  std::size_t shown = 0;
  for (auto it = begin; it != end; ++it, ++shown) {
    if (shown == kNamesShown) return out + " and " + std::to_string(end - it) + " more";
    if (!out.empty()) out += ", ";
    out += it->name;
  }
  return out;
}

std::string join_names(const auto& items) { return join_names(items.begin(), items.end()); }

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

bool WebhookSettings::wants_event(std::string_view type) const {
  return events.empty() || type == kTestEventType || contains(events, type);
}
bool WebhookSettings::wants_app(std::string_view app) const { return apps.empty() || contains(apps, app); }

const AppSettings* Config::find_app(std::string_view name) const {
  for (const auto& app : apps)
    if (app.name == name) return &app;
  return nullptr;
}

std::vector<std::string> Config::secret_values() const {
  std::vector<std::string> out;
  for (const auto& app : apps)
    if (!app.secret.empty()) out.push_back(app.secret.reveal());
  for (const auto& hook : webhooks)
    for (const auto& secret : hook.secrets) out.push_back(secret.reveal());
  if (store.dsn_is_secret && !store.dsn.empty()) out.push_back(store.dsn.reveal());
  return out;
}

std::string Config::summary() const {
  auto plural = [](std::size_t n, const char* word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
  };
  std::string out = plural(apps.size(), "app") + " (";
  if (daemon.apps_dir.empty()) {
    out += join_names(apps);
  } else {
    const auto first_from_dir = apps.end() - static_cast<std::ptrdiff_t>(apps_from_dir);
    const auto in_file = static_cast<std::size_t>(first_from_dir - apps.begin());
    if (in_file > 0) out += std::to_string(in_file) + " in the config file: " + join_names(apps.begin(), first_from_dir) + "; ";
    out += std::to_string(apps_from_dir) + " in " + daemon.apps_dir.string();
    if (apps_from_dir > 0) out += ": " + join_names(first_from_dir, apps.end());
  }
  out += "), ";
  out += plural(webhooks.size(), "webhook");
  if (!webhooks.empty()) out += " (" + join_names(webhooks) + ")";
  out += ", state dir " + daemon.state_dir.string();
  return out;
}

const char* to_string(LogFormat format) { return format == LogFormat::json ? "json" : "text"; }

const char* to_string(TokenMode mode) {
  switch (mode) {
    case TokenMode::stable: return "stable";
    case TokenMode::classic: return "classic";
    case TokenMode::command: return "command";
  }
  return "?";
}

}  // namespace wxlived::config
