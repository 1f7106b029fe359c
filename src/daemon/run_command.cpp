#include "run_command.hpp"

#include <iostream>

#include "daemon.hpp"
#include "wxlived/config/load.hpp"
#include "wxlived/http/curl_multi.hpp"

namespace wxlived::daemon {

int run_command(const std::filesystem::path& config_file) {
  auto config = config::load_config(config_file);
  if (!config) {
    for (const auto& problem : config.error()) std::cerr << problem.to_string() << '\n';
    return 2;
  }
  http::CurlGlobal curl;
  Daemon daemon(std::move(*config), config_file);
  return daemon.run();
}

}  // namespace wxlived::daemon
