#include "wxlived/log/utf8.hpp"

#include <cstddef>

namespace wxlived::log {
namespace {

bool is_continuation(unsigned char c) noexcept { return (c & 0xC0) == 0x80; }

// Length of the valid UTF-8 sequence starting at s[i], or 0 if there is none
// (the ranges are RFC 3629's table, which excludes overlongs and surrogates).
std::size_t valid_sequence_length(const std::string& s, std::size_t i) noexcept {
  const auto at = [&](std::size_t k) -> unsigned char {
    return k < s.size() ? static_cast<unsigned char>(s[k]) : 0;
  };
  const unsigned char c = at(i);
  const unsigned char c1 = at(i + 1);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return is_continuation(c1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    const bool second_ok = c == 0xE0   ? (c1 >= 0xA0 && c1 <= 0xBF)
                           : c == 0xED ? (c1 >= 0x80 && c1 <= 0x9F)
                                       : is_continuation(c1);
    return second_ok && is_continuation(at(i + 2)) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    const bool second_ok = c == 0xF0   ? (c1 >= 0x90 && c1 <= 0xBF)
                           : c == 0xF4 ? (c1 >= 0x80 && c1 <= 0x8F)
                                       : is_continuation(c1);
    return second_ok && is_continuation(at(i + 2)) && is_continuation(at(i + 3)) ? 4 : 0;
  }
  return 0;
}

}  // namespace

std::string valid_utf8(std::string text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t n = valid_sequence_length(text, i);
    if (n == 0) break;
    i += n;
  }
  if (i == text.size()) return text;  // the common case: no copy

  std::string out(text, 0, i);
  out.reserve(text.size() + 8);
  while (i < text.size()) {
    const std::size_t n = valid_sequence_length(text, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD
      ++i;
    } else {
      out.append(text, i, n);
      i += n;
    }
  }
  return out;
}

}  // namespace wxlived::log
