#pragma once
#include <filesystem>
#include <iosfwd>

namespace wxlived::daemon {

// `wxlived check-config`: 0 and a one-line summary on `out`, or 2 and every
// problem as FILE:LINE: key: message on `err`.
int check_config_command(const std::filesystem::path& config_file, std::ostream& out, std::ostream& err);

}  // namespace wxlived::daemon
