#include "lease_keeper.hpp"

#include <algorithm>
#include <functional>

#include "wxlived/log/log.hpp"

namespace wxlived::daemon {

namespace {

std::int64_t ms(const std::chrono::seconds s) { return std::chrono::duration_cast<std::chrono::milliseconds>(s).count(); }

}  // namespace

LeaseKeeper::LeaseKeeper(asio::io_context& io, store::StateStore& store, const config::StoreSettings& settings,
                         std::int64_t started_at_ms, LeaseKeeperHooks hooks)
    : io_(io), store_(store), settings_(settings), started_at_ms_(started_at_ms), hooks_(std::move(hooks)), timer_(io) {}

std::chrono::milliseconds LeaseKeeper::period() const {
  return std::max(std::chrono::milliseconds(1000), std::chrono::milliseconds(ms(std::chrono::seconds(settings_.lease_s)) / 3));
}

void LeaseKeeper::start() { tick(); }

void LeaseKeeper::stop() {
  stopped_ = true;
  timer_.cancel();
}

bool LeaseKeeper::valid(const std::string& app) const {
  auto it = held_.find(app);
  return it != held_.end() && Clock::now() < it->second;
}

void LeaseKeeper::arm() {
  if (stopped_) return;
  timer_.expires_after(period());
  timer_.async_wait([this](const asio::error_code& ec) {
    if (!ec) tick();
  });
}

void LeaseKeeper::tick() {
  // Taken before the round trips: the database stamps the renewed expiry
  // later than this, so "valid until beat + lease" errs on the safe side.
  const auto beat_started = Clock::now();
  const auto lease_ms = ms(std::chrono::seconds(settings_.lease_s));
  auto members = store_.fleet_heartbeat(settings_.node, started_at_ms_, lease_ms);
  if (!members) {
    // The leases run out on their own if this goes on; runners pause when
    // valid() says so, and resume if a later beat renews in time.
    log::warn("fleet heartbeat failed", {{"error", members.error().to_string()}});
    arm();
    return;
  }
  if (members->size() != members_ || first_beat_) {
    log::info("fleet members", {{"members", static_cast<std::int64_t>(members->size())},
                                {"node", settings_.node},
                                {"owner", store_.fleet_owner()}});
  }
  members_ = std::max<std::size_t>(1, members->size());
  renew(beat_started);
  if (!first_beat_) balance();
  first_beat_ = false;
  arm();
}

void LeaseKeeper::renew(Clock::time_point beat_started) {
  if (held_.empty()) return;
  auto renewed = store_.renew_leases(ms(std::chrono::seconds(settings_.lease_s)));
  if (!renewed) {
    log::warn("renewing the leases failed", {{"error", renewed.error().to_string()}});
    return;
  }
  const auto valid_until = beat_started + std::chrono::seconds(settings_.lease_s);
  for (auto it = held_.begin(); it != held_.end();) {
    if (std::binary_search(renewed->begin(), renewed->end(), it->first)) {
      it->second = valid_until;
      ++it;
      continue;
    }
    const std::string app = it->first;
    it = held_.erase(it);
    shedding_.erase(app);
    log::warn("lease lost: another daemon may poll this app now; this one stops", {{"app", app}});
    if (hooks_.lost) hooks_.lost(app);
  }
}

void LeaseKeeper::balance() {
  auto configured = hooks_.configured_apps();
  std::sort(configured.begin(), configured.end());
  // Held but no longer configured (a reload removed it): give it up.
  for (auto it = held_.begin(); it != held_.end();) {
    if (std::binary_search(configured.begin(), configured.end(), it->first) || shedding_.contains(it->first)) {
      ++it;
      continue;
    }
    (void)store_.release_lease(it->first);
    it = held_.erase(it);
  }
  const std::size_t share = (configured.size() + members_ - 1) / members_;
  const std::size_t keeping = held_.size() - shedding_.size();
  if (keeping > share) {
    shed_surplus(keeping - share);
  } else if (keeping < share) {
    take_free_apps(share - keeping, configured);
  }
}

void LeaseKeeper::take_free_apps(std::size_t wanted, const std::vector<std::string>& configured) {
  auto leased = store_.leased_apps();
  if (!leased) {
    log::warn("reading the fleet's leases failed", {{"error", leased.error().to_string()}});
    return;
  }
  std::vector<std::string> free;
  std::set_difference(configured.begin(), configured.end(), leased->begin(), leased->end(), std::back_inserter(free));
  if (free.empty()) return;
  // Daemons taking at the same moment start at different places in the
  // list, so they mostly ask for different apps.
  const std::size_t first = std::hash<std::string>{}(store_.fleet_owner()) % free.size();
  std::rotate(free.begin(), free.begin() + static_cast<std::ptrdiff_t>(first), free.end());
  if (hooks_.can_take)
    std::erase_if(free, [this](const std::string& app) { return !hooks_.can_take(app); });
  const auto valid_until = Clock::now() + std::chrono::seconds(settings_.lease_s);
  auto taken = store_.acquire_leases(free, wanted, ms(std::chrono::seconds(settings_.lease_s)));
  if (!taken) {
    log::warn("taking leases failed", {{"error", taken.error().to_string()}});
    return;
  }
  for (const auto& [app, epoch] : *taken) {
    held_[app] = valid_until;
    log::info("lease taken: this daemon polls the app now", {{"app", app}, {"epoch", epoch}});
    if (hooks_.acquired) hooks_.acquired(app);
  }
}

void LeaseKeeper::shed_surplus(std::size_t surplus) {
  // From the end of the sorted list: a stable choice, so two beats in a row
  // shed the same apps rather than a different few each time.
  for (auto it = held_.rbegin(); it != held_.rend() && surplus > 0; ++it) {
    if (shedding_.contains(it->first)) continue;
    shedding_.insert(it->first);
    --surplus;
    log::info("lease shed: more daemons share the apps now", {{"app", it->first}});
    if (hooks_.shed) hooks_.shed(it->first);
  }
}

void LeaseKeeper::release(const std::string& app) {
  if (!shedding_.erase(app)) return;
  held_.erase(app);
  if (auto released = store_.release_lease(app); !released)
    log::warn("releasing a lease failed; it expires on its own", {{"app", app}, {"error", released.error().to_string()}});
}

void LeaseKeeper::give_up(const std::string& app) {
  shedding_.erase(app);
  if (held_.erase(app) == 0) return;
  // Fenced by owner in the SQL: a lease another daemon took is not touched.
  (void)store_.release_lease(app);
}

void LeaseKeeper::leave() {
  stop();
  if (auto left = store_.leave_fleet(); !left)
    log::warn("leaving the fleet failed; the leases expire on their own", {{"error", left.error().to_string()}});
  held_.clear();
  shedding_.clear();
}

}  // namespace wxlived::daemon
