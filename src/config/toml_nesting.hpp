#pragma once
// toml++ parses recursively: a header `[a.a.a...]` 40,000 keys deep, or
// brackets and braces nested as deep, overflow the stack inside it (a
// segfault in check-config, and a SIGHUP with such a file killed the running
// daemon). The nesting is measured here, on the raw text, before the parser
// sees it. Strings (all four kinds) and comments are skipped; what counts is
// the bracket/brace depth of values and the number of dotted parts of a key.
#include <optional>
#include <string>
#include <string_view>

namespace wxlived::config {

inline constexpr int kMaxTomlNesting = 64;

struct TomlNestingProblem {
  int line = 0;
  std::string message;
};

std::optional<TomlNestingProblem> toml_nesting_problem(std::string_view text, int limit = kMaxTomlNesting);

}  // namespace wxlived::config
