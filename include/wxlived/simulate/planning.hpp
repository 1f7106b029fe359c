#pragma once
// `wxlived simulate` as a planning tool: the same scenario under several
// policies and daily quotas, every combination, the runs spread over the
// machine's cores (each run is independent: its own engine and fake).
#include <cstdint>
#include <string>
#include <vector>

#include "wxlived/simulate/simulation.hpp"

namespace wxlived::simulate {

struct PlanCase {
  engine::Policy policy = engine::Policy::adaptive;
  std::int64_t daily_quota = 500;
};

struct PlanResult {
  PlanCase plan;
  SimulationSettings settings;
  SimulationRun run;
  Grade grade;
  QuotaCheck quota;
  std::string json;  // report_json of this run: what --json prints for it
};

// Every case, in the order given, run on up to `jobs` threads at once.
std::vector<PlanResult> run_plan(const scenario::Scenario& s, const SimulationSettings& base,
                                 const std::vector<PlanCase>& cases, unsigned jobs);

// The terminal table: one row per run (policy, quota, p50, p95, max, missed,
// calls used of the budget, ...).
std::string plan_table(const scenario::Scenario& s, const std::vector<PlanResult>& results);

}  // namespace wxlived::simulate
