#include "wxlived/scenario/faults.hpp"

namespace wxlived::scenario {
namespace {

bool covers(FaultScope scope, Api api) {
  switch (scope) {
    case FaultScope::all: return true;
    case FaultScope::list: return api == Api::list;
    case FaultScope::replay: return api == Api::replay;
    case FaultScope::token: return api == Api::token;
  }
  return false;
}

}  // namespace

std::optional<FaultKind> fault_at(const Scenario& s, Seconds t, Api api) noexcept {
  for (const Fault& fault : s.faults) {
    if (fault.from <= t && t < fault.to && covers(fault.scope, api)) return fault.kind;
  }
  return std::nullopt;
}

}  // namespace wxlived::scenario
