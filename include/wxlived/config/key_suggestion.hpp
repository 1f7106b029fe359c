#pragma once
// "did you mean" for unknown config keys, and for unknown command-line
// options and subcommands (wxlived::cli).
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace wxlived::config {

// The closest known key within a small edit distance, if any.
std::optional<std::string> closest_key(std::string_view unknown, std::span<const std::string_view> known);

}  // namespace wxlived::config
