#include "markdown_outline.hpp"

#include <cmark.h>

#include <cstdint>
#include <map>
#include <memory>

namespace wxlived::docs {
namespace {

using NodePtr = std::unique_ptr<cmark_node, decltype(&cmark_node_free)>;
using IterPtr = std::unique_ptr<cmark_iter, decltype(&cmark_iter_free)>;

std::string text_of(cmark_node* node) {
  const char* s = cmark_node_get_literal(node);
  return s == nullptr ? std::string() : std::string(s);
}

// A heading's plain text: its text and code spans, without the markup.
std::string plain_text(cmark_node* heading) {
  std::string out;
  IterPtr iter(cmark_iter_new(heading), &cmark_iter_free);
  for (auto ev = cmark_iter_next(iter.get()); ev != CMARK_EVENT_DONE; ev = cmark_iter_next(iter.get())) {
    cmark_node* node = cmark_iter_get_node(iter.get());
    if (ev != CMARK_EVENT_ENTER) continue;
    switch (cmark_node_get_type(node)) {
      case CMARK_NODE_TEXT:
      case CMARK_NODE_CODE:
        out += text_of(node);
        break;
      case CMARK_NODE_SOFTBREAK:
      case CMARK_NODE_LINEBREAK:
        out += ' ';
        break;
      default:
        break;
    }
  }
  return out;
}

// cmark 0.30 does not say whether a block was fenced: its first source line does.
bool starts_fenced(std::string_view markdown, int line) {
  std::size_t at = 0;
  for (int n = 1; n < line && at != std::string_view::npos; ++n) {
    at = markdown.find('\n', at);
    if (at != std::string_view::npos) ++at;
  }
  if (at == std::string_view::npos) return false;
  const auto text = markdown.substr(at, markdown.find('\n', at) - at);
  const auto first = text.find_first_not_of(' ');
  return first != std::string_view::npos && (text.substr(first).starts_with("```") || text.substr(first).starts_with("~~~"));
}

void add_node(Outline& outline, cmark_node* node, std::string_view markdown) {
  Section& section = outline.sections.back();
  switch (cmark_node_get_type(node)) {
    case CMARK_NODE_CODE_BLOCK: {
      const char* info = cmark_node_get_fence_info(node);
      const int line = cmark_node_get_start_line(node);
      section.code_blocks.push_back({info == nullptr ? "" : info, starts_fenced(markdown, line), text_of(node), line});
      break;
    }
    case CMARK_NODE_CODE:
      section.inline_code.push_back(text_of(node));
      break;
    case CMARK_NODE_LINK:
    case CMARK_NODE_IMAGE: {
      const char* url = cmark_node_get_url(node);
      section.links.emplace_back(url == nullptr ? "" : url);
      break;
    }
    case CMARK_NODE_HTML_BLOCK:
    case CMARK_NODE_HTML_INLINE:
      section.html.push_back(text_of(node));
      break;
    default:
      break;
  }
}

bool is_punctuation(char32_t c) {
  return (c >= 0x00A0 && c <= 0x00BF) || c == 0x00D7 || c == 0x00F7 || (c >= 0x2000 && c <= 0x206F) ||
         (c >= 0x2190 && c <= 0x2BFF) || (c >= 0x3000 && c <= 0x303F) || (c >= 0xFF01 && c <= 0xFF0F) ||
         (c >= 0xFF1A && c <= 0xFF20) || (c >= 0xFF3B && c <= 0xFF40) || (c >= 0xFF5B && c <= 0xFF65);
}

// The UTF-8 sequence at text[at] as a code point, and its length.
std::pair<char32_t, std::size_t> decode(std::string_view text, std::size_t at) {
  const auto lead = static_cast<unsigned char>(text[at]);
  const std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
  if (length == 1 || at + length > text.size()) return {lead, 1};
  char32_t c = lead & (0x7F >> length);
  for (std::size_t i = 1; i < length; ++i) c = (c << 6) | (static_cast<unsigned char>(text[at + i]) & 0x3F);
  return {c, length};
}

}  // namespace

Outline read_outline(std::string_view markdown) {
  Outline outline;
  outline.sections.emplace_back();
  NodePtr document(cmark_parse_document(markdown.data(), markdown.size(), CMARK_OPT_DEFAULT), &cmark_node_free);
  IterPtr iter(cmark_iter_new(document.get()), &cmark_iter_free);
  for (auto ev = cmark_iter_next(iter.get()); ev != CMARK_EVENT_DONE; ev = cmark_iter_next(iter.get())) {
    if (ev != CMARK_EVENT_ENTER) continue;
    cmark_node* node = cmark_iter_get_node(iter.get());
    if (cmark_node_get_type(node) == CMARK_NODE_HEADING) {
      outline.sections.push_back(
          {cmark_node_get_heading_level(node), plain_text(node), cmark_node_get_start_line(node), {}, {}, {}, {}});
    }
    add_node(outline, node, markdown);  // a heading's own code spans and links belong to its section
  }
  return outline;
}

// GitHub (github-slugger): lower case, punctuation and symbols dropped,
// spaces to '-'; letters of any script kept.
std::string anchor_of(std::string_view heading_text) {
  std::string anchor;
  for (std::size_t at = 0; at < heading_text.size();) {
    const auto [c, length] = decode(heading_text, at);
    if (c < 0x80) {
      const char ascii = static_cast<char>(c);
      if ((ascii >= 'a' && ascii <= 'z') || (ascii >= '0' && ascii <= '9') || ascii == '_' || ascii == '-') {
        anchor += ascii;
      } else if (ascii >= 'A' && ascii <= 'Z') {
        anchor += static_cast<char>(ascii - 'A' + 'a');
      } else if (ascii == ' ') {
        anchor += '-';
      }
    } else if (!is_punctuation(c)) {
      anchor += heading_text.substr(at, length);
    }
    at += length;
  }
  return anchor;
}

std::vector<std::string> heading_anchors(const Outline& outline) {
  std::vector<std::string> anchors{""};
  std::map<std::string, int> seen;
  for (std::size_t i = 1; i < outline.sections.size(); ++i) {
    std::string anchor = anchor_of(outline.sections[i].title);
    if (const int n = seen[anchor]++; n > 0) anchor += "-" + std::to_string(n);
    anchors.push_back(anchor);
  }
  return anchors;
}

}  // namespace wxlived::docs
