#pragma once
// Reading a scenario file. A bad file yields a ParseError whose message names
// the field and, inside rooms[], the room: never an exception, never a crash.
#include <string>
#include <string_view>

#include "wxlived/core/expected.hpp"
#include "wxlived/scenario/scenario.hpp"

namespace wxlived::scenario {

struct ParseError {
  std::string message;  // e.g. "rooms[3] (roomid 1003): timeline[2]: status 108 is not a WeChat live status"
};

// Parses and validates scenario JSON text (SPEC section 7).
Expected<Scenario, ParseError> parse_scenario(std::string_view json) noexcept;

// Reads then parses a file; errors are prefixed with the path.
Expected<Scenario, ParseError> load_scenario_file(const std::string& path) noexcept;

// The same deterministic choice parse makes: does roomid's entry spell "live_satus"
// when a share of rooms in [0, 1] do?
bool spells_live_satus(std::int64_t roomid, double share) noexcept;

}  // namespace wxlived::scenario
