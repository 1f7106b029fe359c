#include <doctest/doctest.h>
#include <sys/stat.h>

#include <string>

#include "sample_data.hpp"
#include "temp_dir.hpp"
#include "wxlived/store/database.hpp"

using namespace wxlived::store;
using namespace wxlived::store::testing;

namespace {

unsigned permission_bits(const std::filesystem::path& path) {
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  return info.st_mode & 07777U;
}

}  // namespace

TEST_CASE("a new database file is private: mode 0600 inside a state dir created 0700") {
  TempDir dir;
  auto db = must(Database::open(db_file(dir)));
  CHECK(permission_bits(db_file(dir)) == 0600U);
  CHECK(permission_bits(db_file(dir).parent_path()) == 0700U);
  must(db.exec("CREATE TABLE t(x)"));
  // SQLite gives the WAL the main file's permissions.
  CHECK(permission_bits(db_file(dir).string() + "-wal") == 0600U);
}

TEST_CASE("the connection runs in WAL mode with the requested synchronous level") {
  TempDir dir;
  for (auto [level, expected] : {std::pair{Synchronous::full, 2}, std::pair{Synchronous::normal, 1}}) {
    auto db = must(Database::open(db_file(dir), OpenOptions{level, 5000}));
    auto mode = must(db.query("PRAGMA journal_mode"));
    REQUIRE(must(mode.step()));
    CHECK(mode.text(0) == "wal");
    auto sync = must(db.query("PRAGMA synchronous"));
    REQUIRE(must(sync.step()));
    CHECK(sync.int64(0) == expected);
  }
}

TEST_CASE("errors carry the failing sql and sqlite's message") {
  TempDir dir;
  auto db = must(Database::open(db_file(dir)));

  auto bad = db.query("SELECT no_such_column FROM sqlite_schema");
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().sql == "SELECT no_such_column FROM sqlite_schema");
  CHECK(bad.error().message.find("no_such_column") != std::string::npos);
  CHECK(bad.error().code == SQLITE_ERROR);
  CHECK(bad.error().to_string().find("in: SELECT no_such_column") != std::string::npos);

  must(db.exec("CREATE TABLE t(x INTEGER PRIMARY KEY)"));
  must(db.run("INSERT INTO t(x) VALUES (?1)", 1));
  auto duplicate = db.run("INSERT INTO t(x) VALUES (?1)", 1);
  REQUIRE_FALSE(duplicate.has_value());
  CHECK(duplicate.error().sql == "INSERT INTO t(x) VALUES (?1)");
  CHECK(duplicate.error().code == SQLITE_CONSTRAINT_PRIMARYKEY);
}

TEST_CASE("binding a parameter the statement does not have is reported by step") {
  TempDir dir;
  auto db = must(Database::open(db_file(dir)));
  auto q = must(db.query("SELECT ?1", 1, 2));
  auto row = q.step();
  REQUIRE_FALSE(row.has_value());
  CHECK(row.error().code == SQLITE_RANGE);
  CHECK(row.error().sql == "SELECT ?1");
}

TEST_CASE("the same sql can be used again while an earlier use is still reading") {
  TempDir dir;
  auto db = must(Database::open(db_file(dir)));
  must(db.exec("CREATE TABLE t(x INTEGER); INSERT INTO t VALUES (1), (2);"));
  auto outer = must(db.query("SELECT x FROM t ORDER BY x"));
  REQUIRE(must(outer.step()));
  {
    auto inner = must(db.query("SELECT x FROM t ORDER BY x"));
    REQUIRE(must(inner.step()));
    CHECK(inner.int64(0) == 1);
  }
  CHECK(outer.int64(0) == 1);
  REQUIRE(must(outer.step()));
  CHECK(outer.int64(0) == 2);
}

TEST_CASE("a transaction dropped without commit rolls back") {
  TempDir dir;
  auto db = must(Database::open(db_file(dir)));
  must(db.exec("CREATE TABLE t(x INTEGER)"));
  {
    auto tx = must(db.begin_immediate());
    must(db.run("INSERT INTO t VALUES (?1)", 1));
  }
  {
    auto tx = must(db.begin_immediate());
    must(db.run("INSERT INTO t VALUES (?1)", 2));
    must(tx.commit());
  }
  auto rows = must(db.query("SELECT group_concat(x) FROM t"));
  REQUIRE(must(rows.step()));
  CHECK(rows.text(0) == "2");
}

TEST_CASE("a read-only connection to a missing file is an error not a new file") {
  TempDir dir;
  auto db = Database::open_readonly(db_file(dir));
  REQUIRE_FALSE(db.has_value());
  CHECK(db.error().code == SQLITE_CANTOPEN);
  CHECK_FALSE(std::filesystem::exists(db_file(dir)));
}
