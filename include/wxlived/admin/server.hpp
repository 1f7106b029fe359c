#pragma once
// The admin HTTP server: libmicrohttpd on a small pool of its own polling
// threads, answering every request through Routes. It never touches the
// daemon's io_context; what it reads is the database (own read-only
// connections), the metrics registry and Health, all safe from any thread.
//
// The port may face hostile clients (issue 13): every resource a client can
// make it hold is bounded (connections, memory per connection, idle time,
// response bytes); docs/architecture/admin.md says why each limit is what it is.
#include <cstddef>
#include <memory>
#include <string>

#include "wxlived/admin/routes.hpp"
#include "wxlived/core/expected.hpp"

struct MHD_Daemon;

namespace wxlived::admin {

struct ServerLimits {
  // Open connections at most (the excess waits in a short listen backlog, then
  // is refused by the kernel). Also capped at a quarter of RLIMIT_NOFILE, so
  // the admin port can never take the fds that WeChat calls, webhook POSTs
  // and SQLite need.
  unsigned connections = 64;
  // From one client address, on a non-loopback admin_listen only: on loopback
  // every client (Prometheus, wxlivectl scripts, the tests) is 127.0.0.1 or
  // ::1, and a per-address limit would only be a second, lower total.
  unsigned connections_per_ip = 16;
  // A connection that sends or receives nothing for this long is closed:
  // idle keep-alive connections and stalled clients give their slot back.
  unsigned idle_timeout_s = 5;
  // Memory for one connection's request line and headers (and the response
  // headers): a request that does not fit is answered 431/414 and closed.
  // The routes take a path and a short query; 16 KiB is generous for them.
  std::size_t connection_memory = 16 * 1024;
  // Response bodies built and not yet sent, all connections together: a
  // request that would go beyond gets 503, so clients that ask for big
  // documents and read them slowly cannot pile them up in memory.
  std::size_t response_bytes = 128u * 1024 * 1024;
};

class AdminServer {
 public:
  // Binds `address` ("127.0.0.1:9466", "[::1]:9466"; port 0 = any free
  // port) before returning, so that a bad address is a start-up error, then
  // serves on `threads` threads. The error names the address.
  static Expected<std::unique_ptr<AdminServer>, std::string> start(const std::string& address, Routes routes,
                                                                    int threads = 4, ServerLimits limits = {});
  ~AdminServer();  // stops listening, closes every connection and joins its threads
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  int port() const { return port_; }
  // HOST:PORT with the port actually bound.
  const std::string& address() const { return address_; }

  struct State;  // opaque: what the HTTP library's callbacks reach (server.cpp)

 private:
  AdminServer(std::unique_ptr<State> state, int port, std::string address);

  std::unique_ptr<State> state_;
  MHD_Daemon* daemon_ = nullptr;
  int port_ = 0;
  std::string address_;
};

}  // namespace wxlived::admin
