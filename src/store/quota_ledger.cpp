// StateStore: the per-day quota ledger and the small kv table.
#include <utility>

#include "rows.hpp"
#include "wxlived/store/state_store.hpp"

namespace wxlived::store {

namespace {

QuotaDay read_quota_day(const Query& q) {
  QuotaDay day;
  day.app = q.text(0);
  day.day = q.text(1);
  day.list_calls = q.int64(2);
  day.replay_calls = q.int64(3);
  day.token_calls = q.int64(4);
  day.quota_errors = q.int64(5);
  day.exhausted_at_ms = q.optional_int64(6);
  return day;
}

}  // namespace

Result<void> StateStore::add_quota(std::string_view app, const QuotaIncrement& quota) {
  // Counters add up; the first exhaustion time of the day is the one kept.
  return db_.run(
      "INSERT INTO quota_ledger(app, day, list_calls, replay_calls, token_calls, quota_errors, exhausted_at_ms) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(app, day) DO UPDATE SET "
      "list_calls = quota_ledger.list_calls + excluded.list_calls, "
      "replay_calls = quota_ledger.replay_calls + excluded.replay_calls, "
      "token_calls = quota_ledger.token_calls + excluded.token_calls, "
      "quota_errors = quota_ledger.quota_errors + excluded.quota_errors, "
      "exhausted_at_ms = COALESCE(quota_ledger.exhausted_at_ms, excluded.exhausted_at_ms)",
      app, quota.day, quota.list_calls, quota.replay_calls, quota.token_calls, quota.quota_errors,
      quota.exhausted_at_ms);
}

Result<void> StateStore::add_quota_calls(std::string_view app, std::string_view day, QuotaKind kind,
                                         std::int64_t n) {
  QuotaIncrement quota;
  quota.day = std::string(day);
  switch (kind) {
    case QuotaKind::list: quota.list_calls = n; break;
    case QuotaKind::replay: quota.replay_calls = n; break;
    case QuotaKind::token: quota.token_calls = n; break;
    case QuotaKind::quota_error: quota.quota_errors = n; break;
  }
  return fenced(app, [&] { return add_quota(app, quota); });
}

Result<void> StateStore::mark_quota_exhausted(std::string_view app, std::string_view day, std::int64_t at_ms) {
  QuotaIncrement quota;
  quota.day = std::string(day);
  quota.exhausted_at_ms = at_ms;
  return fenced(app, [&] { return add_quota(app, quota); });
}

Result<QuotaDay> StateStore::quota_day(std::string_view app, std::string_view day) {
  auto found = detail::select_one<QuotaDay>(
      db_,
      "SELECT app, day, list_calls, replay_calls, token_calls, quota_errors, exhausted_at_ms FROM quota_ledger "
      "WHERE app = ?1 AND day = ?2",
      read_quota_day, app, day);
  if (!found) {
    return detail::failure(std::move(found));
  }
  if (!*found) {
    QuotaDay nothing_spent;
    nothing_spent.app = std::string(app);
    nothing_spent.day = std::string(day);
    return nothing_spent;
  }
  return std::move(**found);
}

Result<std::vector<QuotaDay>> StateStore::quota_days(std::string_view day) {
  return detail::select_all<QuotaDay>(
      db_,
      "SELECT app, day, list_calls, replay_calls, token_calls, quota_errors, exhausted_at_ms FROM quota_ledger "
      "WHERE day = ?1 ORDER BY app",
      read_quota_day, day);
}

Result<std::optional<std::string>> StateStore::kv_get(std::string_view key, std::int64_t now_ms) {
  return detail::select_one<std::string>(
      db_, "SELECT value FROM kv WHERE key = ?1 AND (expires_at_ms IS NULL OR expires_at_ms > ?2)",
      [](const Query& q) { return q.text(0); }, key, now_ms);
}

Result<void> StateStore::kv_put(std::string_view key, std::string_view value,
                                std::optional<std::int64_t> expires_at_ms) {
  return db_.run(
      "INSERT INTO kv(key, value, expires_at_ms) VALUES (?1, ?2, ?3) "
      "ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires_at_ms = excluded.expires_at_ms",
      key, value, expires_at_ms);
}

Result<void> StateStore::kv_erase(std::string_view key) { return db_.run("DELETE FROM kv WHERE key = ?1", key); }

}  // namespace wxlived::store
