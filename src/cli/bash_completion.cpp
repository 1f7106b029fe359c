#include <algorithm>
#include <sstream>

#include "wxlived/cli/generators.hpp"

namespace wxlived::cli {
namespace {

// One place on the command line: "" for the program itself, else the
// subcommands typed so far ("run", or "a b" for nested ones).
struct Level {
  std::string path;
  const CLI::App* app = nullptr;
};

void collect_levels(const CLI::App& app, const std::string& path, std::vector<Level>& out) {
  out.push_back({path, &app});
  for (const CLI::App* sub : visible_subcommands(app)) {
    collect_levels(*sub, path.empty() ? sub->get_name() : path + " " + sub->get_name(), out);
  }
}

// The options CLI11 accepts at `app`: its own and, where it passes what it
// does not know up (fallthrough), its parents' (their help flag is its own).
std::vector<const CLI::Option*> accepted_options(const CLI::App& app) {
  std::vector<const CLI::Option*> options;
  for (const CLI::App* level = &app; level != nullptr; level = level->get_parent()) {
    for (const CLI::Option* option : visible_options(*level)) {
      if (option->get_positional() || (level != &app && option == level->get_help_ptr())) continue;
      options.push_back(option);
    }
    if (!level->get_fallthrough()) break;
  }
  return options;
}

std::string quoted(const std::string& word) { return "'" + word + "'"; }

std::string join(const std::vector<std::string>& words, const std::string& separator) {
  std::string text;
  for (const auto& word : words) text += (text.empty() ? "" : separator) + word;
  return text;
}

std::string function_name(const std::string& program) {
  std::string name = "_" + program;
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

}  // namespace

std::string bash_completion_script(const CLI::App& app) {
  const std::string program = app.get_name();
  std::vector<Level> levels;
  collect_levels(app, "", levels);

  // "PATH:WORD" patterns: a subcommand's name where it may stand, and the
  // options whose next word is their value (file names unless fixed choices).
  std::vector<std::string> subcommand_steps;
  std::vector<std::string> value_patterns;
  std::vector<std::string> file_patterns;
  std::vector<std::pair<std::string, std::vector<std::string>>> choice_patterns;
  std::ostringstream words_by_level;
  for (const Level& level : levels) {
    std::vector<std::string> words;
    for (const CLI::Option* option : accepted_options(*level.app)) {
      for (const auto& name : option_names(*option)) {
        words.push_back(name);
        if (option->get_expected_min() == 0) continue;
        const std::string pattern = quoted(level.path + ":" + name);
        value_patterns.push_back(pattern);
        auto choices = option_choices(*option);
        if (choices.empty()) {
          file_patterns.push_back(pattern);
        } else {
          choice_patterns.emplace_back(pattern, std::move(choices));
        }
      }
    }
    for (const CLI::App* sub : visible_subcommands(*level.app)) {
      words.push_back(sub->get_name());
      const std::string next = level.path.empty() ? sub->get_name() : level.path + " " + sub->get_name();
      subcommand_steps.push_back("      " + quoted(level.path + ":" + sub->get_name()) + ") path=" + quoted(next) +
                                 " ;;\n");
    }
    words_by_level << "    " << quoted(level.path) << ") words=" << quoted(join(words, " ")) << " ;;\n";
  }

  std::ostringstream out;
  out << "# bash completion for " << program << ", generated from its command-line definitions\n"
      << "# (" << program << " --generate-bash-completion). Self-contained: needs no bash-completion helpers.\n"
      << function_name(program) << "() {\n"
      << "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} path='' word i words\n"
      << "  # Where the words typed so far lead: the subcommands given, skipping options' values.\n"
      << "  for (( i = 1; i < COMP_CWORD; i++ )); do\n"
      << "    word=${COMP_WORDS[i]}\n"
      << "    case \"$path:$word\" in\n";
  for (const auto& step : subcommand_steps) out << step;
  if (!value_patterns.empty()) out << "      " << join(value_patterns, "|") << ") (( i++ )) ;;\n";
  out << "    esac\n"
      << "  done\n"
      << "  case \"$path:$prev\" in\n";
  if (!file_patterns.empty()) {
    out << "    " << join(file_patterns, "|") << ") COMPREPLY=(); return 0 ;;  # file names (-o default)\n";
  }
  for (const auto& [pattern, choices] : choice_patterns) {
    out << "    " << pattern << ") COMPREPLY=($(compgen -W " << quoted(join(choices, " "))
        << " -- \"$cur\")); return 0 ;;\n";
  }
  out << "  esac\n"
      << "  case \"$path\" in\n"
      << words_by_level.str() << "    *) words='' ;;\n"
      << "  esac\n"
      << "  COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
      << "}\n"
      << "complete -o default -F " << function_name(program) << ' ' << program << '\n';
  return out.str();
}

}  // namespace wxlived::cli
