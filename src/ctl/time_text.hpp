#pragma once
// Times as wxlivectl reads and prints them: the admin API's text, so that
// `wxlivectl ... --json` and /v1/... agree.
#include "wxlived/admin/time_text.hpp"

namespace wxlived::ctl {

using admin::beijing_day;
using admin::format_seconds;
using admin::format_utc;
using admin::now_unix_ms;
using admin::parse_time;
using admin::status_name;

}  // namespace wxlived::ctl
