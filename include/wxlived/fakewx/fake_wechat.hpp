#pragma once
// The fake WeChat's behaviour without HTTP: each endpoint is a method taking
// the request's parts and the current time, returning the Reply. The scenario
// is immutable; the state WeChat would keep (tokens, the day's call count,
// which token_expired faults have struck, the request counter) sits behind
// one mutex, so any number of server threads may call in.
#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>

#include "wxlived/fakewx/responses.hpp"
#include "wxlived/fakewx/token_book.hpp"
#include "wxlived/scenario/quota.hpp"
#include "wxlived/scenario/scenario.hpp"

namespace wxlived::fakewx {

// The query of GET /cgi-bin/token; absent parameters stay nullopt.
struct TokenQuery {
  std::optional<std::string> grant_type;
  std::optional<std::string> appid;
  std::optional<std::string> secret;
};

class FakeWechat {
 public:
  // token_seed fixes the generated token strings (tests); nullopt seeds randomly.
  explicit FakeWechat(scenario::Scenario s, std::optional<std::uint64_t> token_seed = std::nullopt);

  const scenario::Scenario& scenario() const noexcept { return scenario_; }

  // GET /cgi-bin/token: a new token on every call.
  Reply token(const TokenQuery& query, UnixSeconds now);
  // POST /cgi-bin/stable_token: the same token until it nears expiry or force_refresh.
  Reply stable_token(std::string_view body, UnixSeconds now);
  // POST /wxa/business/getliveinfo?access_token=: the room list or a room's replay.
  Reply getliveinfo(const std::optional<std::string>& access_token, std::string_view body, UnixSeconds now);
  // POST /cgi-bin/openapi/quota/get?access_token=: the getliveinfo quota.
  Reply quota_get(const std::optional<std::string>& access_token, std::string_view body, UnixSeconds now);

  // Calls getliveinfo has admitted today (for tests and logs).
  std::int64_t calls_used(UnixSeconds now) const;

 private:
  // Everything below runs with mutex_ held.
  std::string next_request_id(UnixSeconds now);
  std::string new_token_value();
  std::optional<Reply> check_app(std::string_view grant_type, const std::optional<std::string>& appid,
                                 const std::optional<std::string>& secret, std::string_view rid) const;
  std::optional<Reply> token_fault(Seconds t, std::string_view rid) const;
  // nullopt when the token is good, else the 41001/40001/42001 answer.
  std::optional<Reply> check_access_token(const std::optional<std::string>& access_token, UnixSeconds now,
                                          std::string_view rid) const;
  // The token_expired fault strikes once per fault window: at the first
  // getliveinfo inside it, every token fetched before the window opened expires.
  void apply_token_expired(Seconds t, scenario::Api api, UnixSeconds now);

  const scenario::Scenario scenario_;
  mutable std::mutex mutex_;
  TokenBook classic_tokens_;
  TokenBook stable_tokens_;
  scenario::DailyCallCount calls_;
  std::set<std::size_t> struck_token_faults_;  // indexes into scenario_.faults
  std::uint64_t requests_ = 0;
  std::mt19937_64 token_random_;
};

}  // namespace wxlived::fakewx
