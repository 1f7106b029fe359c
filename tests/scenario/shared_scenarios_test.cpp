// Smoke test: the shared sample scenarios parse and hold together. shared/
// sits beside the checkout (CI copies it there too): a missing file fails
// the test by name instead of passing having checked nothing.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "wxlived/scenario/listing.hpp"
#include "wxlived/scenario/parse.hpp"
#include "wxlived/scenario/truth.hpp"

namespace ws = wxlived::scenario;

namespace {
const std::string shared_dir = WXLIVED_SOURCE_DIR "/../shared/scenarios";
}

TEST_CASE("the shared sample scenarios parse") {
  for (const char* name : {"small.json", "day.json", "faults.json", "big.json"}) {
    const std::string path = shared_dir + "/" + name;
    CAPTURE(path);
    REQUIRE_MESSAGE(std::filesystem::exists(path), path << " is missing: shared/ belongs beside the checkout");
    const auto loaded = ws::load_scenario_file(path);
    if (!loaded) FAIL(loaded.error().message);
    const ws::Scenario& s = *loaded;
    CHECK(s.origin_unix == 1'795'449'600);
    CHECK_FALSE(s.rooms.empty());
    // Every transition the model reports is consistent with status_at.
    for (const ws::Room& room : s.rooms) {
      for (const auto& change : ws::transitions(s, room)) {
        REQUIRE(ws::status_at(s, room, change.t) == change.to);
        REQUIRE(ws::status_at(s, room, change.t - 1) == change.from);
      }
    }
    CHECK(ws::list_page(s, 0, 0, 100).total > 0);
  }
}

TEST_CASE("the small sample scenario has the truth its author meant") {
  const std::string path = shared_dir + "/small.json";
  REQUIRE_MESSAGE(std::filesystem::exists(path), path << " is missing: shared/ belongs beside the checkout");
  const auto loaded = ws::load_scenario_file(path);
  REQUIRE(loaded.has_value());
  const ws::Scenario& s = *loaded;
  // Room 2 goes abnormal at 2000 and never recovers: ended at 2900.
  CHECK(ws::status_at(s, s.rooms[1], 2899) == ws::LiveStatus::abnormal);
  CHECK(ws::status_at(s, s.rooms[1], 2900) == ws::LiveStatus::ended);
  // Room 3 never starts: expired at its end_time 2400.
  CHECK(ws::status_at(s, s.rooms[2], 2400) == ws::LiveStatus::expired);
}
