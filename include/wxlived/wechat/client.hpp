#pragma once
// The client one app uses to talk to WeChat (or wxlive-fakewx): token
// handling, room list, replays and the quota API, on the daemon's loop.
// Every result is a value; nothing here throws across the loop.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <asio/io_context.hpp>

#include "wxlived/config/config.hpp"
#include "wxlived/core/expected.hpp"
#include "wxlived/http/curl_multi.hpp"
#include "wxlived/wechat/answers.hpp"
#include "wxlived/wechat/outcome.hpp"

namespace wxlived::wechat {

enum class Api { list, replay, token, quota };
const char* to_string(Api api);

// One finished call, for the quota ledger, metrics and --calls-out.
struct CallRecord {
  Api api = Api::list;
  std::int64_t start = 0;
  std::int64_t limit = 0;
  std::int64_t room_id = 0;
  Outcome outcome = Outcome::ok;
  int errcode = 0;
  long http_status = 0;
  std::chrono::microseconds elapsed{0};
};

struct CachedToken {
  std::string access_token;
  std::int64_t expires_at_ms = 0;
};

// Where tokens survive a restart (the store's key/value table in the daemon).
struct TokenPersistence {
  std::function<std::optional<CachedToken>(const std::string& app)> load;
  std::function<void(const std::string& app, const CachedToken&)> save;
};

struct ClientOptions {
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds total_timeout{15000};
  // A token is renewed this long before WeChat says it expires, or at half
  // its lifetime when that is shorter (a command's bare token lives 300 s).
  std::chrono::seconds token_margin{300};
};

using Clock = std::function<std::int64_t()>;  // unix milliseconds
using CallObserver = std::function<void(const CallRecord&)>;

template <class T>
using Reply = std::function<void(Expected<T, ApiError>)>;

class TokenSource;

class WeChatClient {
 public:
  WeChatClient(asio::io_context& io, http::CurlMulti& http, config::AppSettings app, Clock clock,
               TokenPersistence persistence, CallObserver observer, ClientOptions options = {});
  ~WeChatClient();
  WeChatClient(const WeChatClient&) = delete;
  WeChatClient& operator=(const WeChatClient&) = delete;

  // getliveinfo: one page of the room list.
  void list(std::int64_t start, std::int64_t limit, Reply<RoomListPage> reply);
  // getliveinfo action=get_replay: one page of a room's replay segments.
  void replay(std::int64_t room_id, std::int64_t start, std::int64_t limit, Reply<ReplayPage> reply);
  // /cgi-bin/openapi/quota/get for getliveinfo (daily_quota = "auto").
  void quota(Reply<QuotaInfo> reply);

  const std::string& app_name() const { return app_.name; }

 private:
  struct Call;
  void send(std::shared_ptr<Call> call);
  void finish(std::shared_ptr<Call> call, const std::string& token, http::Response response);

  asio::io_context& io_;
  http::CurlMulti& http_;
  config::AppSettings app_;
  CallObserver observer_;
  ClientOptions options_;
  std::unique_ptr<TokenSource> tokens_;
  std::shared_ptr<bool> alive_;
};

}  // namespace wxlived::wechat
