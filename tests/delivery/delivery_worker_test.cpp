// DeliveryWorker end to end: events committed through the real StateStore,
// POSTed over real HTTP to an in-process receiver, outcomes read back from
// the database.
#include <map>
#include <sstream>

#include <set>

#include "delivery_harness.hpp"
#include "wxlived/log/log.hpp"
#include "wxlived/version.hpp"

using namespace wxlived::delivery;
using namespace wxlived::delivery::testing;
using wxlived::store::DeliveryState;

namespace {

wxlived::http::CurlGlobal curl_global;

std::vector<SigningKey> keys(std::initializer_list<const char*> secrets) {
  std::vector<SigningKey> out;
  for (const char* s : secrets) out.push_back(*SigningKey::from_secret(s));
  return out;
}

Verification verify(const Received& r, const std::vector<SigningKey>& with, std::int64_t now_s) {
  return verify_signature(with, r.id, r.timestamp, r.body, r.signature, now_s);
}

// Per room, the ids in the order the receiver saw them.
std::map<std::string, std::vector<std::string>> by_room(const std::vector<Received>& all) {
  std::map<std::string, std::vector<std::string>> rooms;
  for (const Received& r : all) rooms[r.id.substr(0, r.id.rfind('_'))].push_back(r.id);
  return rooms;
}

int number_of(const std::string& id) { return std::stoi(id.substr(id.rfind('_') + 1)); }

}  // namespace

TEST_CASE("a committed event arrives signed with the Standard Webhooks headers") {
  Receiver receiver(always(204));
  Harness h;  // after the receivers: the worker (and its kept-alive connections) goes first
  h.start({webhook("crm", receiver.url())});
  h.commit(7, 1, {"crm"});
  REQUIRE(h.run_until([&] { return h.all_delivered(); }));

  const auto got = receiver.received();
  REQUIRE(got.size() == 1);
  const Received& r = got[0];
  CHECK(r.id == "evt_r7_1");
  CHECK(r.content_type == "application/json");
  CHECK(r.user_agent == std::string("wxlived/") + wxlived::kVersion);
  CHECK(std::abs(std::stoll(r.timestamp) - h.now() / 1000) <= 2);
  CHECK(r.body.find(R"("room_id":7)") != std::string::npos);
  CHECK(r.signature.starts_with("v1,"));
  CHECK(verify(r, keys({kNewSecret}), h.now() / 1000) == Verification::ok);

  const auto rows = h.deliveries();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].state == DeliveryState::delivered);
  CHECK(rows[0].attempts == 1);
  CHECK(rows[0].last_status == 204);
  CHECK(h.worker->stats().attempts_for("crm", "delivered") == 1);
  CHECK(h.worker->stats().latency.count == 1);
}

TEST_CASE("with two rotated secrets a receiver knowing only the newer one verifies") {
  Receiver receiver(always(204));
  Harness h;
  h.start({webhook("crm", receiver.url(), {kOldSecret, kNewSecret})});
  h.commit(7, 1, {"crm"});
  REQUIRE(h.run_until([&] { return h.all_delivered(); }));
  const Received r = receiver.received().at(0);
  CHECK(std::count(r.signature.begin(), r.signature.end(), ' ') == 1);
  CHECK(verify(r, keys({kNewSecret}), h.now() / 1000) == Verification::ok);
  CHECK(verify(r, keys({kOldSecret}), h.now() / 1000) == Verification::ok);
  CHECK(verify(r, keys({"whsec_dW5yZWxhdGVkLXNlY3JldC1rZXk="}), h.now() / 1000) == Verification::bad_signature);
}

TEST_CASE("order per room holds when every 7th request answers 503") {
  Receiver receiver([](int n, const httplib::Request&, httplib::Response& res) { res.status = n % 7 == 0 ? 503 : 204; });
  Harness h;
  h.start({webhook("crm", receiver.url())});
  constexpr int kRooms = 6;
  constexpr int kEvents = 15;
  for (int n = 1; n <= kEvents; ++n) {
    for (int room = 1; room <= kRooms; ++room) h.commit(room, n, {"crm"});
  }
  REQUIRE(h.run_until([&] { return h.all_delivered(); }));

  const auto got = receiver.received();
  CHECK(std::any_of(got.begin(), got.end(), [](const Received& r) { return r.answered == 503; }));
  for (const auto& [room, ids] : by_room(got)) {
    // Arrivals per room: each event until it is accepted, then the next.
    int expected = 1;
    for (const std::string& id : ids) {
      const int n = number_of(id);
      CHECK(n >= expected);
      CHECK(n <= expected + 1);
      expected = n;
    }
    CHECK(expected == kEvents);
  }
  // Exactly one 2xx per event, and every one arrived.
  std::map<std::string, int> accepted;
  for (const Received& r : got) accepted[r.id] += r.answered == 204 ? 1 : 0;
  CHECK(accepted.size() == kRooms * kEvents);
  for (const auto& entry : accepted) CHECK_MESSAGE(entry.second == 1, entry.first);
  CHECK(h.worker->stats().attempts_for("crm", "retry") > 0);
}

TEST_CASE("a burst of deliveries to one endpoint reuses its kept-alive connections") {
  // The worker commits a turn's answers before starting the lanes' next
  // POSTs, so the curl handle briefly holds few transfers; curl's default
  // idle cache (4 per transfer held) would then close good connections.
  Receiver receiver(always(204));
  Harness h;
  for (int n = 1; n <= 5; ++n)
    for (int room = 1; room <= 40; ++room) h.commit(room, n, {"crm"});
  h.start({webhook("crm", receiver.url())});
  REQUIRE(h.run_until([&] { return h.all_delivered(); }));
  std::set<int> connections;
  for (const Received& r : receiver.received()) connections.insert(r.remote_port);
  CHECK(receiver.requests() == 200);
  CHECK(connections.size() <= 8);  // max_in_flight_per_endpoint
}

TEST_CASE("a receiver that refuses connections for a while gets everything in order once up") {
  const int port = unused_port();
  Harness h;
  h.start({webhook("crm", "http://127.0.0.1:" + std::to_string(port) + "/hook")});
  for (int n = 1; n <= 5; ++n) {
    for (int room = 1; room <= 3; ++room) h.commit(room, n, {"crm"});
  }
  // Down: each lane's head fails and retries; nothing behind it moves.
  REQUIRE(h.run_until([&] {
    const auto rows = h.deliveries();
    int heads_retried = 0;
    for (const auto& d : rows) heads_retried += d.state == DeliveryState::failed && d.attempts >= 3 ? 1 : 0;
    return heads_retried == 3;
  }));
  CHECK(h.count(DeliveryState::pending) == 12);
  for (const auto& d : h.deliveries()) {
    if (d.state == DeliveryState::failed) CHECK(d.last_error->starts_with("connection failed"));
  }

  Receiver receiver(always(204), port);
  REQUIRE(h.run_until([&] { return h.all_delivered(); }));
  const auto got = receiver.received();
  CHECK(got.size() == 15);
  for (const auto& [room, ids] : by_room(got)) {
    REQUIRE(ids.size() == 5);
    for (int i = 0; i < 5; ++i) CHECK(number_of(ids[static_cast<std::size_t>(i)]) == i + 1);
  }
  h.worker.reset();  // closes its kept-alive connections before the receiver stops
}

TEST_CASE("429 with Retry-After holds the retry until that time has passed") {
  Receiver receiver([](int n, const httplib::Request&, httplib::Response& res) {
    if (n == 1) {
      res.status = 429;
      res.set_header("Retry-After", "120");
    }
  });
  Harness h;
  h.start({webhook("crm", receiver.url())});
  const std::int64_t before = h.now();
  h.commit(7, 1, {"crm"});
  REQUIRE(h.run_until([&] { return h.count(DeliveryState::failed) == 1; }));
  const auto row = h.deliveries().at(0);
  CHECK(row.last_status == 429);
  CHECK(row.next_attempt_at_ms >= before + 120'000);
  CHECK(row.next_attempt_at_ms <= h.now() + 120'000);

  h.run_for(300ms);  // six sweeps: nothing may be sent early
  CHECK(receiver.requests() == 1);

  h.advance(120s);
  h.worker->kick();
  REQUIRE(h.run_until([&] { return h.all_delivered(); }));
  const auto got = receiver.received();
  REQUIRE(got.size() == 2);
  CHECK(got[0].id == got[1].id);
  CHECK(std::stoll(got[1].timestamp) >= std::stoll(got[0].timestamp) + 120);
}

TEST_CASE("410 Gone kills the delivery and disables the endpoint until re-enabled") {
  Receiver gone([](int n, const httplib::Request&, httplib::Response& res) {
    if (n == 1) {
      res.status = 410;
      res.set_content("this hook was deleted", "text/plain");
    }
  });
  Receiver other(always(204));
  Harness h;
  h.start({webhook("gone", gone.url()), webhook("other", other.url())});
  h.commit(7, 1, {"gone", "other"});
  REQUIRE(h.run_until([&] { return h.count(DeliveryState::dead, "gone") == 1; }));
  h.commit(7, 2, {"gone", "other"});
  h.commit(8, 1, {"gone", "other"});
  REQUIRE(h.run_until([&] { return h.all_delivered("other"); }));
  h.run_for(200ms);
  CHECK(gone.requests() == 1);
  CHECK(h.count(DeliveryState::pending, "gone") == 2);

  const auto endpoints = must(h.store.endpoints());
  REQUIRE(endpoints.size() == 1);
  CHECK(endpoints[0].name == "gone");
  CHECK(endpoints[0].disabled_at_ms.has_value());
  CHECK(endpoints[0].disabled_reason->find("410") != std::string::npos);
  const auto dead = h.deliveries("gone").at(0);
  CHECK(dead.last_status == 410);
  CHECK(dead.last_error == "HTTP 410: this hook was deleted");
  CHECK(h.worker->stats().attempts_for("gone", "gone") == 1);

  must(h.store.enable_endpoint("gone"));
  h.worker->kick();
  REQUIRE(h.run_until([&] { return h.count(DeliveryState::delivered, "gone") == 2; }));
  CHECK(gone.requests() == 3);
}

TEST_CASE("a receiver that hangs past timeout_s is retried") {
  std::unique_ptr<Receiver> receiver;
  receiver = std::make_unique<Receiver>([&receiver](int n, const httplib::Request&, httplib::Response&) {
    if (n == 1) receiver->hold();
  });
  Harness h;
  h.start({webhook("crm", receiver->url(), {kNewSecret}, /*timeout_s=*/1)});
  h.commit(7, 1, {"crm"});
  REQUIRE(h.run_until([&] { return h.all_delivered(); }));
  receiver->release();
  const auto row = h.deliveries().at(0);
  CHECK(row.attempts == 2);
  CHECK(h.worker->stats().attempts_for("crm", "retry") == 1);
  CHECK(receiver->requests() == 2);
}

TEST_CASE("a non-2xx answer with a huge body records a bounded excerpt") {
  Receiver receiver([](int, const httplib::Request&, httplib::Response& res) {
    res.status = 400;
    std::string body;
    for (int i = 0; i < 100000; ++i) body += "invalid payload\n\x01";
    res.set_content(body, "text/plain");
  });
  Harness h;
  h.start({webhook("crm", receiver.url())});
  h.commit(7, 1, {"crm"});
  // a 400 is retried with the backoff like any failure but 410
  REQUIRE(h.run_until([&] { return h.count(DeliveryState::failed) == 1; }));
  const auto row = h.deliveries().at(0);
  CHECK(row.last_status == 400);
  REQUIRE(row.last_error.has_value());
  CHECK(row.last_error->starts_with("HTTP 400: invalid payload "));
  CHECK(row.last_error->size() <= 600);
  CHECK(row.last_error->find('\n') == std::string::npos);
  CHECK(row.last_error->find('\x01') == std::string::npos);
}

TEST_CASE("a slow endpoint does not delay another endpoint") {
  std::unique_ptr<Receiver> slow;
  slow = std::make_unique<Receiver>([&slow](int, const httplib::Request&, httplib::Response&) { slow->hold(); });
  Receiver fast(always(204));
  Harness h;
  h.start({webhook("slow", slow->url()), webhook("fast", fast.url())});
  for (int room = 1; room <= 20; ++room) h.commit(room, 1, {"slow", "fast"});
  REQUIRE(h.run_until([&] { return h.all_delivered("fast"); }));
  CHECK(fast.requests() == 20);
  CHECK(h.count(DeliveryState::delivered, "slow") == 0);
  REQUIRE(h.run_until([&] { return slow->active() == 8; }));
  h.run_for(100ms);
  CHECK(slow->max_active() == 8);  // the per-endpoint bound
  slow->release();
  REQUIRE(h.run_until([&] { return h.all_delivered("slow"); }));
}

// A rescan while an endpoint is at its limit reads the in-flight head of a
// lane again; once that POST is answered the stale copy must not be sent.
TEST_CASE("a rescan while an endpoint is at its limit sends nothing twice") {
  std::unique_ptr<Receiver> receiver;
  receiver = std::make_unique<Receiver>([&receiver](int, const httplib::Request&, httplib::Response&) {
    receiver->hold();
  });
  Harness h;
  DeliveryOptions o = h.options();
  o.max_in_flight_per_endpoint = 1;
  h.start({webhook("crm", receiver->url())}, std::move(o));
  h.commit(1, 1, {"crm"});
  h.commit(2, 1, {"crm"});
  REQUIRE(h.run_until([&] { return receiver->active() == 1; }));
  h.run_for(150ms);  // sweeps rescan while the endpoint is full
  receiver->release();
  REQUIRE(h.run_until([&] { return h.all_delivered("crm"); }));
  h.run_for(150ms);
  std::multiset<std::string> ids;
  for (const Received& r : receiver->received()) ids.insert(r.id);
  CHECK(ids.size() == 2);
  CHECK(ids.count(event_id(1, 1)) == 1);
  CHECK(ids.count(event_id(2, 1)) == 1);
}

TEST_CASE("deliveries to an endpoint missing from the config wait and are logged once") {
  std::ostringstream log_out;
  wxlived::log::configure_logging({}, log_out);
  Receiver receiver(always(204));
  Harness h;
  h.start({webhook("crm", receiver.url())});
  h.commit(7, 1, {"crm", "ghost"});
  h.commit(7, 2, {"crm", "ghost"});
  REQUIRE(h.run_until([&] { return h.all_delivered("crm"); }));
  h.run_for(200ms);
  CHECK(h.count(DeliveryState::pending, "ghost") == 2);
  const std::string text = log_out.str();
  wxlived::log::configure_logging({});
  std::size_t warnings = 0;
  for (auto at = text.find("not in the config"); at != std::string::npos; at = text.find("not in the config", at + 1))
    ++warnings;
  CHECK(warnings == 1);

  h.worker->reconfigure({webhook("crm", receiver.url()), webhook("ghost", receiver.url("/ghost"))});
  REQUIRE(h.run_until([&] { return h.all_delivered("ghost"); }));
}

TEST_CASE("stop lets a POST in flight finish and record its outcome") {
  std::unique_ptr<Receiver> receiver;
  receiver = std::make_unique<Receiver>([&receiver](int, const httplib::Request&, httplib::Response&) {
    receiver->hold();
  });
  Harness h;
  h.start({webhook("crm", receiver->url())});
  h.commit(7, 1, {"crm"});
  REQUIRE(h.run_until([&] { return receiver->active() == 1; }));
  bool stopped = false;
  h.worker->stop(std::chrono::steady_clock::now() + 30s, [&] { stopped = true; });
  h.run_for(50ms);
  CHECK_FALSE(stopped);
  receiver->release();
  REQUIRE(h.run_until([&] { return stopped; }));
  CHECK(h.all_delivered());
  // No new work after stop.
  h.commit(7, 2, {"crm"});
  h.run_for(200ms);
  CHECK(receiver->requests() == 1);
}

TEST_CASE("stop abandons a POST still in flight at the deadline and leaves it due") {
  std::unique_ptr<Receiver> receiver;
  receiver = std::make_unique<Receiver>([&receiver](int, const httplib::Request&, httplib::Response&) {
    receiver->hold();
  });
  Harness h;
  h.start({webhook("crm", receiver->url())});
  h.commit(7, 1, {"crm"});
  REQUIRE(h.run_until([&] { return receiver->active() == 1; }));
  bool stopped = false;
  h.worker->stop(std::chrono::steady_clock::now() + 100ms, [&] { stopped = true; });
  REQUIRE(h.run_until([&] { return stopped; }));
  CHECK(h.worker->in_flight() == 0);
  const auto row = h.deliveries().at(0);
  CHECK(row.state == DeliveryState::pending);
  CHECK(row.attempts == 0);
  receiver->release();
}

TEST_CASE("a delivery past its retry age goes dead and the lane moves on") {
  Receiver receiver([](int, const httplib::Request& req, httplib::Response& res) {
    res.status = req.get_header_value("webhook-id") == "evt_r7_1" ? 503 : 204;
  });
  Harness h;
  auto options = h.options();
  options.policy.max_retry_age = std::chrono::milliseconds(60'000);
  h.start({webhook("crm", receiver.url())}, options);
  h.commit(7, 1, {"crm"});
  h.commit(7, 2, {"crm"});
  REQUIRE(h.run_until([&] { return h.count(DeliveryState::failed) == 1; }));
  h.advance(61s);
  h.worker->kick();
  REQUIRE(h.run_until([&] { return h.count(DeliveryState::delivered) == 1; }));
  const auto rows = h.deliveries();
  CHECK(rows[0].state == DeliveryState::dead);
  CHECK(rows[0].last_error->find("gave up") != std::string::npos);
  CHECK(rows[1].state == DeliveryState::delivered);
}

TEST_CASE("a redelivered event keeps its webhook-id") {
  Receiver receiver(always(204));
  Harness h;
  h.start({webhook("crm", receiver.url())});
  h.commit(7, 1, {"crm"});
  REQUIRE(h.run_until([&] { return h.all_delivered(); }));
  CHECK(must(h.store.requeue_event("evt_r7_1", h.now())) == 1);
  REQUIRE(h.run_until([&] { return receiver.requests() == 2 && h.all_delivered(); }));
  const auto got = receiver.received();
  CHECK(got[0].id == got[1].id);
  CHECK(got[0].body == got[1].body);
}
