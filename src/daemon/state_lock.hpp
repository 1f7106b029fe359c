#pragma once
// One daemon per state directory: an exclusive flock on STATE_DIR/wxlived.lock,
// held for the life of the process (the kernel drops it when the process
// dies, kill -9 included, so a crash never leaves a stale lock). Two daemons
// on one state would announce every change twice, with different
// webhook-ids, and spend the quota twice. The file holds the holder's pid so
// that a second daemon can name it. Readers (wxlivectl, the admin port)
// never take the lock.
#include <filesystem>
#include <string>

#include "wxlived/core/expected.hpp"

namespace wxlived::daemon {

class StateLock {
 public:
  // Creates state_dir (0700) if needed. The error names the holder's pid
  // when another process has the lock.
  static Expected<StateLock, std::string> acquire(const std::filesystem::path& state_dir);

  StateLock(StateLock&& other) noexcept;
  StateLock& operator=(StateLock&& other) noexcept;
  StateLock(const StateLock&) = delete;
  StateLock& operator=(const StateLock&) = delete;
  ~StateLock();

 private:
  explicit StateLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace wxlived::daemon
