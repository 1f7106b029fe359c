#pragma once
// What the daemon's loop tells the admin side about itself, for /healthz,
// /readyz and the per-app gauges of /metrics. Written from the loop thread
// (short critical sections, never blocked by a reader for long), read from
// the admin server's threads.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace wxlived::admin {

// One app as its engine last described it, plus its poll record in this process.
struct AppStatus {
  bool auth_failed = false;
  bool quota_exhausted = false;             // the ledger says no call may be made today
  std::optional<std::int64_t> quota_limit;  // calls per Beijing day (known or assumed)
  std::optional<std::int64_t> last_success_ms;  // last getliveinfo call that succeeded
  std::optional<std::int64_t> failing_since_ms; // first failure after the last success
};

struct AppReadiness {
  std::string app;
  bool ready = false;
  std::string state;   // ok | waiting_for_quota | starting | auth_failed | failing
  std::string reason;  // for a person; empty when ready and ok
};

struct Readiness {
  bool ready = false;
  std::vector<AppReadiness> apps;
};

class Health {
 public:
  using SteadyClock = std::chrono::steady_clock;

  // Failing polls after a success make an app unready only after this long,
  // so that one busy answer does not flap /readyz.
  static constexpr std::int64_t kFailingGraceMs = 5 * 60 * 1000;
  // The loop stamps a heartbeat every second; this long without one is a stuck loop.
  static constexpr std::chrono::seconds kStuckAfter{30};

  Health();

  // --- from the loop thread ---------------------------------------------------
  void beat(SteadyClock::time_point now = SteadyClock::now()) noexcept;
  // The engine's view after a commit.
  void engine_state(const std::string& app, bool auth_failed, bool quota_exhausted, std::int64_t quota_limit);
  // A getliveinfo call (list or replay) finished.
  void poll_result(const std::string& app, bool succeeded, std::int64_t now_ms);
  // Seeds the last success from the store (the previous run's), so a daemon
  // that restarts and cannot poll still shows how old its data is.
  void seed_last_success(const std::string& app, std::int64_t at_ms);
  // An app removed from the config (reload): it no longer counts for /readyz.
  void forget_app(const std::string& app);

  // --- from any thread ------------------------------------------------------------
  // Time since the loop's last heartbeat.
  SteadyClock::duration loop_age(SteadyClock::time_point now = SteadyClock::now()) const noexcept;
  bool alive(SteadyClock::time_point now = SteadyClock::now()) const noexcept { return loop_age(now) < kStuckAfter; }
  std::map<std::string, AppStatus> apps() const;
  // Every app polled successfully (or is failing for less than the grace),
  // or is waiting for its quota to return.
  Readiness readiness(std::int64_t now_ms) const;

 private:
  std::atomic<std::int64_t> last_beat_ns_;
  mutable std::mutex mu_;
  std::map<std::string, AppStatus> apps_;
  std::map<std::string, bool> polled_here_;  // app -> a poll succeeded in this process
};

}  // namespace wxlived::admin
