#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "sample_data.hpp"
#include "temp_dir.hpp"

using namespace wxlived::store;
using namespace wxlived::store::testing;

namespace {

constexpr std::int64_t kDay = 86'400'000;

void settle(StateStore& store, std::int64_t seq, DeliveryState state, std::int64_t now_ms) {
  DeliveryAttempt a;
  a.event_seq = seq;
  a.endpoint = "crm";
  a.new_state = state;
  a.status = state == DeliveryState::delivered ? 204 : 500;
  a.next_attempt_at_ms = now_ms + 60'000;
  a.now_ms = now_ms;
  must(store.record_delivery_attempt(a));
}

std::vector<std::string> event_ids(StateStore& store) {
  EventFilter all;
  all.limit = 1'000'000;
  std::vector<std::string> ids;
  for (const auto& e : must(store.events(all))) ids.push_back(e.id);
  return ids;
}

PruneCounts prune_all(StateStore& store, std::int64_t cutoff_ms, const std::string& cutoff_day, int batch = 1000) {
  PruneCounts sum;
  for (;;) {
    const PruneCounts c = must(store.prune(cutoff_ms, cutoff_day, batch));
    sum.events += c.events;
    sum.transitions += c.transitions;
    sum.quota_days += c.quota_days;
    sum.rooms += c.rooms;
    sum.kv += c.kv;
    if (!c.more) return sum;
  }
}

std::int64_t count(StateStore& store, const char* table) {
  auto q = store.database().prepare(std::string("SELECT COUNT(*) FROM ") + table);
  REQUIRE(q);
  REQUIRE(must(q->step()));
  return q->int64(0);
}

}  // namespace

TEST_CASE("prune removes old delivered and dead events with their deliveries and keeps any still being retried") {
  TempDir dir;
  auto store = open_store(dir);
  const auto delivered = commit_room_event(store, "evt_delivered", 1, 1 * kDay, {"crm"});
  const auto dead = commit_room_event(store, "evt_dead", 2, 1 * kDay, {"crm"});
  const auto failed = commit_room_event(store, "evt_failed", 3, 1 * kDay, {"crm"});
  commit_room_event(store, "evt_pending", 4, 1 * kDay, {"crm"});
  const auto recent = commit_room_event(store, "evt_recent", 1, 9 * kDay, {"crm"});
  settle(store, delivered, DeliveryState::delivered, 1 * kDay);
  settle(store, dead, DeliveryState::dead, 1 * kDay);
  settle(store, failed, DeliveryState::failed, 1 * kDay);
  settle(store, recent, DeliveryState::delivered, 9 * kDay);

  const PruneCounts c = prune_all(store, 8 * kDay, "1970-01-09");
  CHECK(c.events == 2);
  CHECK(event_ids(store) == std::vector<std::string>{"evt_failed", "evt_pending", "evt_recent"});
  CHECK(count(store, "deliveries") == 3);  // the pruned events' deliveries went with them
  // Nothing left to deliver was touched: the pending and failed lanes are intact.
  CHECK(must(store.due_deliveries(20 * kDay, 100)).size() == 2);
}

TEST_CASE("prune works in small batches and says when more is left") {
  TempDir dir;
  auto store = open_store(dir);
  Observation o;
  o.app = "shop";
  for (int i = 0; i < 25; ++i) {
    o.events.push_back(sample_event("evt_" + std::to_string(i), i, 1 * kDay, {}));
    o.transitions.push_back(sample_transition(i, 102, 101, 1 * kDay, "evt_" + std::to_string(i)));
  }
  must(store.commit_observation(o));

  const PruneCounts first = must(store.prune(5 * kDay, "1970-01-01", 10));
  CHECK(first.events == 10);
  CHECK(first.transitions == 10);
  CHECK(first.more);
  must(store.prune(5 * kDay, "1970-01-01", 10));
  const PruneCounts last = must(store.prune(5 * kDay, "1970-01-01", 10));
  CHECK(last.events == 5);
  CHECK_FALSE(last.more);
  CHECK(count(store, "events") == 0);
  CHECK(count(store, "transitions") == 0);
}

TEST_CASE("rooms still listed are kept however old, rooms removed from the list before the cutoff go") {
  TempDir dir;
  auto store = open_store(dir);
  Observation o;
  o.app = "shop";
  o.room_upserts.push_back(sample_room(1, 103, 1 * kDay));  // ended long ago, still listed
  auto removed = sample_room(2, 103, 1 * kDay);
  removed.removed_at_ms = 2 * kDay;
  o.room_upserts.push_back(removed);
  auto removed_lately = sample_room(3, 103, 1 * kDay);
  removed_lately.removed_at_ms = 9 * kDay;
  o.room_upserts.push_back(removed_lately);
  must(store.commit_observation(o));

  CHECK(prune_all(store, 8 * kDay, "1970-01-09").rooms == 1);
  std::vector<std::int64_t> ids;
  for (const auto& r : must(store.rooms())) ids.push_back(r.room_id);
  CHECK(ids == std::vector<std::int64_t>{1, 3});
}

TEST_CASE("quota days before the cutoff day are pruned, today's ledger is kept") {
  TempDir dir;
  auto store = open_store(dir);
  must(store.add_quota_calls("shop", "2026-11-01", QuotaKind::list, 5));
  must(store.add_quota_calls("shop", "2026-11-20", QuotaKind::list, 7));
  CHECK(prune_all(store, 0, "2026-11-10").quota_days == 1);
  CHECK(must(store.quota_day("shop", "2026-11-20")).list_calls == 7);
  CHECK(must(store.quota_day("shop", "2026-11-01")).list_calls == 0);
}

#ifndef WXLIVED_TEST_ON_POSTGRES  // measures the SQLite file; PostgreSQL's space is autovacuum's business
TEST_CASE("a simulated month with 7-day retention keeps the database bounded") {
  // 30 days of a busy shop: 2,000 events a day (each with a transition and a
  // delivery, delivered), pruned once a day. Rows stay at about 7-8 days'
  // worth and the file stops growing once freed pages are reused.
  TempDir dir;
  auto store = open_store(dir);
  constexpr int kPerDay = 2000;
  constexpr int kRetentionDays = 7;
  std::int64_t size_day_10 = 0;
  std::int64_t max_events = 0;
  int serial = 0;
  for (int day = 1; day <= 30; ++day) {
    for (int batch = 0; batch < kPerDay / 100; ++batch) {
      Observation o;
      o.app = "shop";
      for (int i = 0; i < 100; ++i, ++serial) {
        const std::int64_t at = day * kDay + batch * 1000 + i;
        const std::string id = "evt_" + std::to_string(serial);
        o.events.push_back(sample_event(id, serial % 300, at, {"crm"}));
        o.transitions.push_back(sample_transition(serial % 300, 101, 105, at, id));
      }
      const auto seqs = must(store.commit_observation(o)).event_seqs;
      std::vector<DeliveryAttempt> answers;
      for (const auto seq : seqs) {
        DeliveryAttempt a;
        a.event_seq = seq;
        a.endpoint = "crm";
        a.new_state = DeliveryState::delivered;
        a.status = 204;
        a.now_ms = day * kDay + batch * 1000 + 500;
        answers.push_back(a);
      }
      must(store.record_delivery_attempts(answers));
    }
    prune_all(store, (day - kRetentionDays) * kDay, "1970-01-01", 500);
    max_events = std::max(max_events, count(store, "events"));
    if (day == 10) size_day_10 = static_cast<std::int64_t>(std::filesystem::file_size(db_file(dir)));
  }
  CHECK(max_events <= (kRetentionDays + 1) * kPerDay);
  CHECK(count(store, "transitions") <= (kRetentionDays + 1) * kPerDay);
  CHECK(count(store, "deliveries") <= (kRetentionDays + 1) * kPerDay);
  must(store.database().exec("PRAGMA wal_checkpoint(TRUNCATE)"));
  const auto size_day_30 = static_cast<std::int64_t>(std::filesystem::file_size(db_file(dir)));
  INFO("file size day 10: " << size_day_10 << " bytes, day 30: " << size_day_30);
  // Without pruning it would triple (30 days vs 10); with it the file reuses its free pages.
  CHECK(size_day_30 < size_day_10 * 3 / 2);
  auto check = store.database().prepare("PRAGMA integrity_check");
  REQUIRE(check);
  REQUIRE(must(check->step()));
  CHECK(check->text(0) == "ok");
}
#endif
