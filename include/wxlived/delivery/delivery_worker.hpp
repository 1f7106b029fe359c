#pragma once
// The delivery shell: reads due deliveries from the outbox, POSTs them
// signed, commits every attempt's outcome, and keeps going. One instance per
// daemon, on the daemon's io_context thread (the StateStore's thread).
//
//   DeliveryWorker worker(io, store, config.webhooks, options);
//   worker.kick();              // start; and again after every commit_observation
//   worker.reconfigure(hooks);  // SIGHUP
//   worker.stop(deadline, [&] { /* all in-flight POSTs settled */ });
//
// Order: per lane (endpoint, app, room) one POST in flight at a time; the
// store hands out only a lane's oldest undelivered row, and the worker never
// starts a lane that is already in flight. Lanes and endpoints run in
// parallel within per-endpoint and overall limits, so a slow endpoint holds
// at most its own slots.
#include <array>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "wxlived/config/config.hpp"
#include "wxlived/delivery/retry_policy.hpp"
#include "wxlived/delivery/webhook_request.hpp"
#include "wxlived/http/curl_multi.hpp"
#include "wxlived/store/state_store.hpp"

namespace wxlived::delivery {

// Unix milliseconds; injectable so tests can move time.
using UnixClock = std::function<std::int64_t()>;
UnixClock system_unix_clock();

struct DeliveryOptions {
  DeliveryPolicy policy;
  int max_in_flight_per_endpoint = 8;
  int max_in_flight = 64;
  // How often the outbox is read without a kick: picks up wxlivectl's
  // redeliver / enable-endpoint made by another process, and retries after
  // a restart whose due times the worker did not compute itself.
  std::chrono::milliseconds sweep_interval{1000};
  // Rows asked of due_deliveries per pass (heads of lanes, earliest first).
  int due_batch = 4096;
  // How long an answer may wait for the other POSTs in flight so that
  // their states are committed with one fsync (group commit). A lane stays
  // busy until its attempt is committed, so this bounds the added latency.
  std::chrono::milliseconds commit_wait{2};
  // When the outcomes cannot be committed (a full disk, SQLITE_BUSY, an I/O
  // error), the commit is retried after this much, doubling up to
  // commit_retry_max. Meanwhile the answered lanes stay busy and nothing new
  // is POSTed: an outcome that is not on disk must never lead to a resend.
  std::chrono::milliseconds commit_retry_min{100};
  std::chrono::milliseconds commit_retry_max{30000};
  // A receiver's answer body beyond this is not read (only an excerpt of it
  // is ever kept).
  std::size_t max_response_bytes = 64 * 1024;
  UnixClock now_ms;     // default: system clock
  RandomSource random;  // default: default_random_source()
  // Metrics: every attempt's result (delivered | retry | dead | gone) and,
  // for a delivery, the seconds from the event's commit to the 2xx. Runs on
  // the loop thread; must not block.
  std::function<void(const std::string& endpoint, std::string_view result, std::optional<double> latency_s)>
      on_attempt;
  // An endpoint's failing streak began (unix ms of its first failed attempt
  // since its last 2xx) or ended (nullopt, at its next 2xx). Loop thread.
  std::function<void(const std::string& endpoint, std::optional<std::int64_t> failing_since_ms)> on_endpoint_failing;
};

// Event creation to 2xx, in seconds, Prometheus-style buckets (cumulative
// counts are a sum away).
struct LatencyHistogram {
  static constexpr std::array<double, 14> kBoundsS = {0.1, 0.25, 0.5, 1,   2.5,  5,     10,
                                                     30,  60,   300, 900, 3600, 21600, 86400};
  std::array<std::uint64_t, kBoundsS.size() + 1> counts{};  // last: above every bound
  double sum_s = 0;
  std::uint64_t count = 0;
  void observe(double seconds);
};

struct DeliveryStats {
  // (endpoint, result) -> attempts; result: delivered | retry | dead | gone
  std::map<std::pair<std::string, std::string>, std::uint64_t> attempts;
  LatencyHistogram latency;
  std::uint64_t attempts_for(const std::string& endpoint, const std::string& result) const;
};

class DeliveryWorker {
 public:
  DeliveryWorker(asio::io_context& io, store::StateStore& store, const std::vector<config::WebhookSettings>& webhooks,
                 DeliveryOptions options = {});
  ~DeliveryWorker();  // abandons POSTs in flight (their rows stay due)
  DeliveryWorker(const DeliveryWorker&) = delete;
  DeliveryWorker& operator=(const DeliveryWorker&) = delete;

  // Look for due work soon (coalesced: many kicks in one loop turn cost one
  // outbox read). Call on the loop thread.
  void kick();

  // New endpoint settings (SIGHUP). POSTs in flight finish with the old
  // settings; deliveries for an endpoint no longer configured stay pending.
  void reconfigure(const std::vector<config::WebhookSettings>& webhooks);
  // A new retry policy (SIGHUP: [delivery] max_retry_age_s): decides every
  // answer from now on, POSTs in flight included.
  void set_policy(const DeliveryPolicy& policy) { options_.policy = policy; }

  // Takes no new work; `on_stopped` runs (posted, once) when nothing is in
  // flight, or at `deadline` after abandoning what still is (those rows stay
  // pending/failed and are sent again after a restart: at least once).
  void stop(std::chrono::steady_clock::time_point deadline, std::function<void()> on_stopped);

  std::size_t in_flight() const { return static_cast<std::size_t>(in_flight_); }
  // Endpoints whose attempts have failed since their last 2xx, and since when
  // (unix ms of the first failure this process saw).
  const std::map<std::string, std::int64_t, std::less<>>& failing_since() const { return failing_since_; }
  const DeliveryStats& stats() const { return stats_; }

 private:
  struct Answered {
    store::DeliveryAttempt attempt;
    store::DeliveryRecord delivery;
    std::string lane;
    std::string url;
    std::string event_id;
    bool disable_endpoint = false;
  };
  void flush_answers();
  void release_lanes(bool follow);
  void commit_failed(const store::StoreError& error);
  void schedule_flush();
  void disable(const Answered& answered);
  void schedule_pump();
  void pump();
  void follow_lane(const store::DeliveryRecord& finished, std::int64_t now_ms);
  void start_attempt(const store::DueDelivery& due, const Endpoint& endpoint, std::string lane);
  void on_answer(const store::DueDelivery& due, const std::string& lane, const std::string& url,
                 const http::Response& response);
  void arm_timer(std::int64_t now_ms);
  void track_failing(const std::string& endpoint, bool delivered, std::int64_t now_ms, const std::string& error);
  void finish_stop();
  std::int64_t now() const { return options_.now_ms(); }

  asio::io_context& io_;
  store::StateStore& store_;
  DeliveryOptions options_;
  std::unique_ptr<http::CurlMulti> curl_;
  asio::steady_timer timer_;
  asio::steady_timer stop_timer_;
  asio::steady_timer flush_timer_;  // commit_wait of the oldest uncommitted answer
  asio::steady_timer commit_retry_timer_;
  int commit_failures_ = 0;  // consecutive failed commits of answered_; > 0 = nothing new starts
  std::shared_ptr<bool> alive_;

  std::map<std::string, Endpoint, std::less<>> endpoints_;
  std::set<std::string, std::less<>> warned_unconfigured_;
  std::unordered_set<std::string> lanes_in_flight_;
  std::unordered_map<std::string, int> endpoint_in_flight_;
  std::multiset<std::int64_t> retry_times_;  // next_attempt_at_ms this worker set
  int in_flight_ = 0;
  bool pump_posted_ = false;
  bool flush_posted_ = false;
  std::vector<Answered> answered_;         // answered, not yet committed: their lanes stay busy
  bool rescan_ = true;                     // the outbox may hold work ready_ lacks
  std::deque<store::DueDelivery> ready_;   // due lane heads not yet started, oldest first
  bool stopping_ = false;
  bool stopped_ = false;
  std::function<void()> on_stopped_;
  DeliveryStats stats_;
  std::map<std::string, std::int64_t, std::less<>> failing_since_;  // endpoint -> first failure of its streak
  std::set<std::string, std::less<>> warned_failing_;               // reported; a 2xx logs the recovery
};

}  // namespace wxlived::delivery
