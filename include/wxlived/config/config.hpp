#pragma once
// The daemon's configuration as a plain value (SPEC section 4). Built only by
// config::load_config / parse_config, which validate all of it: a Config that
// exists is a Config the daemon can run with, so SIGHUP can swap it whole.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wxlived/config/secret.hpp"

namespace wxlived::config {

enum class LogFormat { text, json };
enum class TokenMode { stable, classic, command };

struct DaemonSettings {
  std::filesystem::path state_dir = "/var/lib/wxlived";
  LogFormat log_format = LogFormat::text;
  std::string log_level = "info";
  std::string admin_listen = "127.0.0.1:9466";  // "" = admin HTTP off
  // A folder of app files (one app each, read at start and every reload);
  // "" = none. Absolute: a relative key is resolved against the config's folder.
  std::filesystem::path apps_dir;
  std::filesystem::path db_path() const { return state_dir / "wxlived.db"; }
};

struct AppSettings {
  std::string name;
  std::string appid;
  SecretValue secret;
  TokenMode token_mode = TokenMode::stable;
  std::string token_command;  // only with TokenMode::command
  int token_command_timeout_s = 10;
  std::string api_base = "https://api.weixin.qq.com";
  std::optional<std::int64_t> daily_quota = 500;  // nullopt = "auto"
  int page_size = 100;

  friend bool operator==(const AppSettings&, const AppSettings&) = default;
};

struct PollSettings {
  int min_interval_s = 60;

  friend bool operator==(const PollSettings&, const PollSettings&) = default;
};

struct RuleSettings {
  int abnormal_timeout_s = 900;
  int replay_delay_s = 600;

  friend bool operator==(const RuleSettings&, const RuleSettings&) = default;
};

struct DeliverySettings {
  int max_retry_age_s = 86400;  // retries stop this long after an event was queued: then dead
  // An endpoint failing this long (since its last 2xx) is reported: a warning
  // and the wxlived_webhook_endpoint_failing_seconds gauge. Unset: 1 h, or
  // half of max_retry_age_s when that is shorter (so a short retry age set
  // before this key existed stays valid).
  std::optional<int> failing_endpoint_warn_s;
  int failing_warn_s() const { return failing_endpoint_warn_s.value_or(std::min(3600, max_retry_age_s / 2)); }
};

// Delivered (or dead) events, old transitions, old quota days and rooms gone
// from WeChat's list are pruned after this many days; 0 keeps everything.
struct RetentionSettings {
  int days = 30;
};

// Where the state lives. SQLite (a file under state_dir) for one daemon;
// PostgreSQL for a fleet of daemons sharing one configuration, each app
// polled by the daemon holding its lease.
enum class StoreBackend { sqlite, postgresql };
struct StoreSettings {
  StoreBackend backend = StoreBackend::sqlite;
  // libpq keyword/value or URI. Inline `dsn` only without a password;
  // one with a password comes from dsn_file, dsn_env or dsn_credential.
  SecretValue dsn;
  bool dsn_is_secret = false;
  int lease_s = 15;   // an app's lease lasts this long without renewal
  std::string node;   // this daemon's name in the fleet (default: the host name)
  bool operator==(const StoreSettings&) const = default;
};

struct WebhookSettings {
  std::string name;
  std::string url;
  std::vector<SecretValue> secrets;  // several = rotation, each signs
  std::vector<std::string> events;   // empty = every event type
  std::vector<std::string> apps;     // empty = every app
  int timeout_s = 10;

  bool wants_event(std::string_view type) const;
  bool wants_app(std::string_view app) const;
};

struct Config {
  std::filesystem::path source;
  DaemonSettings daemon;
  std::vector<AppSettings> apps;
  // The last apps_from_dir of `apps` came from daemon.apps_dir, in file
  // name order; the ones before them from [[app]] blocks.
  std::size_t apps_from_dir = 0;
  PollSettings poll;
  RuleSettings rules;
  DeliverySettings delivery;
  RetentionSettings retention;
  StoreSettings store;
  std::vector<WebhookSettings> webhooks;
  // Valid but worth an operator's look, as "FILE:LINE: key: warning: message":
  // check-config prints them, the daemon logs them at start and reload.
  std::vector<std::string> warnings;

  const AppSettings* find_app(std::string_view name) const;
  // Every secret value in this config, for the log redactor.
  std::vector<std::string> secret_values() const;
  // "2 apps (shop, outlet), 1 webhook (crm), state dir /var/lib/wxlived";
  // with apps_dir, "3 apps (shop; 2 from /etc/wxlived/apps.d: a, b), ...".
  // A long list names its first apps and counts the rest.
  std::string summary() const;
};

// wxlivectl send-test's event: every endpoint takes it, whatever its `events`.
inline constexpr std::string_view kTestEventType = "webhook.test";

// Event types of SPEC section 5, in one place for the parser and the engine.
inline constexpr const char* kEventTypes[] = {
    "room.created",   "room.status_changed",   "room.updated",    "room.removed",
    "room.replay_ready", "app.quota_exhausted", "app.auth_failed", "app.recovered"};

// True for WeChat's own API hosts, where the 60 s floor and the documented
// rule durations may not be shortened.
bool is_wechat_host(std::string_view url);

const char* to_string(LogFormat format);
const char* to_string(TokenMode mode);

}  // namespace wxlived::config
