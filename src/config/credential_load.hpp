#pragma once
// Where a secret_credential name is, outside systemd, given the unit's
// LoadCredential= lines (see config::CredentialLoad).
#include <filesystem>
#include <string>
#include <vector>

#include "wxlived/config/load.hpp"
#include "wxlived/core/expected.hpp"

namespace wxlived::config {

// The file that holds credential `name`, or a message naming what is missing:
// no line provides the name, or the folder's entry is a symbolic link (which
// systemd would skip, so the service would not get it either).
Expected<std::filesystem::path, std::string> credential_file(const std::string& name,
                                                             const std::vector<CredentialLoad>& loads);

}  // namespace wxlived::config
