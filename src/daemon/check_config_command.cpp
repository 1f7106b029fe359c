#include "check_config_command.hpp"

#include <ostream>


namespace wxlived::daemon {

int check_config_command(const std::filesystem::path& config_file,
                         const std::vector<config::CredentialLoad>& credential_loads, std::ostream& out,
                         std::ostream& err) {
  config::LoadOptions options;
  options.credential_loads = credential_loads;
  auto config = config::load_config(config_file, config::process_environment(), options);
  if (!config) {
    for (const auto& problem : config.error()) err << problem.to_string() << '\n';
    return 2;
  }
  for (const auto& warning : config->warnings) err << warning << '\n';
  out << config_file.string() << ": ok: " << config->summary() << '\n';
  return 0;
}

}  // namespace wxlived::daemon
