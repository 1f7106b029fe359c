#include "commands.hpp"

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <ostream>
#include <set>

#include "table.hpp"
#include "terminal_text.hpp"
#include "time_text.hpp"
#include "wxlived/core/json_nesting.hpp"
#include "wxlived/admin/json_fields.hpp"
#include "wxlived/admin/views.hpp"
#include "wxlived/store/state_store.hpp"

namespace wxlived::ctl {

std::string Context::time(std::int64_t unix_ms) const { return admin::format_at_offset(unix_ms, utc_offset_min); }

std::string Context::time_or(const std::optional<std::int64_t>& unix_ms, const char* none) const {
  return unix_ms ? time(*unix_ms) : none;
}

store::StoreLocation store_location(const Context& ctx) {
  if (!ctx.postgresql_dsn.empty()) return store::StoreLocation::postgresql_at(ctx.postgresql_dsn);
  return store::StoreLocation(ctx.db);
}

int store_failure(const Context& ctx, const store::StoreError& error) {
  ctx.err << "wxlivectl: " << store_location(ctx).name() << ": " << error.to_string() << '\n';
  return kExitFailure;
}

// Readers never create or migrate anything: a missing file is an error.
std::optional<store::StateStore> open_for_reading(const Context& ctx, int& rc) {
  std::error_code ec;
  if (ctx.postgresql_dsn.empty() && !std::filesystem::exists(ctx.db, ec)) {
    ctx.err << "wxlivectl: no state database at " << ctx.db.string() << '\n';
    rc = kExitFailure;
    return std::nullopt;
  }
  auto opened = store_location(ctx).open_readonly();
  if (!opened) {
    rc = store_failure(ctx, opened.error());
    return std::nullopt;
  }
  return std::move(*opened);
}

// Writers first check, read-only, that the schema is the one this build
// knows (so wxlivectl never migrates a database under a running daemon),
// then open read-write for one short transaction.
std::optional<store::StateStore> open_for_writing(const Context& ctx, int& rc) {
  if (!open_for_reading(ctx, rc)) return std::nullopt;
  auto opened = store_location(ctx).open();
  if (!opened) {
    rc = store_failure(ctx, opened.error());
    return std::nullopt;
  }
  return std::move(*opened);
}

void print_json(const Context& ctx, const rapidjson::StringBuffer& buffer) {
  ctx.out << std::string_view(buffer.GetString(), buffer.GetSize()) << '\n';
}

namespace {

using admin::json::field;
using admin::json::time_field;
using admin::json::Writer;

void key(Writer& w, const char* k) { w.Key(k); }

std::string json_string(const rapidjson::Value& obj, const char* k) {
  if (!obj.IsObject()) return "";
  auto it = obj.FindMember(k);
  if (it == obj.MemberEnd()) return "";
  if (it->value.IsString()) return it->value.GetString();
  if (it->value.IsInt64()) return std::to_string(it->value.GetInt64());
  if (it->value.IsBool()) return it->value.GetBool() ? "true" : "false";
  return "";
}

// One line about what an event says: "not_started -> live (observed)".
std::string event_summary(const std::string& body_json) {
  rapidjson::Document doc;
  if (!parse_bounded_json(doc, body_json) || !doc.IsObject()) return "";
  auto data = doc.FindMember("data");
  if (data == doc.MemberEnd() || !data->value.IsObject()) return "";
  const rapidjson::Value& d = data->value;
  std::string summary;
  const std::string from = json_string(d, "from_name");
  const std::string to = json_string(d, "to_name");
  if (!to.empty()) summary = (from.empty() ? std::string("(new)") : from) + " -> " + to;
  const std::string reason = json_string(d, "reason");
  if (!reason.empty()) summary += " (" + reason + (json_string(d, "inferred") == "true" ? ", inferred" : "") + ")";
  auto segments = d.FindMember("segments");
  if (segments != d.MemberEnd() && segments->value.IsArray()) {
    summary += (summary.empty() ? "" : " ") + std::to_string(segments->value.Size()) + " segment(s)";
  }
  return summary;
}

// 12.34 -> "12.3", 3.0 -> "3": observation counts fade by day, so they are fractional.
std::string decimal(double value, int places = 1) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", places, value);
  std::string text = buffer;
  if (text.find('.') != std::string::npos) {
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  return text == "-0" ? "0" : text;
}

std::string percent(double share) { return decimal(share * 100) + "%"; }

// Offsets from the plan carry a sign ("+20m05s"); lengths do not ("4m30s").
bool is_offset(engine::Habit habit) {
  return habit == engine::Habit::start_offset || habit == engine::Habit::end_offset;
}

// One app's habits, as the JSON summary has them: the quantiles rounded to
// whole seconds, learned (the prior blended with the observations: what the
// scheduler uses) beside the prior alone.
void print_habits(const Context& ctx, const admin::AppHabits& app) {
  const engine::Habits habits = admin::habits_or_prior(app);
  const char* note = !app.habits_json                           ? ": nothing learned yet, the prior"
                     : !engine::habits_from_json(*app.habits_json) ? ": stored habits unreadable, the prior"
                                                                   : "";
  ctx.out << "app " << terminal_safe(app.app) << note << '\n';
  Table table({"HABIT", "OBSERVATIONS", "P10", "P50", "P90", "NEVER", "PRIOR P10", "PRIOR P50", "PRIOR P90",
               "PRIOR NEVER"});
  for (engine::Habit h : engine::kAllHabits) {
    const engine::HabitDistribution& d = habits.of(h);
    auto at = [&](double q, bool prior) { return format_seconds(std::llround(d.quantile(q, prior)), is_offset(h)); };
    table.add({engine::to_string(h), decimal(d.observations()), at(0.1, false), at(0.5, false), at(0.9, false),
               percent(d.never()), at(0.1, true), at(0.5, true), at(0.9, true), percent(d.prior_never())});
  }
  table.print(ctx.out);
  const engine::InterruptionRate& r = habits.interruptions;
  ctx.out << "interruptions per live hour: " << decimal(r.per_hour(), 2) << " learned, " << decimal(r.prior_per_hour, 2)
          << " prior (" << decimal(r.events) << " observed in " << decimal(r.live_hours) << " live hours)\n";
}

}  // namespace

int list_rooms(const Context& ctx, const std::optional<std::string>& app) {
  int rc = kExitOk;
  auto store = open_for_reading(ctx, rc);
  if (!store) return rc;
  auto rooms = app ? store->rooms(*app) : store->rooms();
  if (!rooms) return store_failure(ctx, rooms.error());
  if (ctx.json) {
    ctx.out << admin::rooms_json(*rooms) << '\n';
    return kExitOk;
  }
  Table table({"APP", "ROOM", "STATUS", "SINCE", "NAME", "LAST SEEN", "REMOVED"});
  for (const auto& r : *rooms) {
    table.add({r.app, std::to_string(r.room_id), std::to_string(r.status) + " " + std::string(status_name(r.status)),
               ctx.time(r.status_since_ms), admin::room_name(r.snapshot_json), ctx.time(r.last_seen_ms),
               ctx.time_or(r.removed_at_ms)});
  }
  table.print(ctx.out);
  return kExitOk;
}

int list_events(const Context& ctx, const store::EventFilter& filter) {
  int rc = kExitOk;
  auto store = open_for_reading(ctx, rc);
  if (!store) return rc;
  auto events = store->events(filter);
  if (!events) return store_failure(ctx, events.error());
  if (ctx.json) {
    ctx.out << admin::events_json(*events) << '\n';
    return kExitOk;
  }
  Table table({"SEQ", "CREATED", "TYPE", "APP", "ROOM", "ID", "WHAT"});
  for (const auto& e : *events) table.add(event_row(ctx, e));
  table.print(ctx.out);
  return kExitOk;
}

std::vector<std::string> event_row(const Context& ctx, const store::EventRecord& e) {
  return {std::to_string(e.seq), ctx.time(e.created_at_ms), e.type, e.app, e.room_id ? std::to_string(*e.room_id) : "-",
          e.id, event_summary(e.body_json)};
}

int list_deliveries(const Context& ctx, const store::DeliveryFilter& filter) {
  int rc = kExitOk;
  auto store = open_for_reading(ctx, rc);
  if (!store) return rc;
  auto rows = store->deliveries(filter);
  if (!rows) return store_failure(ctx, rows.error());
  // The event id is what redeliver takes: look each one up by seq.
  std::map<std::int64_t, std::string> ids;
  for (const auto& d : *rows) {
    if (ids.contains(d.event_seq)) continue;
    store::EventFilter f;
    f.after_seq = d.event_seq - 1;
    f.limit = 1;
    auto event = store->events(f);
    if (!event) return store_failure(ctx, event.error());
    ids[d.event_seq] = !event->empty() && event->front().seq == d.event_seq ? event->front().id : "?";
  }
  if (ctx.json) {
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartArray();
    for (const auto& d : *rows) {
      w.StartObject();
      field(w, "event_seq", d.event_seq);
      field(w, "event_id", ids[d.event_seq]);
      field(w, "endpoint", d.endpoint);
      field(w, "app", d.app);
      field(w, "room_id", d.room_id);
      field(w, "state", store::to_string(d.state));
      field(w, "attempts", static_cast<std::int64_t>(d.attempts));
      time_field(w, "queued_at_ms", d.queued_at_ms);
      time_field(w, "next_attempt_at_ms", d.next_attempt_at_ms);
      field(w, "last_status",
            d.last_status ? std::optional<std::int64_t>(*d.last_status) : std::optional<std::int64_t>());
      field(w, "last_error", d.last_error);
      time_field(w, "delivered_at_ms", d.delivered_at_ms);
      w.EndObject();
    }
    w.EndArray();
    print_json(ctx, buffer);
    return kExitOk;
  }
  Table table({"EVENT", "ENDPOINT", "APP", "ROOM", "STATE", "TRIES", "QUEUED", "NEXT/DONE", "STATUS", "LAST ERROR"});
  for (const auto& d : *rows) {
    const bool done = d.state == store::DeliveryState::delivered || d.state == store::DeliveryState::dead;
    std::string error = d.last_error.value_or("");
    if (error.size() > 80) error = error.substr(0, 77) + "...";
    table.add({ids[d.event_seq], d.endpoint, d.app, d.room_id ? std::to_string(*d.room_id) : "-",
               std::string(store::to_string(d.state)), std::to_string(d.attempts), ctx.time(d.queued_at_ms),
               d.state == store::DeliveryState::delivered ? ctx.time_or(d.delivered_at_ms)
               : done                                     ? "-"
                                                          : ctx.time(d.next_attempt_at_ms),
               d.last_status ? std::to_string(*d.last_status) : "-", error});
  }
  table.print(ctx.out);
  return kExitOk;
}

int redeliver_events(const Context& ctx, const std::vector<std::string>& event_ids,
                     const std::optional<std::string>& endpoint) {
  int rc = kExitOk;
  auto store = open_for_writing(ctx, rc);
  if (!store) return rc;
  // All ids or none: one short write transaction.
  auto tx = store->database().begin_immediate();
  if (!tx) return store_failure(ctx, tx.error());
  int total = 0;
  for (const std::string& id : event_ids) {
    auto event = store->event_by_id(id);
    if (!event) return store_failure(ctx, event.error());
    if (!*event) {
      ctx.err << "wxlivectl: no event " << id << " (nothing requeued)\n";
      return kExitFailure;
    }
    std::optional<std::string_view> only;
    if (endpoint) only = *endpoint;
    auto n = store->requeue_event(id, ctx.now_ms, only);
    if (!n) return store_failure(ctx, n.error());
    if (*n == 0) {
      ctx.err << "wxlivectl: event " << id << " has no delivery" << (endpoint ? " to endpoint " + *endpoint : "")
              << " (nothing requeued)\n";
      return kExitFailure;
    }
    total += *n;
  }
  if (auto committed = tx->commit(); !committed) return store_failure(ctx, committed.error());
  if (ctx.json) {
    ctx.out << "{\"requeued\": " << total << "}\n";
  } else {
    ctx.out << "requeued " << total << " deliver" << (total == 1 ? "y" : "ies") << " of " << event_ids.size()
            << " event" << (event_ids.size() == 1 ? "" : "s") << '\n';
  }
  return kExitOk;
}

int redeliver_dead(const Context& ctx, const std::optional<std::string>& endpoint) {
  int rc = kExitOk;
  auto store = open_for_writing(ctx, rc);
  if (!store) return rc;
  std::optional<std::string_view> only;
  if (endpoint) only = *endpoint;
  auto n = store->requeue_dead(ctx.now_ms, only);
  if (!n) return store_failure(ctx, n.error());
  if (ctx.json) {
    ctx.out << "{\"requeued\": " << *n << "}\n";
  } else {
    ctx.out << "requeued " << *n << " dead deliver" << (*n == 1 ? "y" : "ies")
            << (endpoint ? " to endpoint " + *endpoint : std::string()) << '\n';
  }
  return kExitOk;
}

int show_quota(const Context& ctx, const std::string& day) {
  int rc = kExitOk;
  auto store = open_for_reading(ctx, rc);
  if (!store) return rc;
  auto days = store->quota_days(day);
  if (!days) return store_failure(ctx, days.error());
  if (ctx.json) {
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    field(w, "day", day);
    key(w, "apps");
    w.StartArray();
    for (const auto& q : *days) {
      w.StartObject();
      field(w, "app", q.app);
      field(w, "list_calls", q.list_calls);
      field(w, "replay_calls", q.replay_calls);
      field(w, "getliveinfo_calls", q.list_calls + q.replay_calls);
      field(w, "token_calls", q.token_calls);
      field(w, "quota_errors", q.quota_errors);
      time_field(w, "exhausted_at_ms", q.exhausted_at_ms);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    print_json(ctx, buffer);
    return kExitOk;
  }
  ctx.out << "quota day " << day << " (Beijing time)\n";
  Table table({"APP", "GETLIVEINFO", "LIST", "REPLAY", "TOKEN", "QUOTA ERRORS", "EXHAUSTED AT"});
  for (const auto& q : *days) {
    table.add({q.app, std::to_string(q.list_calls + q.replay_calls), std::to_string(q.list_calls),
               std::to_string(q.replay_calls), std::to_string(q.token_calls), std::to_string(q.quota_errors),
               ctx.time_or(q.exhausted_at_ms)});
  }
  table.print(ctx.out);
  return kExitOk;
}

int list_endpoints(const Context& ctx) {
  int rc = kExitOk;
  auto store = open_for_reading(ctx, rc);
  if (!store) return rc;
  auto known = store->endpoints();
  if (!known) return store_failure(ctx, known.error());
  // The endpoints table only remembers endpoints that were ever disabled;
  // with --config the configured ones are listed too.
  std::map<std::string, store::EndpointRecord> all;
  for (const std::string& name : ctx.configured_endpoints) all[name] = store::EndpointRecord{name, {}, {}};
  for (auto& e : *known) all[e.name] = std::move(e);
  const std::set<std::string> configured(ctx.configured_endpoints.begin(), ctx.configured_endpoints.end());
  if (ctx.json) {
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartArray();
    for (const auto& [name, e] : all) {
      w.StartObject();
      field(w, "name", name);
      field(w, "state", e.disabled_at_ms ? "disabled" : "enabled");
      time_field(w, "disabled_at_ms", e.disabled_at_ms);
      field(w, "disabled_reason", e.disabled_reason);
      if (!ctx.configured_endpoints.empty()) {
        w.Key("configured");
        w.Bool(configured.contains(name));
      }
      w.EndObject();
    }
    w.EndArray();
    print_json(ctx, buffer);
    return kExitOk;
  }
  Table table({"ENDPOINT", "STATE", "DISABLED AT", "REASON"});
  for (const auto& [name, e] : all) {
    table.add({name, e.disabled_at_ms ? "disabled" : "enabled", ctx.time_or(e.disabled_at_ms),
               e.disabled_reason.value_or("")});
  }
  table.print(ctx.out);
  return kExitOk;
}

int enable_endpoint(const Context& ctx, const std::string& name) {
  int rc = kExitOk;
  auto store = open_for_writing(ctx, rc);
  if (!store) return rc;
  auto known = store->endpoints();
  if (!known) return store_failure(ctx, known.error());
  auto it = std::find_if(known->begin(), known->end(), [&](const auto& e) { return e.name == name; });
  if (it == known->end() || !it->disabled_at_ms) {
    ctx.err << "wxlivectl: endpoint " << name << " is not disabled\n";
    return kExitFailure;
  }
  if (auto done = store->enable_endpoint(name); !done) return store_failure(ctx, done.error());
  if (ctx.json) {
    ctx.out << "{\"enabled\": true}\n";
  } else {
    ctx.out << "endpoint " << name << " enabled; its waiting deliveries resume within a few seconds\n";
  }
  return kExitOk;
}

int show_habits(const Context& ctx, const std::optional<std::string>& app) {
  int rc = kExitOk;
  auto store = open_for_reading(ctx, rc);
  if (!store) return rc;
  auto apps = admin::app_habits(*store, app);
  if (!apps) return store_failure(ctx, apps.error());
  if (app && apps->empty()) {
    ctx.err << "wxlivectl: no app " << terminal_safe(*app) << " in the state database\n";
    return kExitFailure;
  }
  if (ctx.json) {
    ctx.out << (app ? admin::habits_summary_json(apps->front()) : admin::habits_summaries_json(*apps)) << '\n';
    return kExitOk;
  }
  if (apps->empty()) ctx.out << "no app in the state database yet\n";
  for (std::size_t i = 0; i < apps->size(); ++i) {
    if (i > 0) ctx.out << '\n';
    print_habits(ctx, (*apps)[i]);
  }
  return kExitOk;
}

}  // namespace wxlived::ctl
