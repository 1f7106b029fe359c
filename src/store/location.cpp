#include "wxlived/store/location.hpp"

namespace wxlived::store {

Result<StateStore> StoreLocation::open() const {
  return postgresql() ? StateStore::connect_postgresql(postgresql_dsn) : StateStore::open(sqlite_file);
}

Result<StateStore> StoreLocation::open_readonly() const {
  return postgresql() ? StateStore::connect_postgresql_readonly(postgresql_dsn) : StateStore::open_readonly(sqlite_file);
}

std::string StoreLocation::name() const { return postgresql() ? "the PostgreSQL store" : sqlite_file.string(); }

}  // namespace wxlived::store
