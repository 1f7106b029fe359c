#include <iostream>
#include <memory>

#include "help_formatter.hpp"
#include "wxlived/cli/cli.hpp"
#include "wxlived/cli/generators.hpp"
#include "wxlived/cli/unknown_argument.hpp"

namespace wxlived::cli {
namespace {

void install_formatter(CLI::App& app, const std::shared_ptr<HelpFormatter>& formatter) {
  app.formatter(formatter);
  for (CLI::App* sub : app.get_subcommands({})) install_formatter(*sub, formatter);
}

// Printed from inside the parse (CLI11 runs flag callbacks before it checks
// required options), so `wxlive-fakewx --generate-man-sections` needs no
// --scenario.
void add_generator_flag(CLI::App& app, const std::string& name, std::string (*generate)(const CLI::App&)) {
  app.add_flag_callback(name, [&app, generate] {
        std::cout << generate(app);
        throw CLI::Success();
      })
      ->group("");  // hidden: for the build, not for people
}

void tell_usage_error(const CLI::App& app, const std::string& message) {
  std::cerr << message << "\nRun '" << full_name(deepest_parsed(app))
            << " --help' for the options and the exit codes.\n";
}

}  // namespace

void finish_definition(CLI::App& app, std::vector<ExitCode> exit_codes) {
  install_formatter(app, std::make_shared<HelpFormatter>(std::move(exit_codes)));
  add_generator_flag(app, "--generate-bash-completion", bash_completion_script);
  add_generator_flag(app, "--generate-man-sections", man_sections);
}

std::optional<int> parse(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
    return std::nullopt;
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(e);  // --help, --version
    if (auto message = unknown_argument_message(app)) {
      tell_usage_error(app, *message);
    } else {
      tell_usage_error(app, full_name(deepest_parsed(app)) + ": " + e.what());
    }
    return kExitUsage;
  }
}

int usage_error(const CLI::App& app, const std::string& message) {
  tell_usage_error(app, full_name(deepest_parsed(app)) + ": " + message);
  return kExitUsage;
}

}  // namespace wxlived::cli
