// libFuzzer: the scenario parser returns a value or an error, never crashes.
#include <cstdint>
#include <string_view>

#include "wxlived/scenario/parse.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)wxlived::scenario::parse_scenario(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
