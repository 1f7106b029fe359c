#include "wxlived/config/config.hpp"

#include <algorithm>

namespace wxlived::config {
namespace {

std::string join_names(const auto& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item.name;
  }
  return out;
}

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
  std::string out = plural(apps.size(), "app") + " (" + join_names(apps) + "), ";
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
