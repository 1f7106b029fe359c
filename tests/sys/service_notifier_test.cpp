#include "wxlived/sys/service_notifier.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <asio/io_context.hpp>
#include <cstdlib>

#include "support/notify_listener.hpp"
#include "support/temp_dir.hpp"
#include "wxlived/sys/watchdog_pinger.hpp"

using namespace std::chrono_literals;
using wxlived::sys::ServiceNotifier;
using wxlived::sys::WatchdogPinger;
using wxlived::testing::NotifyListener;
using wxlived::testing::TempDir;

namespace {

// Points NOTIFY_SOCKET (and optionally the watchdog) at a listener for one
// test, and puts the environment back afterwards.
struct NotifyEnvironment {
  explicit NotifyEnvironment(const std::string& socket, const char* watchdog_usec = nullptr) {
    setenv("NOTIFY_SOCKET", socket.c_str(), 1);
    if (watchdog_usec) {
      setenv("WATCHDOG_USEC", watchdog_usec, 1);
      setenv("WATCHDOG_PID", std::to_string(getpid()).c_str(), 1);
    }
  }
  ~NotifyEnvironment() {
    unsetenv("NOTIFY_SOCKET");
    unsetenv("WATCHDOG_USEC");
    unsetenv("WATCHDOG_PID");
  }
};

}  // namespace

TEST_CASE("without NOTIFY_SOCKET the notifier is off and sends nothing") {
  unsetenv("NOTIFY_SOCKET");
  unsetenv("WATCHDOG_USEC");
  ServiceNotifier notifier;
  CHECK_FALSE(notifier.enabled());
  CHECK_FALSE(notifier.watchdog_period().has_value());
  notifier.ready("ok");  // no socket: must simply do nothing
  notifier.stopping();
}

TEST_CASE("ready, reloading, status and stopping reach the notify socket in order") {
  TempDir dir;
  NotifyListener listener(dir / "notify.sock");
  NotifyEnvironment env(listener.path().string());
  ServiceNotifier notifier;
  REQUIRE(notifier.enabled());

  notifier.ready("1 app, 0 rooms live\nsecond line");
  notifier.reloading();
  notifier.status("reloaded");
  notifier.stopping();

  const auto ready = listener.next(2s);
  REQUIRE(ready);
  CHECK(*ready == "READY=1\nSTATUS=1 app, 0 rooms live second line");
  const auto reloading = listener.next(2s);
  REQUIRE(reloading);
  CHECK(reloading->rfind("RELOADING=1\nMONOTONIC_USEC=", 0) == 0);
  const auto usec = std::stoull(reloading->substr(reloading->find('=', 12) + 1));
  CHECK(usec > 0);
  CHECK(usec <= wxlived::sys::monotonic_usec());
  CHECK(listener.next(2s) == std::optional<std::string>("STATUS=reloaded"));
  CHECK(listener.next(2s) == std::optional<std::string>("STOPPING=1"));
}

TEST_CASE("a STATUS of thousands of apps is cut between characters so that READY=1 still fits systemd's 4 KB") {
  TempDir dir;
  NotifyListener listener(dir / "notify.sock");
  NotifyEnvironment env(listener.path().string());
  ServiceNotifier notifier;
  REQUIRE(notifier.enabled());
  std::string quotas = "10000 apps, 0 rooms live; quota left: ";
  for (int i = 0; i < 10000; ++i) quotas += "\xe5\x95\x86" + std::to_string(i) + " 500/500, ";  // "商0 500/500, "...
  notifier.ready(quotas);
  notifier.status(quotas);

  for (const char* first : {"READY=1\nSTATUS=", "STATUS="}) {
    const auto message = listener.next(2s);
    REQUIRE(message);
    CAPTURE(message->size());
    CHECK(message->rfind(first, 0) == 0);
    CHECK(message->size() < 4096 / 2);  // the listener, like systemd, reads at most 4096 bytes
    CHECK(message->ends_with(" ..."));
    const std::string status = message->substr(message->find("STATUS=") + 7);
    CHECK(status.starts_with("10000 apps, 0 rooms live; quota left: \xe5\x95\x86" "0 500/500, "));
    // The cut falls between characters: what precedes " ..." is whole UTF-8.
    const std::string kept = status.substr(0, status.size() - 4);
    std::size_t i = 0;
    while (i < kept.size()) i += (static_cast<unsigned char>(kept[i]) & 0x80) == 0 ? 1 : 3;
    CHECK(i == kept.size());
  }
}

TEST_CASE("the watchdog period is half of WATCHDOG_USEC when WATCHDOG_PID is this process") {
  TempDir dir;
  NotifyListener listener(dir / "notify.sock");
  NotifyEnvironment env(listener.path().string(), "3000000");
  ServiceNotifier notifier;
  REQUIRE(notifier.watchdog_period().has_value());
  CHECK(notifier.watchdog_period()->count() == 1'500'000);
}

TEST_CASE("a WATCHDOG_PID naming another process means no pings from this one") {
  TempDir dir;
  NotifyListener listener(dir / "notify.sock");
  NotifyEnvironment env(listener.path().string(), "3000000");
  setenv("WATCHDOG_PID", std::to_string(getpid() + 1).c_str(), 1);
  ServiceNotifier notifier;
  CHECK_FALSE(notifier.watchdog_period().has_value());
}

TEST_CASE("the watchdog pinger pings from the event loop while it turns, and stops with it") {
  TempDir dir;
  NotifyListener listener(dir / "notify.sock");
  NotifyEnvironment env(listener.path().string(), "100000");  // ping every 50 ms
  ServiceNotifier notifier;
  asio::io_context io;
  WatchdogPinger pinger(io, notifier);
  pinger.start();
  REQUIRE(pinger.active());
  io.run_for(400ms);
  int pings = 0;
  while (auto message = listener.next(50ms)) {
    CHECK(*message == "WATCHDOG=1");
    ++pings;
  }
  // One at start plus one per period while the loop ran: at least a few,
  // whatever the machine's speed (only a lower bound is checked).
  CHECK(pings >= 3);

  // A loop that does not turn sends no pings: that is what gets a stuck
  // daemon killed.
  pinger.stop();
  io.restart();
  io.run_for(200ms);
  CHECK_FALSE(listener.next(100ms).has_value());
}

TEST_CASE("the watchdog pinger does nothing when no watchdog is asked for") {
  unsetenv("NOTIFY_SOCKET");
  unsetenv("WATCHDOG_USEC");
  ServiceNotifier notifier;
  asio::io_context io;
  WatchdogPinger pinger(io, notifier);
  pinger.start();
  CHECK_FALSE(pinger.active());
}
