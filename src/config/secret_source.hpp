#pragma once
// Where a secret comes from: a file, an environment variable, or a systemd
// credential ($CREDENTIALS_DIRECTORY/NAME). Messages name the source, never
// the value.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "wxlived/config/load.hpp"
#include "wxlived/core/expected.hpp"

namespace wxlived::config {

enum class SecretKind { file, env, credential };

struct SecretSource {
  SecretKind kind;
  std::string reference;  // path, variable name or credential name
};

// The raw text of the secret (file content, variable value), or a message.
// Relative file paths resolve against `base_dir` (the config file's folder).
// Credentials come from `credential_loads` when there are any, otherwise
// from $CREDENTIALS_DIRECTORY.
Expected<SecretValue, std::string> read_secret(const SecretSource& source, const std::filesystem::path& base_dir,
                                               const EnvLookup& env,
                                               const std::vector<CredentialLoad>& credential_loads = {});

// Splits secret text into its non-empty trimmed lines (rotation = several).
std::vector<std::string> secret_lines(std::string_view text);

}  // namespace wxlived::config
