#include "credential_load.hpp"

#include <sys/stat.h>

namespace wxlived::config {

Expected<CredentialLoad, std::string> parse_credential_load(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0)
    return Unexpected("\"" + std::string(text) + "\" is not ID:PATH (as in the unit's LoadCredential=ID:PATH)");
  CredentialLoad load{std::string(text.substr(0, colon)), std::filesystem::path(text.substr(colon + 1))};
  if (load.id.find('/') != std::string::npos)
    return Unexpected("the credential ID \"" + load.id + "\" must not contain '/'");
  // systemd looks a relative PATH up in its credential stores: not guessed here.
  if (!load.path.is_absolute())
    return Unexpected("the PATH of \"" + std::string(text) + "\" must be absolute");
  return load;
}

Expected<std::filesystem::path, std::string> credential_file(const std::string& name,
                                                             const std::vector<CredentialLoad>& loads) {
  for (const auto& load : loads) {
    struct stat st {};
    const bool is_folder = ::stat(load.path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
    if (!is_folder) {
      if (name == load.id) return load.path;
      continue;
    }
    const std::string prefix = load.id + "_";
    if (!name.starts_with(prefix) || name.size() == prefix.size()) continue;
    const auto file = load.path / name.substr(prefix.size());
    if (::lstat(file.c_str(), &st) == 0 && S_ISLNK(st.st_mode))
      return Unexpected(file.string() + " is a symbolic link: LoadCredential= skips those in a folder, so the "
                        "service would not get credential " + name);
    return file;
  }
  std::string lines;
  for (const auto& load : loads) lines += (lines.empty() ? "" : ", ") + load.id + ":" + load.path.string();
  return Unexpected("no --load-credential provides credential " + name + " (given: " + lines + ")");
}

}  // namespace wxlived::config
