#pragma once
// The admin API as a plain function of a request: no sockets, so tests call
// it directly and the HTTP server (server.hpp) only adapts cpp-httplib.
// Read-only; each request reads the database through its own read-only
// connection (WAL: readers never block the daemon's writer).
//
//   GET /healthz               200 while the loop ticks, 503 when it is stuck
//   GET /readyz                200 when the store opens and every app is ready, else 503 + why
//   GET /metrics               Prometheus text format
//   GET /v1/rooms[?app=]       = wxlivectl rooms --json
//   GET /v1/rooms/{id}[?app=]  = wxlivectl room ID --json (404 when no app has it)
//   GET /v1/events[?room=&since=&app=&after=&limit=]  = wxlivectl events --json
//   GET /v1/apps/{app}/habits  = wxlivectl habits APP --json (404 when the store knows no such app)
// Unknown paths 404; other methods than GET/HEAD 405; bad parameters 400;
// errors carry {"error": "..."}.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "wxlived/admin/health.hpp"
#include "wxlived/admin/metrics.hpp"
#include "wxlived/store/location.hpp"

namespace wxlived::admin {

struct Request {
  std::string method = "GET";
  std::string path;
  std::multimap<std::string, std::string> params;  // decoded query parameters
};

struct Reply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

inline constexpr const char* kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

class Routes {
 public:
  using UnixClock = std::function<std::int64_t()>;  // unix milliseconds

  Routes(store::StoreLocation store, const Metrics& metrics, const Health& health, UnixClock now_ms);

  Reply handle(const Request& request) const;

 private:
  Reply healthz() const;
  Reply readyz() const;
  Reply metrics() const;
  Reply rooms(const Request& request) const;
  Reply room(const Request& request, const std::string& id) const;
  Reply events(const Request& request) const;
  Reply habits(const Request& request, const std::string& app) const;
  Reply apps(const Request& request) const;

  store::StoreLocation store_;
  const Metrics& metrics_;
  const Health& health_;
  UnixClock now_ms_;
};

}  // namespace wxlived::admin
