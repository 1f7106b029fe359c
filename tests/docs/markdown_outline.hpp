#pragma once
// A Markdown document read by cmark (the CommonMark reference parser) into
// what a translation must keep: its sections (one per heading, plus the text
// before the first), and in each the code blocks, inline code spans, link
// destinations and HTML comments. The prose itself is left out on purpose:
// it is what a translator changes.

#include <string>
#include <string_view>
#include <vector>

namespace wxlived::docs {

struct CodeBlock {
  std::string info;     // the fence's language tag; "" for an indented block
  bool fenced = false;  // ``` or ~~~ (an indented block stays indented)
  std::string code;
  int line = 0;
};

struct Section {
  int level = 0;  // 0 for the text before the first heading
  std::string title;
  int line = 0;
  std::vector<CodeBlock> code_blocks;
  std::vector<std::string> inline_code;  // in document order, repeats kept
  std::vector<std::string> links;        // destinations as written (links and images)
  std::vector<std::string> html;         // HTML blocks and inline HTML, as written
};

struct Outline {
  std::vector<Section> sections;  // sections[0] is the text before the first heading
};

Outline read_outline(std::string_view markdown);

// GitHub's anchor for each heading (sections[1..]; duplicates get -1, -2, ...),
// index-aligned with outline.sections (sections[0] has "").
std::vector<std::string> heading_anchors(const Outline& outline);

// GitHub's anchor of one heading text, before the de-duplication.
std::string anchor_of(std::string_view heading_text);

}  // namespace wxlived::docs
