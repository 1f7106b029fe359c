#pragma once
// URL checks for the config, done with libcurl's own URL parser so that what
// the config accepts is exactly what the HTTP client will accept.
#include <optional>
#include <string>
#include <string_view>

namespace wxlived::config {

struct ParsedUrl {
  std::string scheme;
  std::string host;
};

// nullopt + reason when `url` is not an absolute http(s) URL with a host.
std::optional<ParsedUrl> parse_http_url(std::string_view url, std::string& reason);

// Lower case, without IPv6 brackets or the root label's trailing dot.
std::string normalized_host(std::string_view host);

// True for localhost, 127.0.0.0/8 and ::1: where a fake WeChat runs.
bool is_loopback_host(std::string_view url);

// "host:port" / "[v6]:port" for admin_listen; false + reason when malformed.
bool valid_listen_address(std::string_view address, std::string& reason);

}  // namespace wxlived::config
