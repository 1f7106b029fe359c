#include "wxlived/fakewx/token_book.hpp"

#include <algorithm>

namespace wxlived::fakewx {

IssuedToken TokenBook::issue(std::string value, UnixSeconds now) {
  if (current_) {
    previous_ = std::move(current_);
    previous_->usable_until = now + overlap_s;
  }
  current_ = Entry{std::move(value), now, now + lifetime_s, std::nullopt};
  return IssuedToken{current_->value, current_->expires_at};
}

std::optional<IssuedToken> TokenBook::current_if_fresh(UnixSeconds now) const {
  if (!current_ || current_->expires_at - now < stable_renew_before_s) return std::nullopt;
  return IssuedToken{current_->value, current_->expires_at};
}

TokenCheck TokenBook::check_entry(const Entry& entry, UnixSeconds now) noexcept {
  if (entry.usable_until && now >= *entry.usable_until) return TokenCheck::invalid;
  if (now >= entry.expires_at) return TokenCheck::expired;
  return TokenCheck::valid;
}

TokenCheck TokenBook::check(std::string_view token, UnixSeconds now) const noexcept {
  if (token.empty()) return TokenCheck::invalid;
  if (current_ && current_->value == token) return check_entry(*current_, now);
  if (previous_ && previous_->value == token) return check_entry(*previous_, now);
  return TokenCheck::invalid;
}

std::optional<std::string> TokenBook::previous_value() const {
  if (!previous_) return std::nullopt;
  return previous_->value;
}

void TokenBook::expire_issued_before(UnixSeconds issued_before, UnixSeconds now) noexcept {
  for (std::optional<Entry>* entry : {&current_, &previous_}) {
    if (*entry && (*entry)->issued_at < issued_before) (*entry)->expires_at = std::min((*entry)->expires_at, now);
  }
}

}  // namespace wxlived::fakewx
