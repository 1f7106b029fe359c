#pragma once
// A real state database for the admin tests, written through StateStore the
// way the daemon writes it: two apps' rooms (one removed), transitions,
// events with deliveries in several states, and today's quota row.
#include <doctest/doctest.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "support/store_must.hpp"
#include "support/temp_dir.hpp"
#include "wxlived/admin/time_text.hpp"
#include "wxlived/store/state_store.hpp"

namespace wxlived::admin::testing {

inline constexpr std::int64_t kT0 = 1764000000000;  // 2025-11-24T16:00:00Z = 2025-11-25 Beijing

using wxlived::testing::must;

inline store::NewEvent room_event(std::string id, std::string app, std::int64_t room, std::string type,
                                  std::int64_t at, std::vector<std::string> endpoints) {
  store::NewEvent e;
  e.id = std::move(id);
  e.type = std::move(type);
  e.app = std::move(app);
  e.room_id = room;
  e.body_json = R"({"type":")" + e.type + R"(","data":{"room_id":)" + std::to_string(room) + "}}";
  e.created_at_ms = at;
  e.endpoints = std::move(endpoints);
  return e;
}

inline store::RoomRecord room_row(std::string app, std::int64_t id, int status, std::optional<std::int64_t> removed = {}) {
  store::RoomRecord r;
  r.app = std::move(app);
  r.room_id = id;
  r.status = status;
  r.status_since_ms = kT0 - 1000;
  r.snapshot_json = R"({"roomid":)" + std::to_string(id) + R"(,"name":"Sale )" + std::to_string(id) + R"("})";
  r.first_seen_ms = kT0 - 60000;
  r.last_seen_ms = kT0;
  r.removed_at_ms = removed;
  return r;
}

struct StoreFixture {
  wxlived::testing::TempDir dir;
  std::filesystem::path db = dir / "state" / "wxlived.db";
  store::StateStore store = must(store::StateStore::open(db));
  std::vector<std::int64_t> seqs;

  // shop: rooms 7 (live), 8 (not started), 9 (ended), 10 (ended, removed);
  //       room 7 went 102 -> 101; events for 7 (two) and 8;
  // mall: room 7 (live) as well, one event.
  // Deliveries: shop's first event delivered to crm; everything else pending;
  // mall's event failed once at crm (waiting for a retry).
  StoreFixture() {
    store::Observation o;
    o.app = "shop";
    o.app_record = store::AppRecord{"shop", "wxfake000000000001", store::AppState::ok, kT0, kT0};
    o.room_upserts = {room_row("shop", 7, 101), room_row("shop", 8, 102), room_row("shop", 9, 103),
                      room_row("shop", 10, 103, kT0)};
    store::TransitionRecord first;
    first.app = "shop";
    first.room_id = 7;
    first.to_status = 102;
    first.at_ms = kT0 - 60000;
    first.reason = "observed";
    first.event_id = "evt_7_1";
    store::TransitionRecord live = first;
    live.from_status = 102;
    live.to_status = 101;
    live.at_ms = kT0 - 1000;
    live.event_id = "evt_7_2";
    o.transitions = {first, live};
    o.events = {room_event("evt_7_1", "shop", 7, "room.created", kT0 - 60000, {"crm"}),
                room_event("evt_7_2", "shop", 7, "room.status_changed", kT0 - 1000, {"crm"}),
                room_event("evt_8_1", "shop", 8, "room.created", kT0 - 30000, {"crm"})};
    o.quota = {store::QuotaIncrement{beijing_day(kT0), 40, 2, 1, 0, std::nullopt}};
    seqs = must(store.commit_observation(o)).event_seqs;

    store::Observation m;
    m.app = "mall";
    m.room_upserts = {room_row("mall", 7, 101)};
    m.events = {room_event("evt_m7_1", "mall", 7, "room.created", kT0 - 20000, {"crm"})};
    m.quota = {store::QuotaIncrement{beijing_day(kT0), 3, 0, 0, 0, std::nullopt}};
    const auto mall = must(store.commit_observation(m)).event_seqs;
    seqs.insert(seqs.end(), mall.begin(), mall.end());

    must(store.record_delivery_attempt(
        {seqs[0], "crm", store::DeliveryState::delivered, 204, std::nullopt, kT0, kT0, std::nullopt, std::nullopt}));
    must(store.record_delivery_attempt(
        {seqs[3], "crm", store::DeliveryState::failed, 503, std::string("HTTP 503"), kT0 + 5000, kT0, std::nullopt, std::nullopt}));
  }
};

// The value of one series in Prometheus text ("name{labels}" exactly as
// printed, labels in prometheus-cpp's order: sorted by name), or nullopt.
inline std::optional<double> sample(const std::string& text, const std::string& series) {
  std::size_t at = 0;
  while ((at = text.find(series + " ", at)) != std::string::npos) {
    if (at == 0 || text[at - 1] == '\n') return std::stod(text.substr(at + series.size() + 1));
    at += series.size();
  }
  return std::nullopt;
}

}  // namespace wxlived::admin::testing
