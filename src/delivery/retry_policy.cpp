#include "wxlived/delivery/retry_policy.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <memory>
#include <random>

#include "wxlived/log/utf8.hpp"

namespace wxlived::delivery {

using std::chrono::milliseconds;
using store::DeliveryState;

RandomSource default_random_source() {
  auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
  return [engine] { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
}

milliseconds backoff_delay(const DeliveryPolicy& policy, int attempt_number, double random01) {
  const auto min = policy.min_backoff.count();
  // base * 2^(n-1), computed without overflow: stop doubling at the cap.
  std::int64_t ceiling = std::max<std::int64_t>(policy.base_backoff.count(), 0);
  for (int i = 1; i < attempt_number && ceiling < policy.max_backoff.count(); ++i) ceiling *= 2;
  ceiling = std::min<std::int64_t>(ceiling, policy.max_backoff.count());
  if (ceiling <= min) return milliseconds(min);
  const double r = std::clamp(random01, 0.0, 1.0);
  return milliseconds(min + static_cast<std::int64_t>(std::floor(r * static_cast<double>(ceiling - min))));
}

std::optional<milliseconds> parse_retry_after(std::string_view value, std::int64_t now_ms) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    std::int64_t seconds = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec != std::errc() || end != value.data() + value.size()) {
      return milliseconds(std::int64_t{1} << 40);  // absurdly large: the clamp takes over
    }
    return milliseconds(std::min<std::int64_t>(seconds, std::int64_t{1} << 30) * 1000);
  }
  // HTTP-date in any of its three historical forms; curl_getdate is a pure parser.
  const std::string text(value);
  const time_t at = curl_getdate(text.c_str(), nullptr);
  if (at == -1) return std::nullopt;
  return milliseconds(static_cast<std::int64_t>(at) * 1000 - now_ms);
}

std::string body_excerpt(std::string_view body, std::size_t max_bytes) {
  const bool truncated = body.size() > max_bytes;
  std::string text = log::valid_utf8(std::string(body.substr(0, max_bytes)));
  for (char& c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = ' ';
  }
  if (!truncated && text.size() <= max_bytes) return text;
  // Room for the "..." mark; cut at a character boundary (valid_utf8 may
  // have grown the text, and the byte cut may have split a character).
  std::size_t end = std::min(text.size(), max_bytes > 3 ? max_bytes - 3 : 0);
  while (end > 0 && end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  text.resize(end);
  return text + "...";
}

namespace {

std::string transport_error(const http::Response& response) {
  std::string kind;
  switch (response.transport) {
    case http::Transport::timeout: kind = "timeout"; break;
    case http::Transport::connect_failed: kind = "connection failed"; break;
    default: kind = "transport error"; break;
  }
  if (response.error.empty()) return kind;
  return kind + ": " + body_excerpt(response.error, 256);
}

}  // namespace

AttemptDecision decide_attempt(const DeliveryPolicy& policy, const http::Response& response, int attempt_number,
                               std::int64_t queued_at_ms, std::int64_t now_ms, const RandomSource& random) {
  AttemptDecision d;
  // An answer that overflowed our body limit still has a status line.
  const bool answered =
      response.transport == http::Transport::ok || (response.transport == http::Transport::too_large && response.status > 0);
  std::optional<milliseconds> asked_delay;
  if (answered) {
    const long status = response.status;
    d.status = static_cast<int>(status);
    if (status >= 200 && status < 300) {
      d.state = DeliveryState::delivered;
      d.result = "delivered";
      return d;
    }
    const std::string excerpt = body_excerpt(response.body, policy.body_excerpt_bytes);
    std::string error = "HTTP " + std::to_string(status);
    if (status >= 300 && status < 400) {
      if (auto location = response.header("location")) error += " to " + body_excerpt(*location, 200);
      error += " (redirects are not followed)";
    }
    if (!excerpt.empty()) error += ": " + excerpt;
    d.error = std::move(error);
    // Every other non-2xx answer is retried with the backoff, 4xx included
    // (as Svix and Stripe do): a wrong secret on the receiver (401), a route
    // missing during a deploy (404) or a proxy's 403 are fixed by people
    // within the retry window, and dead-lettering at the first try lost
    // everything sent meanwhile. 410 is the one answer that says "stop".
    if (status == 410) {
      d.state = DeliveryState::dead;
      d.disable_endpoint = true;
      d.result = "gone";
      return d;
    }
    if (auto retry_after = response.header("retry-after")) asked_delay = parse_retry_after(*retry_after, now_ms);
  } else {
    d.error = transport_error(response);
  }

  const std::int64_t deadline = queued_at_ms + policy.max_retry_age.count();
  if (now_ms >= deadline) {
    d.state = DeliveryState::dead;
    d.result = "dead";
    d.error = "gave up after " + std::to_string((now_ms - queued_at_ms) / 1000) + " s and " +
              std::to_string(attempt_number) + " attempts; last: " + *d.error;
    return d;
  }
  milliseconds delay = backoff_delay(policy, attempt_number, random ? random() : 0.5);
  if (asked_delay) {
    // Never earlier than the receiver asked (within bounds), never faster
    // than our own backoff.
    delay = std::max(delay, std::clamp(*asked_delay, policy.retry_after_min, policy.retry_after_max));
  }
  d.state = DeliveryState::failed;
  d.result = "retry";
  // One last attempt at the deadline rather than none after it.
  d.next_attempt_at_ms = std::min(now_ms + delay.count(), deadline);
  return d;
}

}  // namespace wxlived::delivery
