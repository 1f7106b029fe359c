#include "wxlived/log/redactor.hpp"

#include <algorithm>
#include <cctype>
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

void replace_all(std::string& text, std::string_view needle) {
  std::size_t pos = text.find(needle);
  while (pos != std::string::npos) {
    text.replace(pos, needle.size(), redacted_mark);
    pos = text.find(needle, pos + redacted_mark.size());
  }
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
  if (std::find(secrets_.begin(), secrets_.end(), secret) == secrets_.end()) {
    secrets_.push_back(std::move(secret));
    rebuild_needles();
  }
  return true;
}

void Redactor::remove_secret(std::string_view secret) {
  std::unique_lock lock(mutex_);
  std::erase(secrets_, secret);
  rebuild_needles();
}

void Redactor::set_secrets(std::vector<std::string> secrets) {
  std::erase_if(secrets, [](const std::string& s) { return s.size() < min_secret_length; });
  std::sort(secrets.begin(), secrets.end());
  secrets.erase(std::unique(secrets.begin(), secrets.end()), secrets.end());
  std::unique_lock lock(mutex_);
  secrets_ = std::move(secrets);
  rebuild_needles();
}

bool Redactor::add_runtime_secret(const std::string& secret) {
  if (secret.size() < min_secret_length) return false;
  std::unique_lock lock(mutex_);
  if (++runtime_[secret] == 1) rebuild_needles();
  return true;
}

void Redactor::remove_runtime_secret(const std::string& secret) {
  std::unique_lock lock(mutex_);
  const auto it = runtime_.find(secret);
  if (it == runtime_.end() || --it->second > 0) return;
  runtime_.erase(it);
  rebuild_needles();
}

void Redactor::clear() {
  std::unique_lock lock(mutex_);
  secrets_.clear();
  runtime_.clear();
  rebuild_needles();
}

std::size_t Redactor::secret_count() const {
  std::shared_lock lock(mutex_);
  std::size_t n = secrets_.size();
  for (const auto& [value, holders] : runtime_) n += std::find(secrets_.begin(), secrets_.end(), value) == secrets_.end();
  return n;
}

void Redactor::rebuild_needles() {
  std::vector<std::string> all = secrets_;
  for (const auto& [value, holders] : runtime_) all.push_back(value);
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  needles_.clear();
  for (auto& secret : all) {
    if (auto encoded = percent_encoded(secret); encoded != secret) needles_.push_back(std::move(encoded));
    needles_.push_back(std::move(secret));
  }
  std::sort(needles_.begin(), needles_.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

std::string Redactor::redact(std::string_view text) const {
  std::string out(text);
  {
    std::shared_lock lock(mutex_);
    for (const auto& needle : needles_) replace_all(out, needle);
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
