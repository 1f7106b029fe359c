// wxlivectl schedule [APP]: what each app's engine plans next, in words.
// The running daemon writes its plan to the database when an app goes idle
// (engine/outlook.hpp); this reads it like every other command, so it works
// with the admin port off. --json is GET /v1/apps's document.
#include <ostream>
#include <sstream>

#include "commands.hpp"
#include "time_text.hpp"
#include "wxlived/admin/schedule_view.hpp"

namespace wxlived::ctl {
namespace {

using engine::OutlookReason;

std::string duration_text(std::int64_t ms) {
  const std::int64_t s = (ms < 0 ? -ms : ms) / 1000;
  std::ostringstream out;
  if (s >= 3600) out << s / 3600 << " h " << (s % 3600) / 60 << " min";
  else if (s >= 60) out << s / 60 << " min " << s % 60 << " s";
  else out << s << " s";
  return out.str();
}

std::string rooms_text(const std::vector<std::int64_t>& rooms) {
  std::string out;
  for (std::int64_t id : rooms) out += (out.empty() ? "" : ", ") + std::to_string(id);
  return out;
}

std::string call_text(const engine::Outlook& o) {
  if (o.call == "replay") return "replay check (get_replay)";
  if (o.call == "quota") return "daily quota query";
  return "room list sweep (getliveinfo)";
}

std::string why_text(const Context& ctx, const engine::Outlook& o) {
  const std::string rooms = rooms_text(o.rooms);
  switch (o.reason) {
    case OutlookReason::first_sweep: return "first sweep since start";
    case OutlookReason::sweep_pages_left: return "a sweep is under way: its next page";
    case OutlookReason::replay_pages_left: return "more replay segments of room " + rooms;
    case OutlookReason::daily_quota_unknown: return "daily_quota = \"auto\": asking WeChat for the day's limit";
    case OutlookReason::quota_exhausted: return "the day's quota is spent: waiting for the Beijing midnight reset";
    case OutlookReason::auth_failed: return "WeChat refused the app's credentials: retrying";
    case OutlookReason::failure_backoff: return "WeChat calls are failing: backing off";
    case OutlookReason::after_failed_sweep: return "the last sweep got no answer: again at the floor";
    case OutlookReason::rule_deadline:
      return "confirm room " + rooms + " at its rule deadline" +
             (o.deadline ? " (" + ctx.time(*o.deadline) + ")" : std::string());
    case OutlookReason::likely_change:
      return rooms.empty() ? "rooms may change now" : "rooms " + rooms + " may change now";
    case OutlookReason::quiet: return "nothing likely to change: the slow pace";
    case OutlookReason::fixed_interval: return "policy fixed: the constant interval";
    case OutlookReason::replay_check: return "replay check of ended room " + rooms;
  }
  return engine::to_string(o.reason);
}

void print_plan(const Context& ctx, const admin::AppPlan& p) {
  const std::int64_t age = ctx.now_ms - p.written_at_ms;
  ctx.out << "app:        " << p.app << '\n';
  if (!p.outlook) {
    ctx.out << "plan:       unreadable (written by another wxlived version?)\n";
    return;
  }
  const engine::Outlook& o = *p.outlook;
  const std::int64_t in = o.at - ctx.now_ms;
  ctx.out << "next call:  " << call_text(o) << " at " << ctx.time(o.at) << " ("
          << (in >= 0 ? "in " + duration_text(in) : duration_text(in) + " overdue") << ")\n"
          << "why:        " << why_text(ctx, o) << " [" << engine::to_string(o.reason) << "]\n"
          << "budget:     " << o.budget_left << " of " << o.daily_limit << (o.limit_known ? "" : " (assumed)")
          << " calls left today (" << o.used_today << " used); resets " << ctx.time(o.resets_at) << '\n'
          << "pace:       policy " << o.policy;
  if (o.sweeps_left) ctx.out << ", " << *o.sweeps_left << " sweeps left today";
  if (o.even_interval) ctx.out << ", " << duration_text(*o.even_interval) << " apart if spread evenly";
  if (o.last_sweep) ctx.out << "; last sweep " << ctx.time(*o.last_sweep);
  ctx.out << '\n' << "written:    " << ctx.time(p.written_at_ms) << " (" << duration_text(age) << " ago)\n";
  // A plan well past its time was written by a daemon that has stopped
  // (or whose app is stuck): say so rather than let it pass for current.
  if (in < -2 * 60 * 1000) ctx.out << "note:       this plan is overdue: is the daemon running? (systemctl status wxlived)\n";
}

}  // namespace

int show_schedule(const Context& ctx, const std::optional<std::string>& app) {
  int rc = kExitOk;
  auto store = open_for_reading(ctx, rc);
  if (!store) return rc;
  auto schedules = app ? store->app_schedules(*app) : store->app_schedules();
  if (!schedules) return store_failure(ctx, schedules.error());
  if (app && schedules->empty()) {
    ctx.err << "wxlivectl: no plan stored for app " << *app << " (is it configured and the daemon running?)\n";
    return kExitFailure;
  }
  const std::vector<admin::AppPlan> plans = admin::app_plans(*schedules);
  if (ctx.json) {
    ctx.out << admin::app_plans_json(plans, ctx.now_ms) << '\n';
    return kExitOk;
  }
  if (plans.empty()) ctx.out << "no plan stored yet: the daemon writes one per app once it has made its first call\n";
  for (std::size_t i = 0; i < plans.size(); ++i) {
    if (i > 0) ctx.out << '\n';
    print_plan(ctx, plans[i]);
  }
  return kExitOk;
}

}  // namespace wxlived::ctl
