#include "translation_check.hpp"

#include "markdown_outline.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

namespace wxlived::docs {
namespace {

enum class CommentStyle { none, hash, slashes };

CommentStyle comment_style(std::string_view info) {
  const std::string_view language = info.substr(0, info.find(' '));
  static const std::set<std::string_view> hash{"sh", "bash", "shell", "toml", "yaml", "yml", "python", "py", "ini"};
  static const std::set<std::string_view> slashes{"go", "javascript", "js", "typescript", "ts", "c", "cpp"};
  if (hash.contains(language)) return CommentStyle::hash;
  if (slashes.contains(language)) return CommentStyle::slashes;
  return CommentStyle::none;
}

// Where the line's comment starts (npos for none): outside quotes, and for
// '#' at the line's start or after a blank (so $# and URL fragments stay code).
std::size_t comment_start(std::string_view line, CommentStyle style) {
  char quote = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quote != 0) {
      if (c == '\\' && quote != '\'') ++i;
      else if (c == quote) quote = 0;
      continue;
    }
    if (c == '"' || c == '\'' || (c == '`' && style == CommentStyle::slashes)) {
      quote = c;
    } else if (style == CommentStyle::hash && c == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) {
      return i;
    } else if (style == CommentStyle::slashes && c == '/' && i + 1 < line.size() && line[i + 1] == '/') {
      return i;
    }
  }
  return std::string_view::npos;
}

std::string in_quotes(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string heading_text(const Section& s) {
  if (s.level == 0) return "(before the first heading)";
  return std::string(static_cast<std::size_t>(s.level), '#') + " " + s.title;
}

std::string section_name(const Section& english, const Section& chinese) {
  return "section " + in_quotes(heading_text(english)) + " (English line " + std::to_string(english.line) +
         ", Chinese line " + std::to_string(chinese.line) + ")";
}

// Resolves a link to what it points at, in English terms: "path" or
// "path#heading N" (N the heading's index, the same in both languages), or
// an absolute URL as it is. A broken link or anchor is a difference itself.
class LinkResolver {
 public:
  explicit LinkResolver(const ReadFile& read) : read_(read) {}

  std::string resolve(const std::string& from, const std::string& url, std::vector<std::string>& problems) {
    if (url.find("://") != std::string::npos || url.starts_with("mailto:")) return url;
    const auto hash = url.find('#');
    const std::string path_part = url.substr(0, hash);
    std::string target = from;
    if (!path_part.empty()) {
      target = (std::filesystem::path(from).parent_path() / path_part).lexically_normal().generic_string();
      if (target.ends_with('/')) target.pop_back();
    }
    const auto text = read_(target);
    if (!text) {
      problems.push_back(from + ": link " + in_quotes(url) + " points at " + target + ", which does not exist");
      return url;
    }
    std::string resolved = english_counterpart(target);
    if (hash == std::string::npos) return resolved;
    const std::string fragment = url.substr(hash + 1);
    const auto anchors = heading_anchors(outline(target, *text));
    const auto found = std::find(anchors.begin() + 1, anchors.end(), fragment);
    if (found == anchors.end()) {
      problems.push_back(from + ": link " + in_quotes(url) + ": " + target + " has no heading with that anchor");
      return url;
    }
    return resolved + "#heading " + std::to_string(found - anchors.begin());
  }

 private:
  const Outline& outline(const std::string& path, const std::string& text) {
    auto [at, added] = outlines_.try_emplace(path);
    if (added) at->second = read_outline(text);
    return at->second;
  }

  const ReadFile& read_;
  std::map<std::string, Outline> outlines_;
};

void compare_headings(const Outline& en, const Outline& zh, const DocumentFile& english,
                      std::vector<std::string>& out) {
  std::map<int, int> en_count, zh_count;
  for (std::size_t i = 1; i < en.sections.size(); ++i) ++en_count[en.sections[i].level];
  for (std::size_t i = 1; i < zh.sections.size(); ++i) ++zh_count[zh.sections[i].level];
  for (int level = 1; level <= 6; ++level) {
    if (en_count[level] != zh_count[level]) {
      out.push_back(english.path + ": " + std::to_string(en_count[level]) + " level-" + std::to_string(level) +
                    " headings in English, " + std::to_string(zh_count[level]) + " in Chinese");
    }
  }
  const std::size_t common = std::min(en.sections.size(), zh.sections.size());
  for (std::size_t i = 1; i < common; ++i) {
    if (en.sections[i].level != zh.sections[i].level) {
      out.push_back(english.path + ": heading " + std::to_string(i) + ", English " +
                    section_name(en.sections[i], zh.sections[i]) + " is level " +
                    std::to_string(en.sections[i].level) + ", the Chinese heading there (" +
                    in_quotes(zh.sections[i].title) + ") is level " + std::to_string(zh.sections[i].level) +
                    ": translate or remove the section to match");
      return;
    }
  }
  for (std::size_t i = common; i < en.sections.size(); ++i) {
    out.push_back(english.path + ": section " + in_quotes(heading_text(en.sections[i])) + " (English line " +
                  std::to_string(en.sections[i].line) + ") has no Chinese counterpart");
  }
  for (std::size_t i = common; i < zh.sections.size(); ++i) {
    out.push_back(english.path + ": the Chinese section " + in_quotes(heading_text(zh.sections[i])) + " (line " +
                  std::to_string(zh.sections[i].line) + ") has no English original");
  }
}

void compare_code_blocks(const std::string& where, const Section& en, const Section& zh,
                         std::vector<std::string>& out) {
  if (en.code_blocks.size() != zh.code_blocks.size()) {
    out.push_back(where + ": " + std::to_string(en.code_blocks.size()) + " code blocks in English, " +
                  std::to_string(zh.code_blocks.size()) + " in Chinese");
    return;
  }
  for (std::size_t i = 0; i < en.code_blocks.size(); ++i) {
    const CodeBlock& a = en.code_blocks[i];
    const CodeBlock& b = zh.code_blocks[i];
    const std::string block = "code block " + std::to_string(i + 1) + " (English line " + std::to_string(a.line) +
                              ", Chinese line " + std::to_string(b.line) + ")";
    if (a.info != b.info || a.fenced != b.fenced) {
      out.push_back(where + ": " + block + " is " + (a.fenced ? "fenced " + in_quotes(a.info) : "indented") +
                    " in English, " + (b.fenced ? "fenced " + in_quotes(b.info) : "indented") + " in Chinese");
      continue;
    }
    const auto en_lines = code_without_comments(a.info, a.code);
    const auto zh_lines = code_without_comments(b.info, b.code);
    const auto [x, y] = std::mismatch(en_lines.begin(), en_lines.end(), zh_lines.begin(), zh_lines.end());
    if (x != en_lines.end() || y != zh_lines.end()) {
      out.push_back(where + ": " + block + " differs beyond its comments: English " +
                    (x == en_lines.end() ? "ends" : "has " + in_quotes(*x)) + " where Chinese " +
                    (y == zh_lines.end() ? "ends" : "has " + in_quotes(*y)));
    }
  }
}

void compare_sets(const std::string& where, const std::string& what, const std::multiset<std::string>& en,
                  const std::multiset<std::string>& zh, std::vector<std::string>& out) {
  std::vector<std::string> missing, extra;
  std::set_difference(en.begin(), en.end(), zh.begin(), zh.end(), std::back_inserter(missing));
  std::set_difference(zh.begin(), zh.end(), en.begin(), en.end(), std::back_inserter(extra));
  for (const auto& m : missing) out.push_back(where + ": " + what + " " + in_quotes(m) + " is missing from the Chinese");
  for (const auto& e : extra) out.push_back(where + ": " + what + " " + in_quotes(e) + " is not in the English");
}

void compare_section(const std::string& where, const Section& en, const Section& zh, const DocumentFile& english,
                     const DocumentFile& chinese, LinkResolver& links, std::vector<std::string>& out) {
  compare_code_blocks(where, en, zh, out);
  // Inline code counts as a set (a translation may name a key once more or
  // less); links count each one, as a reader follows each.
  const std::set<std::string> en_code(en.inline_code.begin(), en.inline_code.end());
  const std::set<std::string> zh_code(zh.inline_code.begin(), zh.inline_code.end());
  compare_sets(where, "inline code", {en_code.begin(), en_code.end()}, {zh_code.begin(), zh_code.end()}, out);
  std::multiset<std::string> en_links, zh_links;
  for (const auto& url : en.links) en_links.insert(links.resolve(english.path, url, out));
  for (const auto& url : zh.links) zh_links.insert(links.resolve(chinese.path, url, out));
  compare_sets(where, "link to", en_links, zh_links, out);
  compare_sets(where, "HTML", {en.html.begin(), en.html.end()}, {zh.html.begin(), zh.html.end()}, out);
}

}  // namespace

std::string english_counterpart(const std::string& path) {
  if (path == "README.zh-CN.md") return "README.md";
  if (path.starts_with("docs/zh-CN/")) return "docs/" + path.substr(std::string("docs/zh-CN/").size());
  return path;
}

std::vector<std::string> code_without_comments(std::string_view info, std::string_view code) {
  const CommentStyle style = comment_style(info);
  std::vector<std::string> lines;
  std::istringstream in{std::string(code)};
  for (std::string line; std::getline(in, line);) {
    if (style != CommentStyle::none) line = line.substr(0, comment_start(line, style));
    line.erase(line.find_last_not_of(" \t") + 1);
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

std::vector<std::string> compare_translation(const DocumentFile& english, const DocumentFile& chinese,
                                             const ReadFile& read) {
  const Outline en = read_outline(english.text);
  const Outline zh = read_outline(chinese.text);
  std::vector<std::string> out;
  compare_headings(en, zh, english, out);
  if (!out.empty()) return out;  // sections no longer pair up: fix the structure first
  LinkResolver links(read);
  for (std::size_t i = 0; i < en.sections.size(); ++i) {
    const std::string where = english.path + ", " + section_name(en.sections[i], zh.sections[i]);
    compare_section(where, en.sections[i], zh.sections[i], english, chinese, links, out);
  }
  return out;
}

}  // namespace wxlived::docs
