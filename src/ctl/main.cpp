// wxlivectl: the operator's CLI over the daemon's state database (SPEC section 3).
#include <CLI/CLI.hpp>

#include <iostream>

#include "wxlived/version.hpp"

int main(int argc, char** argv) {
  CLI::App app{"wxlivectl: reads and repairs wxlived's state database while the daemon runs."};
  app.set_version_flag("--version", std::string("wxlivectl ") + wxlived::kVersion);
  app.require_subcommand(1);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 64;
  }
  return 0;
}
