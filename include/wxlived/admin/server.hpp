#pragma once
// The admin HTTP server: cpp-httplib on a small pool of its own threads,
// answering every request through Routes. It never touches the daemon's
// io_context; what it reads is the database (own read-only connections),
// the metrics registry and Health, all safe from any thread.
#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "wxlived/admin/routes.hpp"
#include "wxlived/core/expected.hpp"

namespace httplib {
class Server;
}

namespace wxlived::admin {

class AdminServer {
 public:
  // Binds `address` ("127.0.0.1:9466", "[::1]:9466"; port 0 = any free
  // port) before returning, so that a bad address is a start-up error, then
  // serves on `threads` threads. The error names the address.
  static Expected<std::unique_ptr<AdminServer>, std::string> start(const std::string& address, Routes routes,
                                                                    int threads = 4);
  ~AdminServer();  // stops listening and joins its threads
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  int port() const { return port_; }
  // HOST:PORT with the port actually bound.
  const std::string& address() const { return address_; }

 private:
  AdminServer(std::unique_ptr<Routes> routes, std::unique_ptr<httplib::Server> server, int port, std::string address);

  std::unique_ptr<Routes> routes_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::atomic<bool> listen_returned_{false};  // set by thread_ when the server loop ends
  int port_ = 0;
  std::string address_;
};

}  // namespace wxlived::admin
