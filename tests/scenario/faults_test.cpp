#include "wxlived/scenario/faults.hpp"

#include <doctest/doctest.h>

namespace ws = wxlived::scenario;
using ws::Api;
using ws::FaultKind;

TEST_CASE("a fault is active from its from second until before its to second") {
  ws::Scenario s;
  s.faults.push_back({100, 400, FaultKind::busy, ws::FaultScope::all});
  CHECK_FALSE(ws::fault_at(s, 99, Api::list).has_value());
  CHECK(ws::fault_at(s, 100, Api::list) == FaultKind::busy);
  CHECK(ws::fault_at(s, 399, Api::token) == FaultKind::busy);
  CHECK_FALSE(ws::fault_at(s, 400, Api::list).has_value());
}

TEST_CASE("a fault scoped to one api leaves the others alone") {
  ws::Scenario s;
  s.faults.push_back({0, 100, FaultKind::http_500, ws::FaultScope::replay});
  CHECK(ws::fault_at(s, 50, Api::replay) == FaultKind::http_500);
  CHECK_FALSE(ws::fault_at(s, 50, Api::list).has_value());
  CHECK_FALSE(ws::fault_at(s, 50, Api::token).has_value());
}

TEST_CASE("overlapping faults answer with the first in file order") {
  ws::Scenario s;
  s.faults.push_back({0, 100, FaultKind::timeout, ws::FaultScope::list});
  s.faults.push_back({0, 200, FaultKind::quota_exhausted, ws::FaultScope::all});
  CHECK(ws::fault_at(s, 50, Api::list) == FaultKind::timeout);
  CHECK(ws::fault_at(s, 50, Api::replay) == FaultKind::quota_exhausted);
  CHECK(ws::fault_at(s, 150, Api::list) == FaultKind::quota_exhausted);
}
