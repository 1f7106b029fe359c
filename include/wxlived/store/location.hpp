#pragma once
// Where a store is: a SQLite file, or a PostgreSQL database (the fleet's).
// The readers beside the daemons (wxlivectl, the admin API) open it by this.
#include <filesystem>
#include <string>
#include <utility>

#include "wxlived/store/state_store.hpp"

namespace wxlived::store {

struct StoreLocation {
  StoreLocation() = default;
  StoreLocation(std::filesystem::path file) : sqlite_file(std::move(file)) {}  // NOLINT: a file is a location
  static StoreLocation postgresql_at(std::string dsn) {
    StoreLocation at;
    at.postgresql_dsn = std::move(dsn);
    return at;
  }

  std::filesystem::path sqlite_file;
  std::string postgresql_dsn;  // set: PostgreSQL. May hold a password: never printed.

  bool postgresql() const { return !postgresql_dsn.empty(); }
  // Read-write, migrating to the latest schema (the daemon, wxlivectl redeliver).
  Result<StateStore> open() const;
  // Read-only: the schema must be the current one.
  Result<StateStore> open_readonly() const;
  // For messages: the file, or "the PostgreSQL store" (never the DSN).
  std::string name() const;
};

}  // namespace wxlived::store
