#pragma once
// The fake WeChat's behaviour without HTTP: each endpoint is a method taking
// the request's parts and the current time, returning the Reply. The scenario
// is immutable and shared by every app the fake serves (its own appid, or N
// copies of it: app_copies.hpp); the state WeChat keeps per app (tokens, the
// day's call count, which token_expired faults have struck) and the request
// counter sit behind one mutex, so any number of server threads may call in.
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "wxlived/core/expected.hpp"
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

// Calls an app (or every app, summed) has made since the fake started.
struct CallCounts {
  std::int64_t getliveinfo_today = 0;  // admitted in the current Beijing day (the quota's count)
  std::int64_t getliveinfo_total = 0;  // admitted since start, every day
  std::int64_t tokens_issued = 0;      // new tokens, classic and stable
};

class FakeWechat {
 public:
  // token_seed fixes the generated token strings (tests); nullopt seeds randomly.
  // app_copies: serve copies 1..N of the scenario's app (app_copies.hpp)
  // instead of the scenario's appid itself.
  explicit FakeWechat(scenario::Scenario s, std::optional<std::uint64_t> token_seed = std::nullopt,
                      std::optional<int> app_copies = std::nullopt);

  const scenario::Scenario& scenario() const noexcept { return scenario_; }

  // GET /cgi-bin/token: a new token on every call.
  Reply token(const TokenQuery& query, UnixSeconds now);
  // POST /cgi-bin/stable_token: the same token until it nears expiry or force_refresh.
  Reply stable_token(std::string_view body, UnixSeconds now);
  // POST /wxa/business/getliveinfo?access_token=: the room list or a room's replay.
  Reply getliveinfo(const std::optional<std::string>& access_token, std::string_view body, UnixSeconds now);
  // POST /cgi-bin/openapi/quota/get?access_token=: the getliveinfo quota.
  Reply quota_get(const std::optional<std::string>& access_token, std::string_view body, UnixSeconds now);

  // Calls getliveinfo has admitted today, all apps together (for tests and logs).
  std::int64_t calls_used(UnixSeconds now) const;
  // Every app's calls summed, or one app's (nullopt: an appid not served).
  CallCounts counts(UnixSeconds now) const;
  std::optional<CallCounts> counts(std::string_view appid, UnixSeconds now) const;
  // How many appids this fake serves (1 without app copies).
  std::size_t apps() const noexcept { return app_count_; }
  // Requests answered on the WeChat endpoints so far.
  std::uint64_t requests() const;

 private:
  // What WeChat keeps for one app. Made at the app's first token, so that
  // appids never used cost one null pointer.
  struct AppState {
    TokenBook classic_tokens;
    TokenBook stable_tokens;
    scenario::DailyCallCount calls;
    std::int64_t calls_total = 0;
    std::int64_t tokens_issued = 0;
    std::set<std::size_t> struck_token_faults;  // indexes into scenario_.faults
  };

  // Everything below runs with mutex_ held.
  std::string next_request_id(UnixSeconds now);
  std::string new_token_value();
  // The app's index (0-based) if appid is one this fake serves.
  std::optional<std::size_t> app_index(std::string_view appid) const noexcept;
  std::string secret_of(std::size_t index) const;
  AppState& state_of(std::size_t index);
  // The app's index, or the 40002/41002/40013/41004/40125 answer.
  Expected<std::size_t, Reply> check_app(std::string_view grant_type, const std::optional<std::string>& appid,
                                         const std::optional<std::string>& secret, std::string_view rid) const;
  std::optional<Reply> token_fault(Seconds t, std::string_view rid) const;
  // Issues a new token in `book` (one of the app's) and indexes it to the app.
  IssuedToken issue(TokenBook& book, std::size_t index, UnixSeconds now);
  // The app that was handed this token (current or previous), if any.
  AppState* token_owner(const std::optional<std::string>& access_token);
  // nullopt when the token is good for `owner`, else the 41001/40001/42001 answer.
  std::optional<Reply> check_access_token(const AppState* owner, const std::optional<std::string>& access_token,
                                          UnixSeconds now, std::string_view rid) const;
  // The token_expired fault strikes once per fault window and app: at the app's
  // first getliveinfo inside it, every token it fetched before the window opened expires.
  void apply_token_expired(AppState& app, Seconds t, scenario::Api api, UnixSeconds now);
  CallCounts counts_of(const AppState& app, UnixSeconds now) const;

  const scenario::Scenario scenario_;
  const std::optional<int> app_copies_;
  const std::size_t app_count_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<AppState>> apps_;                // by app index
  std::unordered_map<std::string, std::size_t> token_owners_;  // every current and previous token
  std::uint64_t requests_ = 0;
  std::mt19937_64 token_random_;
};

}  // namespace wxlived::fakewx
