#pragma once
// What each app's engine plans next, as `wxlivectl schedule --json` and
// GET /v1/apps show it: one document for both (engine/outlook.hpp, stored
// per app by the daemon in app_schedule).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wxlived/engine/outlook.hpp"
#include "wxlived/store/records.hpp"

namespace wxlived::admin {

struct AppPlan {
  std::string app;
  std::int64_t written_at_ms = 0;
  std::optional<engine::Outlook> outlook;  // none: the stored text did not parse
};
std::vector<AppPlan> app_plans(const std::vector<store::AppSchedule>& schedules);

// [ {app, written_at_ms, written_at, next: {call, at_ms, at, in_s, reason, rooms, deadline_ms, deadline},
//    budget: {daily_limit, limit_known, used_today, left, resets_at_ms, resets_at},
//    pace: {policy, last_sweep_ms, last_sweep, sweeps_left, even_interval_s}}, ... ]
// in_s is from `now_ms` (negative: overdue, e.g. the daemon is not running).
std::string app_plans_json(const std::vector<AppPlan>& plans, std::int64_t now_ms);

}  // namespace wxlived::admin
