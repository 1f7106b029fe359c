#pragma once
// `wxlived simulate --report FILE.html`: one self-contained page (inline SVG,
// no network) with the quota/latency curve per policy and, for one chosen
// run, a timeline of every room's true statuses, every call spent and every
// detection's latency, and where the calls went.
#include <cstddef>
#include <string>
#include <vector>

#include "wxlived/simulate/planning.hpp"

namespace wxlived::simulate {

// `chosen` indexes `results`: the run whose timeline the page shows.
std::string report_html(const scenario::Scenario& s, const std::vector<PlanResult>& results, std::size_t chosen);

}  // namespace wxlived::simulate
