#include "wxlived/sys/watchdog_pinger.hpp"

namespace wxlived::sys {

WatchdogPinger::WatchdogPinger(asio::io_context& io, ServiceNotifier& notifier) : notifier_(notifier), timer_(io) {}

void WatchdogPinger::start() {
  const auto period = notifier_.watchdog_period();
  if (!period || period->count() <= 0) return;
  period_ = *period;
  active_ = true;
  notifier_.watchdog_ping();
  schedule();
}

void WatchdogPinger::stop() {
  active_ = false;
  timer_.cancel();
}

void WatchdogPinger::schedule() {
  timer_.expires_after(period_);
  timer_.async_wait([this](const asio::error_code& ec) {
    if (ec || !active_) return;
    notifier_.watchdog_ping();
    schedule();
  });
}

}  // namespace wxlived::sys
