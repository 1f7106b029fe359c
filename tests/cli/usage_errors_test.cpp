// The three real binaries: a usage error names the unknown argument with the
// closest real one (even where CLI11 would first complain of a missing
// required option), and a subcommand's help shows the global options and the
// exit codes.
#include <doctest/doctest.h>

#include "support/run_process.hpp"

using wxlived::testing::bin;
using wxlived::testing::run_process;

namespace {
bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("an unknown option is named with the real one before a missing required option") {
  const auto result = run_process(bin("wxlived") + " run --conf x.toml");
  CHECK(result.exit_code == 64);
  CHECK(has(result.output, "wxlived run: unknown option --conf; did you mean --config?"));
  CHECK_FALSE(has(result.output, "required"));
  CHECK(has(result.output, "Run 'wxlived run --help'"));
}

TEST_CASE("an unknown subcommand is named with the subcommand it shortens") {
  const auto result = run_process(bin("wxlived") + " sim --scenario x.json");
  CHECK(result.exit_code == 64);
  CHECK(has(result.output, "wxlived: unknown subcommand sim; did you mean simulate?"));
  CHECK_FALSE(has(result.output, "A subcommand is required"));
}

TEST_CASE("an option given as --name=value is named without its value") {
  const auto result = run_process(bin("wxlived") + " check-config --confg=x.toml");
  CHECK(result.exit_code == 64);
  CHECK(has(result.output, "unknown option --confg; did you mean --config?"));
}

TEST_CASE("wxlive-fakewx names an unknown option before its missing --scenario") {
  const auto result = run_process(bin("wxlive-fakewx") + " --scenaro x.json");
  CHECK(result.exit_code == 64);
  CHECK(has(result.output, "wxlive-fakewx: unknown option --scenaro; did you mean --scenario?"));
}

TEST_CASE("other usage errors keep CLI11's message and exit 64") {
  const auto result = run_process(bin("wxlived") + " run");
  CHECK(result.exit_code == 64);
  CHECK(has(result.output, "--config is required"));
}

TEST_CASE("every help ends with the exit codes and a subcommand's lists the global options") {
  const auto top = run_process(bin("wxlived") + " --help");
  CHECK(top.exit_code == 0);
  CHECK(has(top.output, "Exit codes:"));
  CHECK(has(top.output, "2   invalid input"));

  const auto sub = run_process(bin("wxlived") + " simulate --help");
  CHECK(sub.exit_code == 0);
  CHECK(has(sub.output, "--scenario"));
  CHECK(has(sub.output, "Global options (before simulate)"));
  CHECK(has(sub.output, "--version"));
  CHECK(has(sub.output, "64  usage"));

  const auto fake = run_process(bin("wxlive-fakewx") + " --help");
  CHECK(fake.exit_code == 0);
  CHECK(has(fake.output, "Exit codes:"));
}

TEST_CASE("the generator flags print without the options a run requires") {
  const auto completion = run_process(bin("wxlive-fakewx") + " --generate-bash-completion");
  CHECK(completion.exit_code == 0);
  CHECK(has(completion.output, "complete -o default -F _wxlive_fakewx wxlive-fakewx"));
  const auto sections = run_process(bin("wxlived") + " --generate-man-sections");
  CHECK(sections.exit_code == 0);
  CHECK(has(sections.output, "[SUBCOMMANDS]"));
  CHECK(has(sections.output, ".SS \"wxlived simulate [OPTIONS]\""));
  CHECK(has(sections.output, "\\fB\\-\\-policy\\fR"));
  // Hidden from people: not in --help.
  CHECK_FALSE(has(run_process(bin("wxlived") + " --help").output, "generate"));
}
