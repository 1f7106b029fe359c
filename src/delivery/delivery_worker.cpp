#include "wxlived/delivery/delivery_worker.hpp"

#include <deque>

#include <asio/post.hpp>
#include <algorithm>

#include "wxlived/log/log.hpp"
#include "wxlived/version.hpp"

namespace wxlived::delivery {

using store::DeliveryState;

UnixClock system_unix_clock() {
  return [] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
}

void LatencyHistogram::observe(double seconds) {
  const auto bound = std::lower_bound(kBoundsS.begin(), kBoundsS.end(), seconds);
  ++counts[static_cast<std::size_t>(bound - kBoundsS.begin())];
  sum_s += seconds;
  ++count;
}

std::uint64_t DeliveryStats::attempts_for(const std::string& endpoint, const std::string& result) const {
  auto it = attempts.find({endpoint, result});
  return it == attempts.end() ? 0 : it->second;
}

namespace {

http::CurlMulti::Options curl_options(const DeliveryOptions& options) {
  http::CurlMulti::Options o;
  o.user_agent = kUserAgent;
  // The worker's own per-endpoint limit decides; a curl-level per-host limit
  // would queue transfers inside curl, where the wait counts against the
  // request's timeout, and would couple endpoints that share a host.
  o.max_connections_per_host = 0;
  o.max_total_connections = std::max(1, options.max_in_flight);
  return o;
}

DeliveryOptions with_defaults(DeliveryOptions options) {
  if (!options.now_ms) options.now_ms = system_unix_clock();
  if (!options.random) options.random = default_random_source();
  options.max_in_flight = std::max(1, options.max_in_flight);
  options.max_in_flight_per_endpoint = std::max(1, options.max_in_flight_per_endpoint);
  options.due_batch = std::max(1, options.due_batch);
  return options;
}

// The ordering lane of a delivery: (endpoint, app, room), room-less events
// forming one lane per (endpoint, app) as in the store.
std::string lane_of(const store::DeliveryRecord& d) {
  std::string lane = d.endpoint;
  lane += '\0';
  lane += d.app;
  lane += '\0';
  lane += d.room_id ? std::to_string(*d.room_id) : std::string("-");
  return lane;
}

}  // namespace

DeliveryWorker::DeliveryWorker(asio::io_context& io, store::StateStore& store,
                               const std::vector<config::WebhookSettings>& webhooks, DeliveryOptions options)
    : io_(io),
      store_(store),
      options_(with_defaults(std::move(options))),
      curl_(std::make_unique<http::CurlMulti>(io, curl_options(options_))),
      timer_(io),
      stop_timer_(io),
      flush_timer_(io),
      commit_retry_timer_(io),
      alive_(std::make_shared<bool>(true)) {
  reconfigure(webhooks);
}

DeliveryWorker::~DeliveryWorker() {
  *alive_ = false;
  curl_.reset();
  timer_.cancel();
  stop_timer_.cancel();
  flush_timer_.cancel();
  commit_retry_timer_.cancel();
}

void DeliveryWorker::reconfigure(const std::vector<config::WebhookSettings>& webhooks) {
  std::map<std::string, Endpoint, std::less<>> fresh;
  for (const config::WebhookSettings& settings : webhooks) {
    std::string problem;
    if (auto endpoint = make_endpoint(settings, &problem)) {
      fresh.emplace(settings.name, std::move(*endpoint));
    } else {
      log::error("webhook endpoint unusable, its deliveries wait", {{"endpoint", settings.name}, {"problem", problem}});
    }
  }
  endpoints_ = std::move(fresh);
  warned_unconfigured_.clear();
  // An endpoint taken out of the config is not failing any more: its gauge
  // must not count up forever.
  for (auto it = failing_since_.begin(); it != failing_since_.end();) {
    if (endpoints_.contains(it->first)) {
      ++it;
      continue;
    }
    if (options_.on_endpoint_failing) options_.on_endpoint_failing(it->first, std::nullopt);
    warned_failing_.erase(it->first);
    it = failing_since_.erase(it);
  }
  kick();
}

void DeliveryWorker::kick() {
  rescan_ = true;
  schedule_pump();
}

void DeliveryWorker::schedule_pump() {
  if (stopping_ || pump_posted_) return;
  pump_posted_ = true;
  asio::post(io_, [this, alive = alive_] {
    if (!*alive) return;
    pump_posted_ = false;
    pump();
  });
}

// Starts what is due. The outbox is rescanned only when something outside
// this worker may have added work (a kick: new events, wxlivectl, the sweep
// timer); between rescans, a finished lane's next delivery is read with one
// index seek (see on_answer), so a busy outbox costs O(log n) per delivery,
// not a scan.
void DeliveryWorker::pump() {
  // While outcomes wait to be committed, a POST would only produce another
  // outcome that cannot be recorded; the commit retry pumps once it lands.
  if (stopping_ || commit_failures_ > 0) return;
  const std::int64_t now_ms = now();
  if (rescan_ && in_flight_ < options_.max_in_flight) {
    auto due = store_.due_deliveries(now_ms, options_.due_batch);
    if (!due) {
      log::error("reading due deliveries failed; retrying at the next sweep", {{"error", due.error().to_string()}});
    } else {
      // A lane in flight shows its in-flight head here; that copy is stale
      // the moment the POST is answered (the lane's follow-up comes from
      // follow_lane), so it is dropped now, not when the loop below reaches
      // it: the loop may stop early and leave it for a later pump.
      ready_.clear();
      for (store::DueDelivery& d : *due)
        if (!lanes_in_flight_.contains(lane_of(d.delivery))) ready_.push_back(std::move(d));
      rescan_ = false;
    }
  }
  // Entries of an endpoint at its limit wait, in order. Once no endpoint has
  // room the rest of the list is left as it is: a busy endpoint costs O(1)
  // per pump, not a walk over every waiting lane.
  std::deque<store::DueDelivery> waiting;
  int endpoints_with_room = 0;
  for (const auto& [name, endpoint] : endpoints_)
    if (endpoint_in_flight_[name] < options_.max_in_flight_per_endpoint) ++endpoints_with_room;
  while (!ready_.empty() && endpoints_with_room > 0 && in_flight_ < options_.max_in_flight) {
    store::DueDelivery d = std::move(ready_.front());
    ready_.pop_front();
    std::string lane = lane_of(d.delivery);
    if (lanes_in_flight_.contains(lane)) continue;  // defensive: rescans drop these
    auto endpoint = endpoints_.find(d.delivery.endpoint);
    if (endpoint == endpoints_.end()) {
      if (warned_unconfigured_.insert(d.delivery.endpoint).second) {
        log::warn("deliveries wait for an endpoint that is not in the config",
                  {{"endpoint", d.delivery.endpoint}, {"event_id", d.event.id}});
      }
      continue;
    }
    if (endpoint_in_flight_[d.delivery.endpoint] >= options_.max_in_flight_per_endpoint) {
      waiting.push_back(std::move(d));
      continue;
    }
    start_attempt(d, endpoint->second, std::move(lane));
    if (endpoint_in_flight_[endpoint->first] >= options_.max_in_flight_per_endpoint) --endpoints_with_room;
  }
  ready_.insert(ready_.begin(), std::make_move_iterator(waiting.begin()), std::make_move_iterator(waiting.end()));
  arm_timer(now_ms);
}

// The lane just finished its head: queue its next delivery if it is due.
void DeliveryWorker::follow_lane(const store::DeliveryRecord& finished, std::int64_t now_ms) {
  auto next = store_.lane_head(finished.endpoint, finished.app, finished.room_id);
  if (!next) {
    log::error("reading a lane's next delivery failed; it waits for the next sweep",
               {{"endpoint", finished.endpoint}, {"error", next.error().to_string()}});
    return;
  }
  if (*next && (*next)->delivery.next_attempt_at_ms <= now_ms) ready_.push_back(std::move(**next));
}

void DeliveryWorker::arm_timer(std::int64_t now_ms) {
  retry_times_.erase(retry_times_.begin(), retry_times_.upper_bound(now_ms));
  std::int64_t wake_in = options_.sweep_interval.count();
  if (!retry_times_.empty()) wake_in = std::min(wake_in, *retry_times_.begin() - now_ms);
  timer_.expires_after(std::chrono::milliseconds(std::max<std::int64_t>(wake_in, 1)));
  timer_.async_wait([this, alive = alive_](const asio::error_code& ec) {
    if (ec || !*alive) return;
    kick();
  });
}

void DeliveryWorker::start_attempt(const store::DueDelivery& due, const Endpoint& endpoint, std::string lane) {
  const std::int64_t timestamp_s = now() / 1000;
  http::Request request = build_webhook_request(endpoint, due.event, timestamp_s, options_.max_response_bytes);
  lanes_in_flight_.insert(lane);
  ++endpoint_in_flight_[endpoint.name];
  ++in_flight_;
  curl_->start(std::move(request),
               [this, alive = alive_, due, lane = std::move(lane), url = endpoint.url](http::Response response) {
                 if (!*alive) return;
                 on_answer(due, lane, url, response);
               });
}

void DeliveryWorker::on_answer(const store::DueDelivery& due, const std::string& lane, const std::string& url,
                               const http::Response& response) {
  if (stopped_) return;  // abandoned at the stop deadline: the counters were reset

  const std::int64_t now_ms = now();
  AttemptDecision decision = decide_attempt(options_.policy, response, due.delivery.attempts + 1,
                                            due.delivery.queued_at_ms, now_ms, options_.random);
  if (due.event.type == config::kTestEventType && decision.state == DeliveryState::failed) {
    // wxlivectl send-test reports this one answer; a retry would report to
    // nobody, and its lane would hold the next test behind it for hours.
    decision.state = DeliveryState::dead;
    decision.result = "dead";
    decision.error = "test event, tried once: " + decision.error.value_or("");
  }
  store::DeliveryAttempt attempt;
  attempt.event_seq = due.delivery.event_seq;
  attempt.endpoint = due.delivery.endpoint;
  attempt.new_state = decision.state;
  attempt.status = decision.status;
  attempt.error = decision.error;
  attempt.next_attempt_at_ms = decision.state == DeliveryState::failed ? decision.next_attempt_at_ms : now_ms;
  attempt.now_ms = now_ms;
  attempt.latency_ms = std::chrono::duration_cast<std::chrono::milliseconds>(response.elapsed).count();
  if (response.transport == http::Transport::ok || response.transport == http::Transport::too_large)
    attempt.answer = body_excerpt(response.body, options_.policy.body_excerpt_bytes);
  track_failing(due.delivery.endpoint, decision.state == DeliveryState::delivered, now_ms,
                decision.error.value_or(""));
  ++stats_.attempts[{due.delivery.endpoint, std::string(decision.result)}];
  if (options_.on_attempt) {
    const double latency_s = static_cast<double>(now_ms - due.event.created_at_ms) / 1000.0;
    options_.on_attempt(due.delivery.endpoint, decision.result,
                        decision.state == DeliveryState::delivered ? std::optional<double>(latency_s) : std::nullopt);
  }

  const std::string error = decision.error.value_or("");
  switch (decision.state) {
    case DeliveryState::delivered:
      stats_.latency.observe(static_cast<double>(now_ms - due.event.created_at_ms) / 1000.0);
      log::debug("webhook delivered", {{"endpoint", attempt.endpoint},
                                       {"event_id", due.event.id},
                                       {"status", decision.status.value_or(0)},
                                       {"attempt", due.delivery.attempts + 1}});
      break;
    case DeliveryState::failed:
      retry_times_.insert(decision.next_attempt_at_ms);
      log::info("webhook attempt failed, will retry", {{"endpoint", attempt.endpoint},
                                                       {"event_id", due.event.id},
                                                       {"attempt", due.delivery.attempts + 1},
                                                       {"retry_in_ms", decision.next_attempt_at_ms - now_ms},
                                                       {"error", error}});
      break;
    default:
      log::warn("webhook delivery dead; kept for wxlivectl redeliver",
                {{"endpoint", attempt.endpoint}, {"event_id", due.event.id}, {"error", error}});
      break;
  }
  answered_.push_back(Answered{std::move(attempt), due.delivery, lane, url, due.event.id, decision.disable_endpoint});
  if (stopping_) {
    flush_answers();
    if (in_flight_ == 0) finish_stop();
    return;
  }
  if (commit_failures_ > 0) return;  // joins the batch the commit retry records
  // Group commit: one fsync for the answers of every POST in flight. The
  // last of them posts the commit; an earlier one waits at most
  // commit_wait for the others (a slow endpoint must not hold the answers
  // of a fast one, whose lanes stay busy until committed).
  if (answered_.size() >= static_cast<std::size_t>(in_flight_)) {
    schedule_flush();
  } else if (answered_.size() == 1) {
    flush_timer_.expires_after(options_.commit_wait);
    flush_timer_.async_wait([this, alive = alive_](const asio::error_code& ec) {
      if (!ec && *alive) schedule_flush();
    });
  }
}

// Streak bookkeeping per endpoint: begins at the first failed attempt since
// the last 2xx, reported once when it has lasted failing_warn_after (before
// max_retry_age kills its deliveries), ended by the next 2xx.
void DeliveryWorker::track_failing(const std::string& endpoint, bool delivered, std::int64_t now_ms,
                                   const std::string& error) {
  const auto it = failing_since_.find(endpoint);
  if (delivered) {
    if (it == failing_since_.end()) return;
    if (warned_failing_.erase(endpoint) > 0) {
      log::info("webhook endpoint recovered",
                {{"endpoint", endpoint}, {"failed_for_s", (now_ms - it->second) / 1000}});
    }
    failing_since_.erase(it);
    if (options_.on_endpoint_failing) options_.on_endpoint_failing(endpoint, std::nullopt);
    return;
  }
  std::int64_t since = now_ms;
  if (it == failing_since_.end()) {
    failing_since_.emplace(endpoint, now_ms);
    if (options_.on_endpoint_failing) options_.on_endpoint_failing(endpoint, now_ms);
  } else {
    since = it->second;
  }
  if (now_ms - since < options_.policy.failing_warn_after.count() || warned_failing_.contains(endpoint)) return;
  warned_failing_.insert(endpoint);
  log::warn("webhook endpoint failing",
            {{"endpoint", endpoint},
             {"failing_for_s", (now_ms - since) / 1000},
             {"max_retry_age_s", static_cast<std::int64_t>(options_.policy.max_retry_age.count() / 1000)},
             {"last_error", error}});
}

void DeliveryWorker::schedule_flush() {
  if (flush_posted_ || answered_.empty()) return;
  flush_posted_ = true;
  flush_timer_.cancel();
  asio::post(io_, [this, alive = alive_] {
    if (!*alive) return;
    flush_posted_ = false;
    flush_answers();
    if (stopping_) {
      if (in_flight_ == 0) finish_stop();
      return;
    }
    schedule_pump();
  });
}

// Commits the answered attempts in one transaction; only then are their
// lanes free again (a rescan before the commit would see them pending and
// send them twice). A failed commit keeps the answers and their lanes busy
// and retries with backoff; only a stop gives them up (the rows keep their
// previous state and are sent again after the restart: at least once).
void DeliveryWorker::flush_answers() {
  if (answered_.empty()) return;
  std::vector<store::DeliveryAttempt> attempts;
  attempts.reserve(answered_.size());
  for (const Answered& a : answered_) attempts.push_back(a.attempt);
  if (auto recorded = store_.record_delivery_attempts(attempts); !recorded) {
    commit_failed(recorded.error());
    if (!stopping_) return;
    release_lanes(false);
    return;
  }
  if (commit_failures_ > 0) {
    log::info("recording delivery attempts works again",
              {{"attempts", static_cast<std::int64_t>(attempts.size())}, {"failed_commits", commit_failures_}});
    commit_failures_ = 0;
    commit_retry_timer_.cancel();
  }
  release_lanes(true);
}

// The answered lanes are free again; `follow` (their outcomes are on disk)
// queues each lane's next delivery.
void DeliveryWorker::release_lanes(bool follow) {
  std::vector<Answered> batch = std::move(answered_);
  answered_.clear();
  for (const Answered& a : batch) {
    lanes_in_flight_.erase(a.lane);
    --endpoint_in_flight_[a.attempt.endpoint];
    --in_flight_;
    if (!follow) continue;
    if (a.disable_endpoint) {
      disable(a);
    } else if (a.attempt.new_state != DeliveryState::failed && !stopping_) {
      follow_lane(a.delivery, a.attempt.now_ms);
    }
  }
}

// One line at the first failure and at each doubling of the count after it,
// so that a full disk is not filled further by the worker's own complaints.
void DeliveryWorker::commit_failed(const store::StoreError& error) {
  ++commit_failures_;
  const std::chrono::milliseconds delay =
      std::min(options_.commit_retry_max,
               std::chrono::milliseconds(options_.commit_retry_min.count() << std::min(commit_failures_ - 1, 20)));
  if ((commit_failures_ & (commit_failures_ - 1)) == 0) {
    log::error(stopping_ ? "recording delivery attempts failed at stop; they are sent again after the restart"
                         : "recording delivery attempts failed; no new POSTs until it works, retrying",
               {{"attempts", static_cast<std::int64_t>(answered_.size())},
                {"failed_commits", commit_failures_},
                {"retry_in_ms", static_cast<std::int64_t>(delay.count())},
                {"error", error.to_string()}});
  }
  if (stopping_) return;
  commit_retry_timer_.expires_after(delay);
  commit_retry_timer_.async_wait([this, alive = alive_](const asio::error_code& ec) {
    if (!ec && *alive) schedule_flush();
  });
}

void DeliveryWorker::disable(const Answered& a) {
  const std::string reason = "410 Gone from " + a.url;
  if (auto disabled = store_.disable_endpoint(a.attempt.endpoint, reason, a.attempt.now_ms); !disabled) {
    log::error("disabling endpoint failed", {{"endpoint", a.attempt.endpoint}, {"error", disabled.error().to_string()}});
  }
  log::error(
      "WEBHOOK ENDPOINT DISABLED: the receiver answered 410 Gone; its deliveries wait until an operator runs "
      "wxlivectl enable-endpoint",
      {{"endpoint", a.attempt.endpoint}, {"url", a.url}, {"event_id", a.event_id}});
  std::erase_if(ready_, [&](const store::DueDelivery& d) { return d.delivery.endpoint == a.attempt.endpoint; });
}

void DeliveryWorker::stop(std::chrono::steady_clock::time_point deadline, std::function<void()> on_stopped) {
  if (stopping_) return;
  stopping_ = true;
  on_stopped_ = std::move(on_stopped);
  timer_.cancel();
  commit_retry_timer_.cancel();
  flush_answers();  // answers waiting for a group commit or a commit retry: now or never
  if (in_flight_ == 0) {
    finish_stop();
    return;
  }
  stop_timer_.expires_at(deadline);
  stop_timer_.async_wait([this, alive = alive_](const asio::error_code& ec) {
    if (ec || !*alive || stopped_) return;
    log::warn("stop deadline reached; abandoning webhook POSTs in flight (they are sent again after restart)",
              {{"in_flight", in_flight_}});
    finish_stop();
  });
}

void DeliveryWorker::finish_stop() {
  if (stopped_) return;
  flush_answers();
  stopped_ = true;
  stop_timer_.cancel();
  commit_retry_timer_.cancel();
  if (in_flight_ > 0) {
    curl_.reset();  // abandons the transfers: their handlers never run
    lanes_in_flight_.clear();
    endpoint_in_flight_.clear();
    in_flight_ = 0;
  }
  if (on_stopped_) {
    asio::post(io_, [done = std::move(on_stopped_), alive = alive_] {
      if (*alive) done();
    });
  }
}

}  // namespace wxlived::delivery
