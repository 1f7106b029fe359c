// Issue 16, items 7 and 8 in the worker, with a real receiver and a real
// store: an endpoint's failing streak (begun at its first failed attempt,
// reported past failing_warn_after, ended by a 2xx), the one attempt of a
// webhook.test, and what an attempt records for wxlivectl send-test.
#include <atomic>

#include "delivery_harness.hpp"

using namespace wxlived::delivery;
using namespace wxlived::delivery::testing;
using wxlived::store::DeliveryState;

namespace {

struct FailingCalls {
  std::vector<std::pair<std::string, std::optional<std::int64_t>>> calls;
};

std::int64_t append_test_event(Harness& h, const std::string& endpoint) {
  wxlived::store::NewEvent e;
  e.id = "evt_test_" + endpoint;
  e.type = "webhook.test";
  e.app = "";
  e.body_json = R"({"type":"webhook.test","timestamp":"2026-11-24T12:00:05Z","data":{"endpoint":")" + endpoint +
                R"(","message":"test"}})";
  e.created_at_ms = h.now();
  e.endpoints = {endpoint};
  const std::int64_t seq = must(h.store.append_event(e));
  h.worker->kick();
  return seq;
}

}  // namespace

TEST_CASE("an endpoint's failing streak begins at its first failure, lasts across retries and ends at its next 2xx") {
  std::atomic<bool> failing{true};
  Receiver receiver([&](int, const httplib::Request&, httplib::Response& res) { res.status = failing ? 401 : 204; });
  Harness h;
  FailingCalls seen;
  DeliveryOptions o = h.options();
  o.policy.failing_warn_after = std::chrono::minutes(10);
  o.on_endpoint_failing = [&](const std::string& endpoint, std::optional<std::int64_t> since) {
    seen.calls.emplace_back(endpoint, since);
  };
  h.start({webhook("crm", receiver.url())}, o);
  const std::int64_t before = h.now();
  h.commit(7, 1, {"crm"});

  // a 401 is retried, not dead, and the streak begins
  REQUIRE(h.run_until([&] { return h.deliveries().at(0).attempts >= 1; }));
  CHECK(h.count(DeliveryState::failed) == 1);
  REQUIRE(seen.calls.size() == 1);
  CHECK(seen.calls[0].first == "crm");
  REQUIRE(seen.calls[0].second.has_value());
  const std::int64_t since = *seen.calls[0].second;
  CHECK(since >= before);
  CHECK(h.worker->failing_since().at("crm") == since);

  // an hour later (moved clock), still failing: the same streak, not a new one
  h.advance(std::chrono::hours(1));
  const int attempts = h.deliveries().at(0).attempts;
  REQUIRE(h.run_until([&] { return h.deliveries().at(0).attempts > attempts; }));
  CHECK(seen.calls.size() == 1);
  CHECK(h.worker->failing_since().at("crm") == since);

  failing = false;
  REQUIRE(h.run_until([&] { return h.all_delivered(); }));
  REQUIRE(seen.calls.size() == 2);
  CHECK(seen.calls[1].first == "crm");
  CHECK_FALSE(seen.calls[1].second.has_value());
  CHECK(h.worker->failing_since().empty());
}

TEST_CASE("an endpoint taken out of the config ends its failing streak") {
  Receiver receiver([](int, const httplib::Request&, httplib::Response& res) { res.status = 503; });
  Harness h;
  FailingCalls seen;
  DeliveryOptions o = h.options();
  o.on_endpoint_failing = [&](const std::string& endpoint, std::optional<std::int64_t> since) {
    seen.calls.emplace_back(endpoint, since);
  };
  h.start({webhook("crm", receiver.url())}, o);
  h.commit(7, 1, {"crm"});
  REQUIRE(h.run_until([&] { return !h.worker->failing_since().empty(); }));
  h.worker->reconfigure({});
  CHECK(h.worker->failing_since().empty());
  REQUIRE(seen.calls.size() == 2);
  CHECK(seen.calls[1] == std::pair<std::string, std::optional<std::int64_t>>{"crm", std::nullopt});
}

TEST_CASE("a webhook.test answered 500 is tried once, dead, with its status, latency and answer recorded") {
  Receiver receiver([](int, const httplib::Request&, httplib::Response& res) {
    res.status = 500;
    res.set_content("receiver broke\n", "text/plain");
  });
  Harness h;
  h.start({webhook("crm", receiver.url())});
  const std::int64_t seq = append_test_event(h, "crm");
  REQUIRE(h.run_until([&] { return h.count(DeliveryState::dead) == 1; }));
  h.run_for(300ms);  // six sweeps: nothing more is sent
  CHECK(receiver.requests() == 1);
  const auto report = must(h.store.attempt_report(seq, "crm"));
  REQUIRE(report.has_value());
  CHECK(report->state == DeliveryState::dead);
  CHECK(report->attempts == 1);
  CHECK(report->last_status == 500);
  CHECK(report->last_answer == "receiver broke ");
  REQUIRE(report->last_latency_ms.has_value());
  CHECK(*report->last_latency_ms >= 0);
  CHECK(report->last_error == "test event, tried once: HTTP 500: receiver broke ");
}

TEST_CASE("a delivered attempt records the answer's excerpt and the round trip") {
  Receiver receiver([](int, const httplib::Request&, httplib::Response& res) {
    res.status = 200;
    res.set_content(R"({"ok":true})", "application/json");
  });
  Harness h;
  h.start({webhook("crm", receiver.url())});
  const std::int64_t seq = append_test_event(h, "crm");
  REQUIRE(h.run_until([&] { return h.count(DeliveryState::delivered) == 1; }));
  const auto report = must(h.store.attempt_report(seq, "crm"));
  REQUIRE(report.has_value());
  CHECK(report->last_status == 200);
  CHECK(report->last_answer == R"({"ok":true})");
  CHECK(report->last_latency_ms.has_value());
  CHECK_FALSE(report->last_error.has_value());
}

TEST_CASE("a test event that cannot connect is tried once and dead with no answer recorded") {
  Harness h;
  h.start({webhook("crm", "http://127.0.0.1:" + std::to_string(unused_port()) + "/hook")});
  const std::int64_t seq = append_test_event(h, "crm");
  REQUIRE(h.run_until([&] { return h.count(DeliveryState::dead) == 1; }));
  const auto report = must(h.store.attempt_report(seq, "crm"));
  REQUIRE(report.has_value());
  CHECK_FALSE(report->last_status.has_value());
  CHECK_FALSE(report->last_answer.has_value());
  REQUIRE(report->last_error.has_value());
  CHECK(report->last_error->starts_with("test event, tried once: connection failed"));
}
