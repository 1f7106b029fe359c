#pragma once
// Notices the database's files vanishing under the running daemon. The
// daemon's own connection keeps working on the unlinked inodes, so nothing
// fails on its side, but every new reader (wxlivectl, the admin port) gets
// "disk I/O error", and the state is gone at the next restart. A deleted or
// replaced file is logged at error level once per incident.
#include <sys/types.h>

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <filesystem>
#include <string>

namespace wxlived::daemon {

class StoreFilesWatch {
 public:
  StoreFilesWatch(asio::io_context& io, std::filesystem::path db_file,
                  std::chrono::milliseconds period = std::chrono::seconds(5));
  void start();  // call once the store is open and has written
  void stop() { timer_.cancel(); }

 private:
  void check();
  void arm();

  asio::steady_timer timer_;
  std::filesystem::path db_file_;
  std::chrono::milliseconds period_;
  ino_t db_inode_ = 0;
  bool reported_ = false;
};

}  // namespace wxlived::daemon
