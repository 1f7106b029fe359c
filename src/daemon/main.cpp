// wxlived: the daemon and its offline tools (SPEC section 2).
#include <CLI/CLI.hpp>

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <iostream>

#include "check_config_command.hpp"
#include "run_command.hpp"
#include "wxlived/simulate/simulation.hpp"
#include "wxlived/version.hpp"

namespace {

constexpr int kUsageError = 64;  // EX_USAGE: keeps exit 2 for "config invalid"

}  // namespace

int main(int argc, char** argv) {
  // systemd may send SIGHUP (a reload) as soon as the process exists; its
  // default action would end the daemon (exit 129) until the loop's
  // signal_set takes it over. Until then a reload has nothing to re-read:
  // the config is read after this line anyway.
  std::signal(SIGHUP, SIG_IGN);
  CLI::App app{"wxlived: watches WeChat Mini Program live rooms within the daily API quota and pushes every "
               "change, signed, to webhook receivers."};
  app.set_version_flag("--version", std::string("wxlived ") + wxlived::kVersion);
  app.require_subcommand(1);

  std::string config_file;
  auto* check = app.add_subcommand("check-config", "Validate a config file: exit 0 with a summary, or 2 with "
                                                   "every problem as FILE:LINE: key: message");
  check->add_option("--config", config_file, "Config file (TOML)")->required();
  std::vector<std::string> credential_loads;
  check->add_option("--load-credential", credential_loads,
                    "ID:PATH, as the unit's LoadCredential= line: read secret_credential names from PATH (a "
                    "folder: its file F is the credential ID_F) instead of $CREDENTIALS_DIRECTORY. For the "
                    "install check from a shell: --load-credential secrets:/etc/wxlived/secrets")
      ->check(CLI::Validator(
          [](std::string& text) {
            auto load = wxlived::config::parse_credential_load(text);
            return load ? std::string() : load.error();
          },
          "ID:PATH"));

  std::string run_config;
  auto* run = app.add_subcommand("run", "Run the daemon: poll WeChat within the quota, keep the state, deliver "
                                        "webhooks; SIGHUP reloads, SIGTERM stops");
  run->add_option("--config", run_config, "Config file (TOML)")->required();

  wxlived::simulate::SimulateOptions sim;
  std::vector<std::string> policies{"adaptive"};
  auto* simulate = app.add_subcommand("simulate", "Run the real engine against a scenario's fake WeChat in virtual "
                                                  "time and grade it, for every policy and quota given");
  simulate->add_option("--scenario", sim.scenario_file, "Scenario file (JSON)")->required();
  simulate->add_option("--config", sim.config_file,
                       "Config file (TOML): its poll and rules settings and the scenario's app's quota and page "
                       "size; its appid must be the scenario's. Default: the scenario's app");
  simulate->add_option("--policy", policies,
                       "adaptive (default: sweeps where the learned habits expect changes), steady (even "
                       "spacing over the hours any room can change) or fixed (full sweeps at one interval); "
                       "a list runs each")
      ->delimiter(',')
      ->check(CLI::IsMember({"adaptive", "steady", "fixed"}));
  simulate->add_option("--quota", sim.quotas, "daily_quota to plan for (default: the scenario's, or the config's); "
                                              "a list runs each, e.g. 200,500,1000")
      ->delimiter(',')
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{100'000'000}));
  simulate->add_flag("--no-learn", sim.no_learn, "Keep the habits at the prior (no learning from the scenario)");
  simulate->add_flag("--json", sim.json, "One JSON object per run (the default when stdout is not a terminal)");
  simulate->add_flag("--table", sim.table, "The table (the default on a terminal)")->excludes("--json");
  simulate->add_option("--jobs", sim.jobs, "Runs at once (default: the machine's cores)")
      ->check(CLI::Range(1U, 256U));
  simulate->add_option("--report", sim.report_file,
                       "Write one self-contained HTML page: the runs, latency against quota per policy, and the "
                       "timeline of one run");
  simulate->add_option("--timeline", sim.timeline,
                       "POLICY:QUOTA, the run whose timeline the report shows (default: the first policy at the "
                       "scenario's quota)")
      ->needs("--report");
  simulate->add_option("--events-out", sim.events_out, "Write every event as one JSON line (one run only)");
  simulate->add_option("--calls-out", sim.calls_out, "Write every API call as one JSON line (one run only)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : kUsageError;
  }

  if (run->parsed()) return wxlived::daemon::run_command(run_config);
  std::signal(SIGHUP, SIG_DFL);  // the offline tools end with their terminal, as usual
  if (check->parsed()) {
    std::vector<wxlived::config::CredentialLoad> loads;
    for (const std::string& text : credential_loads) loads.push_back(*wxlived::config::parse_credential_load(text));
    return wxlived::daemon::check_config_command(config_file, loads, std::cout, std::cerr);
  }
  if (simulate->parsed()) {
    sim.policies.clear();
    for (const std::string& p : policies) {
      const auto policy = wxlived::engine::policy_from_string(p);
      if (policy && std::find(sim.policies.begin(), sim.policies.end(), *policy) == sim.policies.end()) {
        sim.policies.push_back(*policy);
      }
    }
    sim.stdout_is_terminal = isatty(STDOUT_FILENO) != 0;
    return wxlived::simulate::simulate_command(sim, std::cout, std::cerr);
  }
  return kUsageError;
}
