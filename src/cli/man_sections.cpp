#include <algorithm>
#include <sstream>

#include "wxlived/cli/generators.hpp"
#include "wxlived/cli/unknown_argument.hpp"

namespace wxlived::cli {
namespace {

// Text as roff shows it literally: backslashes, and hyphens (so that options
// are searchable and copy as ASCII).
std::string roff_inline(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
  }
  return out;
}

// A paragraph: a line may not start with a control character.
std::string roff(const std::string& text) {
  const std::string escaped = roff_inline(text);
  std::string lines;
  std::size_t start = 0;
  while (start < escaped.size()) {
    const auto end = std::min(escaped.find('\n', start), escaped.size());
    const std::string line = escaped.substr(start, end - start);
    if (!line.empty() && (line[0] == '.' || line[0] == '\'')) lines += "\\&";
    lines += line + "\n";
    start = end + 1;
  }
  return lines;
}

std::string usage(const CLI::App& app) {
  std::string text = full_name(app);
  bool has_options = false;
  std::string positionals;
  for (const CLI::Option* option : visible_options(app)) {
    if (!option->get_positional()) {
      has_options = true;
      continue;
    }
    std::string name = option->get_name() + (option->get_items_expected_max() > 1 ? "..." : "");
    positionals += " " + (option->get_required() ? name : "[" + name + "]");
  }
  return text + (has_options ? " [OPTIONS]" : "") + positionals;
}

std::string option_label(const CLI::Option& option) {
  std::string names;
  for (const auto& name : option_names(option)) names += (names.empty() ? "" : ", ") + name;
  if (option.get_positional()) names = option.get_name();
  std::string label = "\\fB" + roff_inline(names) + "\\fR";
  if (option.get_expected_min() > 0 && !option.get_positional()) {
    label += " \\fI" + roff_inline(option.get_type_name()) + "\\fR";
  }
  return label;
}

void section(const CLI::App& app, std::ostringstream& out) {
  out << ".SS \"" << roff_inline(usage(app)) << "\"\n" << roff(app.get_description());
  for (const CLI::Option* option : visible_options(app)) {
    if (option == app.get_help_ptr()) continue;
    std::string text = option->get_description();
    if (option->get_required()) text += " (required)";
    if (!option->get_default_str().empty()) text += " (default: " + option->get_default_str() + ")";
    for (const CLI::Option* other : option->get_needs()) text += " Needs " + other->get_name() + ".";
    for (const CLI::Option* other : option->get_excludes()) text += " Excludes " + other->get_name() + ".";
    out << ".TP\n" << option_label(*option) << "\n" << roff(text);
  }
  for (const CLI::App* sub : visible_subcommands(app)) section(*sub, out);
}

}  // namespace

std::string man_sections(const CLI::App& app) {
  const auto subcommands = visible_subcommands(app);
  if (subcommands.empty()) return {};
  std::ostringstream out;
  out << "[SUBCOMMANDS]\n";
  out << "Each subcommand's options follow its name; \\fB" << roff_inline(app.get_name())
      << " \\fISUBCOMMAND\\fB \\-\\-help\\fR shows them, the global options and the exit codes.\n";
  for (const CLI::App* sub : subcommands) section(*sub, out);
  return out.str();
}

}  // namespace wxlived::cli
