#pragma once
// Whether a translated Markdown document keeps its English original's
// structure: the same headings at each level in the same order, and in each
// section the same code blocks (apart from their comments), the same inline
// code spans, the same links (to the same files and headings, the Chinese
// one pointing at Chinese counterparts) and the same HTML comments. Every
// difference is reported with the section it is in, so an English change
// made without its translation names what to translate.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wxlived::docs {

struct DocumentFile {
  std::string path;  // relative to the repository's root, '/'-separated
  std::string text;
};

// A file's text by its repository-relative path; "" for a folder, nullopt
// when there is nothing there.
using ReadFile = std::function<std::optional<std::string>(const std::string& path)>;

// The English original of a translated path (README.zh-CN.md -> README.md,
// docs/zh-CN/X -> docs/X); any other path is its own.
std::string english_counterpart(const std::string& path);

// The code's lines with comments removed ('#' in shell, TOML, YAML, Python;
// '//' in Go, JavaScript), trailing blanks trimmed and empty lines dropped.
// Other languages and untagged blocks (output, JSON) are kept whole.
std::vector<std::string> code_without_comments(std::string_view info, std::string_view code);

// Every difference, each naming its section; empty when the two agree.
std::vector<std::string> compare_translation(const DocumentFile& english, const DocumentFile& chinese,
                                             const ReadFile& read);

}  // namespace wxlived::docs
