#include "toml_document.hpp"

#include "toml_nesting.hpp"

namespace wxlived::config {

Expected<toml::table, ConfigError> parse_toml_document(std::string_view text, const std::string& source_name) {
  if (auto deep = toml_nesting_problem(text)) {
    return Unexpected(ConfigError{source_name, deep->line, "syntax", deep->message + ": refused before parsing"});
  }
  try {
    return toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    return Unexpected(
        ConfigError{source_name, static_cast<int>(e.source().begin.line), "syntax", std::string(e.description())});
  }
}

}  // namespace wxlived::config
