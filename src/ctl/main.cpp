// wxlivectl: the operator's CLI over the daemon's state database (SPEC section 3).
// Reads beside the running daemon through a read-only connection; the repair
// commands (redeliver, enable-endpoint) are short write transactions that the
// daemon's delivery worker picks up on its next sweep (about a second).
// Never prints a secret or a token: it reads no secret and never the kv table.
#include <CLI/CLI.hpp>

#include <csignal>
#include <iostream>

#include "commands.hpp"
#include "default_config.hpp"
#include "export_scenario.hpp"
#include "send_test.hpp"
#include "time_text.hpp"
#include "wxlived/cli/cli.hpp"
#include "wxlived/config/load.hpp"
#include "wxlived/version.hpp"

using namespace wxlived::ctl;

namespace {
// events --follow runs until SIGINT/SIGTERM; the loop finishes its poll and returns 0.
volatile std::sig_atomic_t g_stop_following = 0;
extern "C" void stop_following(int) { g_stop_following = 1; }
}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"wxlivectl: reads and repairs wxlived's state database while the daemon runs.", "wxlivectl"};
  app.set_version_flag("--version", std::string("wxlivectl ") + wxlived::kVersion);
  app.require_subcommand(1);

  std::string db_file;
  std::string config_file;
  bool json = false;
  auto* db_opt = app.add_option("--db", db_file, "the state database (state_dir/wxlived.db)");
  auto* config_opt = app.add_option("--config", config_file,
                                    "the daemon's config file, to find the database (default: $WXLIVED_CONFIG, "
                                    "else " + std::string(kDefaultConfigFile) + ")");
  db_opt->excludes(config_opt);
  app.add_flag("--json", json, "one JSON document on stdout instead of a table");
  std::string tz = "UTC";
  app.add_option("--tz", tz, "times in tables at this offset: UTC (default), Beijing, +08:00 (--json stays UTC)")
      ->check([](const std::string& zone) {
        return wxlived::admin::parse_utc_offset(zone) ? std::string()
                                                      : "not a zone: UTC, Beijing, Asia/Shanghai or +HH:MM";
      });
  app.fallthrough();  // global options may follow the subcommand

  std::optional<std::string> app_name;
  std::int64_t room_id = 0;
  std::optional<std::int64_t> events_room;
  std::string since;
  std::int64_t after_seq = 0;
  int limit = 0;
  std::optional<std::string> endpoint;
  std::string state;
  std::vector<std::string> event_ids;
  bool dead = false;
  std::string day;
  std::string endpoint_name;

  auto* rooms = app.add_subcommand("rooms", "every room the daemon knows, with its status");
  rooms->add_option("--app", app_name, "only this app");
  auto* room = app.add_subcommand("room", "one room: its latest snapshot and status history");
  room->add_option("ID", room_id, "WeChat room id")->required();
  room->add_option("--app", app_name, "only this app");
  auto* events = app.add_subcommand("events", "the event outbox, oldest first");
  events->add_option("--room", events_room, "only this room");
  events->add_option("--app", app_name, "only this app");
  events->add_option("--since", since, "RFC 3339 time, unix seconds, or an age such as 2h or 7d");
  events->add_option("--after", after_seq, "only events after this seq (paging)");
  events->add_option("--limit", limit, "at most this many (default 100)");
  bool follow = false;
  events->add_flag("--follow,-f", follow, "keep printing new events as they are committed (--json: one per line)");
  auto* deliveries = app.add_subcommand("deliveries", "deliveries per (event, endpoint) and their state");
  deliveries->add_option("--endpoint", endpoint, "only this endpoint");
  deliveries->add_option("--state", state, "pending, failed, delivered or dead")
      ->check(CLI::IsMember({"pending", "failed", "delivered", "dead"}));
  deliveries->add_option("--limit", limit, "at most this many (default 1000)");
  auto* redeliver = app.add_subcommand("redeliver", "send events again (same webhook-id): EVENT_ID... or --dead");
  auto* ids_opt = redeliver->add_option("EVENT_ID", event_ids, "event ids");
  auto* dead_opt = redeliver->add_flag("--dead", dead, "every dead delivery");
  ids_opt->excludes(dead_opt);
  redeliver->add_option("--endpoint", endpoint, "only deliveries to this endpoint");
  auto* quota = app.add_subcommand("quota", "getliveinfo calls spent per app on a quota day");
  quota->add_option("--day", day, "YYYY-MM-DD, Beijing time (default: today)");
  auto* endpoints = app.add_subcommand("endpoints", "webhook endpoints and whether they are disabled (410 Gone)");
  auto* enable = app.add_subcommand("enable-endpoint", "re-enable an endpoint disabled after 410 Gone");
  enable->add_option("NAME", endpoint_name, "endpoint name")->required();
  std::optional<std::string> habits_app;
  auto* habits = app.add_subcommand("habits", "what each app's rooms usually do, learned beside the prior");
  habits->add_option("APP", habits_app, "only this app");
  auto* fleet = app.add_subcommand("fleet", "the daemons sharing a PostgreSQL store and the apps each one polls");
  std::optional<std::string> schedule_app;
  auto* schedule = app.add_subcommand("schedule", "what each app's engine plans next: the call, when, why, the budget");
  schedule->add_option("APP", schedule_app, "only this app");
  ExportOptions export_options;
  std::string export_out;
  auto* export_cmd = app.add_subcommand(
      "export-scenario", "the app's recorded rooms and status changes as a scenario file for wxlived simulate");
  export_cmd->add_option("--app", app_name, "the app (required when the database holds several)");
  export_cmd->add_option("--since", export_options.since, "how far back: 7d, 36h, 90m (from that Beijing midnight)")
      ->capture_default_str();
  export_cmd->add_option("--out", export_out, "write the file here (atomically) instead of to stdout");

  // send-test: a signed webhook.test through the running daemon's delivery path.
  SendTestOptions send_test_options;
  double send_test_timeout_s = 30;
  auto* send_test_cmd = app.add_subcommand(
      "send-test", "send a signed webhook.test event through the daemon and print the receiver's answer");
  send_test_cmd->add_option("ENDPOINT", send_test_options.endpoint, "the [[webhook]] name")->required();
  send_test_cmd->add_option("--timeout", send_test_timeout_s, "seconds to wait for the daemon's attempt")
      ->check(CLI::Range(1.0, 3600.0))
      ->capture_default_str();

  wxlived::cli::finish_definition(
      app, {{kExitOk, "done"},
            {kExitFailure, "not found (a room, event, endpoint or app), or the database or config cannot be read"},
            {kExitSeveralApps, "export-scenario: the database holds several apps and --app was not given"},
            {kExitUsage, "usage: an unknown option or subcommand, a missing or bad value, no config found"}});
  if (auto exit_code = wxlived::cli::parse(app, argc, argv)) return *exit_code;
  if (redeliver->parsed() && event_ids.empty() && !dead) {
    return wxlived::cli::usage_error(app, "give EVENT_ID... or --dead");
  }
  if (db_file.empty() && config_file.empty()) {
    auto found = default_config_file(wxlived::config::process_environment(), std::cerr);
    if (!found) return kExitUsage;
    config_file = *found;
  }

  Context ctx{{}, json, std::cout, std::cerr, now_unix_ms(), {}};
  ctx.utc_offset_min = wxlived::admin::parse_utc_offset(tz).value_or(0);
  std::optional<wxlived::config::Config> config;
  if (!config_file.empty()) {
    // Secrets (often only in the service's $CREDENTIALS_DIRECTORY) are not
    // needed here and are never read.
    auto loaded = wxlived::config::load_config(config_file, wxlived::config::process_environment(),
                                               {.read_secrets = false});
    if (!loaded) {
      for (const auto& problem : loaded.error()) std::cerr << problem.to_string() << '\n';
      return kExitFailure;
    }
    config = std::move(*loaded);
    if (config->store.backend == wxlived::config::StoreBackend::postgresql)
      ctx.postgresql_dsn = config->store.dsn.reveal();
    else
      ctx.db = config->daemon.db_path();
    for (const auto& hook : config->webhooks) ctx.configured_endpoints.push_back(hook.name);
  } else {
    ctx.db = db_file;
  }

  if (send_test_cmd->parsed()) {
    send_test_options.timeout = std::chrono::milliseconds(static_cast<std::int64_t>(send_test_timeout_s * 1000));
    if (config) send_test_options.configured = ctx.configured_endpoints;
    return send_test(ctx, send_test_options);
  }
  if (rooms->parsed()) return list_rooms(ctx, app_name);
  if (room->parsed()) return show_room(ctx, room_id, app_name);
  if (events->parsed()) {
    wxlived::store::EventFilter filter;
    filter.after_seq = after_seq;
    filter.app = app_name;
    filter.room_id = events_room;
    filter.limit = limit > 0 ? limit : 100;
    if (!since.empty()) {
      auto at = parse_time(since, ctx.now_ms);
      if (!at) {
        std::cerr << "wxlivectl: --since: not a time: " << since << '\n';
        return kExitUsage;
      }
      filter.since_ms = *at;
    }
    if (follow) {
      std::signal(SIGINT, stop_following);
      std::signal(SIGTERM, stop_following);
      return follow_events(ctx, filter, std::chrono::seconds(1), [] { return !g_stop_following; });
    }
    return list_events(ctx, filter);
  }
  if (deliveries->parsed()) {
    wxlived::store::DeliveryFilter filter;
    filter.endpoint = endpoint;
    if (!state.empty()) filter.state = wxlived::store::delivery_state_from_string(state);
    filter.limit = limit > 0 ? limit : 1000;
    return list_deliveries(ctx, filter);
  }
  if (redeliver->parsed()) return dead ? redeliver_dead(ctx, endpoint) : redeliver_events(ctx, event_ids, endpoint);
  if (quota->parsed()) {
    if (day.empty()) day = beijing_day(ctx.now_ms);
    return show_quota(ctx, day);
  }
  if (endpoints->parsed()) return list_endpoints(ctx);
  if (enable->parsed()) return enable_endpoint(ctx, endpoint_name);
  if (habits->parsed()) return show_habits(ctx, habits_app);
  if (schedule->parsed()) return show_schedule(ctx, schedule_app);
  if (fleet->parsed()) return show_fleet(ctx);
  if (export_cmd->parsed()) {
    export_options.app = app_name;
    if (!export_out.empty()) export_options.out = export_out;
    if (config) export_options.config = &*config;
    return export_scenario(ctx, export_options);
  }
  return kExitUsage;
}
