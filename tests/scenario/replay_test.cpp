#include "wxlived/scenario/replay.hpp"

#include <doctest/doctest.h>

#include "room_builder.hpp"

namespace ws = wxlived::scenario;
using ws::testing::room_with;

namespace {

ws::Scenario one_room(ws::Room room) {
  ws::Scenario s;
  s.origin_unix = 1'795'449'600;  // 2026-11-24T00:00:00+08:00 = 2026-11-23T16:00:00Z
  s.rooms.push_back(std::move(room));
  return s;
}

ws::Room ended_at_3000_with_replay() {
  ws::Room room = room_with(7, {{1050, 101}, {3000, 103}});
  room.replay = ws::ReplayPlan{600, 3};
  return room;
}

}  // namespace

TEST_CASE("replay segments appear delay_s after the room reaches 103") {
  const auto s = one_room(ended_at_3000_with_replay());
  const ws::Room& room = s.rooms[0];
  CHECK(ws::replay_ready_at(s, room) == 3600);
  CHECK(ws::replay_segments(s, room, 2999, 0, 10).total == 0);
  CHECK(ws::replay_segments(s, room, 3599, 0, 10).total == 0);
  CHECK(ws::replay_segments(s, room, 3600, 0, 10).total == 3);
  CHECK(ws::replay_segments(s, room, 90000, 0, 10).segments.size() == 3);
}

TEST_CASE("replay segments carry deterministic urls and WeChat's UTC times") {
  const auto s = one_room(ended_at_3000_with_replay());
  const auto page = ws::replay_segments(s, s.rooms[0], 3600, 0, 10);
  REQUIRE(page.segments.size() == 3);
  CHECK(page.segments[0].media_url == "http://fake.vod.example/7/0.mp4");
  CHECK(page.segments[2].media_url == "http://fake.vod.example/7/2.mp4");
  CHECK(page.segments[0].create_time == "2026-11-23T17:00:00Z");
  CHECK(page.segments[0].expire_time == "2027-11-23T17:00:00Z");
  CHECK(page.segments[0].create_unix == s.origin_unix + 3600);
}

TEST_CASE("replay segments page by start and limit") {
  const auto s = one_room(ended_at_3000_with_replay());
  const auto page = ws::replay_segments(s, s.rooms[0], 3600, 1, 1);
  CHECK(page.total == 3);
  REQUIRE(page.segments.size() == 1);
  CHECK(page.segments[0].media_url == "http://fake.vod.example/7/1.mp4");
  CHECK(ws::replay_segments(s, s.rooms[0], 3600, 3, 10).segments.empty());
}

TEST_CASE("a room ended by the abnormal rule gets its replay after the rule's deadline") {
  ws::Room room = room_with(7, {{1050, 101}, {2000, 106}});
  room.replay = ws::ReplayPlan{600, 1};
  const auto s = one_room(room);
  CHECK(ws::replay_ready_at(s, s.rooms[0]) == 2000 + 900 + 600);
}

TEST_CASE("rooms without a replay plan or that never ended have no replay") {
  const auto plain = one_room(room_with(7, {{1050, 101}, {3000, 103}}));
  CHECK(ws::replay_segments(plain, plain.rooms[0], 100000, 0, 10).total == 0);

  ws::Room expired = room_with(8, {}, 1000, 2000);
  expired.replay = ws::ReplayPlan{600, 2};
  const auto s = one_room(expired);
  CHECK_FALSE(ws::replay_ready_at(s, s.rooms[0]).has_value());
  CHECK(ws::replay_segments(s, s.rooms[0], 100000, 0, 10).total == 0);
}
