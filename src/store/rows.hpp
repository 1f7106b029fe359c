#pragma once
// Private to the store: turning query rows into records.
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "wxlived/store/database.hpp"
#include "wxlived/store/records.hpp"

namespace wxlived::store::detail {

// Passes a failed result's error on.
template <class Failed>
Unexpected<StoreError> failure(Failed&& result) {
  return Unexpected{std::forward<Failed>(result).error()};
}

template <class Row, class Read, class... Args>
Result<std::vector<Row>> select_all(Database& db, std::string_view sql, Read read, const Args&... args) {
  auto q = db.query(sql, args...);
  if (!q) {
    return failure(std::move(q));
  }
  std::vector<Row> rows;
  for (;;) {
    auto has_row = q->step();
    if (!has_row) {
      return failure(std::move(has_row));
    }
    if (!*has_row) {
      return rows;
    }
    rows.push_back(read(*q));
  }
}

template <class Row, class Read, class... Args>
Result<std::optional<Row>> select_one(Database& db, std::string_view sql, Read read, const Args&... args) {
  auto q = db.query(sql, args...);
  if (!q) {
    return failure(std::move(q));
  }
  auto has_row = q->step();
  if (!has_row) {
    return failure(std::move(has_row));
  }
  if (!*has_row) {
    return std::optional<Row>();
  }
  return std::optional<Row>(read(*q));
}

// Column lists and their readers; `first` is the index of the first column.
inline constexpr std::string_view kRoomColumns =
    "app, room_id, status, status_since_ms, snapshot_json, first_seen_ms, last_seen_ms, removed_at_ms";
RoomRecord read_room(const Query& q, int first = 0);

inline constexpr std::string_view kEventColumns = "seq, id, type, app, room_id, body_json, created_at_ms";
EventRecord read_event(const Query& q, int first = 0);

inline constexpr std::string_view kDeliveryColumns =
    "event_seq, endpoint, app, room_id, state, attempts, queued_at_ms, next_attempt_at_ms, last_status, last_error, "
    "delivered_at_ms";
DeliveryRecord read_delivery(const Query& q, int first = 0);

std::optional<int> optional_int(const std::optional<std::int64_t>& value);

}  // namespace wxlived::store::detail
