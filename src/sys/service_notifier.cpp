#include "wxlived/sys/service_notifier.hpp"

#include <systemd/sd-daemon.h>

#include <cstdlib>
#include <ctime>
#include <system_error>

#include "wxlived/log/log.hpp"

namespace wxlived::sys {
namespace {

// systemd reads a notification into a PIPE_BUF (4096-byte) buffer and drops
// a longer datagram whole ("Got overly long notification datagram,
// ignoring"). The daemon's STATUS names each app's quota: with thousands of
// apps (apps_dir) it would take the READY=1 sent with it down too, and the
// start would time out. So STATUS is cut well below that, between characters.
constexpr std::size_t kMaxStatusBytes = 1024;

std::string status_value(std::string_view text) {
  std::string out = one_line(text);
  if (out.size() <= kMaxStatusBytes) return out;
  constexpr std::string_view kCut = " ...";
  std::size_t end = kMaxStatusBytes - kCut.size();
  while (end > 0 && (static_cast<unsigned char>(out[end]) & 0xC0) == 0x80) --end;  // not inside a UTF-8 character
  out.resize(end);
  return out.append(kCut);
}

}  // namespace

ServiceNotifier::ServiceNotifier() {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  enabled_ = socket != nullptr && *socket != '\0';
  std::uint64_t usec = 0;
  // > 0 only when WATCHDOG_USEC is set and WATCHDOG_PID (if set) is us.
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0)
    watchdog_period_ = std::chrono::microseconds(static_cast<std::int64_t>(usec / 2));
}

void ServiceNotifier::ready(std::string_view status_text) {
  send("READY=1\nSTATUS=" + status_value(status_text));
}

void ServiceNotifier::reloading() {
  send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(monotonic_usec()));
}

void ServiceNotifier::stopping() { send("STOPPING=1"); }

void ServiceNotifier::status(std::string_view text) { send("STATUS=" + status_value(text)); }

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
