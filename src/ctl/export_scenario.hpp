#pragma once
// `wxlivectl export-scenario` (SPEC section 3): an app's recorded rooms and
// status changes as a scenario file (SPEC section 7), so that a merchant can
// replay their own history through `wxlived simulate` with other quotas and
// policies. The file is made by recorded_scenario.hpp; this is the command.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "commands.hpp"
#include "wxlived/config/config.hpp"

namespace wxlived::ctl {

// The database holds several apps and --app names none.
inline constexpr int kExitSeveralApps = 2;

struct ExportOptions {
  std::optional<std::string> app;
  std::string since = "7d";
  std::optional<std::filesystem::path> out;  // none: stdout
  // With --config: the app's daily_quota and the [rules] go into the file.
  const config::Config* config = nullptr;
};

// "7d", "36h", "90m", "600s": a length of time in milliseconds; none if the
// text is not one.
std::optional<std::int64_t> parse_duration_ms(std::string_view text);

// 0 written; 1 no such app, a store error or a file that cannot be written;
// 2 several apps and no --app; 64 a --since that is not a duration.
int export_scenario(const Context& ctx, const ExportOptions& options);

}  // namespace wxlived::ctl
