#pragma once
// One fake serving many apps (wxlive-fakewx --apps N): each app is a copy of
// the scenario's one app, numbered 1..N, with its credentials derived from
// the scenario's: copy 42 of appid "wxfake000000000001" and secret
// "fake-secret" is appid "wxfake000000000001-00042" with secret
// "fake-secret-00042". Derived, not random, so that a test or benchmark can
// write the daemon's config for every copy without asking the fake.
#include <optional>
#include <string>
#include <string_view>

namespace wxlived::fakewx {

// The suffix has five digits, so at most this many copies.
inline constexpr int max_app_copies = 99999;

// "<base>-<copy as five digits>".
std::string copy_credential(std::string_view base, int copy);

// Which copy (1..copies) `value` names under `base`, or nullopt.
std::optional<int> copy_number(std::string_view base, std::string_view value, int copies) noexcept;

}  // namespace wxlived::fakewx
