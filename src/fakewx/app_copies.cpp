#include "wxlived/fakewx/app_copies.hpp"

#include <charconv>
#include <cstdio>

namespace wxlived::fakewx {

namespace {
constexpr std::size_t suffix_digits = 5;
}

std::string copy_credential(std::string_view base, int copy) {
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "-%05d", copy);
  return std::string(base) + suffix;
}

std::optional<int> copy_number(std::string_view base, std::string_view value, int copies) noexcept {
  if (value.size() != base.size() + 1 + suffix_digits || !value.starts_with(base) || value[base.size()] != '-') {
    return std::nullopt;
  }
  const std::string_view digits = value.substr(base.size() + 1);
  int copy = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), copy);
  if (ec != std::errc() || end != digits.data() + digits.size() || copy < 1 || copy > copies) return std::nullopt;
  return copy;
}

}  // namespace wxlived::fakewx
