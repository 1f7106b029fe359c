#pragma once
// The admin server's listening socket, made here rather than by the HTTP
// library so that a bind failure is a start error with errno's words, and
// so that the socket never gets SO_REUSEPORT (a second daemon must not share
// the port silently).
#include <string>

#include "wxlived/core/expected.hpp"

namespace wxlived::admin {

struct ListenSocket {
  int fd = -1;          // listening, close-on-exec; the caller owns it
  int port = 0;         // the port bound (port 0 asked = the one the kernel chose)
  std::string address;  // HOST:PORT as asked, with the port bound
  bool loopback = false;
  unsigned long inode = 0;  // the socket's identity, should the fd number be reused
};

// "127.0.0.1:9466", "[::1]:0", "localhost:9466": the first address the host
// resolves to that binds. The error names `address`.
Expected<ListenSocket, std::string> listen_on(const std::string& address, int backlog);

}  // namespace wxlived::admin
