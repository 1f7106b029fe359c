// wxlived: the daemon and its offline tools (SPEC section 2).
#include <CLI/CLI.hpp>

#include <iostream>

#include "check_config_command.hpp"
#include "wxlived/version.hpp"

namespace {

constexpr int kUsageError = 64;  // EX_USAGE: keeps exit 2 for "config invalid"

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"wxlived: watches WeChat Mini Program live rooms within the daily API quota and pushes every "
               "change, signed, to webhook receivers."};
  app.set_version_flag("--version", std::string("wxlived ") + wxlived::kVersion);
  app.require_subcommand(1);

  std::string config_file;
  auto* check = app.add_subcommand("check-config", "Validate a config file: exit 0 with a summary, or 2 with "
                                                   "every problem as FILE:LINE: key: message");
  check->add_option("--config", config_file, "Config file (TOML)")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : kUsageError;
  }

  if (check->parsed()) return wxlived::daemon::check_config_command(config_file, std::cout, std::cerr);
  return kUsageError;
}
