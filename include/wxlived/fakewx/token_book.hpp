#pragma once
// The access tokens one token API has handed out, and whether a presented
// token is still good. WeChat keeps the stable and the classic token apart
// ("completely isolated"), so the fake holds one TokenBook for each.
#include <optional>
#include <string>
#include <string_view>

#include "wxlived/scenario/scenario.hpp"

namespace wxlived::fakewx {

using scenario::Seconds;
using scenario::UnixSeconds;

enum class TokenCheck {
  valid,
  expired,  // was issued and is past its own expiry: 42001
  invalid,  // never issued, or replaced more than the overlap ago: 40001
};

struct IssuedToken {
  std::string value;
  UnixSeconds expires_at = 0;
};

class TokenBook {
 public:
  static constexpr Seconds lifetime_s = 7200;  // expires_in WeChat hands out
  // After a new token is issued the previous one keeps working this long, so
  // that callers sharing a token can switch over (WeChat's documented overlap).
  static constexpr Seconds overlap_s = 300;
  // The stable token API hands out a new token only once the current one has
  // less than this left.
  static constexpr Seconds stable_renew_before_s = 300;

  // Makes `value` the current token; the current one becomes the previous
  // one (usable for overlap_s more), and any older one is forgotten.
  IssuedToken issue(std::string value, UnixSeconds now);

  // The current token if it has at least stable_renew_before_s left.
  std::optional<IssuedToken> current_if_fresh(UnixSeconds now) const;

  TokenCheck check(std::string_view token, UnixSeconds now) const noexcept;

  // The token the next issue() forgets (the previous one), if any: a fake
  // serving many apps drops it from its token-to-app index then.
  std::optional<std::string> previous_value() const;

  // Ends every token issued before `issued_before` (the token_expired fault):
  // they answer 42001 from `now` on; tokens issued since stay good.
  void expire_issued_before(UnixSeconds issued_before, UnixSeconds now) noexcept;

 private:
  struct Entry {
    std::string value;
    UnixSeconds issued_at = 0;
    UnixSeconds expires_at = 0;
    std::optional<UnixSeconds> usable_until;  // set once superseded
  };
  static TokenCheck check_entry(const Entry& entry, UnixSeconds now) noexcept;

  std::optional<Entry> current_;
  std::optional<Entry> previous_;
};

}  // namespace wxlived::fakewx
