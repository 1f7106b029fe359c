#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "sample_data.hpp"
#include "temp_dir.hpp"

using namespace wxlived::store;
using namespace wxlived::store::testing;

namespace {

// (endpoint, event id) of each due delivery, in the order returned.
std::vector<std::pair<std::string, std::string>> due(StateStore& store, std::int64_t now_ms) {
  std::vector<std::pair<std::string, std::string>> lanes;
  for (const DueDelivery& d : must(store.due_deliveries(now_ms, 100))) {
    lanes.emplace_back(d.delivery.endpoint, d.event.id);
  }
  return lanes;
}

using Due = std::vector<std::pair<std::string, std::string>>;

void attempt(StateStore& store, std::int64_t seq, std::string endpoint, DeliveryState state, std::int64_t next_ms,
             std::int64_t now_ms) {
  DeliveryAttempt outcome;
  outcome.event_seq = seq;
  outcome.endpoint = std::move(endpoint);
  outcome.new_state = state;
  outcome.status = state == DeliveryState::delivered ? 200 : 503;
  if (state != DeliveryState::delivered) {
    outcome.error = "HTTP 503";
  }
  outcome.next_attempt_at_ms = next_ms;
  outcome.now_ms = now_ms;
  must(store.record_delivery_attempt(outcome));
}

}  // namespace

TEST_CASE("each event gets one pending delivery per endpoint in the same transaction") {
  TempDir dir;
  auto store = open_store(dir);
  const auto seq = commit_room_event(store, "evt-1", 7, 1000, {"crm", "erp"});

  auto rows = must(store.deliveries());
  REQUIRE(rows.size() == 2);
  for (const DeliveryRecord& row : rows) {
    CHECK(row.event_seq == seq);
    CHECK(row.state == DeliveryState::pending);
    CHECK(row.attempts == 0);
    CHECK(row.next_attempt_at_ms == 1000);
    CHECK(row.queued_at_ms == 1000);
    CHECK(row.app == "shop");
    CHECK(row.room_id == 7);
  }
  CHECK(rows[0].endpoint == "crm");
  CHECK(rows[1].endpoint == "erp");

  // An event no endpoint wants is still recorded, with no delivery.
  commit_room_event(store, "evt-2", 7, 1000, {});
  CHECK(must(store.events()).size() == 2);
  CHECK(must(store.deliveries()).size() == 2);
}

TEST_CASE("due deliveries give only the oldest undelivered per room and endpoint") {
  TempDir dir;
  auto store = open_store(dir);
  const auto a = commit_room_event(store, "a-room7", 7, 1000, {"crm", "erp"});
  const auto b = commit_room_event(store, "b-room7", 7, 1001, {"crm", "erp"});
  commit_room_event(store, "c-room8", 8, 1002, {"crm"});

  CHECK(due(store, 999).empty());
  CHECK(due(store, 5000) == Due{{"crm", "a-room7"}, {"erp", "a-room7"}, {"crm", "c-room8"}});

  // crm got a; erp failed on a and backs off until 9000: erp's b must wait
  // behind it even though b itself is due.
  attempt(store, a, "crm", DeliveryState::delivered, 0, 5000);
  attempt(store, a, "erp", DeliveryState::failed, 9000, 5000);
  CHECK(due(store, 5000) == Due{{"crm", "b-room7"}, {"crm", "c-room8"}});
  CHECK(due(store, 9000) == Due{{"crm", "b-room7"}, {"crm", "c-room8"}, {"erp", "a-room7"}});

  // A dead head no longer blocks its lane.
  attempt(store, a, "erp", DeliveryState::dead, 0, 9000);
  attempt(store, b, "crm", DeliveryState::delivered, 0, 9000);
  CHECK(due(store, 9000) == Due{{"erp", "b-room7"}, {"crm", "c-room8"}});  // earliest due first
}

TEST_CASE("app level events form their own lane per app and endpoint") {
  TempDir dir;
  auto store = open_store(dir);
  Observation observation;
  observation.app = "shop";
  observation.events.push_back(sample_event("quota-1", std::nullopt, 1000, {"crm"}));
  observation.events.push_back(sample_event("quota-2", std::nullopt, 1000, {"crm"}));
  must(store.commit_observation(observation));
  commit_room_event(store, "room-1", 7, 1000, {"crm"});
  CHECK(due(store, 1000) == Due{{"crm", "quota-1"}, {"crm", "room-1"}});
}

TEST_CASE("a due delivery carries the event body to send") {
  TempDir dir;
  auto store = open_store(dir);
  commit_room_event(store, "evt-1", 7, 1000, {"crm"});
  auto due_now = must(store.due_deliveries(1000, 10));
  REQUIRE(due_now.size() == 1);
  CHECK(due_now[0].event.body_json == R"({"type":"room.status_changed"})");
  CHECK(due_now[0].event.type == "room.status_changed");
  CHECK(due_now[0].delivery.endpoint == "crm");
  CHECK(must(store.due_deliveries(1000, 0)).empty());
}

TEST_CASE("a delivery attempt is counted with its status error and time") {
  TempDir dir;
  auto store = open_store(dir);
  const auto seq = commit_room_event(store, "evt-1", 7, 1000, {"crm"});
  attempt(store, seq, "crm", DeliveryState::failed, 4000, 2000);
  attempt(store, seq, "crm", DeliveryState::delivered, 0, 4000);

  auto rows = must(store.deliveries(DeliveryFilter{"crm", DeliveryState::delivered, 10}));
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].attempts == 2);
  CHECK(rows[0].last_status == 200);
  CHECK_FALSE(rows[0].last_error.has_value());  // last_* describe the last attempt
  CHECK(rows[0].delivered_at_ms == 4000);
  CHECK(must(store.deliveries(DeliveryFilter{"crm", DeliveryState::pending, 10})).empty());
}

TEST_CASE("recording an attempt for an unknown delivery is an error") {
  TempDir dir;
  auto store = open_store(dir);
  DeliveryAttempt outcome;
  outcome.event_seq = 42;
  outcome.endpoint = "crm";
  auto result = store.record_delivery_attempt(outcome);
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code == SQLITE_NOTFOUND);
  CHECK(result.error().sql.find("UPDATE deliveries") != std::string::npos);
}

TEST_CASE("redeliver requeues dead deliveries for one endpoint or all") {
  TempDir dir;
  auto store = open_store(dir);
  const auto a = commit_room_event(store, "evt-a", 7, 1000, {"crm", "erp"});
  const auto b = commit_room_event(store, "evt-b", 8, 1000, {"crm"});
  attempt(store, a, "crm", DeliveryState::dead, 0, 2000);
  attempt(store, a, "erp", DeliveryState::dead, 0, 2000);
  attempt(store, b, "crm", DeliveryState::delivered, 0, 2000);
  CHECK(due(store, 10'000).empty());

  CHECK(must(store.requeue_dead(3000, "erp")) == 1);
  CHECK(due(store, 3000) == Due{{"erp", "evt-a"}});
  CHECK(must(store.requeue_dead(4000)) == 1);
  CHECK(due(store, 4000) == Due{{"erp", "evt-a"}, {"crm", "evt-a"}});

  auto crm = must(store.deliveries(DeliveryFilter{"crm", DeliveryState::pending, 10}));
  REQUIRE(crm.size() == 1);
  CHECK(crm[0].attempts == 0);
  CHECK(crm[0].queued_at_ms == 4000);
  CHECK(must(store.requeue_dead(5000)) == 0);
}

TEST_CASE("redeliver by event id requeues even a delivered event") {
  TempDir dir;
  auto store = open_store(dir);
  const auto seq = commit_room_event(store, "evt-1", 7, 1000, {"crm", "erp"});
  attempt(store, seq, "crm", DeliveryState::delivered, 0, 2000);
  attempt(store, seq, "erp", DeliveryState::delivered, 0, 2000);

  CHECK(must(store.requeue_event("evt-1", 3000, "crm")) == 1);
  CHECK(due(store, 3000) == Due{{"crm", "evt-1"}});
  CHECK(must(store.requeue_event("evt-1", 3000)) == 2);
  CHECK(must(store.requeue_event("no-such-event", 3000)) == 0);
}

TEST_CASE("a disabled endpoint gets no due deliveries until re-enabled") {
  TempDir dir;
  auto store = open_store(dir);
  commit_room_event(store, "evt-1", 7, 1000, {"crm", "erp"});
  must(store.disable_endpoint("crm", "410 Gone", 1500));
  CHECK(due(store, 2000) == Due{{"erp", "evt-1"}});
  CHECK(must(store.endpoints()) == std::vector<EndpointRecord>{{"crm", 1500, "410 Gone"}});

  must(store.enable_endpoint("crm"));
  CHECK(due(store, 2000) == Due{{"crm", "evt-1"}, {"erp", "evt-1"}});
  CHECK(must(store.endpoints()) == std::vector<EndpointRecord>{{"crm", std::nullopt, std::nullopt}});
}

TEST_CASE("events can be read after a sequence number and filtered by room and time") {
  TempDir dir;
  auto store = open_store(dir);
  const auto first = commit_room_event(store, "evt-1", 7, 1000, {});
  commit_room_event(store, "evt-2", 8, 2000, {});
  commit_room_event(store, "evt-3", 7, 3000, {});

  EventFilter after_first;
  after_first.after_seq = first;
  CHECK(must(store.events(after_first)).size() == 2);

  EventFilter room7;
  room7.room_id = 7;
  auto in_room7 = must(store.events(room7));
  REQUIRE(in_room7.size() == 2);
  CHECK(in_room7[0].id == "evt-1");
  CHECK(in_room7[1].id == "evt-3");

  EventFilter recent;
  recent.since_ms = 2000;
  recent.limit = 1;
  auto newest = must(store.events(recent));
  REQUIRE(newest.size() == 1);
  CHECK(newest[0].id == "evt-2");

  CHECK(must(store.event_by_id("evt-3"))->room_id == 7);
  CHECK_FALSE(must(store.event_by_id("evt-9")).has_value());
}

#ifndef WXLIVED_TEST_ON_POSTGRES  // SQLite's pragma; PostgreSQL uses SET LOCAL synchronous_commit
TEST_CASE("delivery outcomes commit without an fsync while events keep synchronous=FULL") {
  TempDir dir;
  auto store = open_store(dir);
  const auto synchronous = [&] {
    auto q = must(store.database().query("PRAGMA synchronous"));
    REQUIRE(must(q.step()));
    return q.int64(0);  // 1 = NORMAL, 2 = FULL
  };
  REQUIRE(synchronous() == 2);
  const auto seq = commit_room_event(store, "evt_1", 7, 1000, {"crm"});
  DeliveryAttempt a;
  a.event_seq = seq;
  a.endpoint = "crm";
  a.new_state = DeliveryState::delivered;
  a.status = 204;
  a.now_ms = 2000;
  must(store.record_delivery_attempts({a}));
  // The outcome is committed (a reader sees it) and the connection is back
  // to FULL for the next event.
  CHECK(synchronous() == 2);
  auto reader = open_reader(dir);
  DeliveryFilter delivered;
  delivered.state = DeliveryState::delivered;
  CHECK(must(reader.deliveries(delivered)).size() == 1);
}
#endif
