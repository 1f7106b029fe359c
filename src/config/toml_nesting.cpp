#include "toml_nesting.hpp"

#include <utility>

namespace wxlived::config {
namespace {

// Walks the text once with the few states TOML's lexer needs to tell
// structure from string content.
class NestingScan {
 public:
  NestingScan(std::string_view text, int limit) : text_(text), limit_(limit) {}

  std::optional<TomlNestingProblem> run() {
    while (i_ < text_.size() && !problem_) step();
    return problem_;
  }

 private:
  void step() {
    const char c = text_[i_];
    if (c == '\n') {
      ++line_;
      at_line_start_ = true;
      in_key_ = open_.empty();  // a new line inside an array is still a value
      key_parts_ = 1;
      header_ = false;
      ++i_;
      return;
    }
    if (c == '#') return skip_comment();
    if (c == '"' || c == '\'') return skip_string(c);
    if (c == ' ' || c == '\t' || c == '\r') {
      ++i_;
      return;
    }
    const bool line_start = std::exchange(at_line_start_, false);
    if (line_start && c == '[' && open_.empty()) {
      header_ = true;  // [table] or [[array]]: its key is what counts
      ++i_;
      return;
    }
    if (in_key_ && c == '.') {
      if (++key_parts_ > limit_) fail("a key with more than " + std::to_string(limit_) + " dotted parts");
    } else if (c == '=' && !header_) {
      in_key_ = false;
    } else if (!header_ && (c == '[' || c == '{')) {
      open_.push_back(c);
      if (static_cast<int>(open_.size()) > limit_)
        fail("arrays or inline tables nested deeper than " + std::to_string(limit_) + " levels");
      in_key_ = c == '{';  // an inline table starts with a key
      key_parts_ = 1;
    } else if (!header_ && (c == ']' || c == '}')) {
      if (!open_.empty()) open_.pop_back();
      in_key_ = false;
    } else if (c == ',' && !open_.empty()) {
      in_key_ = open_.back() == '{';
      key_parts_ = 1;
    }
    ++i_;
  }

  void skip_comment() {
    while (i_ < text_.size() && text_[i_] != '\n') ++i_;
  }

  // Basic and literal strings, one-line or multi-line (three quotes).
  void skip_string(char quote) {
    at_line_start_ = false;
    const bool multi = text_.substr(i_, 3) == std::string(3, quote);
    i_ += multi ? 3 : 1;
    while (i_ < text_.size()) {
      const char c = text_[i_];
      if (c == '\n') {
        ++line_;
        if (!multi) return;  // an unterminated string: the parser says so
      }
      if (quote == '"' && c == '\\') {
        i_ += 2;
        continue;
      }
      if (c == quote && (!multi || text_.substr(i_, 3) == std::string(3, quote))) {
        i_ += multi ? 3 : 1;
        while (multi && i_ < text_.size() && text_[i_] == quote) ++i_;  // up to two quotes end the content
        return;
      }
      ++i_;
    }
  }

  void fail(std::string message) { problem_ = TomlNestingProblem{line_, std::move(message)}; }

  std::string_view text_;
  int limit_;
  std::size_t i_ = 0;
  int line_ = 1;
  std::string open_;  // the [ and { of values still open
  int key_parts_ = 1;  // dotted parts of the key being read
  bool in_key_ = true;
  bool header_ = false;
  bool at_line_start_ = true;
  std::optional<TomlNestingProblem> problem_;
};

}  // namespace

std::optional<TomlNestingProblem> toml_nesting_problem(std::string_view text, int limit) {
  return NestingScan(text, limit).run();
}

}  // namespace wxlived::config
