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

// "host:port" / "[v6]:port" for admin_listen; false + reason when malformed.
bool valid_listen_address(std::string_view address, std::string& reason);

}  // namespace wxlived::config
