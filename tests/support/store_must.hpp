#pragma once
// Unwraps a store result in a test, failing it with the store's own error
// text (the failing SQL included). One definition for every test that
// prepares or reads a real database.
#include <doctest/doctest.h>

#include <string>
#include <utility>

#include "wxlived/store/state_store.hpp"

namespace wxlived::testing {

template <class T>
T must(store::Result<T> result) {
  REQUIRE_MESSAGE(result.has_value(), (result.has_value() ? std::string() : result.error().to_string()));
  return std::move(result).value();
}
inline void must(const store::Result<void>& result) {
  REQUIRE_MESSAGE(result.has_value(), (result.has_value() ? std::string() : result.error().to_string()));
}

}  // namespace wxlived::testing
