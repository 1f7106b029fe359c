// `systemctl reload` as the shipped unit does it: the ExecReload= lines of
// systemd/wxlived.service, read from the file and run the way systemd runs
// them (in order, $MAINPID substituted, stopping at the first that fails),
// with the unit's credentials, against the real daemon. A bad file fails the
// reload with its problems and never reaches the daemon; a good one reloads.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fakewx/fakewx_process.hpp"
#include "support/child_process.hpp"
#include "support/eventually.hpp"
#include "support/notify_listener.hpp"
#include "support/run_process.hpp"
#include "support/temp_dir.hpp"

using namespace std::chrono_literals;
using wxlived::fakewx::testing::RoomText;
using wxlived::fakewx::testing::RunningFakewx;
using wxlived::fakewx::testing::ScenarioText;
using wxlived::testing::ChildProcess;
using wxlived::testing::NotifyListener;
using wxlived::testing::TempDir;

namespace {

using Command = std::vector<std::string>;

// The unit's ExecReload= lines, split into words. The test refuses syntax it
// does not model (quotes, prefixes such as '-' or '+') rather than guess.
std::vector<Command> exec_reload_lines() {
  std::ifstream unit(WXLIVED_SOURCE_DIR "/systemd/wxlived.service");
  REQUIRE(unit);
  std::vector<Command> commands;
  std::string line;
  while (std::getline(unit, line)) {
    const std::string key = "ExecReload=";
    if (!line.starts_with(key)) continue;
    const std::string value = line.substr(key.size());
    REQUIRE_MESSAGE(value.find_first_of("\"'\\;") == std::string::npos, line);
    REQUIRE_MESSAGE(value.starts_with("/"), "a prefix the test does not model: " << line);
    std::istringstream words(value);
    Command command;
    for (std::string word; words >> word;) command.push_back(word);
    commands.push_back(command);
  }
  return commands;
}

struct ReloadRun {
  int exit_code = 0;
  std::size_t commands_run = 0;
  std::string output;
};

// What systemd does for `systemctl reload`: each line in turn, the first
// non-zero exit fails the reload. The unit's paths are pointed at the built
// binary and the test's config file.
ReloadRun run_exec_reload(const std::vector<Command>& commands, pid_t main_pid, const std::filesystem::path& config,
                          const TempDir& dir) {
  ReloadRun run;
  for (Command command : commands) {
    for (auto& word : command) {
      if (word == "/usr/bin/wxlived") word = wxlived::testing::bin("wxlived");
      if (word == "/etc/wxlived/wxlived.toml") word = config.string();
      if (word == "$MAINPID" || word == "${MAINPID}") word = std::to_string(main_pid);
    }
    const auto log = dir / ("exec-reload-" + std::to_string(run.commands_run) + ".log");
    ChildProcess child(command.front(), Command(command.begin() + 1, command.end()), log);
    const auto exit_code = child.wait_exit(60s);
    REQUIRE_MESSAGE(exit_code, "an ExecReload= line did not finish: " << command.front());
    ++run.commands_run;
    run.output += child.output();
    run.exit_code = *exit_code;
    if (run.exit_code != 0) break;
  }
  return run;
}

std::string app_block(const std::string& name, const std::string& appid, int port) {
  return "[[app]]\nname = \"" + name + "\"\nappid = \"" + appid +
         "\"\nsecret_credential = \"secrets_app\"\napi_base = \"http://127.0.0.1:" + std::to_string(port) + "\"\n\n";
}

std::string config_with(const std::string& state_dir, const std::string& apps) {
  return "[daemon]\nstate_dir = \"" + state_dir + "\"\nlog_format = \"text\"\nadmin_listen = \"\"\n\n" + apps +
         "[poll]\nmin_interval_s = 1\n\n[rules]\nabnormal_timeout_s = 6\nreplay_delay_s = 3\n";
}

std::string scenario_for(const std::string& appid) {
  ScenarioText s;
  s.rooms.push_back(RoomText{});
  std::string json = s.json();
  const std::string from = wxlived::fakewx::testing::appid;
  json.replace(json.find(from), from.size(), appid);
  return json;
}

// The daemon and the ExecReload= commands see what systemd gives the unit:
// a notify socket and the credentials folder.
struct UnitEnvironment {
  UnitEnvironment(const std::string& notify_socket, const std::string& credentials) {
    setenv("NOTIFY_SOCKET", notify_socket.c_str(), 1);
    setenv("CREDENTIALS_DIRECTORY", credentials.c_str(), 1);
  }
  ~UnitEnvironment() {
    unsetenv("NOTIFY_SOCKET");
    unsetenv("CREDENTIALS_DIRECTORY");
  }
};

}  // namespace

TEST_CASE("the unit's ExecReload= fails a reload of a bad file with its problems and reloads a good one") {
  const auto commands = exec_reload_lines();
  REQUIRE(commands.size() >= 2);
  CHECK(commands.back() == Command{"/bin/kill", "-HUP", "$MAINPID"});

  TempDir dir;
  RunningFakewx shop_fake(scenario_for(wxlived::fakewx::testing::appid));
  RunningFakewx outlet_fake(scenario_for("wxfake000000000002"));
  dir.write("credentials/secrets_app", std::string(wxlived::fakewx::testing::secret) + "\n");
  const std::string shop = app_block("shop", wxlived::fakewx::testing::appid, shop_fake.port());
  const auto config = dir.write("wxlived.toml", config_with("state", shop));

  NotifyListener listener(dir / "notify.sock");
  UnitEnvironment unit(listener.path().string(), (dir / "credentials").string());
  ChildProcess daemon(wxlived::testing::bin("wxlived"), {"run", "--config", config.string()}, dir / "daemon.log");
  std::vector<std::string> seen;
  INFO("daemon log:\n" << daemon.output());
  REQUIRE(listener.wait_for("READY=1", 20s, seen));

  // A bad file: the check fails the reload (exit 2, FILE:LINE per problem),
  // the signal line is never run, and the daemon goes on with its config.
  dir.write("wxlived.toml", config_with("state", shop) + "[delivery]\nmax_retry_age_s = \"a day\"\n");
  const auto refused = run_exec_reload(commands, daemon.pid(), config, dir);
  CHECK(refused.exit_code == 2);
  CHECK(refused.commands_run == commands.size() - 1);
  CHECK(refused.output.find(config.string() + ":19: delivery.max_retry_age_s: ") != std::string::npos);
  CHECK_FALSE(daemon.poll_exit().has_value());
  CHECK(daemon.output().find("reload") == std::string::npos);

  // A good file, adding an app and moving state_dir: every line runs, exit
  // 0, the daemon reloads, and names state_dir as needing a restart.
  const std::string outlet = app_block("outlet", "wxfake000000000002", outlet_fake.port());
  dir.write("wxlived.toml", config_with("state-elsewhere", shop + outlet));
  const auto accepted = run_exec_reload(commands, daemon.pid(), config, dir);
  CHECK(accepted.exit_code == 0);
  CHECK(accepted.commands_run == commands.size());
  CHECK(accepted.output.find(": ok: 2 apps (shop, outlet)") != std::string::npos);
  REQUIRE(listener.wait_for("RELOADING=1", 10s, seen));
  const auto ready = listener.wait_for("READY=1", 10s, seen);
  REQUIRE(ready);
  CHECK(ready->find("STATUS=2 apps, ") != std::string::npos);
  REQUIRE(wxlived::testing::eventually([&] { return daemon.output().find(" reloaded ") != std::string::npos; }, 5s));
  CHECK(daemon.output().find("needs a restart: the running value is kept until then key=daemon.state_dir") !=
        std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir / "state-elsewhere"));

  CHECK(daemon.stop(SIGTERM, 20s) == 0);
}
