#include "help_formatter.hpp"

#include <iomanip>
#include <sstream>

#include "wxlived/cli/generators.hpp"

namespace wxlived::cli {

std::string HelpFormatter::make_footer(const CLI::App* app) const {
  std::ostringstream out;
  if (const CLI::App* parent = app->get_parent()) {
    // The help flag is the subcommand's own too; the rest would otherwise
    // be invisible from `wxlivectl rooms --help`.
    std::vector<const CLI::Option*> global;
    for (const CLI::Option* option : visible_options(*parent)) {
      if (!option->get_positional() && option != parent->get_help_ptr()) global.push_back(option);
    }
    if (!global.empty()) {
      const std::string where = app->get_fallthrough() ? "before or after " : "before ";
      const std::string group = make_group("Global options (" + where + app->get_name() + ")", false, global);
      out << group.substr(group.find_first_not_of('\n')) << '\n';
    }
  }
  out << CLI::Formatter::make_footer(app);
  if (!exit_codes_.empty()) {
    out << "Exit codes:\n";
    for (const auto& exit_code : exit_codes_) {
      out << "  " << std::left << std::setw(4) << exit_code.code << exit_code.meaning << '\n';
    }
  }
  return out.str();
}

}  // namespace wxlived::cli
