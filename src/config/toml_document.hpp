#pragma once
// One TOML file as the config reader takes it: too-deep nesting refused on
// the raw text before toml++ parses it (toml_nesting.hpp), a syntax error
// as a ConfigError at its line. The main file and every apps_dir file.
#include <toml++/toml.h>

#include <string>
#include <string_view>

#include "wxlived/config/load.hpp"
#include "wxlived/core/expected.hpp"

namespace wxlived::config {

Expected<toml::table, ConfigError> parse_toml_document(std::string_view text, const std::string& source_name);

}  // namespace wxlived::config
