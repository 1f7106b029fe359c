#pragma once
// Small builders and a driver for engine tests: a scripted WeChat that the
// engine's calls are answered from, all in explicit virtual time.
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "wxlived/engine/app_engine.hpp"
#include "wxlived/engine/status.hpp"

namespace engine_test {

using namespace wxlived::engine;
using wxlived::liveapi::ApiError;
using wxlived::liveapi::Outcome;
using wxlived::liveapi::ReplayPage;
using wxlived::liveapi::ReplaySegment;
using wxlived::liveapi::RoomInfo;
using wxlived::liveapi::RoomListPage;

// 2026-11-24T00:00:00+08:00
constexpr Millis kMidnight = 1'795'449'600'000LL;
constexpr Millis kT0 = kMidnight + 8 * kHour;  // 08:00 Beijing

inline std::int64_t unix_s(Millis t) { return t / kSecond; }

inline RoomInfo room(std::int64_t id, int status, Millis start, Millis end, std::string name = "") {
  RoomInfo r;
  r.roomid = id;
  r.name = name.empty() ? "Room " + std::to_string(id) : name;
  r.live_status = status;
  r.start_time = unix_s(start);
  r.end_time = unix_s(end);
  r.anchor_name = "Li";
  r.cover_img = "http://img/" + std::to_string(id);
  return r;
}

// A room as the engine tracks it: planned for [start, end), `status` since
// `since` (after `changed_after`, the last sighting of the status before),
// last seen at `seen`.
inline TrackedRoom tracked(int status, Millis start, Millis end, Millis since, Millis seen,
                           std::optional<Millis> changed_after = std::nullopt) {
  TrackedRoom r;
  r.memory.info = room(1, status, start, end);
  r.status = status;
  r.status_since = since;
  r.first_seen = since;
  r.last_seen = seen;
  r.memory.changed_after = changed_after;
  return r;
}

inline EngineSettings settings(std::int64_t quota = 500) {
  EngineSettings s;
  s.app = "shop";
  s.appid = "wx0123456789abcdef";
  s.daily_quota = quota;
  return s;
}

// The list sorted as WeChat sorts it, paged.
inline RoomListPage page_of(std::vector<RoomInfo> rooms, std::int64_t start, std::int64_t limit) {
  std::sort(rooms.begin(), rooms.end(), [](const RoomInfo& a, const RoomInfo& b) {
    return a.start_time != b.start_time ? a.start_time > b.start_time : a.roomid > b.roomid;
  });
  RoomListPage page;
  page.total = static_cast<std::int64_t>(rooms.size());
  for (std::int64_t i = start; i < std::min<std::int64_t>(page.total, start + limit); ++i) {
    page.rooms.push_back(rooms[static_cast<std::size_t>(i)]);
  }
  return page;
}

inline std::vector<const EventOut*> events_of(const Effects& e, const std::string& type) {
  std::vector<const EventOut*> out;
  for (const EventOut& ev : e.events) {
    if (ev.type == type) out.push_back(&ev);
  }
  return out;
}

inline bool body_has(const EventOut& e, const std::string& fragment) {
  return e.body_json.find(fragment) != std::string::npos;
}

// Drives an engine against a scripted world until `until`, collecting
// everything it emits and every call it makes.
struct Driver {
  AppEngine engine;
  std::function<std::vector<RoomInfo>(Millis)> rooms_at = [](Millis) { return std::vector<RoomInfo>{}; };
  std::function<ReplayPage(std::int64_t, Millis)> replay_at = [](std::int64_t, Millis) { return ReplayPage{}; };
  // Return an error to fail a call.
  std::function<std::optional<ApiError>(const Call&, Millis)> fault = [](const Call&, Millis) {
    return std::optional<ApiError>{};
  };
  std::function<wxlived::liveapi::QuotaInfo(Millis)> quota_at = [](Millis) {
    return wxlived::liveapi::QuotaInfo{500, 0, 500};
  };
  Effects all;
  std::vector<std::pair<Millis, Call>> calls;
  Millis now = kT0;

  explicit Driver(EngineSettings s) : engine(std::move(s)) {}

  void step() {
    Plan plan = engine.plan(now);
    all.append(std::move(plan.effects));
    if (!plan.call) {
      REQUIRE(plan.wake_at > now);
      now = plan.wake_at;
      return;
    }
    const Call call = *plan.call;
    calls.emplace_back(now, call);
    if (auto error = fault(call, now)) {
      all.append(engine.on_failure(now, call, *error));
      return;
    }
    switch (call.kind) {
      case Call::Kind::list: all.append(engine.on_list_page(now, call, page_of(rooms_at(now), call.start, call.limit))); break;
      case Call::Kind::replay: all.append(engine.on_replay(now, call, replay_at(call.room_id, now))); break;
      case Call::Kind::quota: all.append(engine.on_quota(now, call, quota_at(now))); break;
    }
  }

  void run_until(Millis until) {
    while (now < until) step();
  }

  std::vector<Millis> sweep_starts() const {
    std::vector<Millis> out;
    for (const auto& [t, c] : calls) {
      if (c.kind == Call::Kind::list && c.start == 0) out.push_back(t);
    }
    return out;
  }
  std::int64_t calls_on_day(Millis day_start) const {
    return std::count_if(calls.begin(), calls.end(), [&](const auto& tc) {
      return tc.second.kind != Call::Kind::quota && tc.first >= day_start && tc.first < day_start + kDay;
    });
  }
};

}  // namespace engine_test
