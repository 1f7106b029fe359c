#include "secret_source.hpp"

#include <openssl/evp.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include "credential_load.hpp"

namespace wxlived::config {
namespace {

constexpr std::size_t kMaxSecretBytes = 64 * 1024;

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

// POSIX reads so that errno names the problem (a folder, a permission) exactly.
Expected<std::string, std::string> read_file_text(const std::filesystem::path& path) {
  auto failure = [&](int err) { return Unexpected(std::string("cannot read ") + path.string() + ": " + std::strerror(err)); };
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return failure(errno);
  std::string text;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return failure(err);
    }
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.size() > kMaxSecretBytes) {
      ::close(fd);
      return Unexpected(path.string() + " is larger than a secret can be");
    }
  }
  ::close(fd);
  return text;
}

// $CREDENTIALS_DIRECTORY/NAME under systemd; the unit's LoadCredential=
// sources when the caller names them (check-config outside systemd).
Expected<std::filesystem::path, std::string> credential_path(const std::string& name, const EnvLookup& env,
                                                             const std::vector<CredentialLoad>& loads) {
  if (!loads.empty()) return credential_file(name, loads);
  auto dir = env("CREDENTIALS_DIRECTORY");
  if (!dir || dir->empty())
    return Unexpected(std::string("CREDENTIALS_DIRECTORY is not set (secret_credential needs systemd's "
                                  "LoadCredential=; outside systemd, check the file with wxlived check-config "
                                  "--load-credential ID:PATH as in the unit)"));
  return std::filesystem::path(*dir) / name;
}

// systemd (252, Debian 12) copies LoadCredential= files into
// $CREDENTIALS_DIRECTORY when the service starts and never again: a reload
// that adds an app (an apps_dir file) with a new credential cannot see it.
std::string missing_credential_hint(const std::filesystem::path& path, const std::vector<CredentialLoad>& loads) {
  std::error_code ec;
  if (!loads.empty() || std::filesystem::exists(path, ec)) return "";
  return " (systemd hands the service the credentials that existed when it started: one added since needs "
         "systemctl restart wxlived)";
}

}  // namespace

Expected<SecretValue, std::string> read_secret(const SecretSource& source, const std::filesystem::path& base_dir,
                                               const EnvLookup& env, const std::vector<CredentialLoad>& credential_loads) {
  std::string text;
  std::string origin;
  switch (source.kind) {
    case SecretKind::file: {
      std::filesystem::path path = source.reference;
      if (path.is_relative()) path = base_dir / path;
      auto content = read_file_text(path);
      if (!content) return Unexpected(content.error());
      text = std::move(*content);
      origin = "file " + path.string();
      break;
    }
    case SecretKind::env: {
      auto value = env(source.reference);
      if (!value) return Unexpected("environment variable " + source.reference + " is not set");
      text = std::move(*value);
      origin = "env " + source.reference;
      break;
    }
    case SecretKind::credential: {
      if (source.reference.empty() || source.reference.find('/') != std::string::npos)
        return Unexpected(std::string("a credential name is a plain file name without '/'"));
      const auto path = credential_path(source.reference, env, credential_loads);
      if (!path) return Unexpected(path.error());
      auto content = read_file_text(*path);
      if (!content) return Unexpected(content.error() + missing_credential_hint(*path, credential_loads));
      text = std::move(*content);
      origin = "credential " + source.reference;
      break;
    }
  }
  const auto trimmed = trim(text);
  if (trimmed.empty()) return Unexpected("the secret from " + origin + " is empty");
  return SecretValue(std::string(trimmed), origin);
}

std::vector<std::string> secret_lines(std::string_view text) {
  std::vector<std::string> lines;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const auto line = trim(text.substr(0, nl));
    if (!line.empty()) lines.emplace_back(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return lines;
}

bool is_webhook_secret(std::string_view secret) {
  constexpr std::string_view prefix = "whsec_";
  if (!secret.starts_with(prefix)) return false;
  const std::string_view b64 = secret.substr(prefix.size());
  if (b64.empty() || b64.size() % 4 != 0) return false;
  for (char c : b64) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
                    c == '/' || c == '=';
    if (!ok) return false;
  }
  std::string decoded(b64.size(), '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(decoded.data()),
                                reinterpret_cast<const unsigned char*>(b64.data()), static_cast<int>(b64.size()));
  if (n < 0) return false;
  const auto padding = static_cast<int>(b64.size() - b64.find_last_not_of('=') - 1);
  return n - padding >= 16;
}

}  // namespace wxlived::config
