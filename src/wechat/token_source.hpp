#pragma once
// Access tokens for one app: cached with an expiry margin, persisted, and
// refreshed by one request at a time however many calls are waiting.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "wxlived/wechat/client.hpp"

namespace wxlived::wechat {

class TokenSource {
 public:
  using Waiter = std::function<void(Expected<std::string, ApiError>)>;

  TokenSource(asio::io_context& io, http::CurlMulti& http, const config::AppSettings& app, Clock clock,
              TokenPersistence persistence, CallObserver observer, ClientOptions options);
  ~TokenSource();

  // A valid token now (posted, never inline), or after one shared refresh.
  void get(Waiter waiter);
  // WeChat rejected `token`: drop it so the next get() refreshes (once, even
  // if several calls report the same token).
  void invalidate(const std::string& token);

 private:
  bool usable(std::int64_t now_ms) const;
  void hold(CachedToken token, std::int64_t lifetime_ms);
  void drop();
  void refresh();
  void request_grant(std::function<void(Expected<TokenGrant, ApiError>)> done);
  void fetch_from_wechat(std::function<void(Expected<TokenGrant, ApiError>)> done);
  void settle(Expected<TokenGrant, ApiError> grant);

  asio::io_context& io_;
  http::CurlMulti& http_;
  const config::AppSettings& app_;
  Clock clock_;
  TokenPersistence persistence_;
  CallObserver observer_;
  ClientOptions options_;
  CachedToken cached_;
  std::int64_t renew_at_ms_ = 0;  // cached_ is used until then
  bool refreshing_ = false;
  bool force_next_ = false;  // stable_token must be forced past a rejected token
  std::vector<Waiter> waiters_;
  std::shared_ptr<bool> alive_;
};

}  // namespace wxlived::wechat
