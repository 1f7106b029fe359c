#pragma once
// The daemon's open-file limit. Linux starts processes at a soft limit of
// 1,024 (kept low for programs that use select(), which cannot see fds
// above 1,023) under a much higher hard limit; systemd's advice is that a
// program that never uses select() raises its soft limit to the hard one
// itself. wxlived polls with epoll (asio, libcurl's multi-socket API,
// libmicrohttpd), so it does: WeChat calls, webhook POSTs and SQLite get the
// room, and the admin server's share is bounded separately (a quarter of the
// soft limit at most; see admin/server.hpp).
#include <cstdint>
#include <string>

#include "wxlived/core/expected.hpp"

namespace wxlived::sys {

struct FdLimit {
  std::uint64_t soft = 0;
  std::uint64_t hard = 0;
  bool raised = false;  // the soft limit was below the hard one and now equals it
};

// Does nothing when soft == hard already (systemd's LimitNOFILE=N sets both,
// and the unit's system-call filter would refuse setrlimit anyway).
Expected<FdLimit, std::string> raise_fd_limit();

}  // namespace wxlived::sys
