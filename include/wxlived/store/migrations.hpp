#pragma once
// Numbered schema migrations, kept in code so the binary always carries the
// schema it expects. Applied versions are recorded in schema_version.
#include <span>
#include <string_view>

#include "wxlived/store/database.hpp"

namespace wxlived::store {

struct Migration {
  int version;           // 1, 2, ... without gaps
  std::string_view sql;  // one or more statements; runs inside the migration transaction
};

std::span<const Migration> migrations();
int latest_schema_version();

// Highest applied version; 0 for a database without a schema_version table.
Result<int> schema_version(Database& db);

// Applies every migration above the current version and up to `up_to`, all in
// one BEGIN IMMEDIATE transaction (so a concurrent opener waits, then sees
// nothing left to do). Idempotent. A database newer than this build is
// refused with an error and not modified.
Result<void> apply_migrations(Database& db, int up_to = latest_schema_version());

// For read-only openers, which cannot migrate: the schema must be exactly the
// version this build knows.
Result<void> require_current_schema(Database& db);

}  // namespace wxlived::store
