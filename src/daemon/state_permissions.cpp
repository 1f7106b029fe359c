#include "state_permissions.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "wxlived/log/log.hpp"

namespace wxlived::daemon {
namespace {

std::string octal(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

// Drops every group and other bit of `path` (if it exists and has any).
void tighten(const std::filesystem::path& path, mode_t private_mode) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || S_ISLNK(st.st_mode) || (st.st_mode & 077) == 0) return;
  const std::string before = octal(st.st_mode);
  if (::chmod(path.c_str(), private_mode) != 0) {
    log::warn("a state file others can access could not be made private",
              {{"path", path.string()}, {"mode", before}, {"error", std::strerror(errno)}});
    return;
  }
  log::warn("a state file others could access was made private",
            {{"path", path.string()}, {"was", before}, {"now", octal(private_mode)}});
}

}  // namespace

void tighten_state_permissions(const std::filesystem::path& state_dir, const std::filesystem::path& db_file) {
  tighten(state_dir, 0700);
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) tighten(db_file.string() + suffix, 0600);
}

}  // namespace wxlived::daemon
