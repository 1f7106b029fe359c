// libFuzzer: the config parser never crashes and always either builds a
// Config or reports at least one located problem.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "wxlived/config/load.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto no_env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  auto result = wxlived::config::parse_config(text, "fuzz.toml", no_env);
  if (!result && result.error().empty()) std::abort();
  return 0;
}
