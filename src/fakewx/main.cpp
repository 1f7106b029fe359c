// wxlive-fakewx: a faithful fake of WeChat's live-room API driven by a
// scenario file (SPEC section 7).
#include <CLI/CLI.hpp>

#include <iostream>

#include "wxlived/version.hpp"

int main(int argc, char** argv) {
  CLI::App app{"wxlive-fakewx: a fake WeChat live-room API for development, demos, tests and capacity planning. "
               "Never point production config at it."};
  app.set_version_flag("--version", std::string("wxlive-fakewx ") + wxlived::kVersion);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 64;
  }
  return 0;
}
