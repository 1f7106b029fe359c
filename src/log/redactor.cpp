#include "wxlived/log/redactor.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <mutex>

namespace wxlived::log {
namespace {

constexpr std::string_view token_key = "access_token";

bool is_unreserved(unsigned char c) noexcept {
  return std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~';
}

// How the secret looks after URL query encoding (base64 secrets carry + / =).
std::string percent_encoded(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c)) {
      out += ch;
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0x0F];
    }
  }
  return out;
}

std::uint32_t prefix_key(std::string_view text, std::size_t at) noexcept {
  static_assert(Redactor::min_secret_length == sizeof(std::uint32_t));
  std::uint32_t key = 0;
  std::memcpy(&key, text.data() + at, sizeof key);
  return key;
}

std::size_t find_token_key(std::string_view text, std::size_t from) noexcept {
  const auto it = std::search(text.begin() + static_cast<std::ptrdiff_t>(from), text.end(), token_key.begin(),
                              token_key.end(), [](char a, char b) {
                                return std::tolower(static_cast<unsigned char>(a)) == b;
                              });
  return it == text.end() ? std::string_view::npos : static_cast<std::size_t>(it - text.begin());
}

// Characters that end a query value: tokens are URL-safe, so stopping early
// never leaks a part of one.
bool ends_query_value(char c) noexcept {
  return std::string_view("&#\"'<>\\,;)]} \t\r\n").find(c) != std::string_view::npos;
}

std::size_t skip_spaces(std::string_view text, std::size_t i) noexcept {
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
  return i;
}

// If a JSON string value for the key ends at `i` (`":"X"` or, inside an
// escaped JSON string, `\":\"X\"`), returns [start, end) of X.
bool find_json_value(std::string_view text, std::size_t i, std::size_t& start, std::size_t& end) noexcept {
  if (i < text.size() && text[i] == '\\') ++i;
  if (i >= text.size() || text[i] != '"') return false;
  i = skip_spaces(text, i + 1);
  if (i >= text.size() || text[i] != ':') return false;
  i = skip_spaces(text, i + 1);
  if (i < text.size() && text[i] == '\\') ++i;
  if (i >= text.size() || text[i] != '"') return false;
  start = i + 1;
  end = start;
  while (end < text.size() && text[end] != '"' && text[end] != '\\') ++end;
  return true;
}

}  // namespace

bool Redactor::add_secret(std::string secret) {
  if (secret.size() < min_secret_length) return false;
  std::unique_lock lock(mutex_);
  if (const auto [it, inserted] = secrets_.insert(std::move(secret)); inserted) add_needles(*it);
  return true;
}

void Redactor::remove_secret(std::string_view secret) {
  std::unique_lock lock(mutex_);
  const auto it = secrets_.find(secret);
  if (it == secrets_.end()) return;
  remove_needles(*it);
  secrets_.erase(it);
}

void Redactor::set_secrets(std::vector<std::string> secrets) {
  std::unique_lock lock(mutex_);
  for (const std::string& old : secrets_) remove_needles(old);
  secrets_.clear();
  for (std::string& secret : secrets) {
    if (secret.size() < min_secret_length) continue;
    if (const auto [it, inserted] = secrets_.insert(std::move(secret)); inserted) add_needles(*it);
  }
}

bool Redactor::add_runtime_secret(const std::string& secret) {
  if (secret.size() < min_secret_length) return false;
  std::unique_lock lock(mutex_);
  if (++runtime_[secret] == 1) add_needles(secret);
  return true;
}

void Redactor::remove_runtime_secret(const std::string& secret) {
  std::unique_lock lock(mutex_);
  const auto it = runtime_.find(secret);
  if (it == runtime_.end() || --it->second > 0) return;
  remove_needles(it->first);
  runtime_.erase(it);
}

void Redactor::clear() {
  std::unique_lock lock(mutex_);
  secrets_.clear();
  runtime_.clear();
  by_prefix_.clear();
  needles_.clear();
}

std::size_t Redactor::secret_count() const {
  std::shared_lock lock(mutex_);
  std::size_t n = secrets_.size();
  for (const auto& [value, holders] : runtime_) n += !secrets_.contains(value);
  return n;
}

void Redactor::add_needles(const std::string& secret) {
  if (auto encoded = percent_encoded(secret); encoded != secret) add_needle(std::move(encoded));
  add_needle(secret);
}

void Redactor::remove_needles(const std::string& secret) {
  if (const auto encoded = percent_encoded(secret); encoded != secret) remove_needle(encoded);
  remove_needle(secret);
}

void Redactor::add_needle(std::string needle) {
  const auto [it, inserted] = needles_.try_emplace(std::move(needle), 0);
  if (++it->second > 1) return;
  const std::string_view view = it->first;
  auto& bucket = by_prefix_[prefix_key(view, 0)];
  // Longest first, so that a secret containing another is masked whole.
  const auto at = std::find_if(bucket.begin(), bucket.end(), [&](std::string_view n) { return n.size() < view.size(); });
  bucket.insert(at, view);
}

void Redactor::remove_needle(const std::string& needle) {
  const auto it = needles_.find(needle);
  if (it == needles_.end() || --it->second > 0) return;
  const auto bucket = by_prefix_.find(prefix_key(it->first, 0));
  if (bucket != by_prefix_.end()) {
    std::erase_if(bucket->second, [&](std::string_view n) { return n.data() == it->first.data(); });
    if (bucket->second.empty()) by_prefix_.erase(bucket);
  }
  needles_.erase(it);
}

std::string Redactor::redact(std::string_view text) const {
  std::string out;
  out.reserve(text.size());
  {
    std::shared_lock lock(mutex_);
    // One pass: at each position the longest needle starting there (so a
    // secret containing another is masked whole); occurrences that overlap
    // are masked together, so no part of either shows.
    std::size_t copied = 0;   // text[0, copied) is in out
    std::size_t masked = 0;   // the current masked run ends here
    bool in_mask = false;
    if (!by_prefix_.empty()) {
      for (std::size_t i = 0; i + min_secret_length <= text.size(); ++i) {
        const auto bucket = by_prefix_.find(prefix_key(text, i));
        if (bucket == by_prefix_.end()) continue;
        for (const std::string_view needle : bucket->second) {
          if (!text.substr(i).starts_with(needle)) continue;
          if (in_mask && i < masked) {
            masked = std::max(masked, i + needle.size());
          } else {
            if (in_mask) {
              out += redacted_mark;
              copied = masked;
            }
            out.append(text, copied, i - copied);
            in_mask = true;
            masked = i + needle.size();
          }
          break;
        }
      }
    }
    if (in_mask) {
      out += redacted_mark;
      copied = masked;
    }
    out.append(text, copied);
  }
  if (find_token_key(out, 0) == std::string_view::npos) return out;
  return mask_access_tokens(out);
}

std::string mask_access_tokens(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t copied = 0;  // text[0, copied) is already in out
  std::size_t key = find_token_key(text, 0);
  while (key != std::string_view::npos) {
    const std::size_t after = key + token_key.size();
    std::size_t start = 0;
    std::size_t end = 0;
    bool found = false;
    if (after < text.size() && text[after] == '=') {
      start = after + 1;
      end = start;
      while (end < text.size() && !ends_query_value(text[end])) ++end;
      found = true;
    } else {
      found = find_json_value(text, after, start, end);
    }
    if (found && end > start) {
      out.append(text, copied, start - copied);
      out += redacted_mark;
      copied = end;
    }
    key = find_token_key(text, found ? std::max(end, after) : after);
  }
  out.append(text, copied);
  return out;
}

Redactor& process_redactor() {
  // Never destroyed: logging from other static destructors stays safe.
  static Redactor& instance = *new Redactor;
  return instance;
}

std::string redact(std::string_view text) { return process_redactor().redact(text); }

}  // namespace wxlived::log
