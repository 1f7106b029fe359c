#pragma once
// The daemon's side of systemd's notify protocol (Type=notify): READY, RELOADING,
// STOPPING, STATUS and watchdog pings, through libsystemd's sd_notify. When the
// service manager did not ask (no NOTIFY_SOCKET, e.g. run from a shell), every
// call is a no-op, so the daemon never needs to know how it was started.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace wxlived::sys {

class ServiceNotifier {
 public:
  // Reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID from the environment.
  ServiceNotifier();

  bool enabled() const { return enabled_; }

  // The store is open and the first poll is scheduled.
  void ready(std::string_view status);
  // A reload begins (RELOADING=1 with MONOTONIC_USEC, as systemd 253+ wants
  // for Type=notify-reload and older ones accept); ready() ends it.
  void reloading();
  void stopping();
  void status(std::string_view text);
  void watchdog_ping();

  // How often to ping: half of WATCHDOG_USEC, when the manager expects pings
  // from this process; nullopt otherwise.
  std::optional<std::chrono::microseconds> watchdog_period() const { return watchdog_period_; }

 private:
  void send(const std::string& message);

  bool enabled_ = false;
  bool warned_ = false;
  std::optional<std::chrono::microseconds> watchdog_period_;
};

// CLOCK_MONOTONIC in microseconds, the clock MONOTONIC_USEC is read against.
std::uint64_t monotonic_usec();

// STATUS= text must be one line: newlines would start new assignments.
std::string one_line(std::string_view text);

}  // namespace wxlived::sys
