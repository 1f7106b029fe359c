#pragma once
// Scripted faults: what kind of failure, if any, a call to an API meets at t.
#include <optional>

#include "wxlived/scenario/scenario.hpp"

namespace wxlived::scenario {

// The first fault in file order with from <= t < to whose scope covers api.
// Stateful follow-ups (token_expired lasting until a new token is fetched)
// are the fake server's to keep.
std::optional<FaultKind> fault_at(const Scenario& s, Seconds t, Api api) noexcept;

}  // namespace wxlived::scenario
