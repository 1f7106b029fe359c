// The shared JSON views of rooms, room histories and events, read back from
// a real database.
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include "admin_fixture.hpp"
#include "wxlived/admin/views.hpp"

using namespace wxlived::admin;
using namespace wxlived::admin::testing;

namespace {

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  REQUIRE_MESSAGE(!doc.HasParseError(), text);
  return doc;
}

}  // namespace

TEST_CASE("rooms render with status names, both time forms, the name and the snapshot") {
  StoreFixture f;
  const auto rooms = must(f.store.rooms("shop"));
  const auto doc = parse(rooms_json(rooms));
  REQUIRE(doc.IsArray());
  REQUIRE(doc.Size() == 4);
  const auto& seven = doc[0];
  CHECK(std::string(seven["app"].GetString()) == "shop");
  CHECK(seven["room_id"].GetInt64() == 7);
  CHECK(seven["status"].GetInt() == 101);
  CHECK(std::string(seven["status_name"].GetString()) == "live");
  CHECK(seven["status_since_ms"].GetInt64() == kT0 - 1000);
  CHECK(std::string(seven["status_since"].GetString()) == format_utc(kT0 - 1000));
  CHECK(std::string(seven["name"].GetString()) == "Sale 7");
  CHECK(seven["removed_at_ms"].IsNull());
  CHECK(seven["removed_at"].IsNull());
  CHECK(seven["snapshot"]["roomid"].GetInt64() == 7);
  CHECK(doc[3]["removed_at_ms"].GetInt64() == kT0);
}

TEST_CASE("a room id names the room in every app that has it, each with its transitions") {
  StoreFixture f;
  const auto both = must(room_histories(f.store, 7, std::nullopt));
  REQUIRE(both.size() == 2);
  const auto only_shop = must(room_histories(f.store, 7, std::string("shop")));
  REQUIRE(only_shop.size() == 1);
  CHECK(must(room_histories(f.store, 99, std::nullopt)).empty());

  const auto doc = parse(room_histories_json(only_shop));
  REQUIRE(doc.Size() == 1);
  CHECK(doc[0]["room"]["room_id"].GetInt64() == 7);
  const auto& transitions = doc[0]["transitions"];
  REQUIRE(transitions.Size() == 2);
  CHECK(transitions[0]["from"].IsNull());
  CHECK(transitions[0]["to"].GetInt() == 102);
  CHECK(transitions[1]["from"].GetInt() == 102);
  CHECK(transitions[1]["to"].GetInt() == 101);
  CHECK(std::string(transitions[1]["reason"].GetString()) == "observed");
  CHECK(transitions[1]["inferred"].GetBool() == false);
  CHECK(std::string(transitions[1]["event_id"].GetString()) == "evt_7_2");
  CHECK(std::string(transitions[1]["at"].GetString()) == format_utc(kT0 - 1000));
}

TEST_CASE("events render with their body embedded as JSON") {
  StoreFixture f;
  const auto events = must(f.store.events({}));
  const auto doc = parse(events_json(events));
  REQUIRE(doc.Size() == 4);
  CHECK(doc[0]["seq"].GetInt64() == f.seqs[0]);
  CHECK(std::string(doc[0]["id"].GetString()) == "evt_7_1");
  CHECK(std::string(doc[0]["type"].GetString()) == "room.created");
  CHECK(doc[0]["room_id"].GetInt64() == 7);
  CHECK(std::string(doc[0]["created_at"].GetString()) == format_utc(kT0 - 60000));
  CHECK(doc[0]["body"]["data"]["room_id"].GetInt64() == 7);
}

TEST_CASE("empty lists render as an empty array") {
  CHECK(rooms_json({}) == "[]");
  CHECK(events_json({}) == "[]");
  CHECK(room_histories_json({}) == "[]");
}

TEST_CASE("status names follow SPEC section 5") {
  CHECK(status_name(101) == "live");
  CHECK(status_name(102) == "not_started");
  CHECK(status_name(103) == "ended");
  CHECK(status_name(104) == "banned");
  CHECK(status_name(105) == "paused");
  CHECK(status_name(106) == "abnormal");
  CHECK(status_name(107) == "expired");
  CHECK(status_name(42) == "unknown");
}
