#include "wxlived/sys/service_notifier.hpp"

#include <systemd/sd-daemon.h>

#include <cstdlib>
#include <ctime>
#include <system_error>

#include "wxlived/log/log.hpp"

namespace wxlived::sys {

ServiceNotifier::ServiceNotifier() {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  enabled_ = socket != nullptr && *socket != '\0';
  std::uint64_t usec = 0;
  // > 0 only when WATCHDOG_USEC is set and WATCHDOG_PID (if set) is us.
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0)
    watchdog_period_ = std::chrono::microseconds(static_cast<std::int64_t>(usec / 2));
}

void ServiceNotifier::ready(std::string_view status_text) {
  send("READY=1\nSTATUS=" + one_line(status_text));
}

void ServiceNotifier::reloading() {
  send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(monotonic_usec()));
}

void ServiceNotifier::stopping() { send("STOPPING=1"); }

void ServiceNotifier::status(std::string_view text) { send("STATUS=" + one_line(text)); }

void ServiceNotifier::watchdog_ping() { send("WATCHDOG=1"); }

void ServiceNotifier::send(const std::string& message) {
  if (!enabled_) return;
  const int rc = sd_notify(0, message.c_str());
  // A failing notify socket is worth one warning, not one per ping.
  if (rc < 0 && !warned_) {
    warned_ = true;
    log::warn("systemd notification failed", {{"error", std::system_category().message(-rc)}});
  }
}

std::uint64_t monotonic_usec() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000u + static_cast<std::uint64_t>(ts.tv_nsec) / 1'000u;
}

std::string one_line(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c == '\n' || c == '\r') c = ' ';
  return out;
}

}  // namespace wxlived::sys
