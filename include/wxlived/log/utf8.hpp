#pragma once
// Log lines must be valid UTF-8: JSON requires it and journald stores a line
// with invalid bytes as an unreadable blob.
#include <string>

namespace wxlived::log {

// Replaces each invalid byte (bad lead, overlong, surrogate, > U+10FFFF,
// truncated sequence) with U+FFFD; valid text is returned unchanged.
std::string valid_utf8(std::string text);

}  // namespace wxlived::log
