#include <algorithm>

#include "wxlived/cli/generators.hpp"

namespace wxlived::cli {

std::vector<const CLI::Option*> visible_options(const CLI::App& app) {
  return app.get_options([](const CLI::Option* option) { return !option->get_group().empty(); });
}

std::vector<const CLI::App*> visible_subcommands(const CLI::App& app) {
  return app.get_subcommands([](const CLI::App* sub) {
    return !sub->get_name().empty() && !sub->get_group().empty() && !sub->get_disabled();
  });
}

std::vector<std::string> option_names(const CLI::Option& option) {
  std::vector<std::string> names;
  for (const auto& name : option.get_snames()) names.push_back("-" + name);
  for (const auto& name : option.get_lnames()) names.push_back("--" + name);
  return names;
}

std::vector<std::string> option_choices(const CLI::Option& option) {
  // CLI11 writes an IsMember check into the type name: "TEXT:{a,b,c}".
  const std::string type = option.get_type_name();
  const auto open = type.find(":{");
  if (open == std::string::npos) return {};
  const auto close = type.find('}', open);
  if (close == std::string::npos) return {};
  std::vector<std::string> choices;
  std::string list = type.substr(open + 2, close - open - 2);
  std::size_t start = 0;
  while (start <= list.size()) {
    const auto comma = std::min(list.find(',', start), list.size());
    if (comma > start) choices.push_back(list.substr(start, comma - start));
    start = comma + 1;
  }
  return choices;
}

}  // namespace wxlived::cli
