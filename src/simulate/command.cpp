#include <algorithm>
#include <fstream>
#include <ostream>
#include <thread>

#include "wxlived/config/load.hpp"
#include "wxlived/scenario/parse.hpp"
#include "wxlived/simulate/planning.hpp"
#include "wxlived/simulate/report_html.hpp"
#include "wxlived/simulate/simulation.hpp"

namespace wxlived::simulate {
namespace {

constexpr int kInvalidInput = 2;

// A config says how the merchant's daemon polls (floor, rules, page size,
// quota); the app must be the scenario's, or every call would fail auth and
// the run would grade as "nothing detected". The secret stays the
// scenario's: the simulated WeChat is the scenario's, and a planning run
// has no business reading the merchant's credentials.
bool apply_config(const std::string& file, const scenario::Scenario& s, SimulationSettings& settings, std::ostream& err) {
  auto config = config::load_config(file, config::process_environment(), config::LoadOptions{false});
  if (!config) {
    for (const auto& problem : config.error()) err << problem.to_string() << "\n";
    return false;
  }
  const auto app = std::find_if(config->apps.begin(), config->apps.end(),
                                [&](const config::AppSettings& a) { return a.appid == s.appid; });
  if (app == config->apps.end()) {
    err << "wxlived simulate: " << file << " has no [[app]] with appid " << s.appid << " (the scenario's)";
    if (!config->apps.empty()) {
      err << "; its apps:";
      for (const auto& a : config->apps) err << " " << a.name << " (" << a.appid << ")";
    }
    err << "\n";
    return false;
  }
  settings.engine.app = app->name;
  if (app->daily_quota) settings.engine.daily_quota = app->daily_quota;  // "auto": the fake's quota API says the scenario's
  settings.engine.page_size = app->page_size;
  settings.engine.min_interval = config->poll.min_interval_s * engine::kSecond;
  settings.engine.abnormal_timeout = config->rules.abnormal_timeout_s * engine::kSecond;
  settings.engine.replay_delay = config->rules.replay_delay_s * engine::kSecond;
  return true;
}

std::vector<PlanCase> cases_of(const SimulateOptions& options, std::int64_t default_quota) {
  const std::vector<std::int64_t> quotas = options.quotas.empty() ? std::vector{default_quota} : options.quotas;
  std::vector<PlanCase> cases;
  for (const engine::Policy policy : options.policies) {
    for (const std::int64_t quota : quotas) cases.push_back(PlanCase{policy, quota});
  }
  return cases;
}

// --timeline POLICY:QUOTA, else the first policy at the scenario's quota
// when it is among those run, else the first run.
std::optional<std::size_t> timeline_run(const SimulateOptions& options, const std::vector<PlanCase>& cases,
                                        std::int64_t default_quota, std::ostream& err) {
  if (options.timeline) {
    const std::string& t = *options.timeline;
    const auto colon = t.find(':');
    const auto policy = engine::policy_from_string(t.substr(0, colon));
    std::int64_t quota = default_quota;
    try {
      if (colon != std::string::npos) quota = std::stoll(t.substr(colon + 1));
    } catch (const std::exception&) {
      quota = -1;
    }
    for (std::size_t i = 0; policy && i < cases.size(); ++i) {
      if (cases[i].policy == *policy && cases[i].daily_quota == quota) return i;
    }
    err << "wxlived simulate: --timeline " << t << " is not one of the runs (POLICY:QUOTA, e.g. adaptive:"
        << cases.front().daily_quota << ")\n";
    return std::nullopt;
  }
  for (std::size_t i = 0; i < cases.size(); ++i) {
    if (cases[i].daily_quota == default_quota) return i;
  }
  return 0;
}

template <class Write>
bool write_file(const std::string& path, std::ostream& err, Write write) {
  std::ofstream file(path, std::ios::trunc | std::ios::binary);
  if (file) write(file);
  if (!file) {
    err << "wxlived simulate: cannot write " << path << "\n";
    return false;
  }
  return true;
}

bool write_traces(const SimulateOptions& options, const scenario::Scenario& s, const PlanResult& r,
                  std::ostream& err) {
  if (options.events_out && !write_file(*options.events_out, err, [&](std::ostream& f) {
        for (const EmittedEvent& e : r.run.events) f << e.event.body_json << "\n";
      })) {
    return false;
  }
  return !options.calls_out || write_file(*options.calls_out, err, [&](std::ostream& f) {
    for (const CallLine& c : r.run.calls) f << call_line_json(s, c) << "\n";
  });
}

}  // namespace

int simulate_command(const SimulateOptions& options, std::ostream& out, std::ostream& err) {
  auto loaded = scenario::load_scenario_file(options.scenario_file);
  if (!loaded) {
    err << "wxlived simulate: " << loaded.error().message << "\n";
    return kInvalidInput;
  }
  const scenario::Scenario& s = *loaded;
  SimulationSettings settings = scenario_settings(s);
  settings.engine.learn = !options.no_learn;
  if (options.config_file && !apply_config(*options.config_file, s, settings, err)) return kInvalidInput;
  if (options.policies.empty()) {
    err << "wxlived simulate: --policy needs at least one of adaptive, steady, fixed\n";
    return kInvalidInput;
  }
  const std::vector<PlanCase> cases = cases_of(options, settings.engine.daily_quota.value_or(s.daily_quota));
  if (cases.size() > 1 && (options.events_out || options.calls_out)) {
    err << "wxlived simulate: --events-out and --calls-out take one run: give one --policy and one --quota\n";
    return kInvalidInput;
  }

  const auto chosen = timeline_run(options, cases, settings.engine.daily_quota.value_or(s.daily_quota), err);
  if (!chosen) return kInvalidInput;

  const unsigned jobs = options.jobs > 0 ? options.jobs : std::max(1U, std::thread::hardware_concurrency());
  const std::vector<PlanResult> results = run_plan(s, settings, cases, jobs);

  if (cases.size() == 1 && !write_traces(options, s, results.front(), err)) return kInvalidInput;
  if (options.report_file) {
    const std::string page = report_html(s, results, *chosen);
    if (!write_file(*options.report_file, err, [&](std::ostream& f) { f << page; })) return kInvalidInput;
    err << "wxlived simulate: wrote " << *options.report_file << " (" << (page.size() + 1023) / 1024 << " KiB)\n";
  }
  const bool table = options.table || (!options.json && options.stdout_is_terminal);
  if (table) {
    out << plan_table(s, results);
  } else {
    for (const PlanResult& r : results) out << r.json << "\n";
  }
  return 0;
}

}  // namespace wxlived::simulate
