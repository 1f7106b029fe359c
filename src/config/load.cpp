#include "wxlived/config/load.hpp"

#include <toml++/toml.h>

#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>

#include "wxlived/config/key_suggestion.hpp"
#include "apps_dir.hpp"
#include "secret_source.hpp"
#include "toml_document.hpp"
#include "url.hpp"

namespace wxlived::config {
namespace {

namespace fs = std::filesystem;
using namespace std::string_view_literals;

constexpr std::array kRootKeys = {"daemon"sv,    "app"sv,   "poll"sv,   "rules"sv,
                                  "delivery"sv, "retention"sv, "store"sv, "webhook"sv};
constexpr std::array kStoreKeys = {"backend"sv,        "dsn"sv,     "dsn_file"sv, "dsn_env"sv,
                                   "dsn_credential"sv, "lease_s"sv, "node"sv};
constexpr std::array kDeliveryKeys = {"max_retry_age_s"sv, "failing_endpoint_warn_s"sv};
constexpr std::array kRetentionKeys = {"days"sv};
constexpr std::array kDaemonKeys = {"state_dir"sv, "log_format"sv, "log_level"sv, "admin_listen"sv, "apps_dir"sv};
constexpr std::array kAppKeys = {"name"sv,       "appid"sv,         "secret_file"sv,   "secret_env"sv,
                                 "secret_credential"sv, "token_mode"sv, "token_command"sv,
                                 "token_command_timeout_s"sv, "api_base"sv, "daily_quota"sv, "page_size"sv};
constexpr std::array kPollKeys = {"min_interval_s"sv};
constexpr std::array kRulesKeys = {"abnormal_timeout_s"sv, "replay_delay_s"sv};
constexpr std::array kWebhookKeys = {"name"sv,   "url"sv,  "secret_file"sv, "secret_env"sv, "secret_credential"sv,
                                     "events"sv, "apps"sv, "timeout_s"sv};
constexpr std::array kLogLevels = {"trace"sv, "debug"sv, "info"sv, "warn"sv, "error"sv, "critical"sv, "off"sv};

// WeChat documents these; against its own host they may only be lengthened.
constexpr int kWeChatMinInterval = 60;
constexpr int kWeChatAbnormalTimeout = 900;
constexpr int kWeChatReplayDelay = 600;

const char* type_name(toml::node_type type) {
  switch (type) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::none: break;
  }
  return "nothing";
}

int line_of(const toml::node& node) { return static_cast<int>(node.source().begin.line); }

// Reads one parsed TOML document into a Config, collecting every problem.
class ConfigReader {
 public:
  ConfigReader(std::string file, fs::path base_dir, const EnvLookup& env, LoadOptions options)
      : file_(std::move(file)), base_dir_(std::move(base_dir)), env_(env), options_(std::move(options)) {}

  Config read(const toml::table& root) {
    Config config;
    check_keys(root, "", kRootKeys);
    if (auto* t = section(root, "daemon")) read_daemon(*t, config.daemon);
    if (auto* t = section(root, "poll")) read_poll(*t, config.poll);
    if (auto* t = section(root, "rules")) read_rules(*t, config.rules);
    if (auto* t = section(root, "delivery")) read_delivery(*t, config.delivery);
    if (auto* t = section(root, "retention")) read_retention(*t, config.retention);
    if (auto* t = section(root, "store")) read_store(*t, config.store);
    if (config.store.node.empty()) config.store.node = host_name();
    read_apps(root, config.apps);
    read_apps_dir(root, config);
    read_webhooks(root, config.webhooks);
    check_cross_references(root, config);
    return config;
  }

  ConfigErrors take_errors() { return std::move(errors_); }
  // Problems in apps_dir's files: after the config file's own, file by file.
  ConfigErrors take_app_file_errors() { return std::move(app_file_errors_); }
  std::vector<std::string> take_warnings() { return std::move(warnings_); }

 private:
  void error(int line, std::string key, std::string message) {
    errors_.push_back({file_, line, std::move(key), std::move(message)});
  }
  void warning(int line, std::string key, std::string message) {
    warnings_.push_back(ConfigError{file_, line, std::move(key), "warning: " + std::move(message)}.to_string());
  }

  static std::string join(std::string_view path, std::string_view key) {
    return path.empty() ? std::string(key) : std::string(path) + "." + std::string(key);
  }

  template <std::size_t N>
  void check_keys(const toml::table& table, std::string_view path, const std::array<std::string_view, N>& known) {
    for (auto&& [key, value] : table) {
      const std::string_view name = key.str();
      if (std::find(known.begin(), known.end(), name) != known.end()) continue;
      std::string message = "unknown key";
      if (auto near = closest_key(name, known)) message += " (did you mean \"" + *near + "\"?)";
      error(static_cast<int>(key.source().begin.line), join(path, name), message);
    }
  }

  const toml::table* section(const toml::table& root, std::string_view name) {
    const toml::node* node = root.get(name);
    if (!node) return nullptr;
    if (auto* t = node->as_table()) return t;
    error(line_of(*node), std::string(name), std::string("expected a table [") + std::string(name) + "], found " +
                                                 type_name(node->type()));
    return nullptr;
  }

  const toml::node* typed(const toml::table& t, std::string_view path, std::string_view key, toml::node_type want) {
    const toml::node* node = t.get(key);
    if (!node) return nullptr;
    if (node->type() == want) return node;
    error(line_of(*node), join(path, key),
          std::string("expected ") + type_name(want) + ", found " + type_name(node->type()));
    return nullptr;
  }

  std::optional<std::string> get_string(const toml::table& t, std::string_view path, std::string_view key) {
    auto* node = typed(t, path, key, toml::node_type::string);
    if (!node) return std::nullopt;
    return node->as_string()->get();
  }

  // An integer in [min, max]; out-of-range values are reported and dropped.
  std::optional<std::int64_t> get_int(const toml::table& t, std::string_view path, std::string_view key,
                                      std::int64_t min, std::int64_t max) {
    auto* node = typed(t, path, key, toml::node_type::integer);
    if (!node) return std::nullopt;
    const std::int64_t value = node->as_integer()->get();
    if (value < min || value > max) {
      error(line_of(*node), join(path, key),
            "must be from " + std::to_string(min) + " to " + std::to_string(max) + ", not " + std::to_string(value));
      return std::nullopt;
    }
    return value;
  }

  void read_int(const toml::table& t, std::string_view path, std::string_view key, int& out, int min, int max) {
    if (auto v = get_int(t, path, key, min, max)) out = static_cast<int>(*v);
  }

  std::optional<std::vector<std::string>> get_string_list(const toml::table& t, std::string_view path,
                                                          std::string_view key) {
    auto* node = typed(t, path, key, toml::node_type::array);
    if (!node) return std::nullopt;
    std::vector<std::string> out;
    bool ok = true;
    for (const toml::node& item : *node->as_array()) {
      if (auto* s = item.as_string()) {
        out.push_back(s->get());
      } else {
        error(line_of(item), join(path, key), std::string("expected strings, found ") + type_name(item.type()));
        ok = false;
      }
    }
    if (!ok) return std::nullopt;
    return out;
  }

  template <std::size_t N>
  std::optional<std::string> get_choice(const toml::table& t, std::string_view path, std::string_view key,
                                        const std::array<std::string_view, N>& choices) {
    auto value = get_string(t, path, key);
    if (!value) return std::nullopt;
    if (std::find(choices.begin(), choices.end(), *value) != choices.end()) return value;
    std::string list;
    for (auto c : choices) list += (list.empty() ? "" : ", ") + std::string(c);
    error(line_of(*t.get(key)), join(path, key), "must be one of " + list + ", not \"" + *value + "\"");
    return std::nullopt;
  }

  void read_daemon(const toml::table& t, DaemonSettings& out) {
    check_keys(t, "daemon", kDaemonKeys);
    if (auto dir = get_string(t, "daemon", "state_dir")) {
      if (dir->empty()) {
        error(line_of(*t.get("state_dir")), "daemon.state_dir", "must not be empty");
      } else {
        fs::path p = *dir;
        out.state_dir = p.is_relative() ? base_dir_ / p : p;
      }
    } else if (!t.get("state_dir")) {
      use_systemd_state_directory(out);
    }
    if (auto dir = get_string(t, "daemon", "apps_dir")) {
      if (dir->empty())
        error(line_of(*t.get("apps_dir")), "daemon.apps_dir", "must not be empty");
      else
        out.apps_dir = fs::path(*dir).is_relative() ? base_dir_ / *dir : fs::path(*dir);
    }
    if (auto f = get_choice(t, "daemon", "log_format", std::array{"text"sv, "json"sv}))
      out.log_format = *f == "json" ? LogFormat::json : LogFormat::text;
    if (auto level = get_choice(t, "daemon", "log_level", kLogLevels)) out.log_level = *level;
    if (auto listen = get_string(t, "daemon", "admin_listen")) {
      std::string reason;
      if (listen->empty() || valid_listen_address(*listen, reason))
        out.admin_listen = *listen;
      else
        error(line_of(*t.get("admin_listen")), "daemon.admin_listen", reason);
      if (!listen->empty() && reason.empty() && !is_loopback_host("http://" + *listen))
        warning(line_of(*t.get("admin_listen")), "daemon.admin_listen",
                *listen + " is reachable from other machines and the admin port has no authentication: keep it "
                          "on loopback, or behind a firewall or an authenticating proxy");
    }
  }

  // Under systemd's StateDirectory=, $STATE_DIRECTORY names the folder.
  void use_systemd_state_directory(DaemonSettings& out) {
    if (auto dir = env_("STATE_DIRECTORY"); dir && !dir->empty()) {
      out.state_dir = dir->substr(0, dir->find(':'));
    }
  }

  void read_poll(const toml::table& t, PollSettings& out) {
    check_keys(t, "poll", kPollKeys);
    read_int(t, "poll", "min_interval_s", out.min_interval_s, 1, 86400);
  }

  void read_rules(const toml::table& t, RuleSettings& out) {
    check_keys(t, "rules", kRulesKeys);
    read_int(t, "rules", "abnormal_timeout_s", out.abnormal_timeout_s, 1, 86400);
    read_int(t, "rules", "replay_delay_s", out.replay_delay_s, 0, 86400);
  }

  void read_delivery(const toml::table& t, DeliverySettings& out) {
    check_keys(t, "delivery", kDeliveryKeys);
    // At least a minute, at most a week: retries past a week help no receiver.
    read_int(t, "delivery", "max_retry_age_s", out.max_retry_age_s, 60, 7 * 86400);
    if (auto v = get_int(t, "delivery", "failing_endpoint_warn_s", 10, 7 * 86400)) {
      out.failing_endpoint_warn_s = static_cast<int>(*v);
    }
  }

  // A warning after the deliveries are dead warns of nothing.
  void check_failing_warning(const toml::table& root, const Config& config) {
    const auto warn_s = config.delivery.failing_endpoint_warn_s;
    if (!warn_s || *warn_s < config.delivery.max_retry_age_s) return;
    const toml::node* node = root.at_path("delivery.failing_endpoint_warn_s").node();
    error(node ? line_of(*node) : 0, "delivery.failing_endpoint_warn_s",
          "must be shorter than [delivery] max_retry_age_s (" + std::to_string(config.delivery.max_retry_age_s) +
              " s): the warning must come before the deliveries die");
  }

  void read_retention(const toml::table& t, RetentionSettings& out) {
    check_keys(t, "retention", kRetentionKeys);
    read_int(t, "retention", "days", out.days, 0, 3650);
  }

  void read_store(const toml::table& t, StoreSettings& out) {
    check_keys(t, "store", kStoreKeys);
    if (auto b = get_choice(t, "store", "backend", std::array{"sqlite"sv, "postgresql"sv}))
      out.backend = *b == "postgresql" ? StoreBackend::postgresql : StoreBackend::sqlite;
    // Long enough to ride out a slow commit, short enough that a dead
    // daemon's apps are taken over within a poll or two.
    read_int(t, "store", "lease_s", out.lease_s, 3, 300);
    if (auto node = get_string(t, "store", "node")) out.node = *node;
    const bool postgresql = out.backend == StoreBackend::postgresql;
    if (auto inline_dsn = get_string(t, "store", "dsn")) {
      if (t.get("dsn_file") || t.get("dsn_env") || t.get("dsn_credential"))
        error(line_of(*t.get("dsn")), "store.dsn", "set only one of dsn, dsn_file, dsn_env, dsn_credential");
      else if (dsn_has_password(*inline_dsn))
        error(line_of(*t.get("dsn")), "store.dsn",
              "holds a password: put the DSN in dsn_file, dsn_env or dsn_credential (never inline)");
      else
        out.dsn = SecretValue(*inline_dsn, "inline");
    } else if (auto source = secret_source(t, "store", false, "dsn")) {
      out.dsn_is_secret = true;
      if (options_.read_secrets || (options_.read_store_dsn && out.backend == StoreBackend::postgresql))
        if (auto dsn = load_secret(t, "store", *source, "dsn")) out.dsn = std::move(*dsn);
    }
    const bool has_dsn = t.get("dsn") || t.get("dsn_file") || t.get("dsn_env") || t.get("dsn_credential");
    if (postgresql && !has_dsn)
      error(line_of(t), "store.dsn", "backend = \"postgresql\" needs dsn (or dsn_file, dsn_env, dsn_credential)");
    if (!postgresql && has_dsn)
      warning(line_of(t), "store.dsn", "ignored: backend is sqlite (the database is state_dir/wxlived.db)");
  }

  static std::string host_name() {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "localhost";
    return name;
  }

  // libpq's keyword form (password=...) or a URI with user:password@.
  static bool dsn_has_password(std::string_view dsn) {
    if (dsn.find("password") != std::string_view::npos) return true;
    const auto scheme = dsn.find("://");
    if (scheme == std::string_view::npos) return false;
    const auto authority = dsn.substr(scheme + 3, dsn.find('@', scheme + 3) - scheme - 3);
    return dsn.find('@', scheme + 3) != std::string_view::npos && authority.find(':') != std::string_view::npos;
  }

  // [[app]] and [[webhook]] must be arrays of tables.
  const toml::array* table_array(const toml::table& root, std::string_view name) {
    const toml::node* node = root.get(name);
    if (!node) return nullptr;
    const toml::array* arr = node->as_array();
    if (!arr || !arr->is_array_of_tables()) {
      error(line_of(*node), std::string(name),
            "expected [[" + std::string(name) + "]] blocks (an array of tables), found " + type_name(node->type()));
      return nullptr;
    }
    return arr;
  }

  // Exactly one of PREFIX_file / PREFIX_env / PREFIX_credential (PREFIX is
  // "secret" for apps and webhooks, "dsn" for [store]).
  std::optional<SecretSource> secret_source(const toml::table& t, const std::string& path, bool required,
                                            std::string_view prefix = "secret") {
    const std::string file = secret_key(SecretKind::file, prefix), env = secret_key(SecretKind::env, prefix),
                      credential = secret_key(SecretKind::credential, prefix);
    std::vector<SecretSource> found;
    if (auto v = get_string(t, path, file)) found.push_back({SecretKind::file, *v});
    if (auto v = get_string(t, path, env)) found.push_back({SecretKind::env, *v});
    if (auto v = get_string(t, path, credential)) found.push_back({SecretKind::credential, *v});
    if (found.size() > 1) {
      error(line_of(t), path, "set only one of " + file + ", " + env + ", " + credential);
      return std::nullopt;
    }
    if (found.empty()) {
      const bool any_key = t.get(file) || t.get(env) || t.get(credential);
      if (required && !any_key)
        error(line_of(t), path, "missing secret: set " + file + ", " + env + " or " + credential + " (never inline)");
      return std::nullopt;
    }
    return found.front();
  }

  int secret_line(const toml::table& t, std::string_view prefix = "secret") {
    for (auto kind : {SecretKind::file, SecretKind::env, SecretKind::credential})
      if (auto* n = t.get(secret_key(kind, prefix))) return line_of(*n);
    return line_of(t);
  }

  std::optional<SecretValue> load_secret(const toml::table& t, const std::string& path, const SecretSource& source,
                                         std::string_view prefix = "secret") {
    auto secret = read_secret(source, base_dir_, env_, options_.credential_loads);
    if (!secret) {
      error(secret_line(t, prefix), path + "." + secret_key(source.kind, prefix), secret.error());
      return std::nullopt;
    }
    if (source.kind == SecretKind::file) warn_if_loose(t, path, source.reference, prefix);
    return *secret;
  }

  // Read anyway (the folder may be what protects it), but said: a secret
  // file others can read is a secret others can read.
  void warn_if_loose(const toml::table& t, const std::string& path, const fs::path& reference,
                     std::string_view prefix) {
    const fs::path file = reference.is_relative() ? base_dir_ / reference : reference;
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0 || (st.st_mode & 077) == 0) return;
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    warning(secret_line(t, prefix), path + "." + secret_key(SecretKind::file, prefix),
            file.string() + " is readable by group or others (" + mode + "): chmod 600 it");
  }

  static std::string secret_key(SecretKind kind, std::string_view prefix = "secret") {
    switch (kind) {
      case SecretKind::file: return std::string(prefix) + "_file";
      case SecretKind::env: return std::string(prefix) + "_env";
      case SecretKind::credential: return std::string(prefix) + "_credential";
    }
    return std::string(prefix);
  }

  std::optional<std::string> required_string(const toml::table& t, const std::string& path, std::string_view key) {
    if (!t.get(key)) {
      error(line_of(t), join(path, key), "missing required key");
      return std::nullopt;
    }
    auto value = get_string(t, path, key);
    if (value && value->empty()) {
      error(line_of(*t.get(key)), join(path, key), "must not be empty");
      return std::nullopt;
    }
    return value;
  }

  void read_url(const toml::table& t, const std::string& path, std::string_view key, std::string& out,
                bool required) {
    auto value = required ? required_string(t, path, key) : get_string(t, path, key);
    if (!value) return;
    std::string reason;
    if (parse_http_url(*value, reason))
      out = *value;
    else
      error(line_of(*t.get(key)), join(path, key), reason);
  }

  // The token calls carry the app secret in the URL or body: never in clear.
  void refuse_plain_http_to_wechat(const toml::table& t, const std::string& path, const std::string& api_base) {
    std::string reason;
    const auto parsed = parse_http_url(api_base, reason);
    if (!parsed || parsed->scheme != "http" || !is_wechat_host(api_base)) return;
    const toml::node* n = t.get("api_base");
    error(n ? line_of(*n) : 0, join(path, "api_base"),
          "plain http to WeChat's host would send the app secret in clear: use https");
  }

  void read_apps(const toml::table& root, std::vector<AppSettings>& apps) {
    const toml::array* arr = table_array(root, "app");
    if (!arr || arr->empty()) {
      // With apps_dir, read_apps_dir says when there is no app at all.
      if (!root.get("app") && !root.at_path("daemon.apps_dir"))
        error(1, "app", "no [[app]] block: configure at least one mini program");
      return;
    }
    for (std::size_t i = 0; i < arr->size(); ++i)
      apps.push_back(read_app(*arr->get(i)->as_table(), "app[" + std::to_string(i) + "]"));
  }

  // One [[app]] block, or one apps_dir file's top level (`path` is "app").
  AppSettings read_app(const toml::table& t, const std::string& path) {
    check_keys(t, path, kAppKeys);
    AppSettings app;
    app.name = required_string(t, path, "name").value_or("");
    app.appid = required_string(t, path, "appid").value_or("");
    if (auto mode = get_choice(t, path, "token_mode", std::array{"stable"sv, "classic"sv, "command"sv}))
      app.token_mode = *mode == "classic" ? TokenMode::classic : *mode == "command" ? TokenMode::command
                                                                                     : TokenMode::stable;
    read_token_command(t, path, app);
    const bool needs_secret = app.token_mode != TokenMode::command;
    if (auto source = secret_source(t, path, needs_secret); source && options_.read_secrets)
      if (auto secret = load_secret(t, path, *source)) app.secret = std::move(*secret);
    read_url(t, path, "api_base", app.api_base, false);
    refuse_plain_http_to_wechat(t, path, app.api_base);
    read_daily_quota(t, path, app);
    read_int(t, path, "page_size", app.page_size, 1, 100);
    return app;
  }

  // "FILE:LINE" of `key` in the i-th [[app]] block.
  std::string app_key_at(const toml::table& root, std::size_t i, std::string_view key) {
    const toml::table* t = nth_table(root, "app", i);
    const toml::node* n = t ? t->get(key) : nullptr;
    return file_ + ":" + std::to_string(n ? line_of(*n) : 0);
  }

  // apps_dir's files (apps_dir.cpp), each read as an [[app]] block by a
  // reader of its own, so its problems name that file and relative paths in
  // it resolve against its folder. Their apps follow the [[app]] blocks'.
  void read_apps_dir(const toml::table& root, Config& config) {
    const toml::node* key = root.at_path("daemon.apps_dir").node();
    if (!key || config.daemon.apps_dir.empty()) return;
    std::vector<ConfiguredApp> configured;
    for (std::size_t i = 0; i < config.apps.size(); ++i)
      configured.push_back({config.apps[i].name, config.apps[i].appid, app_key_at(root, i, "name"),
                            app_key_at(root, i, "appid")});
    const ReadAppTable read_table = [this](const toml::table& t, const fs::path& file) {
      ConfigReader reader(file.string(), file.parent_path(), env_, options_);
      AppSettings app = reader.read_app(t, "app");
      return AppTableRead{std::move(app), reader.take_errors(), reader.take_warnings()};
    };
    AppsDirRead read = config::read_apps_dir(config.daemon.apps_dir, {file_, line_of(*key), "daemon.apps_dir", ""},
                                             configured, read_table);
    if (read.files == 0 && read.errors.empty() && !root.get("app"))
      error(1, "app", "no app: no [[app]] block here and no app file in apps_dir " + config.daemon.apps_dir.string());
    config.apps_from_dir = read.apps.size();
    std::move(read.apps.begin(), read.apps.end(), std::back_inserter(config.apps));
    std::move(read.errors.begin(), read.errors.end(), std::back_inserter(app_file_errors_));
    std::move(read.warnings.begin(), read.warnings.end(), std::back_inserter(warnings_));
  }

  void read_token_command(const toml::table& t, const std::string& path, AppSettings& app) {
    auto command = get_string(t, path, "token_command");
    read_int(t, path, "token_command_timeout_s", app.token_command_timeout_s, 1, 300);
    if (app.token_mode == TokenMode::command) {
      if (!command || command->empty())
        error(line_of(t), path + ".token_command", "token_mode = \"command\" needs a token_command");
      else
        app.token_command = *command;
    } else if (command) {
      error(line_of(*t.get("token_command")), path + ".token_command",
            "only used with token_mode = \"command\"");
    }
  }

  void read_daily_quota(const toml::table& t, const std::string& path, AppSettings& app) {
    const toml::node* node = t.get("daily_quota");
    if (!node) return;
    if (auto* s = node->as_string()) {
      if (s->get() == "auto")
        app.daily_quota = std::nullopt;
      else
        error(line_of(*node), path + ".daily_quota", "must be a number of calls or \"auto\", not \"" + s->get() + "\"");
      return;
    }
    if (!node->is_integer()) {
      error(line_of(*node), path + ".daily_quota",
            std::string("expected an integer or \"auto\", found ") + type_name(node->type()));
      return;
    }
    if (auto v = get_int(t, path, "daily_quota", 1, 100'000'000)) app.daily_quota = *v;
  }

  void read_webhooks(const toml::table& root, std::vector<WebhookSettings>& hooks) {
    const toml::array* arr = table_array(root, "webhook");
    if (!arr) return;
    for (std::size_t i = 0; i < arr->size(); ++i) {
      const toml::table& t = *arr->get(i)->as_table();
      const std::string path = "webhook[" + std::to_string(i) + "]";
      check_keys(t, path, kWebhookKeys);
      WebhookSettings hook;
      hook.name = required_string(t, path, "name").value_or("");
      read_url(t, path, "url", hook.url, true);
      if (auto source = secret_source(t, path, true); source && options_.read_secrets)
        read_webhook_secrets(t, path, *source, hook);
      if (auto events = get_string_list(t, path, "events")) check_event_types(t, path, *events, hook);
      if (auto apps = get_string_list(t, path, "apps")) hook.apps = std::move(*apps);
      read_int(t, path, "timeout_s", hook.timeout_s, 1, 300);
      hooks.push_back(std::move(hook));
    }
  }

  void read_webhook_secrets(const toml::table& t, const std::string& path, const SecretSource& source,
                            WebhookSettings& hook) {
    auto text = load_secret(t, path, source);
    if (!text) return;
    const auto lines = secret_lines(text->reveal());
    for (std::size_t n = 0; n < lines.size(); ++n) {
      if (is_webhook_secret(lines[n])) {
        hook.secrets.emplace_back(lines[n], text->origin());
      } else {
        // Name the line, never the value.
        error(secret_line(t), path + "." + secret_key(source.kind),
              "line " + std::to_string(n + 1) + " of the secret from " + text->origin() +
                  " is not a Standard Webhooks secret (\"whsec_\" + base64 of at least 16 bytes)");
      }
    }
  }

  void check_event_types(const toml::table& t, const std::string& path, std::vector<std::string> events,
                         WebhookSettings& hook) {
    std::vector<std::string_view> known(std::begin(kEventTypes), std::end(kEventTypes));
    bool ok = true;
    known.push_back(kTestEventType);  // allowed, though every endpoint takes it anyway
    for (const auto& type : events) {
      if (std::find(known.begin(), known.end(), type) != known.end()) continue;
      std::string message = "unknown event type \"" + type + "\"";
      if (auto near = closest_key(type, known)) message += " (did you mean \"" + *near + "\"?)";
      error(line_of(*t.get("events")), path + ".events", message);
      ok = false;
    }
    if (ok) hook.events = std::move(events);
  }

  const toml::table* nth_table(const toml::table& root, std::string_view name, std::size_t i) {
    auto* arr = root.get(name) ? root.get(name)->as_array() : nullptr;
    return arr && i < arr->size() ? arr->get(i)->as_table() : nullptr;
  }

  // Pruning an event whose delivery is still being retried would lose it.
  void check_retention(const toml::table& root, const Config& config) {
    const auto days = config.retention.days;
    if (days == 0 || static_cast<std::int64_t>(days) * 86400 > config.delivery.max_retry_age_s) return;
    const toml::node* node = root.at_path("retention.days").node();
    error(node ? line_of(*node) : 0, "retention.days",
          "must keep events longer than [delivery] max_retry_age_s (" + std::to_string(config.delivery.max_retry_age_s) +
              " s), or be 0 to keep everything");
  }

  void check_cross_references(const toml::table& root, const Config& config) {
    check_unique(root, "app", config.apps, [](const AppSettings& a) { return a.name; }, "name");
    check_unique(root, "app", config.apps, [](const AppSettings& a) { return a.appid; }, "appid");
    check_unique(root, "webhook", config.webhooks, [](const WebhookSettings& w) { return w.name; }, "name");
    for (std::size_t i = 0; i < config.webhooks.size(); ++i) {
      for (const auto& app : config.webhooks[i].apps) {
        if (config.find_app(app)) continue;
        const toml::table* t = nth_table(root, "webhook", i);
        error(t ? line_of(*t->get("apps")) : 0, "webhook[" + std::to_string(i) + "].apps",
              "names no configured app: \"" + app + "\"");
      }
    }
    check_wechat_floors(root, config);
    check_retention(root, config);
    check_failing_warning(root, config);
  }

  template <class Item, class Field>
  void check_unique(const toml::table& root, std::string_view block, const std::vector<Item>& items, Field field,
                    std::string_view key) {
    std::map<std::string, std::size_t> first;
    for (std::size_t i = 0; i < items.size(); ++i) {
      const std::string value = field(items[i]);
      if (value.empty()) continue;
      auto [it, inserted] = first.emplace(value, i);
      if (inserted) continue;
      const toml::table* t = nth_table(root, block, i);
      if (!t) continue;  // an app from apps_dir: read_apps_dir reports it in its own file
      const toml::table* t0 = nth_table(root, block, it->second);
      const toml::node* n = t ? t->get(key) : nullptr;
      error(n ? line_of(*n) : 0, std::string(block) + "[" + std::to_string(i) + "]." + std::string(key),
            "duplicate " + std::string(key) + " \"" + value + "\" (first at line " +
                std::to_string(t0 ? line_of(*t0->get(key)) : 0) + ")");
    }
  }

  // The documented 60 s floor and rule durations bind against WeChat itself
  // and against any host off this machine (an IP address or an alias may be
  // WeChat too); only a fake on loopback (tests, demos) may shorten them.
  void check_wechat_floors(const toml::table& root, const Config& config) {
    const AppSettings* wechat_app = nullptr;
    for (const auto& app : config.apps)
      if (is_wechat_host(app.api_base) || !is_loopback_host(app.api_base)) wechat_app = &app;
    if (!wechat_app) return;
    const std::string why = " while app \"" + wechat_app->name + "\" polls " +
                            (is_wechat_host(wechat_app->api_base) ? "WeChat's own host" : "a host off this machine") +
                            " (" + wechat_app->api_base + "); only a fake on loopback may go below it";
    auto check = [&](std::string_view table, std::string_view key, int value, int floor) {
      if (value >= floor) return;
      const toml::node* n = root.at_path(std::string(table) + "." + std::string(key)).node();
      error(n ? line_of(*n) : 0, std::string(table) + "." + std::string(key),
            std::to_string(value) + " is below WeChat's " + std::to_string(floor) + why);
    };
    check("poll", "min_interval_s", config.poll.min_interval_s, kWeChatMinInterval);
    check("rules", "abnormal_timeout_s", config.rules.abnormal_timeout_s, kWeChatAbnormalTimeout);
    check("rules", "replay_delay_s", config.rules.replay_delay_s, kWeChatReplayDelay);
  }

  std::string file_;
  fs::path base_dir_;
  const EnvLookup& env_;
  LoadOptions options_;
  ConfigErrors errors_;
  ConfigErrors app_file_errors_;
  std::vector<std::string> warnings_;
};

}  // namespace

std::string ConfigError::to_string() const {
  return file + ":" + std::to_string(line) + ": " + key + ": " + message;
}

EnvLookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (!value) return std::nullopt;
    return std::string(value);
  };
}

namespace {

Expected<Config, ConfigErrors> parse_with_base(std::string_view text, const std::string& source_name,
                                               const fs::path& base_dir, const EnvLookup& env,
                                               LoadOptions options = {}) {
  auto root = parse_toml_document(text, source_name);
  if (!root) return Unexpected(ConfigErrors{std::move(root.error())});
  ConfigReader reader(source_name, base_dir, env, options);
  Config config = reader.read(*root);
  config.warnings = reader.take_warnings();
  auto errors = reader.take_errors();
  auto app_file_errors = reader.take_app_file_errors();
  if (!errors.empty() || !app_file_errors.empty()) {
    std::stable_sort(errors.begin(), errors.end(),
                     [](const ConfigError& a, const ConfigError& b) { return a.line < b.line; });
    errors.insert(errors.end(), app_file_errors.begin(), app_file_errors.end());
    return Unexpected(std::move(errors));
  }
  config.source = source_name;
  return config;
}

}  // namespace

Expected<Config, ConfigErrors> parse_config(std::string_view toml_text, const std::string& source_name,
                                            const EnvLookup& env) {
  return parse_with_base(toml_text, source_name, fs::current_path(), env);
}

Expected<Config, ConfigErrors> load_config(const fs::path& file, const EnvLookup& env, LoadOptions options) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Unexpected(ConfigErrors{{file.string(), 0, "file", "cannot open: " + std::string(std::strerror(errno))}});
  std::ostringstream text;
  text << in.rdbuf();
  const fs::path base = fs::absolute(file).parent_path();
  return parse_with_base(text.str(), file.string(), base, env, options);
}

}  // namespace wxlived::config
