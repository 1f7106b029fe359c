#include "wxlived/delivery/webhook_request.hpp"

#include <algorithm>

#include "wxlived/version.hpp"

namespace wxlived::delivery {

std::optional<Endpoint> make_endpoint(const config::WebhookSettings& settings, std::string* problem) {
  Endpoint endpoint;
  endpoint.name = settings.name;
  endpoint.url = settings.url;
  endpoint.timeout = std::chrono::seconds(std::max(1, settings.timeout_s));
  endpoint.events = settings.events;
  endpoint.apps = settings.apps;
  for (const config::SecretValue& secret : settings.secrets) {
    auto key = SigningKey::from_secret(secret.reveal());
    if (!key) {
      if (problem) *problem = "webhook secret from " + secret.origin() + " is not whsec_ + base64";
      return std::nullopt;
    }
    endpoint.keys.push_back(std::move(*key));
  }
  if (endpoint.keys.empty()) {
    if (problem) *problem = "webhook " + settings.name + " has no secret";
    return std::nullopt;
  }
  return endpoint;
}

http::Request build_webhook_request(const Endpoint& endpoint, const store::EventRecord& event,
                                    std::int64_t timestamp_s, std::size_t max_response_bytes) {
  http::Request request;
  request.method = http::Request::Method::post;
  request.url = endpoint.url;
  request.body = event.body_json;
  request.headers = {
      "content-type: application/json",
      "webhook-id: " + event.id,
      "webhook-timestamp: " + std::to_string(timestamp_s),
      "webhook-signature: " + signature_header(endpoint.keys, event.id, timestamp_s, event.body_json),
      std::string("user-agent: ") + kUserAgent,
      // No "Expect: 100-continue" round trip (and its 1 s stall with
      // receivers that never answer 100, such as Python's http.server).
      "Expect:",
  };
  request.connect_timeout = std::min<std::chrono::milliseconds>(endpoint.timeout, std::chrono::seconds(5));
  request.total_timeout = endpoint.timeout;
  request.max_response_bytes = max_response_bytes;
  return request;
}

}  // namespace wxlived::delivery
