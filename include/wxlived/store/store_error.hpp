#pragma once
// The one error type of the store: what SQLite said, and the statement that
// made it say so, so a log line alone is enough to find the failing query.
#include <string>

namespace wxlived::store {

struct StoreError {
  std::string sql;      // the failing statement, or a short description of the step (e.g. "open")
  std::string message;  // sqlite3_errmsg() or our own explanation
  int code = 0;         // SQLite extended result code (SQLITE_CONSTRAINT_UNIQUE, ...), or SQLITE_ERROR

  // "<message> (sqlite code N) in: <sql>"
  std::string to_string() const;
};

}  // namespace wxlived::store
