#include "default_config.hpp"

#include <filesystem>
#include <ostream>

namespace wxlived::ctl {

std::optional<std::string> default_config_file(const config::EnvLookup& env, std::ostream& err) {
  const auto from_environment = env(kConfigEnvironmentVariable);
  const bool set = from_environment && !from_environment->empty();
  const std::string file = set ? *from_environment : kDefaultConfigFile;
  std::error_code ec;
  if (std::filesystem::exists(file, ec)) return file;
  err << "wxlivectl: no --db or --config given, and " << file
      << (set ? std::string(" (from $") + kConfigEnvironmentVariable + ")"
              : std::string(" (the default; $") + kConfigEnvironmentVariable + " is not set)")
      << " does not exist.\nGive --config FILE (the daemon's config) or --db FILE (its state database), or set "
      << kConfigEnvironmentVariable << "=FILE.\n";
  return std::nullopt;
}

}  // namespace wxlived::ctl
