#pragma once
// What the daemon owns is private: the database holds the access token and
// every room's history. A state_dir or database others can read (a 0777
// folder, a database copied in as 0666, whose -wal and -shm SQLite then
// creates with the same mode) is tightened at start, and each change is
// logged at warning level so the operator learns the files were exposed.
#include <filesystem>

namespace wxlived::daemon {

void tighten_state_permissions(const std::filesystem::path& state_dir, const std::filesystem::path& db_file);

}  // namespace wxlived::daemon
