#include "state_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "wxlived/store/database.hpp"

namespace wxlived::daemon {
namespace {

std::string os_error(const std::string& what, int err) { return what + ": " + std::strerror(err); }

// The pid the holder wrote, or "" if it cannot be read.
std::string holder_pid(int fd) {
  char buf[32] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return "";
  std::string pid(buf, static_cast<std::size_t>(n));
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  return pid;
}

bool write_pid(int fd) {
  const std::string pid = std::to_string(::getpid()) + "\n";
  return ::ftruncate(fd, 0) == 0 &&
         ::pwrite(fd, pid.data(), pid.size(), 0) == static_cast<ssize_t>(pid.size());
}

}  // namespace

Expected<StateLock, std::string> StateLock::acquire(const std::filesystem::path& state_dir) {
  if (auto created = store::create_private_directory(state_dir); !created)
    return Unexpected{"cannot create state_dir " + state_dir.string() + ": " + created.error().message};
  const auto file = state_dir / "wxlived.lock";
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Unexpected{os_error("cannot open " + file.string(), errno)};
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    const std::string pid = holder_pid(fd);
    ::close(fd);
    if (err == EWOULDBLOCK) {
      return Unexpected{"another wxlived" + (pid.empty() ? std::string() : " (pid " + pid + ")") +
                        " is running on state_dir " + state_dir.string() + " (it holds " + file.string() + ")"};
    }
    return Unexpected{os_error("cannot lock " + file.string(), err)};
  }
  if (!write_pid(fd)) {
    const int err = errno;
    ::close(fd);
    return Unexpected{os_error("cannot write " + file.string(), err)};
  }
  return StateLock(fd);
}

StateLock::StateLock(StateLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

StateLock& StateLock::operator=(StateLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

StateLock::~StateLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the flock
}

}  // namespace wxlived::daemon
