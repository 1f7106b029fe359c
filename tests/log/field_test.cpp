#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "wxlived/log/field.hpp"

using namespace wxlived::log;

namespace {
template <class T>
bool holds(const FieldValue& v) {
  return std::holds_alternative<T>(v.storage());
}
}  // namespace

TEST_CASE("field values keep their kind") {
  const std::string owned = "shop";
  CHECK(holds<std::string_view>(FieldValue("literal")));
  CHECK(holds<std::string_view>(FieldValue(owned)));
  CHECK(holds<std::int64_t>(FieldValue(7200)));
  CHECK(holds<std::int64_t>(FieldValue(std::uint16_t{5})));
  CHECK(holds<double>(FieldValue(0.5)));
  CHECK(holds<double>(FieldValue(0.5F)));
  CHECK(holds<bool>(FieldValue(true)));
}

TEST_CASE("a null C string becomes an empty string") {
  const char* nothing = nullptr;
  CHECK(std::get<std::string_view>(FieldValue(nothing).storage()).empty());
}

TEST_CASE("unsigned values above int64 max are clamped not wrapped") {
  const FieldValue v(std::numeric_limits<std::uint64_t>::max());
  CHECK(std::get<std::int64_t>(v.storage()) == std::numeric_limits<std::int64_t>::max());
}
