#pragma once
// A secret value (app secret, webhook secret, access token) that cannot be
// printed by accident: no stream operator, no implicit conversion, and its
// debug form names only where it came from.
#include <string>
#include <string_view>
#include <utility>

namespace wxlived::config {

class SecretValue {
 public:
  SecretValue() = default;
  SecretValue(std::string value, std::string origin) : value_(std::move(value)), origin_(std::move(origin)) {}

  // The only way to the value: grep for reveal() to audit every use.
  const std::string& reveal() const { return value_; }
  // Where the value came from, safe to print: "file /run/x", "env SHOP_SECRET".
  const std::string& origin() const { return origin_; }
  bool empty() const { return value_.empty(); }

  friend bool operator==(const SecretValue&, const SecretValue&) = default;

 private:
  std::string value_;
  std::string origin_;
};

// Standard Webhooks secret: "whsec_" + base64 of at least 16 bytes.
bool is_webhook_secret(std::string_view secret);

}  // namespace wxlived::config
