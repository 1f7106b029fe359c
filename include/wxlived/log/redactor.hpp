#pragma once
// Keeps secrets out of log lines, error messages and CLI output.
//
// Two layers: a registry of known secret values, each replaced by "***"
// wherever it appears; and a pattern layer that masks access_token values in
// URLs and JSON bodies even when the token is not (or no longer) registered.
//
// The registry has two parts that never overwrite each other: the configured
// secrets (app and webhook secrets; replaced whole by a reload) and the
// runtime secrets (the access tokens held right now; counted per holder, so
// two holders of one token do not unmask it for each other).
#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace wxlived::log {

inline constexpr std::string_view redacted_mark = "***";

class Redactor {
 public:
  // Shorter values are ignored: masking "ab" would mask half of every line.
  static constexpr std::size_t min_secret_length = 4;

  // Configured secrets. add_secret returns false (and registers nothing)
  // when the secret is too short.
  bool add_secret(std::string secret);
  void remove_secret(std::string_view secret);
  // Replaces the configured secrets (a config reload); runtime ones stay.
  void set_secrets(std::vector<std::string> secrets);

  // Runtime secrets: masked from the first add until as many removes.
  bool add_runtime_secret(const std::string& secret);
  void remove_runtime_secret(const std::string& secret);

  void clear();  // both parts
  std::size_t secret_count() const;  // distinct values masked

  std::string redact(std::string_view text) const;

 private:
  // Caller holds the unique lock. A secret gives one or two needles: itself
  // and its percent-encoded form (a secret inside a URL).
  void add_needles(const std::string& secret);
  void remove_needles(const std::string& secret);
  void add_needle(std::string needle);
  void remove_needle(const std::string& needle);

  mutable std::shared_mutex mutex_;
  std::set<std::string, std::less<>> secrets_;       // configured
  std::map<std::string, int, std::less<>> runtime_;  // value -> holders
  // Every needle, with how many registered values give it (a value both
  // configured and held at runtime gives it twice).
  std::map<std::string, int, std::less<>> needles_;
  // The needles by their first min_secret_length bytes, longest first:
  // redact() looks each position of the text up once, instead of searching
  // the text once per needle (a daemon with 10,000 apps holds 10,000 app
  // secrets and as many access tokens). Views into needles_' keys.
  std::unordered_map<std::uint32_t, std::vector<std::string_view>> by_prefix_;
};

// `access_token=X` in URLs and `"access_token":"X"` in JSON become `=***` /
// `"***"`; keys ending in access_token (component_access_token) too.
std::string mask_access_tokens(std::string_view text);

// The registry the log output uses; the daemon registers its secrets here.
Redactor& process_redactor();
// process_redactor().redact(text), for error messages and CLI output.
std::string redact(std::string_view text);

}  // namespace wxlived::log
