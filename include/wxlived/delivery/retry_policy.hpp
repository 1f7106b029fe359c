#pragma once
// What one delivery attempt's answer means, as a pure function: delivered,
// retry later (when), dead, or dead with the endpoint disabled (410 Gone).
// No clock, no randomness of its own: both come in as arguments.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "wxlived/http/exchange.hpp"
#include "wxlived/store/records.hpp"

namespace wxlived::delivery {

// The retry schedule (docs/architecture-delivery.md explains the defaults).
struct DeliveryPolicy {
  // Give up (dead) on an attempt that fails this long after the delivery was
  // queued (created, or requeued by wxlivectl redeliver).
  std::chrono::milliseconds max_retry_age = std::chrono::hours(24);
  // Exponential backoff with full jitter: the n-th retry waits a uniform
  // random time in [min_backoff, min(max_backoff, base_backoff * 2^(n-1))].
  std::chrono::milliseconds min_backoff = std::chrono::seconds(1);
  std::chrono::milliseconds base_backoff = std::chrono::seconds(5);
  std::chrono::milliseconds max_backoff = std::chrono::hours(1);
  // A receiver's Retry-After is honoured within these bounds.
  std::chrono::milliseconds retry_after_min = std::chrono::seconds(1);
  std::chrono::milliseconds retry_after_max = std::chrono::hours(1);
  // Bytes of a rejecting answer's body kept in the delivery row.
  std::size_t body_excerpt_bytes = 512;
  // An endpoint whose attempts have all failed for this long (since its
  // last 2xx) is reported: one warning, and the failing-seconds gauge an
  // alert watches, well before max_retry_age kills its deliveries.
  std::chrono::milliseconds failing_warn_after = std::chrono::hours(1);
};


// Uniform in [0, 1).
using RandomSource = std::function<double()>;
// A RandomSource over a std::mt19937_64 seeded from std::random_device.
RandomSource default_random_source();

struct AttemptDecision {
  store::DeliveryState state = store::DeliveryState::failed;  // delivered | failed | dead
  std::optional<int> status;                                  // HTTP status, if an answer came
  std::optional<std::string> error;                           // none when delivered
  std::int64_t next_attempt_at_ms = 0;                        // for failed
  bool disable_endpoint = false;                              // 410 Gone
  std::string_view result;  // metrics label: delivered | retry | dead | gone
};

// `attempt_number`: 1 for the first attempt of the current round (the
// record's attempts + 1). `queued_at_ms`: start of the round.
AttemptDecision decide_attempt(const DeliveryPolicy& policy, const http::Response& response, int attempt_number,
                               std::int64_t queued_at_ms, std::int64_t now_ms, const RandomSource& random);

// The jittered backoff before retry number `attempt_number` (>= 1).
std::chrono::milliseconds backoff_delay(const DeliveryPolicy& policy, int attempt_number, double random01);

// Retry-After as delta-seconds ("120") or an HTTP-date; the delay from
// now_ms (may be zero or negative for a date in the past). nullopt if
// unparseable.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value, std::int64_t now_ms);

// At most max_bytes of `body` as one printable line: control characters
// become spaces, invalid UTF-8 becomes U+FFFD, a cut never splits a
// character, and a cut is marked with "...".
std::string body_excerpt(std::string_view body, std::size_t max_bytes);

}  // namespace wxlived::delivery
