#pragma once
// Texts generated from a CLI11 App's definitions at build time, so that the
// completion and the man pages cannot drift from the binaries.
#include <CLI/CLI.hpp>

#include <string>

namespace wxlived::cli {

// A self-contained bash completion script (no bash-completion helpers
// needed): subcommands, each one's options (and the global ones where the
// subcommand passes them up), and the choices of options that have a fixed
// set; other option values complete as file names.
std::string bash_completion_script(const CLI::App& app);

// help2man --include text: one roff subsection per subcommand, with its
// usage, description and options, under [SUBCOMMANDS]; "" for an app
// without subcommands.
std::string man_sections(const CLI::App& app);

// Options as shown to people and to the generators: those with a help group
// (CLI11 hides an option by giving it the group ""), help flag included.
std::vector<const CLI::Option*> visible_options(const CLI::App& app);
std::vector<const CLI::App*> visible_subcommands(const CLI::App& app);
// "--config", "-h", "--help": every name an option answers to.
std::vector<std::string> option_names(const CLI::Option& option);
// The fixed choices of an option (CLI11's IsMember), or none.
std::vector<std::string> option_choices(const CLI::Option& option);

}  // namespace wxlived::cli
