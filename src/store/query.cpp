#include <charconv>
#include <utility>

#include "postgres_connection.hpp"
#include "wxlived/store/database.hpp"

namespace wxlived::store {

Query::Query(sqlite3_stmt* stmt, StatementHandle owned, bool* in_use)
    : stmt_(stmt), owned_(std::move(owned)), in_use_(in_use) {
  if (in_use_ != nullptr) {
    *in_use_ = true;
  }
}

Query::Query(std::unique_ptr<detail::PgRun> pg) : stmt_(nullptr), in_use_(nullptr), pg_(std::move(pg)) {}

Query::Query(Query&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)),
      owned_(std::move(other.owned_)),
      in_use_(std::exchange(other.in_use_, nullptr)),
      bind_error_(std::move(other.bind_error_)),
      pg_(std::move(other.pg_)) {}

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

namespace {

void bind_postgres(detail::PgRun& run, int index, std::optional<std::string> value) {
  const auto at = static_cast<std::size_t>(index - 1);
  if (run.params.size() <= at) run.params.resize(at + 1);
  run.params[at] = std::move(value);
}

}  // namespace

void Query::bind_null(int index) {
  if (pg_) return bind_postgres(*pg_, index, std::nullopt);
  note_bind_result(sqlite3_bind_null(stmt_, index), index);
}

void Query::bind_int64(int index, std::int64_t value) {
  if (pg_) return bind_postgres(*pg_, index, std::to_string(value));
  note_bind_result(sqlite3_bind_int64(stmt_, index, value), index);
}

void Query::bind_text(int index, std::string_view value) {
  if (pg_) return bind_postgres(*pg_, index, detail::valid_postgres_text(value));
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
  if (pg_) {
    if (!pg_->ran) {
      StoreError error;
      auto result = pg_->connection->run_prepared(pg_->name, pg_->sql, pg_->params, error);
      if (!result) return Unexpected{std::move(error)};
      pg_->result = std::move(*result);
      pg_->ran = true;
    }
    return ++pg_->row < PQntuples(pg_->result.get());
  }
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

std::int64_t Query::int64(int column) const {
  if (pg_) {
    // Integers come as decimal text; NULL and non-integers read as 0, as in SQLite.
    std::int64_t value = 0;
    const char* text = PQgetvalue(pg_->result.get(), pg_->row, column);
    std::from_chars(text, text + PQgetlength(pg_->result.get(), pg_->row, column), value);
    return value;
  }
  return sqlite3_column_int64(stmt_, column);
}

std::string Query::text(int column) const {
  if (pg_) {
    return std::string(PQgetvalue(pg_->result.get(), pg_->row, column),
                       static_cast<std::size_t>(PQgetlength(pg_->result.get(), pg_->row, column)));
  }
  const auto* chars = sqlite3_column_text(stmt_, column);
  if (chars == nullptr) {
    return {};
  }
  const auto size = static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column));
  return std::string(reinterpret_cast<const char*>(chars), size);
}

bool Query::is_null(int column) const {
  if (pg_) return PQgetisnull(pg_->result.get(), pg_->row, column) != 0;
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::optional<std::int64_t> Query::optional_int64(int column) const {
  if (is_null(column)) {
    return std::nullopt;
  }
  return int64(column);
}

std::optional<std::string> Query::optional_text(int column) const {
  if (is_null(column)) {
    return std::nullopt;
  }
  return text(column);
}

std::string_view Query::sql() const {
  if (pg_) return pg_->sql;
  const char* text = sqlite3_sql(stmt_);
  return text != nullptr ? std::string_view(text) : std::string_view();
}

}  // namespace wxlived::store
