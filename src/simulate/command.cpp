#include <fstream>
#include <ostream>

#include "wxlived/config/load.hpp"
#include "wxlived/scenario/parse.hpp"
#include "wxlived/simulate/simulation.hpp"

namespace wxlived::simulate {
namespace {

constexpr int kInvalidInput = 2;

// Without --config: the scenario's app, its daily_quota, a 60 s floor and
// WeChat's documented rule durations (the scenario may shorten 106's).
SimulationSettings defaults_for(const scenario::Scenario& s, engine::Policy policy) {
  SimulationSettings out;
  out.engine.app = "app";
  out.engine.appid = s.appid;
  out.engine.daily_quota = s.daily_quota;
  out.engine.page_size = 100;
  out.engine.min_interval = 60 * engine::kSecond;
  out.engine.abnormal_timeout = s.abnormal_timeout_s * engine::kSecond;
  out.engine.replay_delay = 600 * engine::kSecond;
  out.engine.policy = policy;
  out.secret = s.secret;
  return out;
}

}  // namespace

int simulate_command(const SimulateOptions& options, std::ostream& out, std::ostream& err) {
  auto loaded = scenario::load_scenario_file(options.scenario_file);
  if (!loaded) {
    err << "wxlived simulate: " << loaded.error().message << "\n";
    return kInvalidInput;
  }
  const scenario::Scenario& s = *loaded;
  SimulationSettings settings = defaults_for(s, options.policy);
  settings.engine.learn = !options.no_learn;
  if (options.config_file) {
    auto config = config::load_config(*options.config_file);
    if (!config) {
      for (const auto& problem : config.error()) err << problem.to_string() << "\n";
      return kInvalidInput;
    }
    const config::AppSettings* app = nullptr;
    for (const auto& candidate : config->apps) {
      if (candidate.appid == s.appid) app = &candidate;
    }
    if (app == nullptr && !config->apps.empty()) app = &config->apps.front();
    if (app != nullptr) {
      settings.engine.app = app->name;
      settings.engine.appid = app->appid;
      settings.engine.daily_quota = app->daily_quota;
      settings.engine.page_size = app->page_size;
      settings.secret = app->secret.reveal();
    }
    settings.engine.min_interval = config->poll.min_interval_s * engine::kSecond;
    settings.engine.abnormal_timeout = config->rules.abnormal_timeout_s * engine::kSecond;
    settings.engine.replay_delay = config->rules.replay_delay_s * engine::kSecond;
  }

  const SimulationRun run = run_simulation(s, settings);
  const Grade g = grade(s, run.events);
  const QuotaCheck q = check_calls(s, run.calls);

  if (options.events_out) {
    std::ofstream file(*options.events_out, std::ios::trunc);
    if (!file) {
      err << "wxlived simulate: cannot write " << *options.events_out << "\n";
      return kInvalidInput;
    }
    for (const EmittedEvent& e : run.events) file << e.event.body_json << "\n";
  }
  if (options.calls_out) {
    std::ofstream file(*options.calls_out, std::ios::trunc);
    if (!file) {
      err << "wxlived simulate: cannot write " << *options.calls_out << "\n";
      return kInvalidInput;
    }
    for (const CallLine& c : run.calls) file << call_line_json(s, c) << "\n";
  }
  out << report_json(s, settings, run, g, q) << "\n";
  return 0;
}

}  // namespace wxlived::simulate
