// wxlive-fakewx: a faithful fake of WeChat's live-room API driven by a
// scenario file (SPEC section 7).
#include <CLI/CLI.hpp>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "wxlived/cli/cli.hpp"
#include "wxlived/fakewx/app_copies.hpp"
#include "wxlived/fakewx/fake_wechat.hpp"
#include "wxlived/fakewx/server.hpp"
#include "wxlived/log/journal_stream.hpp"
#include "wxlived/log/log.hpp"
#include "wxlived/scenario/parse.hpp"
#include "wxlived/scenario/rfc3339.hpp"
#include "wxlived/version.hpp"

namespace {

namespace fakewx = wxlived::fakewx;
namespace scenario = wxlived::scenario;

constexpr int exit_usage = wxlived::cli::kExitUsage;
constexpr int exit_bad_input = 2;  // bad scenario or --origin, like check-config's bad config
constexpr int exit_failure = 1;

int fail(int code, const std::string& message) {
  std::cerr << "wxlive-fakewx: " << message << '\n';
  return code;
}

// Written to a temporary name first so a reader never sees a half-written port.
bool write_port_file(const std::string& path, int port, std::string& error) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << port << '\n';
    if (!out.flush()) {
      error = "cannot write " + tmp;
      return false;
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    error = "cannot rename " + tmp + " to " + path + ": " + ec.message();
    std::filesystem::remove(tmp, ec);
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"wxlive-fakewx: a fake WeChat live-room API for development, demos, tests and capacity planning. "
               "Never point production config at it.",
               "wxlive-fakewx"};
  app.set_version_flag("--version", std::string("wxlive-fakewx ") + wxlived::kVersion);
  std::string scenario_path;
  std::string listen = "127.0.0.1:0";
  std::string port_file;
  std::string origin_text = "now";
  std::string log_format = "text";
  std::string log_level = "info";
  int app_copies = 0;
  app.add_option("--scenario", scenario_path, "Scenario file (JSON, SPEC section 7)")->required();
  app.add_option("--listen", listen, "HOST:PORT to listen on; port 0 picks a free port")->capture_default_str();
  app.add_option("--port-file", port_file, "Write the bound port here once listening");
  app.add_option("--apps", app_copies,
                 "Serve N copies of the scenario's app instead of its appid: copy i (1..N) has appid "
                 "APPID-i and secret SECRET-i, i as five digits (APPID-00001), and its own tokens, quota "
                 "and rooms' timeline; GET /fakewx/stats counts calls, ?appid= for one")
      ->check(CLI::Range(1, fakewx::max_app_copies));
  app.add_option("--origin", origin_text, "Scenario time 0: an RFC 3339 time, or now")->capture_default_str();
  app.add_option("--log-format", log_format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error")->capture_default_str();
  wxlived::cli::finish_definition(app, {{0, "stopped by SIGTERM or SIGINT"},
                                        {exit_failure, "cannot listen, serve or write the port file"},
                                        {exit_bad_input, "a bad scenario file or --origin"},
                                        {exit_usage, "usage: an unknown option, a missing or bad value"}});
  if (auto exit_code = wxlived::cli::parse(app, argc, argv)) return *exit_code;

  wxlived::log::LogSettings log_settings;
  log_settings.journal = wxlived::log::stderr_is_journal();
  if (auto format = wxlived::log::parse_format(log_format)) log_settings.format = *format;
  auto level = wxlived::log::parse_level(log_level);
  if (!level) return fail(exit_usage, "--log-level: " + level.error());
  log_settings.level = *level;
  wxlived::log::configure_logging(log_settings);

  auto loaded = scenario::load_scenario_file(scenario_path);
  if (!loaded) return fail(exit_bad_input, loaded.error().message);
  scenario::Scenario script = std::move(*loaded);
  if (origin_text == "now") {
    script.origin_unix = fakewx::system_now();
  } else if (const auto origin = scenario::parse_rfc3339(origin_text)) {
    script.origin_unix = *origin;
  } else {
    return fail(exit_bad_input, "--origin: \"" + origin_text + "\" is neither an RFC 3339 time nor now");
  }
  const auto address = fakewx::parse_listen_address(listen);
  if (!address) return fail(exit_usage, "--listen: " + address.error());
  // The secret arrives in /cgi-bin/token's query string: keep it out of every
  // log line (the copies' secrets contain it, so this covers them too).
  wxlived::log::process_redactor().add_secret(script.secret);

  // Signals are taken by one thread with sigwait; every other thread
  // (httplib's workers included) inherits the blocked mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  const std::size_t room_count = script.rooms.size();
  const std::int64_t origin_unix = script.origin_unix;
  fakewx::FakeWechat wechat(std::move(script), std::nullopt,
                           app_copies > 0 ? std::optional<int>(app_copies) : std::nullopt);
  fakewx::FakewxServer server(wechat);
  const auto port = server.bind(address->host, address->port);
  if (!port) return fail(exit_failure, port.error());

  std::atomic<bool> serving_ended{false};
  std::thread signal_waiter([&] {
    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    if (!serving_ended.load()) {
      wxlived::log::info("stopping", {{"signal", signal_number == SIGINT ? "SIGINT" : "SIGTERM"}});
    }
    server.stop();
  });

  bool ok = true;
  std::string error;
  if (!port_file.empty() && !write_port_file(port_file, *port, error)) {
    ok = false;
  } else {
    wxlived::log::info("listening", {{"host", address->host},
                                     {"port", *port},
                                     {"origin", scenario::format_rfc3339_utc(origin_unix)},
                                     {"rooms", room_count},
                                     {"apps", static_cast<std::int64_t>(wechat.apps())},
                                     {"version", wxlived::kVersion}});
    ok = server.run();
    if (!ok) error = "serving failed";
  }
  serving_ended.store(true);
  pthread_kill(signal_waiter.native_handle(), SIGTERM);  // wakes sigwait if no signal came
  signal_waiter.join();
  if (!ok) return fail(exit_failure, error);
  wxlived::log::info("stopped");
  return 0;
}
