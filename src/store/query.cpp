#include <utility>

#include "wxlived/store/database.hpp"

namespace wxlived::store {

Query::Query(sqlite3_stmt* stmt, StatementHandle owned, bool* in_use)
    : stmt_(stmt), owned_(std::move(owned)), in_use_(in_use) {
  if (in_use_ != nullptr) {
    *in_use_ = true;
  }
}

Query::Query(Query&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)),
      owned_(std::move(other.owned_)),
      in_use_(std::exchange(other.in_use_, nullptr)),
      bind_error_(std::move(other.bind_error_)) {}

Query::~Query() {
  if (stmt_ != nullptr) {
    // Reset releases the statement's read snapshot; an error it repeats was
    // already returned by step().
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  if (in_use_ != nullptr) {
    *in_use_ = false;
  }
}

void Query::bind_null(int index) { note_bind_result(sqlite3_bind_null(stmt_, index), index); }

void Query::bind_int64(int index, std::int64_t value) {
  note_bind_result(sqlite3_bind_int64(stmt_, index, value), index);
}

void Query::bind_text(int index, std::string_view value) {
  note_bind_result(sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
                   index);
}

void Query::note_bind_result(int rc, int index) {
  if (rc != SQLITE_OK && !bind_error_) {
    bind_error_ = error_here(rc);
    bind_error_->message = "cannot bind parameter " + std::to_string(index) + ": " + bind_error_->message;
  }
}

StoreError Query::error_here(int rc) const {
  sqlite3* db = sqlite3_db_handle(stmt_);
  const int code = sqlite3_extended_errcode(db);
  return StoreError{std::string(sql()), sqlite3_errmsg(db), code != SQLITE_OK ? code : rc};
}

Result<bool> Query::step() {
  if (bind_error_) {
    return Unexpected{*bind_error_};
  }
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) {
    return true;
  }
  if (rc == SQLITE_DONE) {
    return false;
  }
  return Unexpected{error_here(rc)};
}

Result<void> Query::run() {
  for (;;) {
    auto row = step();
    if (!row) {
      return Unexpected{std::move(row).error()};
    }
    if (!*row) {
      return {};
    }
  }
}

std::int64_t Query::int64(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Query::text(int column) const {
  const auto* chars = sqlite3_column_text(stmt_, column);
  if (chars == nullptr) {
    return {};
  }
  const auto size = static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column));
  return std::string(reinterpret_cast<const char*>(chars), size);
}

std::optional<std::int64_t> Query::optional_int64(int column) const {
  if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) {
    return std::nullopt;
  }
  return int64(column);
}

std::optional<std::string> Query::optional_text(int column) const {
  if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) {
    return std::nullopt;
  }
  return text(column);
}

std::string_view Query::sql() const {
  const char* text = sqlite3_sql(stmt_);
  return text != nullptr ? std::string_view(text) : std::string_view();
}

}  // namespace wxlived::store
