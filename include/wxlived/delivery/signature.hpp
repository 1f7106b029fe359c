#pragma once
// Standard Webhooks signatures (https://www.standardwebhooks.com):
//   signed content = "{webhook-id}.{webhook-timestamp}.{body}"
//   signature      = base64(HMAC-SHA256(key, signed content))
//   key            = base64-decode(secret without its "whsec_" prefix)
// A webhook-signature header carries one "v1,<base64>" per secret, separated
// by spaces, so a receiver that knows any one of the secrets can verify
// while secrets rotate.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wxlived::delivery {

// The decoded HMAC key of one secret. Holds key bytes: never log it.
class SigningKey {
 public:
  // "whsec_" + base64 (a bare base64 string is accepted too, as the
  // reference libraries do); nullopt if the base64 is malformed or empty.
  static std::optional<SigningKey> from_secret(std::string_view secret);

  const std::string& bytes() const { return bytes_; }

 private:
  explicit SigningKey(std::string bytes) : bytes_(std::move(bytes)) {}
  std::string bytes_;
};

// "v1,<base64>" for one key.
std::string sign(const SigningKey& key, std::string_view webhook_id, std::int64_t timestamp_s,
                 std::string_view body);

// The whole webhook-signature header value: one "v1,..." per key, in order,
// separated by single spaces.
std::string signature_header(std::span<const SigningKey> keys, std::string_view webhook_id,
                             std::int64_t timestamp_s, std::string_view body);

enum class Verification { ok, bad_signature, stale_timestamp, malformed };
const char* to_string(Verification verification);

// What a receiver does: the timestamp must parse and lie within
// tolerance_s of now_s (either side), and at least one "v1,..." entry of
// the header must match one of the keys (constant-time comparison).
Verification verify_signature(std::span<const SigningKey> keys, std::string_view webhook_id,
                              std::string_view webhook_timestamp, std::string_view body,
                              std::string_view signature_header_value, std::int64_t now_s,
                              std::int64_t tolerance_s = 300);

// Base64 (standard alphabet, padded), exposed for tests and tools.
std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace wxlived::delivery
