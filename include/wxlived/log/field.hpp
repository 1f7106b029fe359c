#pragma once
// A structured log field: key plus a string / integer / double / bool value.
//
// Fields are views: they are built at every call site before the level check,
// so they must cost nothing to build (no allocation). Strings are held as
// string_view; that is safe for the intended use, a braced list passed to a
// log call, because temporaries live until the end of the full expression.
// Do not keep a Field past the statement that built it.
#include <concepts>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <variant>

namespace wxlived::log {

class FieldValue {
 public:
  using Storage = std::variant<std::string_view, std::int64_t, double, bool>;

  // Implicit on purpose: call sites read {"app", "shop"}, {"expires_in", 7200}.
  FieldValue(std::string_view s) noexcept : v_(s) {}                        // NOLINT
  FieldValue(const std::string& s) noexcept : v_(std::string_view(s)) {}    // NOLINT
  FieldValue(const char* s) noexcept : v_(std::string_view(s ? s : "")) {}  // NOLINT

  template <std::integral I>
    requires(!std::same_as<I, bool> && !std::same_as<I, char>)
  FieldValue(I i) noexcept : v_(to_int64(i)) {}  // NOLINT

  template <std::floating_point F>
  FieldValue(F d) noexcept : v_(static_cast<double>(d)) {}  // NOLINT

  // A template so that pointers never silently turn into bools.
  template <class B>
    requires std::same_as<B, bool>
  FieldValue(B b) noexcept : v_(b) {}  // NOLINT

  const Storage& storage() const noexcept { return v_; }

 private:
  template <class I>
  static std::int64_t to_int64(I i) noexcept {
    // Only a uint64 above INT64_MAX can overflow; clamp rather than wrap negative.
    if constexpr (std::is_unsigned_v<I> && sizeof(I) >= sizeof(std::int64_t)) {
      if (i > static_cast<I>(std::numeric_limits<std::int64_t>::max())) {
        return std::numeric_limits<std::int64_t>::max();
      }
    }
    return static_cast<std::int64_t>(i);
  }

  Storage v_;
};

struct Field {
  std::string_view key;
  FieldValue value;
};

}  // namespace wxlived::log
