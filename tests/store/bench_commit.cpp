// Commits per second of a typical observation transaction, with WAL and
// synchronous=FULL versus NORMAL. Not a test: run by hand, figures go into
// docs/architecture-store.md.
//
//   bench_store_commit [DIR] [COMMITS]
// DIR must be on the file system the daemon's state_dir will use (fsync cost
// is what is measured); default: a fresh folder under the current directory.
#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "wxlived/store/state_store.hpp"

using namespace wxlived::store;

namespace {

// What one poll that saw one room change writes: two room upserts, one
// transition, one event for two endpoints, one quota call.
Observation typical_observation(int i) {
  const std::int64_t now = 1'764'000'000'000 + i * 1000;
  const std::string event_id = "evt-" + std::to_string(i);
  Observation o;
  o.app = "shop";
  for (std::int64_t room_id : {7, 8}) {
    RoomRecord room;
    room.app = "shop";
    room.room_id = room_id;
    room.status = 101 + (i % 2);
    room.status_since_ms = now;
    room.snapshot_json = std::string(600, 'x');  // a list entry is a few hundred bytes
    room.first_seen_ms = now;
    room.last_seen_ms = now;
    o.room_upserts.push_back(room);
  }
  TransitionRecord t;
  t.app = "shop";
  t.room_id = 7;
  t.from_status = 101 + ((i + 1) % 2);
  t.to_status = 101 + (i % 2);
  t.at_ms = now;
  t.reason = "observed";
  t.event_id = event_id;
  o.transitions.push_back(t);
  NewEvent e;
  e.id = event_id;
  e.type = "room.status_changed";
  e.app = "shop";
  e.room_id = 7;
  e.body_json = std::string(700, 'y');
  e.created_at_ms = now;
  e.endpoints = {"crm", "erp"};
  o.events.push_back(e);
  o.quota = {QuotaIncrement{"2026-11-24", 1, 0, 0, 0, std::nullopt}};
  return o;
}

int run(const std::filesystem::path& dir, Synchronous level, int commits) {
  const auto file = dir / (level == Synchronous::full ? "full.db" : "normal.db");
  auto store = StateStore::open(file, OpenOptions{level, 5000});
  if (!store) {
    std::fprintf(stderr, "open: %s\n", store.error().to_string().c_str());
    return 1;
  }
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < commits; ++i) {
    auto done = store->commit_observation(typical_observation(i));
    if (!done) {
      std::fprintf(stderr, "commit: %s\n", done.error().to_string().c_str());
      return 1;
    }
  }
  const auto mid = std::chrono::steady_clock::now();
  // The delivery side: one attempt outcome per commit.
  for (int i = 0; i < commits; ++i) {
    DeliveryAttempt attempt;
    attempt.event_seq = i + 1;
    attempt.endpoint = "crm";
    attempt.new_state = DeliveryState::delivered;
    attempt.status = 200;
    auto done = store->record_delivery_attempt(attempt);
    if (!done) {
      std::fprintf(stderr, "attempt: %s\n", done.error().to_string().c_str());
      return 1;
    }
  }
  const auto end = std::chrono::steady_clock::now();
  const double observe_s = std::chrono::duration<double>(mid - start).count();
  const double attempt_s = std::chrono::duration<double>(end - mid).count();
  std::printf("synchronous=%-6s observation: %8.0f commits/s (%.3f ms each)   delivery attempt: %8.0f commits/s (%.3f ms each)\n",
              level == Synchronous::full ? "FULL" : "NORMAL", commits / observe_s, 1000.0 * observe_s / commits,
              commits / attempt_s, 1000.0 * attempt_s / commits);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path dir;
  if (argc > 1) {
    dir = argv[1];
  } else {
    std::string pattern = (std::filesystem::current_path() / "bench-store-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      std::perror("mkdtemp");
      return 1;
    }
    dir = pattern;
  }
  const int commits = argc > 2 ? std::stoi(argv[2]) : 500;
  std::printf("%d commits in %s\n", commits, dir.c_str());
  int rc = 0;
  for (int round = 0; round < 2 && rc == 0; ++round) {  // twice: the first round warms the file system
    rc = run(dir, Synchronous::normal, commits);
    if (rc == 0) rc = run(dir, Synchronous::full, commits);
    std::filesystem::remove(dir / "normal.db");
    std::filesystem::remove(dir / "full.db");
  }
  if (argc <= 1) {
    std::filesystem::remove_all(dir);
  }
  return rc;
}
