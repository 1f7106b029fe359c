#pragma once
#include <filesystem>
#include <iosfwd>
#include <vector>

#include "wxlived/config/load.hpp"

namespace wxlived::daemon {

// `wxlived check-config`: 0 and a one-line summary on `out`, or 2 and every
// problem as FILE:LINE: key: message on `err`. With `credential_loads` (the
// unit's LoadCredential= lines), secret_credential names are read from those
// files instead of $CREDENTIALS_DIRECTORY: the install check from a shell.
int check_config_command(const std::filesystem::path& config_file,
                         const std::vector<config::CredentialLoad>& credential_loads, std::ostream& out,
                         std::ostream& err);

}  // namespace wxlived::daemon
