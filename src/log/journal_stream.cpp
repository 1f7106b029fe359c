#include "wxlived/log/journal_stream.hpp"

#include <charconv>
#include <cstdlib>
#include <sys/stat.h>
#include <unistd.h>

namespace wxlived::log {
namespace {

// Whole-string decimal; from_chars already rejects signs and spaces.
bool parse_decimal(std::string_view text, unsigned long long& out) noexcept {
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc{} && ptr == end;
}

}  // namespace

bool journal_stream_matches(std::string_view env, dev_t dev, ino_t ino) noexcept {
  const auto colon = env.find(':');
  if (colon == std::string_view::npos) return false;
  unsigned long long env_dev = 0;
  unsigned long long env_ino = 0;
  if (!parse_decimal(env.substr(0, colon), env_dev)) return false;
  if (!parse_decimal(env.substr(colon + 1), env_ino)) return false;
  return env_dev == static_cast<unsigned long long>(dev) && env_ino == static_cast<unsigned long long>(ino);
}

bool fd_is_journal_stream(int fd, const char* env) noexcept {
  if (env == nullptr) return false;
  struct stat st {};
  if (::fstat(fd, &st) != 0) return false;
  return journal_stream_matches(env, st.st_dev, st.st_ino);
}

bool stderr_is_journal() noexcept {
  return fd_is_journal_stream(STDERR_FILENO, std::getenv("JOURNAL_STREAM"));
}

}  // namespace wxlived::log
