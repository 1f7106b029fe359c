#include "wxlived/admin/server.hpp"

#include <microhttpd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdarg>
#include <cstdio>

#include "listen_socket.hpp"
#include "wxlived/log/log.hpp"

namespace wxlived::admin {

namespace {

// Connections beyond the limit wait here (kernel memory, no fd of ours)
// until a slot frees; beyond the backlog the kernel refuses them.
constexpr int kListenBacklog = 64;

// The connection limit, kept to a quarter of the fds this process may open.
unsigned connection_budget(unsigned wanted) {
  rlimit fds{};
  if (::getrlimit(RLIMIT_NOFILE, &fds) != 0 || fds.rlim_cur == RLIM_INFINITY) return wanted;
  return static_cast<unsigned>(std::max<rlim_t>(8, std::min<rlim_t>(wanted, fds.rlim_cur / 4)));
}

// After a failed MHD_start_daemon: MHD closes the socket it was given on
// some failures (a thread that cannot start) and not on others (a bad
// option). The fd number may already be another socket's, so it is closed
// only while it is still the very socket we made (same inode).
void close_if_still(const ListenSocket& socket) {
  struct stat now {};
  if (::fstat(socket.fd, &now) == 0 && now.st_ino == socket.inode) ::close(socket.fd);
}

void log_mhd(void*, const char* format, va_list args) {
  // Refused connections and timeouts are what the limits are for: debug, not
  // a warning per hostile connection.
  char text[512];
  std::vsnprintf(text, sizeof text, format, args);
  log::debug("admin HTTP", {{"detail", std::string_view(text)}});
}

}  // namespace

// What MHD's callbacks reach: the routes and the response-bytes budget. It
// outlives the MHD daemon, whose responses hand their bytes back here.
struct AdminServer::State {
  State(Routes r, std::size_t budget) : routes(std::move(r)), response_budget(budget) {}

  Routes routes;
  std::size_t response_budget;
  std::atomic<std::size_t> response_bytes{0};

  bool take(std::size_t bytes) {
    std::size_t now = response_bytes.load();
    do {
      if (now + bytes > response_budget) return false;
    } while (!response_bytes.compare_exchange_weak(now, now + bytes));
    return true;
  }
};

namespace {

struct Body {
  std::string text;
  AdminServer::State* state;
};

void release_body(void* cls) {
  auto* body = static_cast<Body*>(cls);
  body->state->response_bytes -= body->text.size();
  delete body;
}

MHD_Result collect_param(void* cls, MHD_ValueKind, const char* key, const char* value) {
  static_cast<std::multimap<std::string, std::string>*>(cls)->emplace(key, value ? value : "");
  return MHD_YES;
}

Reply busy_reply() {
  Reply r;
  r.status = 503;
  r.body = R"({"error":"busy: too many large answers are being sent; retry"})";
  r.headers.emplace_back("Retry-After", "1");
  return r;
}

MHD_Result queue_reply(MHD_Connection* connection, AdminServer::State& state, Reply reply) {
  if (!state.take(reply.body.size())) {
    reply = busy_reply();
    state.response_bytes += reply.body.size();  // small and bounded: always sent
  }
  auto* body = new Body{std::move(reply.body), &state};
  MHD_Response* response = MHD_create_response_from_buffer_with_free_callback_cls(
      body->text.size(), body->text.data(), &release_body, body);
  if (response == nullptr) {
    release_body(body);
    return MHD_NO;  // MHD closes the connection
  }
  MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, reply.content_type.c_str());
  for (const auto& [name, value] : reply.headers) MHD_add_response_header(response, name.c_str(), value.c_str());
  const MHD_Result queued = MHD_queue_response(connection, static_cast<unsigned>(reply.status), response);
  MHD_destroy_response(response);  // the connection holds its own reference
  return queued;
}

// Called once the request line and headers are in. Answering at once means
// MHD never reads a request body: it discards the rest and closes.
MHD_Result on_request(void* cls, MHD_Connection* connection, const char* url, const char* method, const char*,
                      const char*, size_t*, void**) {
  auto& state = *static_cast<AdminServer::State*>(cls);
  Request request;
  request.method = method;
  request.path = url;
  MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, &collect_param, &request.params);
  return queue_reply(connection, state, state.routes.handle(request));
}

}  // namespace

AdminServer::AdminServer(std::unique_ptr<State> state, int port, std::string address)
    : state_(std::move(state)), port_(port), address_(std::move(address)) {}

AdminServer::~AdminServer() {
  if (daemon_ != nullptr) MHD_stop_daemon(daemon_);  // closes the listening socket too
}

Expected<std::unique_ptr<AdminServer>, std::string> AdminServer::start(const std::string& address, Routes routes,
                                                                        int threads, ServerLimits limits) {
  auto socket = listen_on(address, kListenBacklog);
  if (!socket) return Unexpected{socket.error()};
  auto state = std::make_unique<State>(std::move(routes), limits.response_bytes);
  State* cls = state.get();
  auto admin = std::unique_ptr<AdminServer>(new AdminServer(std::move(state), socket->port, socket->address));
  const unsigned pool = static_cast<unsigned>(std::max(1, threads));
  const unsigned connections = std::max(pool, connection_budget(limits.connections));
  const unsigned per_ip = socket->loopback ? 0u : limits.connections_per_ip;  // 0 = no per-address limit
  // Polling threads (epoll) rather than a thread per connection: a slow
  // client costs a connection slot and some memory, never a thread.
  admin->daemon_ = MHD_start_daemon(
      MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG, 0, nullptr, nullptr,
      &on_request, cls, MHD_OPTION_EXTERNAL_LOGGER, &log_mhd, nullptr, MHD_OPTION_LISTEN_SOCKET,
      static_cast<MHD_socket>(socket->fd), MHD_OPTION_THREAD_POOL_SIZE, pool, MHD_OPTION_CONNECTION_LIMIT,
      connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip, MHD_OPTION_CONNECTION_TIMEOUT, limits.idle_timeout_s,
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, limits.connection_memory, MHD_OPTION_END);
  if (admin->daemon_ == nullptr) {
    close_if_still(*socket);
    return Unexpected{"admin_listen " + address + ": the HTTP server did not start"};
  }
  return admin;
}

}  // namespace wxlived::admin
