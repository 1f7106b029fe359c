#pragma once
// Pings systemd's watchdog from the event loop itself, so a loop that stops
// turning (a blocking call, a livelock) stops the pings and systemd restarts
// the daemon. A thread of its own would keep pinging a dead loop.
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>

#include "wxlived/sys/service_notifier.hpp"

namespace wxlived::sys {

class WatchdogPinger {
 public:
  WatchdogPinger(asio::io_context& io, ServiceNotifier& notifier);

  // Starts pinging at the notifier's watchdog period; does nothing when the
  // manager expects no pings.
  void start();
  void stop();
  bool active() const { return active_; }

 private:
  void schedule();

  ServiceNotifier& notifier_;
  asio::steady_timer timer_;
  std::chrono::microseconds period_{0};
  bool active_ = false;
};

}  // namespace wxlived::sys
