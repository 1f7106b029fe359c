#pragma once
// CLI11's help, ending with the global options (in a subcommand's help) and
// the program's exit codes.
#include <CLI/CLI.hpp>

#include <vector>

#include "wxlived/cli/cli.hpp"

namespace wxlived::cli {

class HelpFormatter : public CLI::Formatter {
 public:
  explicit HelpFormatter(std::vector<ExitCode> exit_codes) : exit_codes_(std::move(exit_codes)) {}
  std::string make_footer(const CLI::App* app) const override;

 private:
  std::vector<ExitCode> exit_codes_;
};

}  // namespace wxlived::cli
