// The process_* metrics, checked against what the test process knows about
// itself: descriptors it opens, memory it touches, CPU it burns, the rlimit
// it sets, and (in a child it forks) when the process began.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <cstring>
#include <ctime>
#include <vector>

#include "admin_fixture.hpp"
#include "wxlived/admin/metrics.hpp"
#include "wxlived/admin/process_stats.hpp"

using namespace wxlived::admin;

namespace {

ProcessStats stats() {
  const auto s = read_process_stats();
  REQUIRE(s.has_value());
  return *s;
}

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// How far the wall clock has moved from the boot time the kernel fixed at
// boot (NTP steps and slews since): every start time computed from
// /proc/stat's btime is off by as much.
double clock_drift_since_boot() {
  std::ifstream stat("/proc/stat");
  std::string key;
  double btime = 0;
  while (stat >> key) {
    if (key == "btime") {
      stat >> btime;
      break;
    }
    stat.ignore(1 << 20, '\n');
  }
  std::ifstream uptime("/proc/uptime");
  double up = 0;
  uptime >> up;
  REQUIRE(btime > 0);
  return unix_now() - (btime + up);
}

double process_cpu_clock() {
  timespec ts{};
  REQUIRE(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) == 0);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

}  // namespace

TEST_CASE("process_open_fds rises by the descriptors the process opens and falls when they close") {
  const double before = stats().open_fds;
  std::vector<int> fds;
  for (int i = 0; i < 20; ++i) {
    fds.push_back(open("/dev/null", O_RDONLY | O_CLOEXEC));
    REQUIRE(fds.back() >= 0);
  }
  CHECK(stats().open_fds == before + 20);
  for (const int fd : fds) close(fd);
  CHECK(stats().open_fds == before);
}

TEST_CASE("process_max_fds is the soft open-file limit") {
  rlimit original{};
  REQUIRE(getrlimit(RLIMIT_NOFILE, &original) == 0);
  REQUIRE(original.rlim_cur > 200);
  rlimit lowered = original;
  lowered.rlim_cur = 200;
  REQUIRE(setrlimit(RLIMIT_NOFILE, &lowered) == 0);
  CHECK(stats().max_fds == 200);
  REQUIRE(setrlimit(RLIMIT_NOFILE, &original) == 0);
  CHECK(stats().max_fds == static_cast<double>(original.rlim_cur));
}

TEST_CASE("process_resident_memory_bytes grows by memory the process touches, and virtual is at least resident") {
  const double before = stats().resident_memory_bytes;
  constexpr std::size_t kSize = 64 << 20;
  std::vector<char> touched(kSize);
  std::memset(touched.data(), 1, touched.size());
  const ProcessStats after = stats();
  CHECK(after.resident_memory_bytes >= before + 0.9 * kSize);
  CHECK(after.virtual_memory_bytes >= after.resident_memory_bytes);
  CHECK(touched[kSize / 2] == 1);
}

TEST_CASE("process_cpu_seconds_total follows the process's own CPU clock") {
  volatile double sink = 0;
  const double start = process_cpu_clock();
  while (process_cpu_clock() - start < 0.3)
    for (int i = 0; i < 10000; ++i) sink = sink + i;
  const double clock = process_cpu_clock();
  const double reported = stats().cpu_seconds;
  // /proc counts in clock ticks (1/100 s): a few ticks either way.
  CHECK(std::abs(reported - clock) <= 0.05);
}

TEST_CASE("process_start_time_seconds lies between the instants just before and after the process began") {
  // A forked child is a process whose start the test can bracket.
  int pipe_fds[2];
  REQUIRE(pipe(pipe_fds) == 0);
  const double before = unix_now();
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    const auto s = read_process_stats();
    const double start = s ? s->start_time_seconds : -1;
    const ssize_t n = write(pipe_fds[1], &start, sizeof start);
    _exit(n == sizeof start ? 0 : 1);
  }
  double start = 0;
  REQUIRE(read(pipe_fds[0], &start, sizeof start) == sizeof start);
  const double after = unix_now();
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  close(pipe_fds[0]);
  close(pipe_fds[1]);
  // The kernel gives boot time in whole seconds and the start in clock
  // ticks: the sum may read up to a second early, plus the clock's drift.
  const double drift = std::abs(clock_drift_since_boot());
  CAPTURE(drift);
  CHECK(start >= before - 1.0 - drift);
  CHECK(start <= after + drift);
  // And this process began before this test did.
  CHECK(stats().start_time_seconds <= before + drift);
}

TEST_CASE("a scrape carries the six process_* families with the client libraries' types") {
  testing::StoreFixture f;
  Metrics metrics("0");
  Health health;
  auto reader = testing::must(wxlived::store::StateStore::open_readonly(f.db));
  const std::string text = testing::must(metrics.scrape(reader, health, testing::kT0));
  CHECK(text.find("# TYPE process_cpu_seconds_total counter") != std::string::npos);
  for (const char* name : {"process_resident_memory_bytes", "process_virtual_memory_bytes", "process_open_fds",
                           "process_max_fds", "process_start_time_seconds"}) {
    CAPTURE(name);
    CHECK(text.find(std::string("# TYPE ") + name + " gauge") != std::string::npos);
    const auto value = testing::sample(text, name);
    REQUIRE(value.has_value());
    CHECK(*value > 0);
  }
  CHECK(testing::sample(text, "process_cpu_seconds_total").has_value());
}
