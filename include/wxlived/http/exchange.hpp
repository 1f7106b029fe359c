#pragma once
// One HTTP request and what came back, as plain values. Failures of the
// outside world (no connection, timeout, oversized answer) are part of the
// response value, never exceptions.
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace wxlived::http {

struct Request {
  enum class Method { get, post };
  Method method = Method::get;
  std::string url;
  std::string body;                       // POST only
  std::vector<std::string> headers;       // "Name: value"
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds total_timeout{15000};
  std::size_t max_response_bytes = 4 * 1024 * 1024;
};

enum class Transport {
  ok,              // an HTTP answer arrived (any status)
  timeout,         // connect or total timeout
  connect_failed,  // DNS, refused, unreachable, TLS handshake
  too_large,       // the body passed max_response_bytes
  failed,          // anything else curl reports
};

struct Response {
  Transport transport = Transport::failed;
  long status = 0;                            // HTTP status when transport == ok
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names, last value wins
  std::string error;                          // curl's message when transport != ok
  std::chrono::microseconds elapsed{0};
  bool reused_connection = false;             // kept-alive connection, no new connect

  bool ok() const { return transport == Transport::ok; }
  std::optional<std::string> header(const std::string& lower_name) const;
};

using ResponseHandler = std::function<void(Response)>;

const char* to_string(Transport transport);

}  // namespace wxlived::http
