#pragma once
// Text from outside (room names from WeChat, receivers' error excerpts) is
// shown on an operator's terminal only with its control characters made
// visible: a room name holding ESC[2J, an OSC title or an OSC 52 clipboard
// write must not act on the terminal. JSON output escapes them already.
#include <string>
#include <string_view>

namespace wxlived::ctl {

// C0 controls (tab and newline included: they would break a table's lines),
// DEL and the C1 controls (U+0080..U+009F) as \xNN / \u00NN; all else as is.
std::string terminal_safe(std::string_view text);

}  // namespace wxlived::ctl
