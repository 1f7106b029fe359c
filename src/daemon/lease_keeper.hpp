#pragma once
// The fleet (PostgreSQL backend): which configured apps this daemon polls.
// Every lease_s/3 it beats its heartbeat, renews the leases it holds, and
// balances: it takes free apps up to its fair share, ceil(apps / daemons
// alive), and sheds what it holds beyond it, so a new daemon gets work and a
// dead one's apps are taken over once its leases expire. The daemon starts
// and stops app runners on its word. The store's fencing makes sure a lease
// lost anyway (a pause, a partition) never gets another commit in.
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "wxlived/config/config.hpp"
#include "wxlived/store/state_store.hpp"

namespace wxlived::daemon {

struct LeaseKeeperHooks {
  std::function<std::vector<std::string>()> configured_apps;  // the config's app names now
  std::function<bool(const std::string&)> can_take;            // no old runner of it still finishing
  std::function<void(const std::string&)> acquired;            // start polling it
  std::function<void(const std::string&)> lost;                // stop at once: its commits are refused
  std::function<void(const std::string&)> shed;                // stop, then release() once idle
};

class LeaseKeeper {
 public:
  using Clock = std::chrono::steady_clock;

  LeaseKeeper(asio::io_context& io, store::StateStore& store, const config::StoreSettings& settings,
              std::int64_t started_at_ms, LeaseKeeperHooks hooks);

  // The first beat announces this daemon only; apps are taken from the
  // second on, once the daemons started together have all announced
  // themselves (so they do not all grab everything first).
  void start();
  void stop();
  // Held, and renewed recently enough that it cannot have expired yet by
  // this machine's clock: a runner makes no WeChat call otherwise.
  bool valid(const std::string& app) const;
  bool holds(const std::string& app) const { return held_.contains(app); }
  // After shed(): its runner is idle, the lease goes now.
  void release(const std::string& app);
  // Its runner stopped on a refused or failed commit: forget the app and
  // release its lease if it is still this daemon's (balance takes it again).
  void give_up(const std::string& app);
  // A clean stop: every lease released at once, the member row removed.
  void leave();

  std::chrono::milliseconds period() const;

 private:
  void tick();
  void renew(Clock::time_point beat_started);
  void balance();
  void take_free_apps(std::size_t wanted, const std::vector<std::string>& configured);
  void shed_surplus(std::size_t surplus);
  void arm();

  asio::io_context& io_;
  store::StateStore& store_;
  config::StoreSettings settings_;
  std::int64_t started_at_ms_;
  LeaseKeeperHooks hooks_;
  asio::steady_timer timer_;
  std::map<std::string, Clock::time_point> held_;  // app -> valid until (this machine's clock)
  std::set<std::string> shedding_;
  std::size_t members_ = 1;
  bool first_beat_ = true;
  bool stopped_ = false;
};

}  // namespace wxlived::daemon
