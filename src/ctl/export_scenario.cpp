#include "export_scenario.hpp"

#include <rapidjson/document.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <map>
#include <ostream>

#include "recorded_scenario.hpp"
#include "terminal_text.hpp"
#include "wxlived/core/json_nesting.hpp"
#include "wxlived/scenario/parse.hpp"

namespace wxlived::ctl {

namespace {

// data.appid of an event body, if it has one.
std::optional<std::string> event_appid(const std::string& body_json) {
  rapidjson::Document doc;
  if (!parse_bounded_json(doc, body_json) || !doc.IsObject()) return std::nullopt;
  const auto data = doc.FindMember("data");
  if (data == doc.MemberEnd() || !data->value.IsObject()) return std::nullopt;
  const auto appid = data->value.FindMember("appid");
  if (appid == data->value.MemberEnd() || !appid->value.IsString() || appid->value.GetStringLength() == 0) {
    return std::nullopt;
  }
  return std::string(appid->value.GetString(), appid->value.GetStringLength());
}

// Which app to export: --app, or the database's only one.
std::optional<std::string> pick_app(const Context& ctx, const std::vector<std::string>& names,
                                    const std::optional<std::string>& wanted, int& rc) {
  if (wanted) {
    if (std::find(names.begin(), names.end(), *wanted) != names.end()) return *wanted;
    ctx.err << "wxlivectl: no app " << terminal_safe(*wanted) << " in the state database\n";
    rc = kExitFailure;
    return std::nullopt;
  }
  if (names.size() == 1) return names.front();
  if (names.empty()) {
    ctx.err << "wxlivectl: no app in the state database yet\n";
    rc = kExitFailure;
    return std::nullopt;
  }
  std::string listed;
  for (const std::string& name : names) listed += (listed.empty() ? "" : ", ") + terminal_safe(name);
  ctx.err << "wxlivectl: the state database holds several apps (" << listed << "): name one with --app NAME\n";
  rc = kExitSeveralApps;
  return std::nullopt;
}

// What the config says about the app, and where each value comes from (the file's comment says it).
void apply_config(ExportSource& source, const config::Config* config) {
  if (config == nullptr) {
    source.daily_quota_from = "500, no --config to read the app's daily_quota from";
    source.abnormal_timeout_from = "not set, so WeChat's 900 s (--config carries the daemon's [rules])";
    return;
  }
  const std::string file = config->source.string();
  source.abnormal_timeout_s = config->rules.abnormal_timeout_s;
  source.abnormal_timeout_from = "from the [rules] of " + file;
  const config::AppSettings* app = config->find_app(source.app);
  if (app == nullptr) {
    source.daily_quota_from = "500, the app is not in " + file;
  } else if (!app->daily_quota) {
    source.daily_quota_from = "500, the app's daily_quota in " + file + " is \"auto\"";
  } else {
    source.daily_quota = *app->daily_quota;
    source.daily_quota_from = "from " + file;
  }
}

// Temp file and rename: a reader never sees half a scenario.
bool write_atomically(const Context& ctx, const std::filesystem::path& path, const std::string& text) {
  const std::filesystem::path tmp = path.string() + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream file(tmp, std::ios::binary | std::ios::trunc);
    file << text;
    file.flush();
    if (!file) {
      ctx.err << "wxlivectl: cannot write " << tmp.string() << '\n';
      std::error_code ignored;
      std::filesystem::remove(tmp, ignored);
      return false;
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    ctx.err << "wxlivectl: cannot rename " << tmp.string() << " to " << path.string() << ": " << ec.message() << '\n';
    std::filesystem::remove(tmp, ec);
    return false;
  }
  return true;
}

}  // namespace

std::optional<std::int64_t> parse_duration_ms(std::string_view text) {
  if (text.size() < 2) return std::nullopt;
  std::int64_t unit_ms = 0;
  switch (text.back()) {
    case 's': unit_ms = 1000; break;
    case 'm': unit_ms = 60'000; break;
    case 'h': unit_ms = 3'600'000; break;
    case 'd': unit_ms = 86'400'000; break;
    default: return std::nullopt;
  }
  std::int64_t n = 0;
  const char* last = text.data() + text.size() - 1;
  const auto [end, ec] = std::from_chars(text.data(), last, n);
  // At most about a hundred years: no product overflows.
  constexpr std::int64_t kMaxMs = 100LL * 366 * 86'400'000;
  if (ec != std::errc() || end != last || n < 0 || n > kMaxMs / unit_ms) return std::nullopt;
  return n * unit_ms;
}

int export_scenario(const Context& ctx, const ExportOptions& options) {
  const std::optional<std::int64_t> since_ms = parse_duration_ms(options.since);
  if (!since_ms) {
    ctx.err << "wxlivectl: --since: not a length of time such as 7d, 36h or 90m: " << terminal_safe(options.since)
            << '\n';
    return kExitUsage;
  }
  int rc = kExitOk;
  auto store = open_for_reading(ctx, rc);
  if (!store) return rc;
  auto names = store->app_names();
  if (!names) return store_failure(ctx, names.error());
  const std::optional<std::string> app = pick_app(ctx, *names, options.app, rc);
  if (!app) return rc;

  auto rooms = store->rooms(*app);
  if (!rooms) return store_failure(ctx, rooms.error());
  std::vector<RecordedRoom> recorded;
  std::map<std::int64_t, std::size_t> index_of;
  for (store::RoomRecord& room : *rooms) {
    auto transitions = store->transitions(*app, room.room_id);
    if (!transitions) return store_failure(ctx, transitions.error());
    index_of[room.room_id] = recorded.size();
    recorded.push_back(RecordedRoom{std::move(room), std::move(*transitions), {}});
  }
  // The replays found, from the outbox, a page at a time.
  std::optional<std::string> appid_in_events;
  store::EventFilter filter;
  filter.app = *app;
  filter.limit = 1000;
  for (;;) {
    auto page = store->events(filter);
    if (!page) return store_failure(ctx, page.error());
    for (store::EventRecord& e : *page) {
      if (!appid_in_events) appid_in_events = event_appid(e.body_json);
      if (e.type != "room.replay_ready" || !e.room_id) continue;
      if (const auto it = index_of.find(*e.room_id); it != index_of.end()) {
        recorded[it->second].replays.push_back(std::move(e));
      }
    }
    if (page->size() < static_cast<std::size_t>(filter.limit)) break;
    filter.after_seq = page->back().seq;
  }

  ExportSource source;
  source.app = *app;
  std::error_code ec;
  const std::filesystem::path db = std::filesystem::absolute(ctx.db, ec);
  source.db = (ec ? ctx.db : db).string();
  source.since_text = options.since;
  source.since_ms = *since_ms;
  source.now_ms = ctx.now_ms;
  apply_config(source, options.config);
  // The appid: the app's health row, else the config, else any event about the app.
  auto apps = store->apps();
  if (!apps) return store_failure(ctx, apps.error());
  for (const store::AppRecord& a : *apps)
    if (a.name == *app) source.appid = a.appid;
  if (source.appid.empty() && options.config != nullptr) {
    if (const config::AppSettings* configured = options.config->find_app(*app)) source.appid = configured->appid;
  }
  if (source.appid.empty() && appid_in_events) source.appid = *appid_in_events;
  if (source.appid.empty()) {
    ctx.err << "wxlivectl: the state database does not say app " << terminal_safe(*app)
            << "'s appid (give --config)\n";
    return kExitFailure;
  }

  const ExportedScenario exported = export_recorded(source, recorded);
  // What wxlive-fakewx and wxlived simulate will read: never write a file they refuse.
  if (auto parsed = scenario::parse_scenario(exported.json); !parsed) {
    ctx.err << "wxlivectl: the exported scenario does not parse (a bug): " << parsed.error().message << '\n';
    return kExitFailure;
  }
  if (!options.out) {
    ctx.out << exported.json;
    return kExitOk;
  }
  if (!write_atomically(ctx, *options.out, exported.json)) return kExitFailure;
  ctx.err << "wxlivectl: wrote " << options.out->string() << ": app " << terminal_safe(*app) << ", "
          << exported.rooms << " room" << (exported.rooms == 1 ? "" : "s") << ", " << exported.transitions
          << " transition" << (exported.transitions == 1 ? "" : "s") << " (" << exported.left_to_rules
          << " more left to WeChat's rules), from " << exported.origin << '\n';
  return kExitOk;
}

}  // namespace wxlived::ctl
