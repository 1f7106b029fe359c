#include "wxlived/admin/schedule_view.hpp"

#include "wxlived/admin/json_fields.hpp"

namespace wxlived::admin {
namespace {

using json::field;
using json::time_field;
using json::Writer;

void next_object(Writer& w, const engine::Outlook& o, std::int64_t now_ms) {
  w.Key("next");
  w.StartObject();
  field(w, "call", o.call);
  time_field(w, "at_ms", o.at);
  field(w, "in_s", (o.at - now_ms) / 1000);
  field(w, "reason", engine::to_string(o.reason));
  w.Key("rooms");
  w.StartArray();
  for (std::int64_t id : o.rooms) w.Int64(id);
  w.EndArray();
  time_field(w, "deadline_ms", o.deadline);
  w.EndObject();
}

void budget_object(Writer& w, const engine::Outlook& o) {
  w.Key("budget");
  w.StartObject();
  field(w, "daily_limit", o.daily_limit);
  w.Key("limit_known");
  w.Bool(o.limit_known);
  field(w, "used_today", o.used_today);
  field(w, "left", o.budget_left);
  time_field(w, "resets_at_ms", o.resets_at);
  w.EndObject();
}

void pace_object(Writer& w, const engine::Outlook& o) {
  w.Key("pace");
  w.StartObject();
  field(w, "policy", o.policy);
  time_field(w, "last_sweep_ms", o.last_sweep);
  field(w, "sweeps_left", o.sweeps_left);
  field(w, "even_interval_s",
        o.even_interval ? std::optional<std::int64_t>(*o.even_interval / 1000) : std::optional<std::int64_t>());
  w.EndObject();
}

}  // namespace

std::vector<AppPlan> app_plans(const std::vector<store::AppSchedule>& schedules) {
  std::vector<AppPlan> out;
  out.reserve(schedules.size());
  for (const store::AppSchedule& s : schedules)
    out.push_back(AppPlan{s.app, s.written_at_ms, engine::outlook_from_json(s.outlook_json)});
  return out;
}

std::string app_plans_json(const std::vector<AppPlan>& plans, std::int64_t now_ms) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartArray();
  for (const AppPlan& p : plans) {
    w.StartObject();
    field(w, "app", p.app);
    time_field(w, "written_at_ms", p.written_at_ms);
    if (p.outlook) {
      next_object(w, *p.outlook, now_ms);
      budget_object(w, *p.outlook);
      pace_object(w, *p.outlook);
    } else {
      field(w, "error", "the stored plan is not one this build reads");
    }
    w.EndObject();
  }
  w.EndArray();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace wxlived::admin
