#pragma once
// One signed webhook POST, built from an event and an endpoint's settings.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wxlived/config/config.hpp"
#include "wxlived/delivery/signature.hpp"
#include "wxlived/http/exchange.hpp"
#include "wxlived/store/records.hpp"

namespace wxlived::delivery {

// An endpoint as the worker uses it: settings plus its decoded keys.
struct Endpoint {
  std::string name;
  std::string url;
  std::vector<SigningKey> keys;  // one signature per key (rotation)
  std::chrono::milliseconds timeout{10000};
  std::vector<std::string> events;
  std::vector<std::string> apps;
};

// nullopt (and a message naming the secret's origin, never its value) if a
// secret does not decode; config validation makes this unreachable.
std::optional<Endpoint> make_endpoint(const config::WebhookSettings& settings, std::string* problem = nullptr);

// The POST: body as stored, headers webhook-id (event id), webhook-timestamp
// (timestamp_s, this attempt), webhook-signature, content-type, user-agent.
http::Request build_webhook_request(const Endpoint& endpoint, const store::EventRecord& event,
                                    std::int64_t timestamp_s, std::size_t max_response_bytes);

}  // namespace wxlived::delivery
