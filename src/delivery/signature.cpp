#include "wxlived/delivery/signature.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <charconv>

namespace wxlived::delivery {

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  // EVP_DecodeBlock wants a multiple of 4 and reports padding bytes as data.
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  std::string out(3 * text.size() / 4, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  std::size_t size = static_cast<std::size_t>(n);
  if (text.ends_with("==")) {
    size -= 2;
  } else if (text.ends_with("=")) {
    size -= 1;
  }
  out.resize(size);
  return out;
}

std::optional<SigningKey> SigningKey::from_secret(std::string_view secret) {
  if (secret.starts_with("whsec_")) secret.remove_prefix(6);
  auto bytes = base64_decode(secret);
  if (!bytes || bytes->empty()) return std::nullopt;
  return SigningKey(std::move(*bytes));
}

namespace {

std::string raw_signature(const SigningKey& key, std::string_view webhook_id, std::string_view timestamp,
                          std::string_view body) {
  std::string content;
  content.reserve(webhook_id.size() + timestamp.size() + body.size() + 2);
  content.append(webhook_id).append(".").append(timestamp).append(".").append(body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_size = 0;
  HMAC(EVP_sha256(), key.bytes().data(), static_cast<int>(key.bytes().size()),
       reinterpret_cast<const unsigned char*>(content.data()), content.size(), mac, &mac_size);
  return std::string(reinterpret_cast<const char*>(mac), mac_size);
}

}  // namespace

std::string sign(const SigningKey& key, std::string_view webhook_id, std::int64_t timestamp_s, std::string_view body) {
  return "v1," + base64_encode(raw_signature(key, webhook_id, std::to_string(timestamp_s), body));
}

std::string signature_header(std::span<const SigningKey> keys, std::string_view webhook_id, std::int64_t timestamp_s,
                             std::string_view body) {
  std::string header;
  for (const SigningKey& key : keys) {
    if (!header.empty()) header += ' ';
    header += sign(key, webhook_id, timestamp_s, body);
  }
  return header;
}

const char* to_string(Verification verification) {
  switch (verification) {
    case Verification::ok: return "ok";
    case Verification::bad_signature: return "bad_signature";
    case Verification::stale_timestamp: return "stale_timestamp";
    case Verification::malformed: return "malformed";
  }
  return "?";
}

Verification verify_signature(std::span<const SigningKey> keys, std::string_view webhook_id,
                              std::string_view webhook_timestamp, std::string_view body,
                              std::string_view signature_header_value, std::int64_t now_s, std::int64_t tolerance_s) {
  std::int64_t timestamp = 0;
  const auto [end, ec] =
      std::from_chars(webhook_timestamp.data(), webhook_timestamp.data() + webhook_timestamp.size(), timestamp);
  if (ec != std::errc() || end != webhook_timestamp.data() + webhook_timestamp.size() || webhook_id.empty()) {
    return Verification::malformed;
  }
  if (timestamp < now_s - tolerance_s || timestamp > now_s + tolerance_s) return Verification::stale_timestamp;

  std::vector<std::string> expected;
  expected.reserve(keys.size());
  for (const SigningKey& key : keys) expected.push_back(raw_signature(key, webhook_id, webhook_timestamp, body));

  std::string_view rest = signature_header_value;
  while (!rest.empty()) {
    const auto space = rest.find(' ');
    std::string_view entry = rest.substr(0, space);
    rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
    if (!entry.starts_with("v1,")) continue;  // other schemes (v1a, ...) are not ours
    const auto given = base64_decode(entry.substr(3));
    if (!given) continue;
    for (const std::string& mac : expected) {
      if (given->size() == mac.size() && CRYPTO_memcmp(given->data(), mac.data(), mac.size()) == 0) {
        return Verification::ok;
      }
    }
  }
  return Verification::bad_signature;
}

}  // namespace wxlived::delivery
