#include "wxlived/store/records.hpp"

#include "rows.hpp"

namespace wxlived::store {

std::string_view to_string(AppState state) {
  switch (state) {
    case AppState::ok: return "ok";
    case AppState::auth_failed: return "auth_failed";
    case AppState::quota_exhausted: return "quota_exhausted";
  }
  return "ok";
}

std::optional<AppState> app_state_from_string(std::string_view text) {
  for (AppState state : {AppState::ok, AppState::auth_failed, AppState::quota_exhausted}) {
    if (to_string(state) == text) {
      return state;
    }
  }
  return std::nullopt;
}

std::string_view to_string(DeliveryState state) {
  switch (state) {
    case DeliveryState::pending: return "pending";
    case DeliveryState::failed: return "failed";
    case DeliveryState::delivered: return "delivered";
    case DeliveryState::dead: return "dead";
  }
  return "pending";
}

std::optional<DeliveryState> delivery_state_from_string(std::string_view text) {
  for (DeliveryState state :
       {DeliveryState::pending, DeliveryState::failed, DeliveryState::delivered, DeliveryState::dead}) {
    if (to_string(state) == text) {
      return state;
    }
  }
  return std::nullopt;
}

namespace detail {

std::optional<int> optional_int(const std::optional<std::int64_t>& value) {
  if (!value) {
    return std::nullopt;
  }
  return static_cast<int>(*value);
}

RoomRecord read_room(const Query& q, int first) {
  RoomRecord room;
  room.app = q.text(first + 0);
  room.room_id = q.int64(first + 1);
  room.status = static_cast<int>(q.int64(first + 2));
  room.status_since_ms = q.int64(first + 3);
  room.snapshot_json = q.text(first + 4);
  room.first_seen_ms = q.int64(first + 5);
  room.last_seen_ms = q.int64(first + 6);
  room.removed_at_ms = q.optional_int64(first + 7);
  return room;
}

EventRecord read_event(const Query& q, int first) {
  EventRecord event;
  event.seq = q.int64(first + 0);
  event.id = q.text(first + 1);
  event.type = q.text(first + 2);
  event.app = q.text(first + 3);
  event.room_id = q.optional_int64(first + 4);
  event.body_json = q.text(first + 5);
  event.created_at_ms = q.int64(first + 6);
  return event;
}

DeliveryRecord read_delivery(const Query& q, int first) {
  DeliveryRecord delivery;
  delivery.event_seq = q.int64(first + 0);
  delivery.endpoint = q.text(first + 1);
  delivery.app = q.text(first + 2);
  delivery.room_id = q.optional_int64(first + 3);
  // The CHECK constraint admits only known states.
  delivery.state = delivery_state_from_string(q.text(first + 4)).value_or(DeliveryState::pending);
  delivery.attempts = static_cast<int>(q.int64(first + 5));
  delivery.queued_at_ms = q.int64(first + 6);
  delivery.next_attempt_at_ms = q.int64(first + 7);
  delivery.last_status = optional_int(q.optional_int64(first + 8));
  delivery.last_error = q.optional_text(first + 9);
  delivery.delivered_at_ms = q.optional_int64(first + 10);
  return delivery;
}

}  // namespace detail
}  // namespace wxlived::store
