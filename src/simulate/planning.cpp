#include "wxlived/simulate/planning.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <sstream>
#include <thread>

namespace wxlived::simulate {
namespace {

PlanResult run_case(const scenario::Scenario& s, const SimulationSettings& base, const PlanCase& c) {
  PlanResult r;
  r.plan = c;
  r.settings = base;
  r.settings.engine.policy = c.policy;
  r.settings.engine.daily_quota = c.daily_quota;
  // The fake enforces the scenario's quota: it must be the one planned for.
  scenario::Scenario planned = s;
  planned.daily_quota = c.daily_quota;
  r.run = run_simulation(planned, r.settings);
  r.grade = grade(planned, r.run.events);
  r.quota = check_calls(planned, r.run.calls);
  r.json = report_json(planned, r.settings, r.run, r.grade, r.quota);
  return r;
}

std::string seconds_text(double s, std::int64_t count) {
  if (count == 0) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", s);
  return buf;
}

// Columns as wide as their widest cell; numbers right-aligned, names left.
std::string aligned(const std::vector<std::vector<std::string>>& rows, std::size_t left_columns) {
  std::vector<std::size_t> width;
  for (const auto& row : rows) {
    width.resize(std::max(width.size(), row.size()), 0);
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  std::ostringstream out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      const std::string pad(width[i] - row[i].size(), ' ');
      line += i < left_columns ? row[i] + pad : pad + row[i];
      if (i + 1 < row.size()) line += "  ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << "\n";
  }
  return out.str();
}

}  // namespace

std::vector<PlanResult> run_plan(const scenario::Scenario& s, const SimulationSettings& base,
                                 const std::vector<PlanCase>& cases, unsigned jobs) {
  std::vector<PlanResult> results(cases.size());
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i = next++; i < cases.size(); i = next++) results[i] = run_case(s, base, cases[i]);
  };
  const unsigned threads = std::clamp<unsigned>(jobs, 1, static_cast<unsigned>(std::max<std::size_t>(cases.size(), 1)));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  return results;
}

std::string plan_table(const scenario::Scenario& s, const std::vector<PlanResult>& results) {
  const std::int64_t days = std::max<std::int64_t>(1, (s.duration_s + 86399) / 86400);
  std::vector<std::vector<std::string>> rows{{"policy", "daily_quota", "p50 s", "p95 s", "max s", "missed", "detected",
                                              "calls/day", "list", "replay", "days over"}};
  for (const PlanResult& r : results) {
    const LatencySummary l = summarize(r.grade.latencies);
    const std::int64_t used = r.quota.list + r.quota.replay;
    rows.push_back({engine::to_string(r.plan.policy), std::to_string(r.plan.daily_quota), seconds_text(l.p50, l.count),
                    seconds_text(l.p95, l.count), seconds_text(l.max, l.count), std::to_string(r.grade.missed),
                    std::to_string(r.grade.detected), std::to_string(used / days), std::to_string(r.quota.list),
                    std::to_string(r.quota.replay), std::to_string(r.quota.days_over_quota)});
  }
  return aligned(rows, 1);
}

}  // namespace wxlived::simulate
