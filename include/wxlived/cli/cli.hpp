#pragma once
// What the three binaries' command lines share (SPEC section 1): a usage error
// names the unknown option or subcommand with the closest real one, every
// --help ends with the exit codes (a subcommand's also lists the global
// options), and hidden flags print the bash completion and the man page
// sections that the build generates from these same CLI11 definitions.
#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

namespace wxlived::cli {

// EX_USAGE: exit 2 stays free for "the input (config, scenario) is invalid".
inline constexpr int kExitUsage = 64;

struct ExitCode {
  int code = 0;
  std::string meaning;
};

// Call once every option and subcommand of `app` is defined: installs the
// help formatter on the whole tree and the hidden generator flags
// (--generate-bash-completion, --generate-man-sections) on the root.
void finish_definition(CLI::App& app, std::vector<ExitCode> exit_codes);

// Parses the command line. std::nullopt: go on and run. Otherwise the exit
// code to return now: 0 after --help, --version or a generator flag, or
// kExitUsage after a usage error, told on stderr.
std::optional<int> parse(CLI::App& app, int argc, char** argv);

// A usage error that the program finds after parsing (one option's value
// against another's): told like parse's; returns kExitUsage.
int usage_error(const CLI::App& app, const std::string& message);

}  // namespace wxlived::cli
