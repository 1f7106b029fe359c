#include "url.hpp"

#include <curl/curl.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <charconv>
#include <memory>

#include "wxlived/config/config.hpp"

namespace wxlived::config {
namespace {

struct UrlHandleDeleter {
  void operator()(CURLU* h) const { curl_url_cleanup(h); }
};
struct CurlStringDeleter {
  void operator()(char* s) const { curl_free(s); }
};
using UrlHandle = std::unique_ptr<CURLU, UrlHandleDeleter>;
using CurlString = std::unique_ptr<char, CurlStringDeleter>;

std::optional<std::string> url_part(CURLU* h, CURLUPart part) {
  char* raw = nullptr;
  if (curl_url_get(h, part, &raw, 0) != CURLUE_OK) return std::nullopt;
  CurlString owned(raw);
  return std::string(owned.get());
}

}  // namespace

std::optional<ParsedUrl> parse_http_url(std::string_view url, std::string& reason) {
  if (url.find_first_of(" \t\r\n") != std::string_view::npos) {
    reason = "contains whitespace";
    return std::nullopt;
  }
  UrlHandle h(curl_url());
  if (!h) {
    reason = "out of memory";
    return std::nullopt;
  }
  const std::string text(url);
  if (CURLUcode rc = curl_url_set(h.get(), CURLUPART_URL, text.c_str(), 0); rc != CURLUE_OK) {
    reason = std::string("not a valid URL (") + curl_url_strerror(rc) + ")";
    return std::nullopt;
  }
  ParsedUrl parsed;
  parsed.scheme = url_part(h.get(), CURLUPART_SCHEME).value_or("");
  parsed.host = url_part(h.get(), CURLUPART_HOST).value_or("");
  if (parsed.scheme != "http" && parsed.scheme != "https") {
    reason = "scheme must be http or https, not \"" + parsed.scheme + "\"";
    return std::nullopt;
  }
  if (parsed.host.empty()) {
    reason = "has no host";
    return std::nullopt;
  }
  if (url_part(h.get(), CURLUPART_USER)) {
    reason = "must not carry credentials in the URL";
    return std::nullopt;
  }
  return parsed;
}

bool valid_listen_address(std::string_view address, std::string& reason) {
  const auto colon = address.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    reason = "expected HOST:PORT, e.g. 127.0.0.1:9466";
    return false;
  }
  std::string_view host = address.substr(0, colon);
  std::string_view port = address.substr(colon + 1);
  if (host.front() == '[' ? host.back() != ']' : host.find(':') != std::string_view::npos) {
    reason = "an IPv6 host must be written in brackets, e.g. [::1]:9466";
    return false;
  }
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || end != port.data() + port.size() || value > 65535) {
    reason = "port must be a number from 0 to 65535";
    return false;
  }
  return true;
}

std::string normalized_host(std::string_view host) {
  std::string out(host);
  if (out.size() >= 2 && out.front() == '[' && out.back() == ']') out = out.substr(1, out.size() - 2);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  if (!out.empty() && out.back() == '.') out.pop_back();  // the root label: same host
  return out;
}

bool is_loopback_host(std::string_view url) {
  std::string reason;
  auto parsed = parse_http_url(url, reason);
  if (!parsed) return false;
  const std::string host = normalized_host(parsed->host);
  if (host == "localhost" || host.ends_with(".localhost") || host == "::1") return true;
  in_addr v4{};
  return ::inet_pton(AF_INET, host.c_str(), &v4) == 1 && (ntohl(v4.s_addr) >> 24) == 127;
}

bool is_wechat_host(std::string_view url) {
  std::string reason;
  auto parsed = parse_http_url(url, reason);
  if (!parsed) return false;
  const std::string normalized = normalized_host(parsed->host);
  std::string_view host = normalized;
  auto ends_with = [&](std::string_view suffix) {
    return host == suffix.substr(1) || (host.size() > suffix.size() && host.ends_with(suffix));
  };
  return ends_with(".weixin.qq.com") || ends_with(".wechat.com");
}

}  // namespace wxlived::config
