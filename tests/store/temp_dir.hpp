#pragma once
// Store tests use the shared TempDir; the database lives in a state/ folder
// that does not exist yet, as on a fresh install.
#include <filesystem>

#include "support/temp_dir.hpp"

namespace wxlived::store::testing {

using wxlived::testing::TempDir;

inline std::filesystem::path db_file(const TempDir& dir) { return dir / "state/wxlived.db"; }

}  // namespace wxlived::store::testing
