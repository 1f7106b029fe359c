#include "wxlived/config/key_suggestion.hpp"

#include <algorithm>
#include <vector>

namespace wxlived::config {
namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::optional<std::string> closest_key(std::string_view unknown, std::span<const std::string_view> known) {
  // Allow roughly one typo per four characters, at least one, at most three.
  const std::size_t budget = std::clamp<std::size_t>(unknown.size() / 4, 1, 3);
  std::optional<std::string> best;
  std::size_t best_distance = budget + 1;
  for (auto candidate : known) {
    // The length difference is a lower bound of the edit distance: skipping
    // candidates it already rules out changes no answer, and spares a file
    // of long unknown keys length x length work per key and candidate (it
    // was 90% of fuzz_config's time).
    const std::size_t length_gap = unknown.size() > candidate.size() ? unknown.size() - candidate.size()
                                                                     : candidate.size() - unknown.size();
    if (length_gap >= best_distance) continue;
    const auto d = edit_distance(unknown, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = std::string(candidate);
    }
  }
  return best;
}

}  // namespace wxlived::config
