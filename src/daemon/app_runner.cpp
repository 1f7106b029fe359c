#include "app_runner.hpp"

#include <asio/post.hpp>

#include <variant>
#include <vector>

#include "observation_mapping.hpp"
#include "token_persistence.hpp"
#include "wxlived/engine/status.hpp"
#include "wxlived/log/log.hpp"

namespace wxlived::daemon {

namespace {

// An engine warning as one log line: its stable message, the app, its fields.
void log_engine_warning(const std::string& app, const engine::Warning& w) {
  std::vector<log::Field> fields;
  fields.reserve(w.fields.size() + 1);
  fields.push_back({"app", app});
  for (const auto& [key, value] : w.fields) {
    std::visit([&](const auto& v) { fields.push_back({key, log::FieldValue(v)}); }, value);
  }
  log::write(log::Level::warn, w.msg, fields);
}

// One line per committed event; a status change carries its from/to codes
// and names (log monitoring filters on to_name="banned" without parsing bodies).
void log_event_line(const std::string& app, const engine::EventOut& e,
                    const std::vector<engine::TransitionOut>& transitions) {
  for (const engine::TransitionOut& t : transitions) {
    if (t.event_id != e.id || !t.from) continue;
    log::info("event", {{"app", app},
                        {"type", e.type},
                        {"room_id", e.room_id.value_or(0)},
                        {"event_id", e.id},
                        {"from", *t.from},
                        {"to", t.to},
                        {"from_name", engine::status_name(*t.from)},
                        {"to_name", engine::status_name(t.to)},
                        {"reason", t.reason}});
    return;
  }
  log::info("event", {{"app", app}, {"type", e.type}, {"room_id", e.room_id.value_or(0)}, {"event_id", e.id}});
}

}  // namespace

engine::EngineSettings engine_settings(const config::Config& config, const config::AppSettings& app) {
  engine::EngineSettings s;
  s.app = app.name;
  s.appid = app.appid;
  s.daily_quota = app.daily_quota;
  s.page_size = app.page_size;
  s.min_interval = config.poll.min_interval_s * engine::kSecond;
  s.abnormal_timeout = config.rules.abnormal_timeout_s * engine::kSecond;
  s.replay_delay = config.rules.replay_delay_s * engine::kSecond;
  return s;
}

AppRunner::AppRunner(asio::io_context& io, http::CurlMulti& http, store::StateStore& store,
                     const config::Config& config, const config::AppSettings& app, RunnerHooks hooks)
    : io_(io),
      store_(store),
      app_(app),
      webhooks_(config.webhooks),
      hooks_(std::move(hooks)),
      engine_(engine_settings(config, app)),
      timer_(io),
      alive_(std::make_shared<bool>(true)) {
  client_ = std::make_unique<wechat::WeChatClient>(
      io_, http, app_, hooks_.clock, store_token_persistence(store_, app_.appid, hooks_.clock),
      [this](const wechat::CallRecord& record) {
        count_token_call(record);
        if (hooks_.call_finished) hooks_.call_finished(app_.name, record);
      });
}

AppRunner::~AppRunner() { *alive_ = false; }

bool AppRunner::start(std::string& error) {
  const std::int64_t now = hooks_.clock();
  auto rooms = store_.rooms(app_.name);
  auto today = store_.quota_day(app_.name, engine::beijing_date(now));
  auto record = store_.app(app_.name);  // one row: 10,000 starts must not read 10,000 rows each
  auto habits = store_.app_habits(app_.name);
  if (!rooms || !today || !record || !habits) {
    error = !rooms    ? rooms.error().to_string()
            : !today  ? today.error().to_string()
            : !record ? record.error().to_string()
                      : habits.error().to_string();
    return false;
  }
  const bool learned = habits->has_value();
  engine::Effects restored = engine_.restore(to_restored(*rooms, *today, *record, std::move(*habits)), now);
  log::info("app restored", {{"app", app_.name},
                             {"rooms", static_cast<std::int64_t>(rooms->size())},
                             {"quota_used_today", today->list_calls + today->replay_calls},
                             {"habits", learned ? "stored" : "prior"}});
  if (!commit(std::move(restored))) {
    error = "could not commit the restored state";
    return false;
  }
  asio::post(io_, [this, alive = alive_] {
    if (*alive) plan_now();
  });
  return true;
}

void AppRunner::stop() {
  stopping_ = true;
  timer_.cancel();
}

void AppRunner::reconfigure(const config::Config& config, const config::AppSettings& app) {
  webhooks_ = config.webhooks;
  app_ = app;
}

void AppRunner::plan_now() {
  if (stopping_) return;
  if (hooks_.lease_valid && !hooks_.lease_valid()) {
    // Not renewed in time (a pause, the database away): no call on a lease
    // that may have passed to another daemon. The lease keeper stops this
    // runner if it is lost; otherwise polling resumes after the next renewal.
    arm(hooks_.clock() + 1000);
    return;
  }
  engine::Plan plan = engine_.plan(hooks_.clock());
  if (!commit(std::move(plan.effects))) return;
  if (plan.call) {
    // The answer plans the next step (answered()); a timer now would only
    // wake a plan that finds the call still in flight.
    timer_.cancel();
    execute(*plan.call);
    return;
  }
  if (plan.outlook) publish(*plan.outlook);
  arm(plan.wake_at);
}

// The outlook is written when the app goes idle, and only when it says
// something new (not at every replan of an unchanged intention): at most a
// write or two per sweep. A failed write costs the operator's view only.
void AppRunner::publish(const engine::Outlook& outlook) {
  engine::Outlook unstamped = outlook;
  unstamped.computed_at = 0;
  if (published_ && *published_ == unstamped) return;
  auto written = store_.put_app_schedule(
      store::AppSchedule{app_.name, outlook.computed_at, engine::outlook_to_json(outlook)});
  if (!written) {
    log::warn("writing the app's schedule failed", {{"app", app_.name}, {"error", written.error().to_string()}});
    return;
  }
  store_committed("schedule");
  published_ = std::move(unstamped);
}

void AppRunner::arm(std::int64_t wake_at_ms) {
  const auto delay = std::max<std::int64_t>(0, wake_at_ms - hooks_.clock());
  timer_.expires_after(std::chrono::milliseconds(delay));
  timer_.async_wait([this, alive = alive_](const asio::error_code& ec) {
    if (*alive && !ec) plan_now();
  });
}

void AppRunner::execute(const engine::Call& call) {
  auto done = [this, call, alive = alive_](auto handle) {
    return [this, call, alive, handle](auto answer) {
      if (!*alive) return;
      const std::int64_t now = hooks_.clock();
      answered(answer ? handle(now, *answer) : engine_.on_failure(now, call, answer.error()));
    };
  };
  switch (call.kind) {
    case engine::Call::Kind::list:
      client_->list(call.start, call.limit, done([this, call](std::int64_t now, const wechat::RoomListPage& page) {
        return engine_.on_list_page(now, call, page);
      }));
      break;
    case engine::Call::Kind::replay:
      client_->replay(call.room_id, call.start, call.limit,
                      done([this, call](std::int64_t now, const wechat::ReplayPage& page) {
                        return engine_.on_replay(now, call, page);
                      }));
      break;
    case engine::Call::Kind::quota:
      client_->quota(done([this, call](std::int64_t now, const wechat::QuotaInfo& quota) {
        return engine_.on_quota(now, call, quota);
      }));
      break;
  }
}

// An answer arrived: commit what it changed, then decide the next step at
// once (the next page of a sweep follows without waiting).
void AppRunner::answered(engine::Effects effects) {
  if (!commit(std::move(effects))) return;
  if (!stopping_) plan_now();
}

bool AppRunner::commit(engine::Effects effects) {
  for (const auto& w : effects.warnings) log_engine_warning(app_.name, w);
  if (effects.empty()) {
    if (hooks_.committed) hooks_.committed(*this, {});
    return true;
  }
  const bool has_events = !effects.events.empty();
  // Said once committed: an event whose commit is refused never happened.
  auto events = effects.events;
  auto transitions = effects.transitions;
  auto committed = store_.commit_observation(to_observation(app_, std::move(effects), webhooks_));
  if (!committed && hooks_.lease_lost) {
    // In a fleet. Fencing refused it: another daemon holds the app now and
    // resumes from the store; what this engine saw since is dropped, not
    // written over its work. Any other failure (the server ended a session
    // paused in a transaction, the connection broke): the lease cannot be
    // trusted either; the app is handed back and restarts from the store,
    // here or on another daemon, while this daemon's other apps go on.
    if (committed.error().lease_lost)
      log::warn("lease lost: commit refused, this daemon stops polling the app",
                {{"app", app_.name}, {"events_dropped", static_cast<std::int64_t>(events.size())}});
    else
      log::warn("commit failed: this daemon hands the app back to the fleet",
                {{"app", app_.name}, {"error", committed.error().to_string()}});
    stopping_ = true;
    timer_.cancel();
    hooks_.lease_lost(app_.name);
    return false;
  }
  if (!committed) {
    // In memory the engine has moved on; on disk it has not. Stopping is the
    // only safe answer: a restart resumes from the store and re-observes.
    log::critical("state store commit failed", {{"app", app_.name}, {"error", committed.error().to_string()}});
    stopping_ = true;
    timer_.cancel();
    if (hooks_.fatal) hooks_.fatal("state store commit failed: " + committed.error().to_string());
    return false;
  }
  store_committed("observation");
  std::vector<std::string> event_types;
  for (const auto& e : events) {
    event_types.push_back(e.type);
    log_event_line(app_.name, e, transitions);
    // The two app-level alarms also get a line of their own at a level
    // log monitoring pages on.
    if (e.type == "app.auth_failed")
      log::error("WeChat authentication failed: polling paused for this app", {{"app", app_.name}});
    else if (e.type == "app.quota_exhausted")
      log::warn("daily quota exhausted (45009): no calls until 00:00 Beijing time", {{"app", app_.name}});
  }
  if (has_events && hooks_.committed_events) hooks_.committed_events();
  if (hooks_.committed) hooks_.committed(*this, event_types);
  return true;
}

void AppRunner::count_token_call(const wechat::CallRecord& record) {
  if (record.api != wechat::Api::token) return;
  auto added = store_.add_quota_calls(app_.name, engine::beijing_date(hooks_.clock()), store::QuotaKind::token, 1);
  if (!added) {
    log::warn("could not count a token call", {{"app", app_.name}, {"error", added.error().to_string()}});
    return;
  }
  store_committed("token_call");
}

void AppRunner::store_committed(std::string_view kind) const {
  if (hooks_.store_committed) hooks_.store_committed(kind);
}

}  // namespace wxlived::daemon
