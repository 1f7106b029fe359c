#include <sstream>

#include "wxlived/cli/generators.hpp"

namespace wxlived::cli {
namespace {

std::string function_name(const std::string& program) {
  std::string name = "_" + program;
  for (char& c : name) {
    if (c == '-') c = '_';
  }
  return name;
}

std::string join(const std::vector<std::string>& words) {
  std::string text;
  for (const auto& word : words) text += (text.empty() ? "" : " ") + word;
  return text;
}

// What may follow at `app`'s level: its options (and, where it passes
// unknown ones up, its parents'), then its subcommands.
std::vector<std::string> words_at(const CLI::App& app) {
  std::vector<std::string> words;
  for (const CLI::App* level = &app; level != nullptr; level = level->get_parent()) {
    for (const CLI::Option* option : visible_options(*level)) {
      if (option->get_positional()) continue;
      for (auto& name : option_names(*option)) words.push_back(std::move(name));
    }
    if (!level->get_fallthrough()) break;
  }
  for (const CLI::App* sub : visible_subcommands(app)) words.push_back(sub->get_name());
  return words;
}

// Every option of the tree that takes a value, with its choices if fixed:
// the word after it is that value (not a subcommand), and completes as one.
void value_options(const CLI::App& app, std::vector<std::pair<std::string, std::vector<std::string>>>& out) {
  for (const CLI::Option* option : visible_options(app)) {
    if (option->get_positional() || option->get_expected_min() == 0) continue;
    for (const auto& name : option_names(*option)) out.emplace_back(name, option_choices(*option));
  }
  for (const CLI::App* sub : visible_subcommands(app)) value_options(*sub, out);
}

void subcommand_cases(const CLI::App& app, const std::string& path, std::ostringstream& out) {
  out << "    '" << path << "') words='" << join(words_at(app)) << "' ;;\n";
  for (const CLI::App* sub : visible_subcommands(app)) {
    subcommand_cases(*sub, path.empty() ? sub->get_name() : path + " " + sub->get_name(), out);
  }
}

void subcommand_paths(const CLI::App& app, const std::string& path, std::vector<std::string>& out) {
  for (const CLI::App* sub : visible_subcommands(app)) {
    const std::string sub_path = path.empty() ? sub->get_name() : path + " " + sub->get_name();
    out.push_back(sub_path);
    subcommand_paths(*sub, sub_path, out);
  }
}

}  // namespace

std::string bash_completion_script(const CLI::App& app) {
  const std::string program = app.get_name();
  const std::string function = function_name(program);
  std::vector<std::pair<std::string, std::vector<std::string>>> values;
  value_options(app, values);

  std::ostringstream out;
  out << "# bash completion for " << program << ", generated from its command-line definitions\n"
      << "# (" << program << " --generate-bash-completion). Self-contained: needs no bash-completion helpers.\n"
      << function << "() {\n"
      << "  local cur=${COMP_WORDS[COMP_CWORD]} prev=\"\" path=\"\" word i words\n"
      << "  (( COMP_CWORD > 0 )) && prev=${COMP_WORDS[COMP_CWORD-1]}\n"
      << "  # A value option's word is its value: offer its choices, else file names.\n"
      << "  case \"$prev\" in\n";
  for (const auto& [name, choices] : values) {
    if (choices.empty()) {
      out << "    " << name << ") COMPREPLY=($(compgen -f -- \"$cur\")); return 0 ;;\n";
    } else {
      out << "    " << name << ") COMPREPLY=($(compgen -W '" << join(choices) << "' -- \"$cur\")); return 0 ;;\n";
    }
  }
  out << "  esac\n"
      << "  # The subcommands typed so far, skipping options' values.\n"
      << "  for (( i = 1; i < COMP_CWORD; i++ )); do\n"
      << "    word=${COMP_WORDS[i]}\n"
      << "    case \"$word\" in\n";
  bool any_value = false;
  for (std::size_t i = 0; i < values.size(); ++i) {
    out << (any_value ? "|" : "      ") << values[i].first;
    any_value = true;
  }
  if (any_value) out << ") (( i++ )) ;;\n";
  out << "      -*) ;;\n"
      << "      *) case \"$path${path:+ }$word\" in\n";
  std::ostringstream cases;
  subcommand_cases(app, "", cases);
  // Only a word that names a subcommand where it stands extends the path.
  std::vector<std::string> paths;
  subcommand_paths(app, "", paths);
  if (!paths.empty()) {
    out << "           ";
    for (std::size_t i = 0; i < paths.size(); ++i) out << (i ? "|" : "") << "'" << paths[i] << "'";
    out << ") path=\"$path${path:+ }$word\" ;;\n";
  }
  out << "         esac ;;\n"
      << "    esac\n"
      << "  done\n"
      << "  case \"$path\" in\n"
      << cases.str() << "    *) words='' ;;\n"
      << "  esac\n"
      << "  COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
      << "}\n"
      << "complete -o default -F " << function << ' ' << program << '\n';
  return out.str();
}

}  // namespace wxlived::cli
