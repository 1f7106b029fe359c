#pragma once
// Where wxlivectl finds the daemon's config when given neither --db nor
// --config: $WXLIVED_CONFIG, else the packaged /etc/wxlived/wxlived.toml, as
// a daemon's control tool does.
#include <iosfwd>
#include <optional>
#include <string>

#include "wxlived/config/load.hpp"

namespace wxlived::ctl {

inline constexpr const char* kDefaultConfigFile = "/etc/wxlived/wxlived.toml";
inline constexpr const char* kConfigEnvironmentVariable = "WXLIVED_CONFIG";

// The file to use, or std::nullopt after telling `err` what was tried and how
// to point elsewhere.
std::optional<std::string> default_config_file(const config::EnvLookup& env, std::ostream& err);

}  // namespace wxlived::ctl
