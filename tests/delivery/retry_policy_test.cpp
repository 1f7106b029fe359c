// The retry policy: a pure function of the answer, the attempt number, the
// round's start, now and a random draw.
#include <doctest/doctest.h>

#include "wxlived/delivery/retry_policy.hpp"

using namespace std::chrono_literals;
using namespace wxlived::delivery;
using wxlived::http::Response;
using wxlived::http::Transport;
using wxlived::store::DeliveryState;

namespace {

constexpr std::int64_t kQueued = 1'700'000'000'000;

Response answer(long status, std::string body = "", std::map<std::string, std::string> headers = {}) {
  Response r;
  r.transport = Transport::ok;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

Response no_answer(Transport transport) {
  Response r;
  r.transport = transport;
  r.error = "Connection refused";
  return r;
}

RandomSource fixed(double value) {
  return [value] { return value; };
}

}  // namespace

TEST_CASE("a 2xx answer is delivered") {
  for (long status : {200L, 201L, 202L, 204L, 299L}) {
    const auto d = decide_attempt({}, answer(status), 1, kQueued, kQueued + 10, fixed(0.5));
    CHECK(d.state == DeliveryState::delivered);
    CHECK(d.status == static_cast<int>(status));
    CHECK_FALSE(d.error.has_value());
    CHECK(d.result == "delivered");
  }
}

TEST_CASE("timeouts connection errors 408 429 5xx and 3xx are retried") {
  const std::int64_t now = kQueued + 1000;
  for (const Response& r : {no_answer(Transport::timeout), no_answer(Transport::connect_failed),
                            no_answer(Transport::failed), answer(408), answer(429), answer(500), answer(502),
                            answer(503), answer(504), answer(301), answer(308)}) {
    const auto d = decide_attempt({}, r, 1, kQueued, now, fixed(0.5));
    CHECK(d.state == DeliveryState::failed);
    CHECK(d.result == "retry");
    CHECK(d.next_attempt_at_ms > now);
    CHECK(d.error.has_value());
  }
}

TEST_CASE("a 401 and every other 4xx but 410 are retried with the backoff and keep the status and an excerpt") {
  const std::int64_t now = kQueued + 1000;
  for (long status : {400L, 401L, 403L, 404L, 405L, 413L, 422L, 451L}) {
    CAPTURE(status);
    const auto d = decide_attempt({}, answer(status, "bad signature\n"), 1, kQueued, now, fixed(0.5));
    CHECK(d.state == DeliveryState::failed);
    CHECK(d.result == "retry");
    CHECK(d.status == static_cast<int>(status));
    CHECK(d.error == "HTTP " + std::to_string(status) + ": bad signature ");
    CHECK_FALSE(d.disable_endpoint);
    // the same backoff as a 503: the first retry within [1 s, 5 s]
    CHECK(d.next_attempt_at_ms == now + backoff_delay({}, 1, 0.5).count());
  }
}

TEST_CASE("a 401 past the retry age is dead like any other failure") {
  const std::int64_t late = kQueued + 24 * 3600 * 1000LL;
  const auto d = decide_attempt({}, answer(401, "wrong secret"), 55, kQueued, late, fixed(0.5));
  CHECK(d.state == DeliveryState::dead);
  CHECK(d.result == "dead");
  CHECK_FALSE(d.disable_endpoint);
  CHECK(d.error->find("HTTP 401: wrong secret") != std::string::npos);
}

TEST_CASE("410 Gone is dead and disables the endpoint") {
  const auto d = decide_attempt({}, answer(410, "gone"), 3, kQueued, kQueued, fixed(0.5));
  CHECK(d.state == DeliveryState::dead);
  CHECK(d.disable_endpoint);
  CHECK(d.result == "gone");
  CHECK(d.error == "HTTP 410: gone");
}

TEST_CASE("backoff doubles from the base with full jitter up to the cap") {
  const DeliveryPolicy p;  // min 1 s, base 5 s, cap 1 h
  CHECK(backoff_delay(p, 1, 0.0) == 1s);
  CHECK(backoff_delay(p, 1, 0.999999) == 4999ms);
  CHECK(backoff_delay(p, 2, 0.999999) == 9999ms);
  CHECK(backoff_delay(p, 3, 0.999999) == 19999ms);
  CHECK(backoff_delay(p, 10, 0.9999999) == 2559999ms);  // 5 s * 2^9
  CHECK(backoff_delay(p, 11, 0.9999999) == 3599999ms);  // capped at 1 h
  CHECK(backoff_delay(p, 500, 0.9999999) == 3599999ms);
  CHECK(backoff_delay(p, 11, 0.5) == 1800500ms);
  CHECK(backoff_delay(p, 1000000, 0.0) == 1s);
}

TEST_CASE("the random draw places the retry inside the backoff window") {
  const auto low = decide_attempt({}, answer(503), 2, kQueued, kQueued, fixed(0.0));
  const auto high = decide_attempt({}, answer(503), 2, kQueued, kQueued, fixed(0.999999));
  CHECK(low.next_attempt_at_ms == kQueued + 1000);
  CHECK(high.next_attempt_at_ms == kQueued + 9999);
}

TEST_CASE("Retry-After in seconds is honoured when longer than the backoff") {
  const auto d = decide_attempt({}, answer(429, "", {{"retry-after", "120"}}), 1, kQueued, kQueued, fixed(0.0));
  CHECK(d.state == DeliveryState::failed);
  CHECK(d.next_attempt_at_ms == kQueued + 120'000);
}

TEST_CASE("Retry-After is clamped to its bounds") {
  const auto huge = decide_attempt({}, answer(503, "", {{"retry-after", "999999999"}}), 1, kQueued, kQueued, fixed(0.0));
  CHECK(huge.next_attempt_at_ms == kQueued + 3'600'000);
  const auto zero = decide_attempt({}, answer(429, "", {{"retry-after", "0"}}), 1, kQueued, kQueued, fixed(0.0));
  CHECK(zero.next_attempt_at_ms == kQueued + 1000);
}

TEST_CASE("Retry-After as an HTTP-date counts from now") {
  // Sun, 06 Nov 1994 08:49:37 GMT = 784111777
  const std::int64_t now = 784'111'777'000 - 90'000;
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now) == 90s);
  CHECK(parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", now) == 90s);
  CHECK(parse_retry_after("Sun Nov  6 08:49:37 1994", now) == 90s);
  CHECK(parse_retry_after(" 30 ", now) == 30s);
  CHECK_FALSE(parse_retry_after("soon", now).has_value());
  CHECK_FALSE(parse_retry_after("", now).has_value());
  const auto d = decide_attempt({}, answer(429, "", {{"retry-after", "Sun, 06 Nov 1994 08:49:37 GMT"}}), 1, now - 5000,
                                now, fixed(0.0));
  CHECK(d.next_attempt_at_ms == now + 90'000);
}

TEST_CASE("a failure past the retry age is dead and names the last error") {
  DeliveryPolicy p;
  p.max_retry_age = 24h;
  const std::int64_t late = kQueued + 24 * 3600 * 1000;
  const auto d = decide_attempt(p, answer(503, "busy"), 57, kQueued, late, fixed(0.5));
  CHECK(d.state == DeliveryState::dead);
  CHECK(d.error->find("57 attempts") != std::string::npos);
  CHECK(d.error->find("HTTP 503: busy") != std::string::npos);
}

TEST_CASE("the last retry is scheduled at the retry deadline not beyond it") {
  DeliveryPolicy p;
  p.max_retry_age = 10s;
  const auto d = decide_attempt(p, answer(503), 20, kQueued, kQueued + 9000, fixed(0.999));
  CHECK(d.state == DeliveryState::failed);
  CHECK(d.next_attempt_at_ms == kQueued + 10'000);
}

TEST_CASE("an oversized answer is judged by its status") {
  Response big = answer(500, std::string(1000, 'x'));
  big.transport = Transport::too_large;
  const auto d = decide_attempt({}, big, 1, kQueued, kQueued, fixed(0.5));
  CHECK(d.state == DeliveryState::failed);
  CHECK(d.status == 500);
  Response ok = answer(200, "x");
  ok.transport = Transport::too_large;
  CHECK(decide_attempt({}, ok, 1, kQueued, kQueued, fixed(0.5)).state == DeliveryState::delivered);
}

TEST_CASE("a redirect is retried and names its target") {
  const auto d = decide_attempt({}, answer(301, "", {{"location", "https://new.example/hook"}}), 1, kQueued, kQueued,
                                fixed(0.5));
  CHECK(d.state == DeliveryState::failed);
  CHECK(d.error->find("https://new.example/hook") != std::string::npos);
}

TEST_CASE("body excerpts are bounded single lines of valid UTF-8") {
  CHECK(body_excerpt("short", 512) == "short");
  CHECK(body_excerpt("a\r\nb\tc\x01", 512) == "a  b c ");
  const std::string huge(1 << 20, 'x');
  const std::string cut = body_excerpt(huge, 512);
  CHECK(cut.size() == 512);
  CHECK(cut.ends_with("..."));
  // 200 three-byte characters: the cut lands on a character boundary.
  std::string han;
  for (int i = 0; i < 200; ++i) han += "\xe4\xb8\xad";
  const std::string han_cut = body_excerpt(han, 512);
  CHECK(han_cut.size() <= 512);
  CHECK(han_cut.ends_with("..."));
  CHECK((han_cut.size() - 3) % 3 == 0);
  CHECK(body_excerpt("bad \xff byte", 512) == "bad \xef\xbf\xbd byte");
}
