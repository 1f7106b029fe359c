#include "wxlived/admin/server.hpp"

#include <httplib.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>
#include <string_view>

namespace wxlived::admin {

namespace {

struct HostPort {
  std::string host;  // without IPv6 brackets
  int port = 0;
};

std::optional<HostPort> split_address(const std::string& address) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  HostPort out;
  out.host = address.substr(0, colon);
  if (out.host.size() >= 2 && out.host.front() == '[' && out.host.back() == ']')
    out.host = out.host.substr(1, out.host.size() - 2);
  const std::string_view port(address.data() + colon + 1, address.size() - colon - 1);
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), out.port);
  if (ec != std::errc() || end != port.data() + port.size() || out.port < 0 || out.port > 65535) return std::nullopt;
  return out;
}

void answer(const Routes& routes, const httplib::Request& req, httplib::Response& res) {
  Request request;
  request.method = req.method;
  request.path = req.path;
  request.params.insert(req.params.begin(), req.params.end());
  Reply reply = routes.handle(request);
  res.status = reply.status;
  for (auto& [name, value] : reply.headers) res.set_header(name, value);
  res.set_content(std::move(reply.body), reply.content_type.c_str());
}

}  // namespace

AdminServer::AdminServer(std::unique_ptr<Routes> routes, std::unique_ptr<httplib::Server> server, int port,
                         std::string address)
    : routes_(std::move(routes)), server_(std::move(server)), port_(port), address_(std::move(address)) {
  thread_ = std::thread([this] {
    server_->listen_after_bind();
    listen_returned_ = true;
  });
  // stop() only reaches a server that is already running: wait for it, so
  // that destroying a just-started server never leaves its thread listening.
  // A listen that gives up at once ends the wait too (start() reports it).
  while (!server_->is_running() && !listen_returned_) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

AdminServer::~AdminServer() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

Expected<std::unique_ptr<AdminServer>, std::string> AdminServer::start(const std::string& address, Routes routes,
                                                                        int threads) {
  const auto where = split_address(address);
  if (!where) return Unexpected{"admin_listen " + address + ": expected HOST:PORT"};
  auto owned_routes = std::make_unique<Routes>(std::move(routes));
  auto server = std::make_unique<httplib::Server>();
  server->new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
  // Small requests only, and no slow client holds a thread for long.
  server->set_payload_max_length(64 * 1024);
  server->set_read_timeout(std::chrono::seconds(5));
  server->set_write_timeout(std::chrono::seconds(10));
  // httplib's default adds SO_REUSEPORT, which would let a second daemon
  // share the port silently; an address in use must be a start error.
  server->set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  // An idle keep-alive connection holds a pool thread: let it go soon.
  server->set_keep_alive_max_count(100);
  server->set_keep_alive_timeout(2);
  // Every request, whatever its method or path, goes through Routes (which
  // answers 404 / 405 itself).
  const Routes* r = owned_routes.get();
  server->set_pre_routing_handler([r](const httplib::Request& req, httplib::Response& res) {
    answer(*r, req, res);
    return httplib::Server::HandlerResponse::Handled;
  });
  int port = where->port;
  if (port == 0) {
    port = server->bind_to_any_port(where->host);
    if (port <= 0) return Unexpected{"cannot listen on admin_listen " + address + ": " + std::strerror(errno)};
  } else if (!server->bind_to_port(where->host, port)) {
    return Unexpected{"cannot listen on admin_listen " + address + ": " + std::strerror(errno)};
  }
  const std::string host_text = where->host.find(':') != std::string::npos ? "[" + where->host + "]" : where->host;
  auto admin = std::unique_ptr<AdminServer>(
      new AdminServer(std::move(owned_routes), std::move(server), port, host_text + ":" + std::to_string(port)));
  if (admin->listen_returned_) return Unexpected{"admin_listen " + address + ": the server stopped as it started"};
  return admin;
}

}  // namespace wxlived::admin
