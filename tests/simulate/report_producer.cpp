// The browser check's producer while `wxlived simulate --report` is not there:
// every (policy, quota) of a scenario through the real run_plan, the page of
// report_html() and one JSON line per run (what `--json` prints).
//   simulate_report_producer SCENARIO POLICIES QUOTAS TIMELINE OUT.html OUT.jsonl
//   e.g. ... day.json adaptive,steady 200,500 adaptive:500 report.html runs.jsonl
#include <fstream>
#include <iostream>
#include <sstream>

#include "report_fixture.hpp"
#include "wxlived/scenario/parse.hpp"
#include "wxlived/simulate/report_html.hpp"

using namespace wxlived;

namespace {

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string part; std::getline(in, part, ',');) out.push_back(part);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 7) {
    std::cerr << "usage: " << argv[0] << " SCENARIO POLICIES QUOTAS POLICY:QUOTA OUT.html OUT.jsonl\n";
    return 64;
  }
  auto s = scenario::load_scenario_file(argv[1]);
  if (!s) {
    std::cerr << argv[1] << ": " << s.error().message << "\n";
    return 2;
  }
  std::vector<engine::Policy> policies;
  for (const std::string& p : split(argv[2])) {
    const auto policy = engine::policy_from_string(p);
    if (!policy) {
      std::cerr << "unknown policy " << p << "\n";
      return 64;
    }
    policies.push_back(*policy);
  }
  std::vector<std::int64_t> quotas;
  for (const std::string& q : split(argv[3])) quotas.push_back(std::stoll(q));
  const auto results = simulate::testing::plan_runs(*s, policies, quotas);
  std::size_t chosen = 0;
  for (std::size_t i = 0; i < results.size(); ++i) {
    const std::string key = std::string(engine::to_string(results[i].plan.policy)) + ":" +
                            std::to_string(results[i].plan.daily_quota);
    if (key == argv[4]) chosen = i;
  }
  std::ofstream(argv[5], std::ios::trunc) << simulate::report_html(*s, results, chosen);
  std::ofstream jsonl(argv[6], std::ios::trunc);
  for (const auto& r : results) jsonl << r.json << "\n";
  return 0;
}
