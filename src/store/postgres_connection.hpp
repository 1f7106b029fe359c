#pragma once
// Private to the store: one libpq connection behind Database and Query, so
// the StateStore's SQL runs unchanged on PostgreSQL. The store writes SQL with
// SQLite's numbered parameters (?1, ?2, ...); they become $1, $2, ... here.
// Every statement is prepared once per connection (PQprepare) and executed
// with text parameters; results are read whole, so nested reads are fine.
#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "wxlived/store/store_error.hpp"

namespace wxlived::store::detail {

struct PgResultFree {
  void operator()(PGresult* result) const noexcept { PQclear(result); }
};
using PgResult = std::unique_ptr<PGresult, PgResultFree>;

struct PgConnFinish {
  void operator()(PGconn* conn) const noexcept { PQfinish(conn); }
};

// "?3" -> "$3", outside quoted literals and identifiers.
std::string numbered_parameters_to_dollar(std::string_view sql);

// PostgreSQL text must be valid UTF-8 without NUL bytes; a receiver's answer
// or a WeChat field may be neither. Such bytes are stored as U+FFFD rather
// than failing the commit that carries them.
std::string valid_postgres_text(std::string_view text);

class PgConnection {
 public:
  static std::optional<std::unique_ptr<PgConnection>> connect(const std::string& dsn, bool read_only,
                                                              StoreError& error);

  // Prepares `sql` once (by its text) and returns the statement's name.
  std::optional<std::string> prepared_name(std::string_view sql, StoreError& error);
  // Runs a prepared statement; `changes` gets the rows a write touched.
  std::optional<PgResult> run_prepared(const std::string& name, std::string_view sql,
                                       const std::vector<std::optional<std::string>>& params, StoreError& error);
  // One or more statements without parameters (schema, SET).
  bool exec(std::string_view sql, StoreError& error);

  // A SET for this session, made again after a reconnect.
  bool add_session_setting(const std::string& sql, StoreError& error);

  bool in_transaction() const;
  bool in_failed_transaction() const;
  int changes() const { return changes_; }
  bool read_only() const { return read_only_; }

 private:
  explicit PgConnection(PGconn* conn, bool read_only) : conn_(conn), read_only_(read_only) {}
  // A dropped connection is reset before the next statement outside a
  // transaction (its prepared statements are gone with it).
  bool usable(std::string_view sql, StoreError& error);
  StoreError error_from(std::string_view sql, const PGresult* result) const;

  std::unique_ptr<PGconn, PgConnFinish> conn_;
  std::unordered_map<std::string, std::string> prepared_;  // SQL text -> statement name
  std::string setup_;  // the session's SETs, run again after a reconnect
  int changes_ = 0;
  bool read_only_ = false;
};

// One execution of a prepared statement: the parameters bound so far, then
// the whole result, read row by row by Query.
struct PgRun {
  PgConnection* connection = nullptr;
  std::string name;  // the prepared statement
  std::string sql;   // as the store wrote it, for errors
  std::vector<std::optional<std::string>> params;
  PgResult result;
  int row = -1;
  bool ran = false;
};

}  // namespace wxlived::store::detail
