#include "wxlived/admin/routes.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <charconv>
#include <optional>
#include <set>
#include <string_view>

#include "wxlived/admin/time_text.hpp"
#include "wxlived/admin/schedule_view.hpp"
#include "wxlived/admin/views.hpp"
#include "wxlived/store/state_store.hpp"

namespace wxlived::admin {

namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void string_field(JsonWriter& w, const char* k, std::string_view v) {
  w.Key(k);
  w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
}

std::string text_of(const rapidjson::StringBuffer& buffer) {
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

Reply json_reply(int status, std::string body) {
  Reply r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Reply error_reply(int status, std::string_view message) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  string_field(w, "error", message);
  w.EndObject();
  return json_reply(status, text_of(buffer));
}

// The database could not be read: the admin API is fine, its source is not.
Reply store_error_reply(const store::StoreError& error) {
  return error_reply(503, "state database unavailable: " + error.to_string());
}

std::optional<std::int64_t> parse_int(std::string_view text) {
  std::int64_t v = 0;
  if (text.empty()) return std::nullopt;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

// Each parameter at most once and only the ones the route knows: a typo
// (?room_id=) answers 400 instead of silently returning everything.
std::optional<std::string> check_params(const Request& request, const std::set<std::string_view>& known) {
  for (auto it = request.params.begin(); it != request.params.end(); ++it) {
    if (!known.contains(it->first)) return "unknown parameter '" + it->first + "'";
    if (request.params.count(it->first) > 1) return "parameter '" + it->first + "' given more than once";
  }
  return std::nullopt;
}

std::optional<std::string> param(const Request& request, const std::string& name) {
  const auto it = request.params.find(name);
  if (it == request.params.end()) return std::nullopt;
  return it->second;
}

// "/v1/apps/{app}/habits" -> app (not empty, no '/'); nullopt otherwise.
std::optional<std::string> app_of_habits_path(std::string_view path) {
  constexpr std::string_view prefix = "/v1/apps/";
  constexpr std::string_view suffix = "/habits";
  if (!path.starts_with(prefix) || !path.ends_with(suffix) || path.size() <= prefix.size() + suffix.size()) {
    return std::nullopt;
  }
  const std::string_view app = path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
  if (app.find('/') != std::string_view::npos) return std::nullopt;
  return std::string(app);
}

}  // namespace

Routes::Routes(store::StoreLocation store, const Metrics& metrics, const Health& health, UnixClock now_ms)
    : store_(std::move(store)), metrics_(metrics), health_(health), now_ms_(std::move(now_ms)) {}

Reply Routes::handle(const Request& request) const {
  const std::string& path = request.path;
  const auto habits_of = app_of_habits_path(path);
  const bool known = path == "/healthz" || path == "/readyz" || path == "/metrics" || path == "/v1/rooms" ||
                     path == "/v1/events" || path == "/v1/apps" ||
                     (path.starts_with("/v1/rooms/") && path.size() > 10) ||
                     habits_of.has_value();
  if (!known) return error_reply(404, "no such path: " + path);
  if (request.method != "GET" && request.method != "HEAD") {
    Reply r = error_reply(405, "read-only: only GET (and HEAD) are allowed");
    r.headers.emplace_back("Allow", "GET, HEAD");
    return r;
  }
  if (path == "/healthz") return healthz();
  if (path == "/readyz") return readyz();
  if (path == "/metrics") return metrics();
  if (path == "/v1/rooms") return rooms(request);
  if (path == "/v1/events") return events(request);
  if (path == "/v1/apps") return apps(request);
  if (habits_of) return habits(request, *habits_of);
  return room(request, path.substr(10));
}

Reply Routes::healthz() const {
  const auto age_ms = std::chrono::duration_cast<std::chrono::milliseconds>(health_.loop_age()).count();
  const bool alive = health_.alive();
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  string_field(w, "status", alive ? "ok" : "stuck");
  w.Key("loop_age_ms");
  w.Int64(age_ms);
  w.EndObject();
  return json_reply(alive ? 200 : 503, text_of(buffer));
}

Reply Routes::readyz() const {
  std::string store_state = "ok";
  auto db = store_.open_readonly();
  if (!db) {
    store_state = db.error().to_string();
  } else if (auto apps = db->apps(); !apps) {
    store_state = apps.error().to_string();
  }
  const Readiness readiness = health_.readiness(now_ms_());
  const bool ready = readiness.ready && store_state == "ok";
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("ready");
  w.Bool(ready);
  string_field(w, "store", store_state);
  w.Key("apps");
  w.StartArray();
  for (const AppReadiness& app : readiness.apps) {
    w.StartObject();
    string_field(w, "app", app.app);
    w.Key("ready");
    w.Bool(app.ready);
    string_field(w, "state", app.state);
    if (!app.reason.empty()) string_field(w, "reason", app.reason);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return json_reply(ready ? 200 : 503, text_of(buffer));
}

Reply Routes::metrics() const {
  auto db = store_.open_readonly();
  if (!db) return store_error_reply(db.error());
  auto text = metrics_.scrape(*db, health_, now_ms_());
  if (!text) return store_error_reply(text.error());
  Reply r;
  r.content_type = kMetricsContentType;
  r.body = std::move(*text);
  return r;
}

Reply Routes::rooms(const Request& request) const {
  if (auto bad = check_params(request, {"app"})) return error_reply(400, *bad);
  auto db = store_.open_readonly();
  if (!db) return store_error_reply(db.error());
  const auto app = param(request, "app");
  auto rooms = app ? db->rooms(*app) : db->rooms();
  if (!rooms) return store_error_reply(rooms.error());
  return json_reply(200, rooms_json(*rooms) + "\n");
}

Reply Routes::room(const Request& request, const std::string& id) const {
  const auto room_id = parse_int(id);
  if (!room_id) return error_reply(400, "not a room id: " + id);
  if (auto bad = check_params(request, {"app"})) return error_reply(400, *bad);
  auto db = store_.open_readonly();
  if (!db) return store_error_reply(db.error());
  const auto app = param(request, "app");
  auto found = room_histories(*db, *room_id, app);
  if (!found) return store_error_reply(found.error());
  if (found->empty()) return error_reply(404, "no room " + id + (app ? " in app " + *app : std::string()));
  return json_reply(200, room_histories_json(*found) + "\n");
}

Reply Routes::events(const Request& request) const {
  if (auto bad = check_params(request, {"room", "since", "app", "after", "limit"})) return error_reply(400, *bad);
  store::EventFilter filter;
  filter.limit = 100;
  filter.app = param(request, "app");
  if (const auto room = param(request, "room")) {
    filter.room_id = parse_int(*room);
    if (!filter.room_id) return error_reply(400, "room: not a room id: " + *room);
  }
  if (const auto since = param(request, "since")) {
    filter.since_ms = parse_time(*since, now_ms_());
    if (!filter.since_ms)
      return error_reply(400, "since: not a time (RFC 3339, YYYY-MM-DD, unix seconds or an age like 2h): " + *since);
  }
  if (const auto after = param(request, "after")) {
    const auto seq = parse_int(*after);
    if (!seq || *seq < 0) return error_reply(400, "after: not an event seq: " + *after);
    filter.after_seq = *seq;
  }
  if (const auto limit = param(request, "limit")) {
    const auto n = parse_int(*limit);
    if (!n || *n < 1 || *n > 10000) return error_reply(400, "limit: not a number from 1 to 10000: " + *limit);
    filter.limit = static_cast<int>(*n);
  }
  auto db = store_.open_readonly();
  if (!db) return store_error_reply(db.error());
  auto events = db->events(filter);
  if (!events) return store_error_reply(events.error());
  return json_reply(200, events_json(*events) + "\n");
}

Reply Routes::habits(const Request& request, const std::string& app) const {
  if (auto bad = check_params(request, {})) return error_reply(400, *bad);
  auto db = store_.open_readonly();
  if (!db) return store_error_reply(db.error());
  auto found = app_habits(*db, app);
  if (!found) return store_error_reply(found.error());
  if (found->empty()) return error_reply(404, "no app " + app);
  return json_reply(200, habits_summary_json(found->front()) + "\n");
}

// What each app's engine plans next (= wxlivectl schedule --json).
Reply Routes::apps(const Request& request) const {
  if (auto bad = check_params(request, {})) return error_reply(400, *bad);
  auto db = store_.open_readonly();
  if (!db) return store_error_reply(db.error());
  auto schedules = db->app_schedules();
  if (!schedules) return store_error_reply(schedules.error());
  return json_reply(200, app_plans_json(app_plans(*schedules), now_ms_()) + "\n");
}

}  // namespace wxlived::admin
