#pragma once
// An owned database connection: SQLite (the embedded default) or PostgreSQL
// (a fleet's shared store, src/store/postgres_connection.hpp). RAII handles,
// a cache of prepared statements, and write transactions. The store's SQL is
// written once, in the subset both accept, with numbered parameters ?1, ?2.
// Nothing here knows the product's schema.
//
// Error policy: nothing in the store throws. Every fallible call returns
// Expected<..., StoreError>, including opening (a caller at start-up turns an
// open error into a fatal message itself).
#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>

#include "wxlived/core/expected.hpp"
#include "wxlived/store/store_error.hpp"

namespace wxlived::store {

template <class T>
using Result = Expected<T, StoreError>;

struct ConnectionCloser {
  void operator()(sqlite3* db) const noexcept;
};
struct StatementFinalizer {
  void operator()(sqlite3_stmt* stmt) const noexcept;
};
using ConnectionHandle = std::unique_ptr<sqlite3, ConnectionCloser>;
using StatementHandle = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

// WAL's two sensible settings. FULL fsyncs the WAL on every commit, so a commit
// that returned survives power loss; NORMAL may lose the last commits on power
// loss (never on a process crash). See docs/architecture-store.md for figures.
enum class Synchronous { normal, full };

struct OpenOptions {
  Synchronous synchronous = Synchronous::full;
  int busy_timeout_ms = 5000;
};

class Database;
namespace detail {
class PgConnection;
struct PgRun;
}  // namespace detail

// One execution of a prepared statement. Binds, steps, reads columns; on
// destruction resets the statement so the cached one can be reused.
class Query {
 public:
  Query(Query&& other) noexcept;
  Query& operator=(Query&&) = delete;
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;
  ~Query();

  // index is 1-based, as in sqlite3_bind_*. Accepts integers, bool, strings,
  // std::nullopt and std::optional of those. A bind error is reported by step().
  template <class T>
  Query& bind(int index, const T& value) {
    if constexpr (std::is_same_v<T, std::nullopt_t>) {
      bind_null(index);
    } else if constexpr (is_optional<T>::value) {
      if (value.has_value()) {
        bind(index, *value);
      } else {
        bind_null(index);
      }
    } else if constexpr (std::is_integral_v<T>) {
      bind_int64(index, static_cast<std::int64_t>(value));
    } else {
      bind_text(index, std::string_view(value));
    }
    return *this;
  }

  // true: a row is available; false: the statement is done.
  Result<bool> step();
  // Steps to completion; for statements whose rows (if any) are not wanted.
  Result<void> run();

  std::int64_t int64(int column) const;
  std::string text(int column) const;
  std::optional<std::int64_t> optional_int64(int column) const;
  std::optional<std::string> optional_text(int column) const;
  bool is_null(int column) const;

  std::string_view sql() const;

 private:
  friend class Database;
  template <class T>
  struct is_optional : std::false_type {};
  template <class T>
  struct is_optional<std::optional<T>> : std::true_type {};

  Query(sqlite3_stmt* stmt, StatementHandle owned, bool* in_use);
  explicit Query(std::unique_ptr<detail::PgRun> pg);
  void bind_null(int index);
  void bind_int64(int index, std::int64_t value);
  void bind_text(int index, std::string_view value);
  void note_bind_result(int rc, int index);
  StoreError error_here(int rc) const;

  sqlite3_stmt* stmt_;
  StatementHandle owned_;  // set only when the cached statement was already in use
  bool* in_use_;           // the cache's flag for a borrowed statement, else null
  std::optional<StoreError> bind_error_;
  std::unique_ptr<detail::PgRun> pg_;  // set on PostgreSQL, where stmt_ is null
};

class Transaction;

// Creates `dir` (and its missing parents) with mode 0700 unless it exists:
// the state folder holds tokens and is never readable by others. Used by
// Database::open and by the daemon's state lock, which comes first.
Result<void> create_private_directory(const std::filesystem::path& dir);

class Database {
 public:
  // Opens (creating if needed) the read-write database at db_file. A missing
  // parent directory is created with mode 0700 and a missing file with mode
  // 0600, before SQLite sees it, so the state is never world-readable. Sets
  // WAL, synchronous, busy_timeout and foreign_keys. Schema migration is the
  // caller's next step (see migrations.hpp; StateStore::open does both).
  static Result<Database> open(const std::filesystem::path& db_file, const OpenOptions& options = {});
  // A second reader (wxlivectl) next to the running daemon: never writes.
  static Result<Database> open_readonly(const std::filesystem::path& db_file, int busy_timeout_ms = 5000);
  // A PostgreSQL connection (libpq keyword/value or URI `dsn`). read_only
  // makes every transaction read-only (wxlivectl beside the daemons).
  static Result<Database> connect_postgresql(const std::string& dsn, bool read_only = false);

  Database(Database&&) noexcept;
  Database& operator=(Database&&) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  bool postgresql() const { return pg_ != nullptr; }

  // A statement prepared once per SQL text and reused.
  Result<Query> prepare(std::string_view sql);

  // prepare + bind args to ?1, ?2, ...
  template <class... Args>
  Result<Query> query(std::string_view sql, const Args&... args) {
    auto q = prepare(sql);
    if (q) {
      int index = 0;
      (q->bind(++index, args), ...);
    }
    return q;
  }

  // prepare + bind + step to completion: for writes.
  template <class... Args>
  Result<void> run(std::string_view sql, const Args&... args) {
    auto q = query(sql, args...);
    if (!q) {
      return Unexpected{std::move(q).error()};
    }
    return q->run();
  }

  // Runs one or more statements with no parameters (schema, pragmas).
  Result<void> exec(std::string_view sql);
  // PostgreSQL: a session SET kept across reconnects (no-op on SQLite).
  Result<void> set_session(const std::string& sql);

  // BEGIN IMMEDIATE: takes the write lock now, so a write transaction never
  // fails halfway with SQLITE_BUSY on lock upgrade. On PostgreSQL a plain
  // BEGIN (READ COMMITTED): writers of different apps never wait for each
  // other, and the fleet's fencing check locks the one lease row it reads.
  Result<Transaction> begin_immediate();
  // BEGIN (deferred): a consistent snapshot for several reads.
  Result<Transaction> begin_read();

  int changes() const;
  bool read_only() const { return read_only_; }
  // The durability this connection was opened with (OpenOptions).
  Synchronous synchronous() const { return synchronous_; }
  sqlite3* handle() const { return connection_.get(); }  // null on PostgreSQL
  // Whether a transaction is open on this connection (it may have failed).
  bool in_transaction() const;

  // An error for the last failure on this connection, with the given SQL.
  StoreError error_for(std::string_view sql, int rc) const;

 private:
  explicit Database(ConnectionHandle connection, bool read_only);
  explicit Database(std::unique_ptr<detail::PgConnection> pg);

  struct TransparentHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const noexcept { return std::hash<std::string_view>{}(text); }
  };

  struct CachedStatement {
    StatementHandle handle;
    bool in_use = false;  // a live Query has it; a nested use gets its own copy
  };

  // Declared first so it is destroyed last: statements finalize before close.
  ConnectionHandle connection_;
  // Node-based, so &CachedStatement::in_use stays valid across inserts and moves.
  std::unordered_map<std::string, CachedStatement, TransparentHash, std::equal_to<>> statements_;
  bool read_only_ = false;
  Synchronous synchronous_ = Synchronous::full;
  std::unique_ptr<detail::PgConnection> pg_;  // set: PostgreSQL, connection_ is null
};

// Rolls back on destruction unless commit() succeeded. Points at its
// Database: neither may move or end while the transaction is open.
class Transaction {
 public:
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  Result<void> commit();
  Result<void> rollback();

 private:
  friend class Database;
  explicit Transaction(Database& db) : db_(&db) {}
  Database* db_;  // null once finished or moved from
};

}  // namespace wxlived::store
