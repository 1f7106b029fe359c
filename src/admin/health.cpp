#include "wxlived/admin/health.hpp"

namespace wxlived::admin {

namespace {

std::int64_t ns_of(Health::SteadyClock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

std::string seconds_text(std::int64_t ms) { return std::to_string(ms / 1000) + " s"; }

}  // namespace

Health::Health() : last_beat_ns_(ns_of(SteadyClock::now())) {}

void Health::beat(SteadyClock::time_point now) noexcept { last_beat_ns_.store(ns_of(now), std::memory_order_relaxed); }

Health::SteadyClock::duration Health::loop_age(SteadyClock::time_point now) const noexcept {
  return std::chrono::nanoseconds(ns_of(now) - last_beat_ns_.load(std::memory_order_relaxed));
}

void Health::engine_state(const std::string& app, bool auth_failed, bool quota_exhausted, std::int64_t quota_limit) {
  std::lock_guard lock(mu_);
  AppStatus& s = apps_[app];
  s.auth_failed = auth_failed;
  s.quota_exhausted = quota_exhausted;
  s.quota_limit = quota_limit;
}

void Health::poll_result(const std::string& app, bool succeeded, std::int64_t now_ms) {
  std::lock_guard lock(mu_);
  AppStatus& s = apps_[app];
  if (succeeded) {
    s.last_success_ms = now_ms;
    s.failing_since_ms.reset();
    polled_here_[app] = true;
  } else if (!s.failing_since_ms) {
    s.failing_since_ms = now_ms;
  }
}

void Health::seed_last_success(const std::string& app, std::int64_t at_ms) {
  std::lock_guard lock(mu_);
  AppStatus& s = apps_[app];
  if (!s.last_success_ms || *s.last_success_ms < at_ms) s.last_success_ms = at_ms;
}

void Health::forget_app(const std::string& app) {
  std::lock_guard lock(mu_);
  apps_.erase(app);
  polled_here_.erase(app);
}

std::map<std::string, AppStatus> Health::apps() const {
  std::lock_guard lock(mu_);
  return apps_;
}

Readiness Health::readiness(std::int64_t now_ms) const {
  std::lock_guard lock(mu_);
  Readiness out;
  out.ready = true;
  for (const auto& [name, s] : apps_) {
    AppReadiness r;
    r.app = name;
    const auto here = polled_here_.find(name);
    const bool polled = here != polled_here_.end() && here->second;
    if (s.quota_exhausted) {
      // Explicitly waiting: nothing is wrong, the day's budget is spent.
      r.ready = true;
      r.state = "waiting_for_quota";
      r.reason = "the daily quota is spent; polling resumes at 00:00 Beijing time";
    } else if (s.auth_failed) {
      r.state = "auth_failed";
      r.reason = "WeChat refused the app's credentials (appid, secret, IP whitelist or live permission)";
    } else if (!polled) {
      r.state = "starting";
      r.reason = s.failing_since_ms ? "no successful poll yet; polls failing for " +
                                          seconds_text(now_ms - *s.failing_since_ms)
                                    : "no successful poll yet";
    } else if (s.failing_since_ms && now_ms - *s.failing_since_ms >= kFailingGraceMs) {
      r.state = "failing";
      r.reason = "polls failing for " + seconds_text(now_ms - *s.failing_since_ms) + "; last success " +
                 seconds_text(now_ms - s.last_success_ms.value_or(now_ms)) + " ago";
    } else {
      r.ready = true;
      r.state = "ok";
    }
    out.ready = out.ready && r.ready;
    out.apps.push_back(std::move(r));
  }
  return out;
}

}  // namespace wxlived::admin
