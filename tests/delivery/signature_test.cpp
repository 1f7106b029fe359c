// Standard Webhooks signing and verification.
#include <doctest/doctest.h>

#include <vector>

#include "wxlived/delivery/signature.hpp"

using namespace wxlived::delivery;

namespace {

// The specification's published test vector.
constexpr const char* kSpecSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr const char* kSpecId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
constexpr std::int64_t kSpecTimestamp = 1614265330;
constexpr const char* kSpecPayload = R"({"test": 2432232314})";
constexpr const char* kSpecSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
constexpr const char* kNewerSecret = "whsec_c2Vjb25kLXNlY3JldC1mb3Itcm90YXRpb24=";

SigningKey key(const char* secret) {
  auto k = SigningKey::from_secret(secret);
  REQUIRE(k.has_value());
  return *k;
}

}  // namespace

TEST_CASE("the signer reproduces the Standard Webhooks test vector") {
  CHECK(sign(key(kSpecSecret), kSpecId, kSpecTimestamp, kSpecPayload) == kSpecSignature);
}

TEST_CASE("the spec vector verifies and a changed body or id does not") {
  const std::vector<SigningKey> keys{key(kSpecSecret)};
  CHECK(verify_signature(keys, kSpecId, "1614265330", kSpecPayload, kSpecSignature, kSpecTimestamp) ==
        Verification::ok);
  CHECK(verify_signature(keys, kSpecId, "1614265330", R"({"test": 2432232315})", kSpecSignature, kSpecTimestamp) ==
        Verification::bad_signature);
  CHECK(verify_signature(keys, "msg_other", "1614265330", kSpecPayload, kSpecSignature, kSpecTimestamp) ==
        Verification::bad_signature);
  CHECK(verify_signature(keys, kSpecId, "1614265331", kSpecPayload, kSpecSignature, kSpecTimestamp) ==
        Verification::bad_signature);
}

TEST_CASE("a timestamp outside the tolerance is stale and a non-number is malformed") {
  const std::vector<SigningKey> keys{key(kSpecSecret)};
  CHECK(verify_signature(keys, kSpecId, "1614265330", kSpecPayload, kSpecSignature, kSpecTimestamp + 301) ==
        Verification::stale_timestamp);
  CHECK(verify_signature(keys, kSpecId, "1614265330", kSpecPayload, kSpecSignature, kSpecTimestamp - 301) ==
        Verification::stale_timestamp);
  CHECK(verify_signature(keys, kSpecId, "1614265330", kSpecPayload, kSpecSignature, kSpecTimestamp + 300) ==
        Verification::ok);
  CHECK(verify_signature(keys, kSpecId, "16142x", kSpecPayload, kSpecSignature, kSpecTimestamp) ==
        Verification::malformed);
}

TEST_CASE("with two rotated secrets the header carries both signatures in order") {
  const std::vector<SigningKey> both{key(kSpecSecret), key(kNewerSecret)};
  const std::string header = signature_header(both, kSpecId, kSpecTimestamp, kSpecPayload);
  CHECK(header == std::string(kSpecSignature) + " " + sign(key(kNewerSecret), kSpecId, kSpecTimestamp, kSpecPayload));

  const std::vector<SigningKey> newer_only{key(kNewerSecret)};
  const std::vector<SigningKey> older_only{key(kSpecSecret)};
  const std::vector<SigningKey> stranger{key("whsec_dW5yZWxhdGVkLXNlY3JldC1rZXk=")};
  CHECK(verify_signature(newer_only, kSpecId, "1614265330", kSpecPayload, header, kSpecTimestamp) == Verification::ok);
  CHECK(verify_signature(older_only, kSpecId, "1614265330", kSpecPayload, header, kSpecTimestamp) == Verification::ok);
  CHECK(verify_signature(stranger, kSpecId, "1614265330", kSpecPayload, header, kSpecTimestamp) ==
        Verification::bad_signature);
}

TEST_CASE("verification skips unknown schemes and garbage entries") {
  const std::vector<SigningKey> keys{key(kSpecSecret)};
  const std::string header = std::string("v1a,abc v1,!!!notbase64 ") + kSpecSignature;
  CHECK(verify_signature(keys, kSpecId, "1614265330", kSpecPayload, header, kSpecTimestamp) == Verification::ok);
  CHECK(verify_signature(keys, kSpecId, "1614265330", kSpecPayload, "", kSpecTimestamp) == Verification::bad_signature);
}

TEST_CASE("secrets decode with or without the whsec prefix and bad base64 is refused") {
  CHECK(SigningKey::from_secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").has_value());
  CHECK(SigningKey::from_secret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").has_value());
  CHECK_FALSE(SigningKey::from_secret("whsec_").has_value());
  CHECK_FALSE(SigningKey::from_secret("whsec_abc").has_value());
  CHECK_FALSE(SigningKey::from_secret("whsec_ab$=").has_value());
}

TEST_CASE("base64 round-trips every padding length") {
  for (const std::string& text : std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff\x10", 3)}) {
    if (text.empty()) {
      CHECK(base64_encode(text).empty());
      continue;
    }
    auto back = base64_decode(base64_encode(text));
    REQUIRE(back.has_value());
    CHECK(*back == text);
  }
  CHECK(base64_encode("ab") == "YWI=");
  CHECK(base64_encode("a") == "YQ==");
}
