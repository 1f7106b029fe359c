#include "wxlived/cli/unknown_argument.hpp"

#include <algorithm>

#include "wxlived/cli/generators.hpp"
#include "wxlived/config/key_suggestion.hpp"

namespace wxlived::cli {
namespace {

std::string or_list(const std::vector<std::string>& words) {
  std::string text;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) text += i + 1 == words.size() ? " or " : ", ";
    text += words[i];
  }
  return text;
}

// Every option name the deepest subcommand accepts: its own and, where
// CLI11 passes what it does not know up (fallthrough), its parents'.
std::vector<std::string> option_candidates(const CLI::App& deepest) {
  std::vector<std::string> names;
  for (const CLI::App* app = &deepest; app != nullptr; app = app->get_parent()) {
    for (const CLI::Option* option : visible_options(*app)) {
      if (option->get_positional()) continue;
      for (auto& name : option_names(*option)) names.push_back(std::move(name));
    }
    if (!app->get_fallthrough()) break;
  }
  return names;
}

}  // namespace

std::string suggestion(std::string_view word, const std::vector<std::string>& candidates) {
  const std::size_t dashes = word.find_first_not_of('-') == std::string_view::npos ? word.size()
                                                                                    : word.find_first_not_of('-');
  if (word.size() - dashes >= 2) {
    std::vector<std::string> longer;
    for (const auto& candidate : candidates) {
      if (candidate.size() > word.size() && candidate.starts_with(word)) longer.push_back(candidate);
    }
    if (!longer.empty()) return "did you mean " + or_list(longer) + "?";
  }
  const std::vector<std::string_view> known(candidates.begin(), candidates.end());
  if (auto closest = config::closest_key(word, known)) return "did you mean " + *closest + "?";
  return {};
}

const CLI::App& deepest_parsed(const CLI::App& app) {
  for (const CLI::App* sub : app.get_subcommands({})) {
    if (sub->parsed() && !sub->get_name().empty()) return deepest_parsed(*sub);
  }
  return app;
}

std::string full_name(const CLI::App& app) {
  std::string name = app.get_name();
  for (const CLI::App* parent = app.get_parent(); parent != nullptr; parent = parent->get_parent()) {
    name = parent->get_name() + " " + name;
  }
  return name;
}

std::optional<std::string> unknown_argument_message(const CLI::App& app) {
  const auto left_over = app.remaining(true);
  const auto first = std::find_if(left_over.begin(), left_over.end(), [](const std::string& a) { return a != "--"; });
  if (first == left_over.end()) return std::nullopt;
  const CLI::App& deepest = deepest_parsed(app);
  std::string message = full_name(deepest) + ": ";
  std::string hint;
  if (first->starts_with("-") && first->size() > 1) {
    const std::string name = first->substr(0, first->find('='));
    message += "unknown option " + name;
    hint = suggestion(name, option_candidates(deepest));
  } else {
    const auto subcommands = visible_subcommands(deepest);
    if (subcommands.empty()) {
      message += "unexpected argument " + *first;
    } else {
      message += "unknown subcommand " + *first;
      std::vector<std::string> names;
      for (const CLI::App* sub : subcommands) names.push_back(sub->get_name());
      hint = suggestion(*first, names);
    }
  }
  if (!hint.empty()) message += "; " + hint;
  return message;
}

}  // namespace wxlived::cli
