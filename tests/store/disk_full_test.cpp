// A full disk, simulated with SQLite's own limit on the file's size
// (PRAGMA max_page_count: the same SQLITE_FULL the VFS returns when the
// file system is full): commits fail with a clear error, nothing committed
// before is lost, and the file passes integrity_check.
#include <doctest/doctest.h>

#include <string>

#include "sample_data.hpp"
#include "temp_dir.hpp"

using namespace wxlived::store;
using namespace wxlived::store::testing;

TEST_CASE("a full disk fails the commit with a clear error and corrupts nothing") {
  TempDir dir;
  int committed = 0;
  std::string error_text;
  {
    auto store = open_store(dir);
    std::int64_t limit = 0;
    {
      auto pages = store.database().prepare("PRAGMA page_count");
      REQUIRE(pages);
      REQUIRE(must(pages->step()));
      limit = pages->int64(0) + 8;
    }
    must(store.database().exec("PRAGMA max_page_count = " + std::to_string(limit)));
    for (int i = 0; i < 10000; ++i) {
      Observation o;
      o.app = "shop";
      o.room_upserts.push_back(sample_room(i, 101, 1000 + i));
      o.events.push_back(sample_event("evt_" + std::to_string(i), i, 1000 + i, {"crm"}));
      o.events.back().body_json = std::string(2000, 'x');
      auto done = store.commit_observation(o);
      if (!done) {
        error_text = done.error().to_string();
        break;
      }
      ++committed;
    }
  }
  INFO(error_text);
  REQUIRE(committed > 0);
  REQUIRE_FALSE(error_text.empty());
  CHECK(error_text.find("full") != std::string::npos);

  // Reopened (the limit is per connection): every commit that succeeded is
  // there, the failed one left nothing behind, the file is sound.
  auto store = open_store(dir);
  {
    auto check = store.database().prepare("PRAGMA integrity_check");
    REQUIRE(check);
    REQUIRE(must(check->step()));
    CHECK(check->text(0) == "ok");
  }
  EventFilter all;
  all.limit = 100000;
  CHECK(must(store.events(all)).size() == static_cast<std::size_t>(committed));
  CHECK(must(store.rooms()).size() == static_cast<std::size_t>(committed));
  // And the store still works once there is room again.
  commit_room_event(store, "evt_after", 1, 99999, {"crm"});
}
