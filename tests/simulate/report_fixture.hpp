#pragma once
// Runs for the HTML report's tests: the
// real run_plan (engine, fake, grade, check_calls, report_json) on a scenario.
#include <string>
#include <vector>

#include "wxlived/simulate/planning.hpp"

namespace wxlived::simulate::testing {

// Every (policy, quota), policy-major, as the CLI orders them.
inline std::vector<PlanResult> plan_runs(const scenario::Scenario& s, const std::vector<engine::Policy>& policies,
                                         const std::vector<std::int64_t>& quotas, unsigned jobs = 2) {
  std::vector<PlanCase> cases;
  for (const engine::Policy p : policies) {
    for (const std::int64_t q : quotas) cases.push_back(PlanCase{p, q});
  }
  return run_plan(s, scenario_settings(s), cases, jobs);
}

// Room names a page must escape: markup, an entity, both quotes, CJK, a
// script that would log an error if it ever ran.
inline const std::vector<std::string>& hostile_names() {
  static const std::vector<std::string> names = {
      "<b>bold</b> & \"quoted\" 'single'",
      "\xE7\x9B\xB4\xE6\x92\xAD\xE9\x97\xB4 <\xE5\xA5\xBD\xE8\xB4\xA7> &amp; \xF0\x9F\x8E\x89",  // 直播间 <好货> &amp; 🎉
      "<script>console.error('injected')</script>",
      "<img src=x onerror=\"console.error('injected')\">",
      "]]></title></text></svg><svg onload=\"console.error('injected')\">",
      "https://example.com/not-a-link"};
  return names;
}

// Renames the first rooms with a change in the window to hostile_names(), so
// that their names reach the timeline's labels.
inline void use_hostile_names(scenario::Scenario& s) {
  std::size_t next = 0;
  for (scenario::Room& room : s.rooms) {
    if (next == hostile_names().size()) break;
    const bool today = !room.timeline.empty() && room.timeline.back().t >= 0 && room.timeline.front().t < s.duration_s;
    if (today) room.name = hostile_names()[next++];
  }
}

}  // namespace wxlived::simulate::testing
