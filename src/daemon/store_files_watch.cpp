#include "store_files_watch.hpp"

#include <sys/stat.h>

#include "wxlived/log/log.hpp"

namespace wxlived::daemon {
namespace {

ino_t inode_of(const std::filesystem::path& file) {
  struct stat st {};
  return ::stat(file.c_str(), &st) == 0 ? st.st_ino : 0;
}

}  // namespace

StoreFilesWatch::StoreFilesWatch(asio::io_context& io, std::filesystem::path db_file,
                                 std::chrono::milliseconds period)
    : timer_(io), db_file_(std::move(db_file)), period_(period) {}

void StoreFilesWatch::start() {
  db_inode_ = inode_of(db_file_);
  arm();
}

void StoreFilesWatch::arm() {
  timer_.expires_after(period_);
  timer_.async_wait([this](const asio::error_code& ec) {
    if (ec) return;
    check();
    arm();
  });
}

// In WAL mode the -wal file exists for as long as a connection is open: its
// absence, like a database file that is gone or another file now, means
// someone removed them under the daemon.
void StoreFilesWatch::check() {
  const std::filesystem::path wal = db_file_.string() + "-wal";
  std::string problem;
  if (inode_of(db_file_) != db_inode_)
    problem = "the database file was deleted or replaced";
  else if (inode_of(wal) == 0)
    problem = "the database's -wal file was deleted";
  if (problem.empty()) {
    reported_ = false;
    return;
  }
  if (reported_) return;
  reported_ = true;
  log::error("state database files removed under the running daemon: readers (wxlivectl, the admin port) fail "
             "with I/O errors and recent changes are lost at the next restart; stop the daemon and restore the file",
             {{"db", db_file_.string()}, {"problem", problem}});
}

}  // namespace wxlived::daemon
