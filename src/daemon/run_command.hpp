#pragma once
#include <filesystem>

namespace wxlived::daemon {

// `wxlived run --config FILE`: 0 after a clean stop, 2 for an invalid config,
// 1 for a fatal start-up or store problem.
int run_command(const std::filesystem::path& config_file);

}  // namespace wxlived::daemon
