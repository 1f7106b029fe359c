#pragma once
// systemd's documented test for "stderr is connected to the journal":
// $JOURNAL_STREAM holds "DEV:INODE" of the stream it set up, and it counts
// only if stderr is still that very stream (a child may have redirected it).
#include <string_view>
#include <sys/types.h>

namespace wxlived::log {

// Pure: does env ("DEV:INODE", decimal) name the file with this dev/inode?
bool journal_stream_matches(std::string_view env, dev_t dev, ino_t ino) noexcept;

// fstat(fd) checked against env; a null env (variable unset) is false.
bool fd_is_journal_stream(int fd, const char* env) noexcept;

// fd_is_journal_stream(STDERR_FILENO, getenv("JOURNAL_STREAM")).
bool stderr_is_journal() noexcept;

}  // namespace wxlived::log
