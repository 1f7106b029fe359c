#pragma once
// The ctest fixture "postgres" (tests/support/postgres-cluster) starts one
// throw-away cluster per test run and names its folder in the file that
// WXLIVED_TEST_POSTGRES points at. Each test gets its own schema in it, named
// after the test's temporary folder, so reopening the "same" store works as
// with a SQLite file and parallel tests never see each other's rows.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "wxlived/store/database.hpp"

namespace wxlived::testing {

// The cluster's base DSN (superuser, Unix socket); fails the test if the
// fixture did not run.
inline std::string postgres_base_dsn() {
  const char* state_file = std::getenv("WXLIVED_TEST_POSTGRES");
  REQUIRE_MESSAGE(state_file != nullptr, "WXLIVED_TEST_POSTGRES is not set: run through ctest (fixture postgres)");
  std::ifstream in(state_file);
  std::string dir;
  std::getline(in, dir);
  REQUIRE_MESSAGE(!dir.empty(), "the postgres fixture wrote no cluster folder into " << state_file);
  return "host=" + dir + " port=5432 user=postgres dbname=postgres";
}

// A schema for `key` (created if missing) and the DSN that uses it.
inline std::string postgres_dsn_for(const std::filesystem::path& key) {
  const std::string base = postgres_base_dsn();
  const std::string schema = "t" + std::to_string(std::hash<std::string>{}(key.string()) % 1000000000000ULL);
  auto admin = store::Database::connect_postgresql(base);
  REQUIRE_MESSAGE(admin.has_value(), (admin ? std::string() : admin.error().to_string()));
  auto created = admin->exec("CREATE SCHEMA IF NOT EXISTS " + schema);
  REQUIRE_MESSAGE(created.has_value(), (created ? std::string() : created.error().to_string()));
  return base + " options=-csearch_path=" + schema;
}

}  // namespace wxlived::testing
