#include "wxlived/admin/process_stats.hpp"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>

namespace wxlived::admin {

namespace {

std::optional<std::string> read_text(const char* path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The fields of /proc/self/stat after the command name, which is in
// parentheses and may itself hold spaces and parentheses: split after the
// last ')'. fields[0] is field 3 of proc(5) (state).
std::optional<std::vector<std::string>> stat_fields() {
  const auto text = read_text("/proc/self/stat");
  if (!text) return std::nullopt;
  const auto close = text->rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream rest(text->substr(close + 1));
  std::vector<std::string> fields{std::istream_iterator<std::string>(rest), std::istream_iterator<std::string>()};
  return fields;
}

// proc(5) numbers its fields from 1; stat_fields() starts at field 3.
double field(const std::vector<std::string>& fields, std::size_t number) {
  return std::stod(fields.at(number - 3));
}

std::optional<double> boot_time_seconds() {
  std::ifstream in("/proc/stat");
  std::string key;
  while (in >> key) {
    if (key == "btime") {
      double btime = 0;
      if (in >> btime) return btime;
      return std::nullopt;
    }
    in.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
  }
  return std::nullopt;
}

// The entries of /proc/self/fd, the directory's own descriptor included, as
// the client libraries count them.
std::optional<double> open_fds() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return std::nullopt;
  double n = 0;
  while (const dirent* entry = readdir(dir)) {
    const std::string_view name = entry->d_name;
    if (name != "." && name != "..") ++n;
  }
  closedir(dir);
  return n;
}

}  // namespace

std::optional<ProcessStats> read_process_stats() {
  const auto fields = stat_fields();
  const auto btime = boot_time_seconds();
  const auto fds = open_fds();
  rlimit nofile{};
  if (!fields || fields->size() < 22 || !btime || !fds || getrlimit(RLIMIT_NOFILE, &nofile) != 0) return std::nullopt;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  ProcessStats s;
  try {
    s.cpu_seconds = (field(*fields, 14) + field(*fields, 15)) / ticks;  // utime + stime
    s.start_time_seconds = *btime + field(*fields, 22) / ticks;
    s.virtual_memory_bytes = field(*fields, 23);
    s.resident_memory_bytes = field(*fields, 24) * page;
  } catch (const std::exception&) {
    return std::nullopt;
  }
  s.open_fds = *fds;
  s.max_fds = static_cast<double>(nofile.rlim_cur);  // RLIM_INFINITY shows as 2^64-1, as in the Go client
  return s;
}

void add_process_metrics(prometheus::Registry& registry) {
  const auto s = read_process_stats();
  if (!s) return;
  // Help texts and types as the Go client's process collector has them.
  prometheus::BuildCounter()
      .Name("process_cpu_seconds_total")
      .Help("Total user and system CPU time spent in seconds.")
      .Register(registry)
      .Add({})
      .Increment(s->cpu_seconds);
  const auto gauge = [&](const char* name, const char* help, double value) {
    prometheus::BuildGauge().Name(name).Help(help).Register(registry).Add({}).Set(value);
  };
  gauge("process_resident_memory_bytes", "Resident memory size in bytes.", s->resident_memory_bytes);
  gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.", s->virtual_memory_bytes);
  gauge("process_open_fds", "Number of open file descriptors.", s->open_fds);
  gauge("process_max_fds", "Maximum number of open file descriptors.", s->max_fds);
  gauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.", s->start_time_seconds);
}

}  // namespace wxlived::admin
