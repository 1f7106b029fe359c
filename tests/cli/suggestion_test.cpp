// The "did you mean" of a usage error.
#include <doctest/doctest.h>

#include "wxlived/cli/unknown_argument.hpp"

using wxlived::cli::suggestion;

namespace {
const std::vector<std::string> kSubcommands{"check-config", "run", "simulate"};
const std::vector<std::string> kOptions{"-h", "--help", "--config", "--json", "--db"};
}  // namespace

TEST_CASE("a shortened subcommand or option suggests the name it starts") {
  CHECK(suggestion("sim", kSubcommands) == "did you mean simulate?");
  CHECK(suggestion("--conf", kOptions) == "did you mean --config?");
}

TEST_CASE("a shortening that starts several names offers them all") {
  CHECK(suggestion("en", {"events", "endpoints", "enable-endpoint"}) == "did you mean endpoints or enable-endpoint?");
  CHECK(suggestion("e", {"events", "endpoints"}).empty());  // one letter is no shortening
}

TEST_CASE("a typo suggests the name within a few edits") {
  CHECK(suggestion("simualte", kSubcommands) == "did you mean simulate?");
  CHECK(suggestion("--jsn", kOptions) == "did you mean --json?");
}

TEST_CASE("a word close to no name suggests nothing") {
  CHECK(suggestion("frobnicate", kSubcommands).empty());
  CHECK(suggestion("--verbose", kOptions).empty());
}
