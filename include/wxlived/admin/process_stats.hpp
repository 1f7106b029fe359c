#pragma once
// The process's own resource figures, read from /proc the way Prometheus'
// Go and Python client libraries read them for their process_* metrics, so
// that dashboards and alerts written for those work unchanged:
//   process_cpu_seconds_total      counter  utime + stime (/proc/self/stat)
//   process_resident_memory_bytes  gauge    rss pages x page size (/proc/self/stat)
//   process_virtual_memory_bytes   gauge    vsize (/proc/self/stat)
//   process_open_fds               gauge    entries of /proc/self/fd
//   process_max_fds                gauge    the soft RLIMIT_NOFILE
//   process_start_time_seconds     gauge    boot time (/proc/stat btime) + starttime
#include <optional>

#include <prometheus/registry.h>

namespace wxlived::admin {

struct ProcessStats {
  double cpu_seconds = 0;
  double resident_memory_bytes = 0;
  double virtual_memory_bytes = 0;
  double open_fds = 0;
  double max_fds = 0;
  double start_time_seconds = 0;  // unix time
};

// nullopt when /proc cannot be read (not Linux, or /proc not mounted).
std::optional<ProcessStats> read_process_stats();

// The six process_* families above, added to `registry` (a scrape's own).
// Nothing is added when /proc cannot be read.
void add_process_metrics(prometheus::Registry& registry);

}  // namespace wxlived::admin
