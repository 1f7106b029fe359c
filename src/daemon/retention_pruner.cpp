#include "retention_pruner.hpp"

#include <asio/post.hpp>

#include "wxlived/engine/beijing_time.hpp"
#include "wxlived/log/log.hpp"

namespace wxlived::daemon {
namespace {

constexpr auto kFirstPass = std::chrono::minutes(1);
constexpr auto kPeriod = std::chrono::hours(1);
// ~500 rows of each kind per transaction: a few milliseconds of write lock.
constexpr int kBatchRows = 500;
constexpr std::int64_t kDayMs = 86'400'000;

}  // namespace

RetentionPruner::RetentionPruner(asio::io_context& io, store::StateStore& store, std::function<std::int64_t()> clock)
    : io_(io), store_(store), clock_(std::move(clock)), timer_(io) {}

void RetentionPruner::start() { schedule(kFirstPass); }

void RetentionPruner::stop() {
  stopped_ = true;
  timer_.cancel();
}

void RetentionPruner::schedule(std::chrono::steady_clock::duration delay) {
  timer_.expires_after(delay);
  timer_.async_wait([this](const asio::error_code& ec) {
    if (!ec && !stopped_) pass();
  });
}

void RetentionPruner::pass() {
  if (days_ <= 0) {
    schedule(kPeriod);
    return;
  }
  step(clock_() - static_cast<std::int64_t>(days_) * kDayMs, {});
}

void RetentionPruner::step(std::int64_t cutoff_ms, store::PruneCounts total) {
  if (stopped_) return;
  auto counts = store_.prune(cutoff_ms, engine::beijing_date(cutoff_ms), kBatchRows);
  if (!counts) {
    // Not fatal: the rows stay until the next pass.
    log::warn("pruning old rows failed; trying again in an hour", {{"error", counts.error().to_string()}});
    schedule(kPeriod);
    return;
  }
  total.events += counts->events;
  total.transitions += counts->transitions;
  total.quota_days += counts->quota_days;
  total.rooms += counts->rooms;
  total.kv += counts->kv;
  if (counts->more) {
    asio::post(io_, [this, cutoff_ms, total] { step(cutoff_ms, total); });
    return;
  }
  if (total.total() > 0)
    log::info("pruned old rows", {{"days", static_cast<std::int64_t>(days_)},
                                  {"events", static_cast<std::int64_t>(total.events)},
                                  {"transitions", static_cast<std::int64_t>(total.transitions)},
                                  {"quota_days", static_cast<std::int64_t>(total.quota_days)},
                                  {"rooms", static_cast<std::int64_t>(total.rooms)}});
  schedule(kPeriod);
}

}  // namespace wxlived::daemon
