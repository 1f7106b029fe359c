#pragma once
// Loading and validating a config file. The parser collects every problem it
// can find in one pass so an operator fixes a file in one edit, not ten.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wxlived/config/config.hpp"
#include "wxlived/core/expected.hpp"

namespace wxlived::config {

struct ConfigError {
  std::string file;
  int line = 0;      // 1-based; 0 when no line applies
  std::string key;   // dotted path, e.g. "app[1].secret_file"
  std::string message;
  // "FILE:LINE: key: message" — never contains a secret value.
  std::string to_string() const;
};

using ConfigErrors = std::vector<ConfigError>;

// The process environment, injectable so tests need not setenv.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup process_environment();

// One `LoadCredential=ID:PATH` line of the unit. Outside systemd (an operator's
// shell, a chroot) secret_credential names are read the way that line hands
// them to the service: PATH a folder, each file F in it is the credential
// ID_F (symbolic links in it are skipped, as systemd skips them); PATH a
// file, it is the credential ID.
struct CredentialLoad {
  std::string id;
  std::filesystem::path path;
};

// "ID:PATH" as the unit writes it (PATH absolute, ID without '/'), or a message.
Expected<CredentialLoad, std::string> parse_credential_load(std::string_view text);

struct LoadOptions {
  // false: secret keys are checked for shape but never read, and the
  // Config carries no secret values. For wxlivectl, which needs only the
  // state_dir and webhook names, and runs as an operator who cannot read
  // the service's credentials.
  bool read_secrets = true;
  // The [store] DSN is read even when read_secrets is false: wxlivectl needs
  // it to reach a PostgreSQL store (say so with false to skip it too).
  bool read_store_dsn = true;
  // Not empty: secret_credential names are read from these, as the unit's
  // LoadCredential= lines provide them, and $CREDENTIALS_DIRECTORY is not used.
  std::vector<CredentialLoad> credential_loads = {};
};

Expected<Config, ConfigErrors> load_config(const std::filesystem::path& file,
                                           const EnvLookup& env = process_environment(), LoadOptions options = {});

// Parse TOML text; `source_name` is what errors call the file.
Expected<Config, ConfigErrors> parse_config(std::string_view toml_text, const std::string& source_name,
                                            const EnvLookup& env = process_environment());

}  // namespace wxlived::config
