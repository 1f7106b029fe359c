#pragma once
// The usage error for an argument that no option or subcommand takes, with
// the closest real one. CLI11 reports a missing required option (or "A
// subcommand is required") before it looks at the arguments it could not
// place, so `wxlived run --conf x` would say "--config is required": these
// functions look at what the failed parse left over, so the typo wins.
#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wxlived::cli {

// "did you mean X?" text for `word` among `candidates`, or "" when none is
// close: the candidates that start with `word` (a shortened name, `sim` for
// `simulate`), else the one within a few typos.
std::string suggestion(std::string_view word, const std::vector<std::string>& candidates);

// After app.parse threw: the message for the first argument the parse could
// not place ("wxlived run: unknown option --conf; did you mean --config?"),
// or std::nullopt when every argument found its place (the error is then
// CLI11's own).
std::optional<std::string> unknown_argument_message(const CLI::App& app);

// The full name of the deepest subcommand given ("wxlived run"), or the root's.
const CLI::App& deepest_parsed(const CLI::App& app);
std::string full_name(const CLI::App& app);

}  // namespace wxlived::cli
