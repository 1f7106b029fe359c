#include "wxlived/store/database.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

#include "postgres_connection.hpp"

namespace wxlived::store {

void ConnectionCloser::operator()(sqlite3* db) const noexcept {
  // close_v2 defers the close if a statement outlived us instead of leaking.
  sqlite3_close_v2(db);
}

void StatementFinalizer::operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }

namespace {

StoreError os_error(std::string what, int err) {
  return StoreError{std::move(what), std::strerror(err), SQLITE_CANTOPEN};
}

// The state directory and database file must never be readable by others
// (they hold tokens in kv), so both are created here with tight modes rather
// than by SQLite, which would use 0644.
Result<void> create_private_file(const std::filesystem::path& db_file) {
  if (auto dir = create_private_directory(db_file.parent_path()); !dir) return dir;
  const int fd = ::open(db_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Unexpected{os_error("open " + db_file.string(), errno)};
  }
  ::close(fd);
  return {};
}

Result<ConnectionHandle> open_connection(const std::filesystem::path& db_file, int flags, int busy_timeout_ms) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(db_file.c_str(), &raw, flags, nullptr);
  ConnectionHandle connection(raw);  // owned even on failure: sqlite allocates a handle for the message
  if (rc != SQLITE_OK) {
    return Unexpected{StoreError{"open " + db_file.string(), raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc),
                                 rc}};
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, busy_timeout_ms);
  return connection;
}

}  // namespace

Result<void> create_private_directory(const std::filesystem::path& dir) {
  std::error_code ec;
  if (dir.empty() || std::filesystem::exists(dir, ec)) return {};
  if (dir.has_parent_path()) std::filesystem::create_directories(dir.parent_path(), ec);
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return Unexpected{os_error("mkdir " + dir.string(), errno)};
  return {};
}

Database::Database(ConnectionHandle connection, bool read_only)
    : connection_(std::move(connection)), read_only_(read_only) {}

Database::Database(std::unique_ptr<detail::PgConnection> pg) : read_only_(pg->read_only()), pg_(std::move(pg)) {}

Database::Database(Database&&) noexcept = default;
Database& Database::operator=(Database&&) noexcept = default;
Database::~Database() = default;

Result<Database> Database::connect_postgresql(const std::string& dsn, bool read_only) {
  StoreError error;
  auto connection = detail::PgConnection::connect(dsn, read_only, error);
  if (!connection) return Unexpected{std::move(error)};
  return Database(std::move(*connection));
}

bool Database::in_transaction() const {
  if (pg_) return pg_->in_transaction();
  return sqlite3_get_autocommit(connection_.get()) == 0;
}

Result<Database> Database::open(const std::filesystem::path& db_file, const OpenOptions& options) {
  if (auto created = create_private_file(db_file); !created) {
    return Unexpected{std::move(created).error()};
  }
  // No SQLITE_OPEN_CREATE: the file exists now, with our mode.
  auto connection = open_connection(db_file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, options.busy_timeout_ms);
  if (!connection) {
    return Unexpected{std::move(connection).error()};
  }
  Database db(std::move(*connection), false);

  // journal_mode answers with the mode it ended up in; anything but wal (e.g.
  // a file system without shared memory) would break the reader-beside-writer
  // promise, so it is an error rather than a silent fallback.
  {
    auto mode = db.prepare("PRAGMA journal_mode=WAL");
    if (!mode) {
      return Unexpected{std::move(mode).error()};
    }
    auto row = mode->step();
    if (!row) {
      return Unexpected{std::move(row).error()};
    }
    if (!*row || mode->text(0) != "wal") {
      return Unexpected{StoreError{"PRAGMA journal_mode=WAL", "database refused WAL mode", SQLITE_ERROR}};
    }
  }
  const char* synchronous =
      options.synchronous == Synchronous::full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL";
  if (auto set = db.exec(synchronous); !set) {
    return Unexpected{std::move(set).error()};
  }
  db.synchronous_ = options.synchronous;
  if (auto set = db.exec("PRAGMA foreign_keys=ON"); !set) {
    return Unexpected{std::move(set).error()};
  }
  return db;
}

Result<Database> Database::open_readonly(const std::filesystem::path& db_file, int busy_timeout_ms) {
  auto connection = open_connection(db_file, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, busy_timeout_ms);
  if (!connection) {
    return Unexpected{std::move(connection).error()};
  }
  return Database(std::move(*connection), true);
}

StoreError Database::error_for(std::string_view sql, int rc) const {
  sqlite3* db = connection_.get();
  const int code = sqlite3_extended_errcode(db);
  return StoreError{std::string(sql), sqlite3_errmsg(db), code != SQLITE_OK ? code : rc};
}

Result<Query> Database::prepare(std::string_view sql) {
  if (pg_) {
    StoreError error;
    auto name = pg_->prepared_name(sql, error);
    if (!name) return Unexpected{std::move(error)};
    auto run = std::make_unique<detail::PgRun>();
    run->connection = pg_.get();
    run->name = std::move(*name);
    run->sql = std::string(sql);
    return Query(std::move(run));
  }
  auto cached = statements_.find(sql);
  if (cached == statements_.end()) {
    sqlite3_stmt* raw = nullptr;
    const int rc = sqlite3_prepare_v3(connection_.get(), sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    StatementHandle handle(raw);
    if (rc != SQLITE_OK) {
      return Unexpected{error_for(sql, rc)};
    }
    if (!handle) {
      return Unexpected{StoreError{std::string(sql), "no statement in SQL text", SQLITE_MISUSE}};
    }
    cached = statements_.emplace(std::string(sql), CachedStatement{std::move(handle), false}).first;
  }
  if (!cached->second.in_use) {
    return Query(cached->second.handle.get(), nullptr, &cached->second.in_use);
  }
  // The same SQL is already mid-use (a nested read): give this use its own copy.
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v2(connection_.get(), sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
  StatementHandle handle(raw);
  if (rc != SQLITE_OK) {
    return Unexpected{error_for(sql, rc)};
  }
  return Query(raw, std::move(handle), nullptr);
}

Result<void> Database::exec(std::string_view sql) {
  if (pg_) {
    StoreError error;
    if (!pg_->exec(sql, error)) return Unexpected{std::move(error)};
    return {};
  }
  const std::string text(sql);  // sqlite3_exec wants a terminated string
  char* message = nullptr;
  const int rc = sqlite3_exec(connection_.get(), text.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    StoreError error{text, message != nullptr ? message : sqlite3_errstr(rc), sqlite3_extended_errcode(connection_.get())};
    sqlite3_free(message);
    return Unexpected{std::move(error)};
  }
  return {};
}

Result<void> Database::set_session(const std::string& sql) {
  if (!pg_) return {};
  StoreError error;
  if (!pg_->add_session_setting(sql, error)) return Unexpected{std::move(error)};
  return {};
}

Result<Transaction> Database::begin_immediate() {
  auto begin = prepare(pg_ ? "BEGIN" : "BEGIN IMMEDIATE");
  if (!begin) {
    return Unexpected{std::move(begin).error()};
  }
  if (auto ran = begin->run(); !ran) {
    return Unexpected{std::move(ran).error()};
  }
  return Transaction(*this);
}

Result<Transaction> Database::begin_read() {
  auto begin = prepare("BEGIN");
  if (!begin) {
    return Unexpected{std::move(begin).error()};
  }
  if (auto ran = begin->run(); !ran) {
    return Unexpected{std::move(ran).error()};
  }
  return Transaction(*this);
}


int Database::changes() const { return pg_ ? pg_->changes() : sqlite3_changes(connection_.get()); }

Transaction::Transaction(Transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Transaction::~Transaction() {
  if (db_ != nullptr) {
    (void)rollback();
  }
}

Result<void> Transaction::commit() {
  auto commit = db_->prepare("COMMIT");
  if (!commit) {
    return Unexpected{std::move(commit).error()};
  }
  if (auto ran = commit->run(); !ran) {
    // Still open (e.g. a deferred constraint failed): the destructor rolls back.
    return Unexpected{std::move(ran).error()};
  }
  db_ = nullptr;
  return {};
}

Result<void> Transaction::rollback() {
  Database* db = std::exchange(db_, nullptr);
  // Some errors (SQLITE_FULL, SQLITE_IOERR...) already rolled back for us.
  if (db == nullptr || !db->in_transaction()) {
    return {};
  }
  auto rollback = db->prepare("ROLLBACK");
  if (!rollback) {
    return Unexpected{std::move(rollback).error()};
  }
  return rollback->run();
}

}  // namespace wxlived::store
