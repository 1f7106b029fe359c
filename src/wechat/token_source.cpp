#include "token_source.hpp"

#include <algorithm>
#include <asio/post.hpp>

#include "request_body.hpp"
#include "token_command.hpp"
#include "wxlived/log/log.hpp"
#include "wxlived/wechat/parse.hpp"

namespace wxlived::wechat {

TokenSource::TokenSource(asio::io_context& io, http::CurlMulti& http, const config::AppSettings& app, Clock clock,
                         TokenPersistence persistence, CallObserver observer, ClientOptions options)
    : io_(io),
      http_(http),
      app_(app),
      clock_(std::move(clock)),
      persistence_(std::move(persistence)),
      observer_(std::move(observer)),
      options_(options),
      alive_(std::make_shared<bool>(true)) {
  if (persistence_.load) {
    if (auto saved = persistence_.load(app_.name)) {
      // Its lifetime is not stored: what is left of it is the safe guess.
      const std::int64_t left_ms = saved->expires_at_ms - clock_();
      if (left_ms > 0) hold(std::move(*saved), left_ms);
    }
  }
}

TokenSource::~TokenSource() {
  *alive_ = false;
  drop();
}

bool TokenSource::usable(std::int64_t now_ms) const {
  return !cached_.access_token.empty() && now_ms < renew_at_ms_;
}

// Renewed `token_margin` before expiry, or at half its lifetime when that is
// sooner: a margin as long as the lifetime would make a token unusable from
// the moment it arrives (and every call would fetch another).
void TokenSource::hold(CachedToken token, std::int64_t lifetime_ms) {
  drop();
  const std::int64_t margin_ms = std::chrono::duration_cast<std::chrono::milliseconds>(options_.token_margin).count();
  cached_ = std::move(token);
  renew_at_ms_ = cached_.expires_at_ms - std::min(margin_ms, lifetime_ms / 2);
  // The redactor counts holders: another runner of the same app may hold it too.
  log::process_redactor().add_runtime_secret(cached_.access_token);
}

void TokenSource::drop() {
  if (!cached_.access_token.empty()) log::process_redactor().remove_runtime_secret(cached_.access_token);
  cached_ = {};
  renew_at_ms_ = 0;
}

void TokenSource::get(Waiter waiter) {
  if (usable(clock_())) {
    asio::post(io_, [waiter = std::move(waiter), token = cached_.access_token] { waiter(token); });
    return;
  }
  waiters_.push_back(std::move(waiter));
  if (!refreshing_) refresh();
}

void TokenSource::invalidate(const std::string& token) {
  if (cached_.access_token != token) return;  // already replaced by a refresh
  drop();
  force_next_ = true;
}

void TokenSource::refresh() {
  refreshing_ = true;
  request_grant([this, alive = alive_](Expected<TokenGrant, ApiError> grant) {
    if (*alive) settle(std::move(grant));
  });
}

void TokenSource::request_grant(std::function<void(Expected<TokenGrant, ApiError>)> done) {
  if (app_.token_mode == config::TokenMode::command) {
    const auto started = std::chrono::steady_clock::now();
    run_token_command(io_, app_.token_command, std::chrono::seconds(app_.token_command_timeout_s),
                      [this, started, done = std::move(done), alive = alive_](Expected<TokenGrant, ApiError> grant) {
                        if (!*alive) return;
                        CallRecord record{Api::token};
                        record.outcome = grant ? Outcome::ok : grant.error().outcome;
                        record.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::steady_clock::now() - started);
                        if (observer_) observer_(record);
                        done(std::move(grant));
                      });
    return;
  }
  fetch_from_wechat(std::move(done));
}

void TokenSource::fetch_from_wechat(std::function<void(Expected<TokenGrant, ApiError>)> done) {
  http::Request request;
  request.connect_timeout = options_.connect_timeout;
  request.total_timeout = options_.total_timeout;
  if (app_.token_mode == config::TokenMode::stable) {
    request.method = http::Request::Method::post;
    request.url = endpoint(app_.api_base, "/cgi-bin/stable_token");
    request.body = stable_token_body(app_.appid, app_.secret.reveal(), force_next_);
    request.headers = {"Content-Type: application/json"};
  } else {
    request.url = endpoint(app_.api_base, "/cgi-bin/token") + "?grant_type=client_credential&appid=" +
                  percent_encode(app_.appid) + "&secret=" + percent_encode(app_.secret.reveal());
  }
  http_.start(std::move(request), [this, done = std::move(done), alive = alive_](http::Response response) {
    if (!*alive) return;
    Expected<TokenGrant, ApiError> grant = Unexpected(ApiError{});
    if (auto failed = transport_error(response))
      grant = Unexpected(std::move(*failed));
    else
      grant = parse_token(response.body);
    CallRecord record{Api::token};
    record.outcome = grant ? Outcome::ok : grant.error().outcome;
    record.errcode = grant ? 0 : grant.error().errcode;
    record.http_status = response.status;
    record.elapsed = response.elapsed;
    if (observer_) observer_(record);
    done(std::move(grant));
  });
}

void TokenSource::settle(Expected<TokenGrant, ApiError> grant) {
  refreshing_ = false;
  auto waiters = std::move(waiters_);
  waiters_.clear();
  if (!grant) {
    const ApiError& e = grant.error();
    log::warn("access token refresh failed", {{"app", app_.name},
                                              {"mode", config::to_string(app_.token_mode)},
                                              {"outcome", to_string(e.outcome)},
                                              {"errcode", e.errcode},
                                              {"detail", e.detail}});
    for (auto& w : waiters) w(Unexpected(e));
    return;
  }
  const std::int64_t lifetime_ms = grant->expires_in * 1000;
  hold({grant->access_token, clock_() + lifetime_ms}, lifetime_ms);
  force_next_ = false;
  if (persistence_.save) persistence_.save(app_.name, cached_);
  log::info("access token renewed", {{"app", app_.name},
                                     {"mode", config::to_string(app_.token_mode)},
                                     {"expires_in", grant->expires_in}});
  for (auto& w : waiters) w(cached_.access_token);
}

}  // namespace wxlived::wechat
