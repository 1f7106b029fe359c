#pragma once
// The one error type of the store: what SQLite said, and the statement that
// made it say so, so a log line alone is enough to find the failing query.
#include <string>
#include <utility>

namespace wxlived::store {

struct StoreError {
  StoreError() = default;
  StoreError(std::string failing_sql, std::string text, int result_code)
      : sql(std::move(failing_sql)), message(std::move(text)), code(result_code) {}

  std::string sql;      // the failing statement, or a short description of the step (e.g. "open")
  std::string message;  // sqlite3_errmsg() or our own explanation
  int code = 0;         // SQLite extended result code (SQLITE_CONSTRAINT_UNIQUE, ...), or SQLITE_ERROR;
                        // on PostgreSQL the nearest SQLite code, with the SQLSTATE below
  std::string sqlstate;  // PostgreSQL's SQLSTATE ("23505"); empty on SQLite
  // A fleet member's write for an app whose lease it no longer holds: refused
  // inside the transaction (fencing), nothing of it committed.
  bool lease_lost = false;

  // "<message> (sqlite code N) in: <sql>", or "(postgresql SQLSTATE X)"
  std::string to_string() const;
};

}  // namespace wxlived::store
