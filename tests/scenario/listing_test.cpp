#include "wxlived/scenario/listing.hpp"

#include <doctest/doctest.h>

#include "room_builder.hpp"

namespace ws = wxlived::scenario;
using ws::LiveStatus;
using ws::testing::room_with;

namespace {

std::vector<std::int64_t> ids(const ws::ListPage& page) {
  std::vector<std::int64_t> out;
  for (const auto& r : page.rooms) out.push_back(r.roomid);
  return out;
}

ws::Scenario three_rooms() {
  ws::Scenario s;
  s.origin_unix = 1'795'449'600;  // 2026-11-24T00:00:00+08:00
  s.rooms.push_back(room_with(1, {{650, 101}}, 600, 3600));
  s.rooms.push_back(room_with(2, {}, 900, 4500));
  s.rooms.push_back(room_with(3, {}, 1200, 2400));
  return s;
}

}  // namespace

TEST_CASE("a room is listed from created_at until deleted_at") {
  ws::Room room = room_with(1, {});
  room.created_at = 100;
  room.deleted_at = 500;
  CHECK_FALSE(ws::listed(room, 99));
  CHECK(ws::listed(room, 100));
  CHECK(ws::listed(room, 499));
  CHECK_FALSE(ws::listed(room, 500));
}

TEST_CASE("a room without deleted_at stays listed forever") {
  const ws::Room room = room_with(1, {});
  CHECK(ws::listed(room, 1'000'000'000));
}

TEST_CASE("the list is ordered by start_time descending") {
  const ws::ListPage page = ws::list_page(three_rooms(), 0, 0, 10);
  CHECK(page.total == 3);
  CHECK(ids(page) == std::vector<std::int64_t>{3, 2, 1});
}

TEST_CASE("equal start_times list the higher roomid first") {
  ws::Scenario s;
  s.rooms.push_back(room_with(5, {}, 1000));
  s.rooms.push_back(room_with(9, {}, 1000));
  s.rooms.push_back(room_with(7, {}, 1000));
  s.rooms.push_back(room_with(1, {}, 2000));
  CHECK(ids(ws::list_page(s, 0, 0, 10)) == std::vector<std::int64_t>{1, 9, 7, 5});
}

TEST_CASE("a room created after t is not listed") {
  ws::Scenario s = three_rooms();
  s.rooms[0].created_at = 50;
  CHECK(ws::list_page(s, 49, 0, 10).total == 2);
  CHECK(ws::list_page(s, 50, 0, 10).total == 3);
}

TEST_CASE("a deleted room disappears from the list and the total") {
  ws::Scenario s = three_rooms();
  s.rooms[1].deleted_at = 2000;
  CHECK(ids(ws::list_page(s, 1999, 0, 10)) == std::vector<std::int64_t>{3, 2, 1});
  const auto after = ws::list_page(s, 2000, 0, 10);
  CHECK(after.total == 2);
  CHECK(ids(after) == std::vector<std::int64_t>{3, 1});
}

TEST_CASE("pages slice the ordered list and report the full total") {
  const auto s = three_rooms();
  CHECK(ids(ws::list_page(s, 0, 0, 2)) == std::vector<std::int64_t>{3, 2});
  const auto second = ws::list_page(s, 0, 2, 2);
  CHECK(second.total == 3);
  CHECK(ids(second) == std::vector<std::int64_t>{1});
}

TEST_CASE("a start at or beyond total gives an empty page with the total") {
  const auto s = three_rooms();
  for (const std::int64_t start : {3, 4, 1000}) {
    const auto page = ws::list_page(s, 0, start, 10);
    CHECK(page.total == 3);
    CHECK(page.rooms.empty());
  }
}

TEST_CASE("a zero limit gives no rooms and a negative start counts from the first") {
  const auto s = three_rooms();
  CHECK(ws::list_page(s, 0, 0, 0).rooms.empty());
  CHECK(ids(ws::list_page(s, 0, -5, 1)) == std::vector<std::int64_t>{3});
}

TEST_CASE("list entries carry absolute times and the status at t") {
  const auto s = three_rooms();
  const auto page = ws::list_page(s, 700, 2, 1);
  REQUIRE(page.rooms.size() == 1);
  const ws::RoomListing& r = page.rooms[0];
  CHECK(r.roomid == 1);
  CHECK(r.start_time == s.origin_unix + 600);
  CHECK(r.end_time == s.origin_unix + 3600);
  CHECK(r.live_status == LiveStatus::live);
  CHECK(r.cover_img == ws::default_cover_img(1));
  CHECK(r.goods_json == "[]");
  // Room 3 has no timeline: expired once its end_time passed.
  CHECK(ws::list_page(s, 2400, 0, 1).rooms[0].live_status == LiveStatus::expired);
}

TEST_CASE("find_room finds rooms by id whether listed or not") {
  const auto s = three_rooms();
  REQUIRE(ws::find_room(s, 2) != nullptr);
  CHECK(ws::find_room(s, 2)->roomid == 2);
  CHECK(ws::find_room(s, 42) == nullptr);
}
