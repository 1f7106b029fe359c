#include "wxlived/fakewx/server.hpp"

#include <httplib.h>
#include <sys/socket.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <exception>
#include <vector>

#include "wxlived/log/log.hpp"

namespace wxlived::fakewx {
namespace {

namespace log = wxlived::log;

std::optional<std::string> query_param(const httplib::Request& req, const char* name) {
  if (!req.has_param(name)) return std::nullopt;
  return req.get_param_value(name);
}

void log_request(const httplib::Request& req, const Reply& reply, std::int64_t ms) {
  std::vector<log::Field> fields{
      {"method", req.method}, {"path", req.path}, {"status", reply.http_status}, {"ms", ms}};
  if (!reply.api.empty()) fields.push_back({"api", reply.api});
  if (reply.errcode) fields.push_back({"errcode", *reply.errcode});
  if (reply.hold) fields.push_back({"held", true});
  log::write(req.path == "/healthz" ? log::Level::debug : log::Level::info, "request", fields);
}

Reply internal_error_reply() {
  Reply reply;
  reply.http_status = 500;
  reply.content_type = "text/plain";
  reply.body = "wxlive-fakewx: internal error\n";
  return reply;
}

}  // namespace

UnixSeconds system_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Expected<ListenAddress, std::string> parse_listen_address(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return Unexpected{std::string("expected HOST:PORT, got \"") + std::string(text) + "\""};
  }
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = -1;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port < 0 || port > 65535 || host.empty()) {
    return Unexpected{std::string("expected HOST:PORT with a port 0-65535, got \"") + std::string(text) + "\""};
  }
  return ListenAddress{std::string(host), port};
}

FakewxServer::FakewxServer(FakeWechat& wechat, ServerSettings settings, Clock clock)
    : wechat_(wechat), settings_(settings), clock_(std::move(clock)), http_(std::make_unique<httplib::Server>()) {
  const std::size_t threads = settings_.worker_threads;
  http_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http_->set_keep_alive_timeout(settings_.keep_alive_timeout_s);
  http_->set_keep_alive_max_count(100);
  // Headers and body go out as separate writes: without TCP_NODELAY, Nagle
  // holds the body until the client's delayed ACK (~40 ms a request).
  http_->set_tcp_nodelay(true);
  // httplib 0.11 listens with a backlog of 5: a burst of clients overflows it
  // and the kernel falls back to SYN cookies, which loses requests. Remember
  // the listening socket so bind() can listen again with a real backlog.
  // SO_REUSEADDR but not httplib's default SO_REUSEPORT, so that a port
  // already taken is an error rather than two servers sharing it.
  http_->set_socket_options([this](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    listen_socket_ = sock;
  });
  install_routes();
}

FakewxServer::~FakewxServer() { stop(); }

void FakewxServer::install_routes() {
  // Every route goes through here: the handler never lets an exception out,
  // holds the request if the reply says so, and writes one access-log line.
  auto endpoint = [this](std::function<Reply(const httplib::Request&)> produce) {
    return [this, produce = std::move(produce)](const httplib::Request& req, httplib::Response& res) {
      const auto started = std::chrono::steady_clock::now();
      Reply reply;
      try {
        reply = produce(req);
      } catch (const std::exception& e) {
        log::error("request failed", {{"path", req.path}, {"error", e.what()}});
        reply = internal_error_reply();
      }
      if (reply.hold) hold_request();
      res.status = reply.http_status;
      res.set_content(reply.body, reply.content_type.c_str());
      const auto ms =
          std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
      log_request(req, reply, ms);
    };
  };

  http_->Get("/healthz", endpoint([](const httplib::Request&) {
               Reply reply;
               reply.content_type = "text/plain";
               reply.body = "ok\n";
               return reply;
             }));
  http_->Get("/cgi-bin/token", endpoint([this](const httplib::Request& req) {
               const TokenQuery query{query_param(req, "grant_type"), query_param(req, "appid"),
                                      query_param(req, "secret")};
               return wechat_.token(query, clock_());
             }));
  http_->Post("/cgi-bin/stable_token",
              endpoint([this](const httplib::Request& req) { return wechat_.stable_token(req.body, clock_()); }));
  http_->Post("/wxa/business/getliveinfo", endpoint([this](const httplib::Request& req) {
                return wechat_.getliveinfo(query_param(req, "access_token"), req.body, clock_());
              }));
  http_->Post("/cgi-bin/openapi/quota/get", endpoint([this](const httplib::Request& req) {
                return wechat_.quota_get(query_param(req, "access_token"), req.body, clock_());
              }));
  // The fake's own introspection (WeChat has no such path): calls per app or summed.
  http_->Get("/fakewx/stats", endpoint([this](const httplib::Request& req) {
               const UnixSeconds now = clock_();
               if (const auto appid = query_param(req, "appid")) {
                 if (const auto counts = wechat_.counts(*appid, now)) return app_stats_reply(*appid, *counts);
                 Reply unknown;
                 unknown.http_status = 404;
                 unknown.content_type = "text/plain";
                 unknown.body = "wxlive-fakewx: this fake does not serve that appid\n";
                 unknown.api = "stats";
                 return unknown;
               }
               return stats_reply(wechat_.apps(), wechat_.requests(), wechat_.counts(now));
             }));
  // Our routes never answer 404/405 themselves: these are paths WeChat does not serve here.
  http_->set_logger([](const httplib::Request& req, const httplib::Response& res) {
    if (res.status == 404 || res.status == 405) {
      log::info("request", {{"method", req.method}, {"path", req.path}, {"status", res.status}});
    }
  });
}

void FakewxServer::hold_request() {
  std::unique_lock lock(stop_mutex_);
  stop_signal_.wait_for(lock, settings_.hold_for, [this] { return stopping_; });
}

Expected<int, std::string> FakewxServer::bind(const std::string& host, int port) {
  int bound = -1;
  if (port == 0) {
    bound = http_->bind_to_any_port(host.c_str());
  } else if (http_->bind_to_port(host.c_str(), port)) {
    bound = port;
  }
  if (bound <= 0) {
    return Unexpected{"cannot listen on " + host + ":" + std::to_string(port) + ": " + std::strerror(errno)};
  }
  // Linux lets listen() on a listening socket change its backlog.
  if (listen_socket_ >= 0) ::listen(listen_socket_, SOMAXCONN);
  return bound;
}

bool FakewxServer::run() {
  {
    const std::lock_guard lock(stop_mutex_);
    if (stopping_) return true;
  }
  const bool served = http_->listen_after_bind();
  const std::lock_guard lock(stop_mutex_);
  return served || stopping_;
}

void FakewxServer::stop() {
  {
    const std::lock_guard lock(stop_mutex_);
    stopping_ = true;
  }
  stop_signal_.notify_all();
  http_->stop();
}

}  // namespace wxlived::fakewx
