#include "wxlived/wechat/client.hpp"

#include "request_body.hpp"
#include "token_source.hpp"
#include "wxlived/log/log.hpp"
#include "wxlived/wechat/parse.hpp"

namespace wxlived::wechat {

const char* to_string(Api api) {
  switch (api) {
    case Api::list: return "list";
    case Api::replay: return "replay";
    case Api::token: return "token";
    case Api::quota: return "quota";
  }
  return "?";
}

// One API call in flight: what to send, and how to parse and report it.
// The parser returns the outcome and hands the typed page to the caller.
struct WeChatClient::Call {
  CallRecord record;
  std::string path;
  std::string body;
  int attempt = 0;
  std::function<std::optional<ApiError>(const std::string& body)> parse_and_reply;
  std::function<void(ApiError)> fail;
};

WeChatClient::WeChatClient(asio::io_context& io, http::CurlMulti& http, config::AppSettings app, Clock clock,
                           TokenPersistence persistence, CallObserver observer, ClientOptions options)
    : io_(io),
      http_(http),
      app_(std::move(app)),
      observer_(std::move(observer)),
      options_(options),
      alive_(std::make_shared<bool>(true)) {
  tokens_ = std::make_unique<TokenSource>(io_, http_, app_, std::move(clock), std::move(persistence), observer_,
                                          options_);
}

WeChatClient::~WeChatClient() { *alive_ = false; }

namespace {

// Binds a typed reply to a parser: on success the page goes to `reply` and
// no error is returned; on failure the error is returned for the caller.
template <class T, class Parser>
std::function<std::optional<ApiError>(const std::string&)> typed(Parser parse, std::shared_ptr<Reply<T>> reply) {
  return [parse, reply](const std::string& body) -> std::optional<ApiError> {
    auto page = parse(body);
    if (!page) return page.error();
    (*reply)(std::move(*page));
    return std::nullopt;
  };
}

}  // namespace

void WeChatClient::list(std::int64_t start, std::int64_t limit, Reply<RoomListPage> reply) {
  auto call = std::make_shared<Call>();
  call->record = {Api::list, start, limit};
  call->path = "/wxa/business/getliveinfo";
  call->body = list_body(start, limit);
  auto shared = std::make_shared<Reply<RoomListPage>>(std::move(reply));
  call->parse_and_reply = typed<RoomListPage>(parse_room_list, shared);
  call->fail = [shared](ApiError e) { (*shared)(Unexpected(std::move(e))); };
  send(std::move(call));
}

void WeChatClient::replay(std::int64_t room_id, std::int64_t start, std::int64_t limit, Reply<ReplayPage> reply) {
  auto call = std::make_shared<Call>();
  call->record = {Api::replay, start, limit, room_id};
  call->path = "/wxa/business/getliveinfo";
  call->body = replay_body(room_id, start, limit);
  auto shared = std::make_shared<Reply<ReplayPage>>(std::move(reply));
  call->parse_and_reply = typed<ReplayPage>(parse_replay, shared);
  call->fail = [shared](ApiError e) { (*shared)(Unexpected(std::move(e))); };
  send(std::move(call));
}

void WeChatClient::quota(Reply<QuotaInfo> reply) {
  auto call = std::make_shared<Call>();
  call->record = {Api::quota};
  call->path = "/cgi-bin/openapi/quota/get";
  call->body = quota_body();
  auto shared = std::make_shared<Reply<QuotaInfo>>(std::move(reply));
  call->parse_and_reply = typed<QuotaInfo>(parse_quota, shared);
  call->fail = [shared](ApiError e) { (*shared)(Unexpected(std::move(e))); };
  send(std::move(call));
}

void WeChatClient::send(std::shared_ptr<Call> call) {
  tokens_->get([this, call, alive = alive_](Expected<std::string, ApiError> token) {
    if (!*alive) return;
    if (!token) return call->fail(std::move(token).error());  // the token call was reported already
    http::Request request;
    request.method = http::Request::Method::post;
    request.url = endpoint(app_.api_base, call->path) + "?access_token=" + percent_encode(*token);
    request.body = call->body;
    request.headers = {"Content-Type: application/json"};
    request.connect_timeout = options_.connect_timeout;
    request.total_timeout = options_.total_timeout;
    http_.start(std::move(request), [this, call, token = *token, alive](http::Response response) {
      if (*alive) finish(call, token, std::move(response));
    });
  });
}

void WeChatClient::finish(std::shared_ptr<Call> call, const std::string& token, http::Response response) {
  std::optional<ApiError> error = transport_error(response);
  if (!error) error = call->parse_and_reply(response.body);

  CallRecord record = call->record;
  record.outcome = error ? error->outcome : Outcome::ok;
  record.errcode = error ? error->errcode : 0;
  record.http_status = response.status;
  record.elapsed = response.elapsed;
  if (observer_) observer_(record);
  if (!error) return;

  log::Level level = error->outcome == Outcome::no_rooms ? log::Level::debug : log::Level::warn;
  log::write(level, "wechat call failed", {{"app", app_.name},
                                          {"endpoint", to_string(record.api)},
                                          {"outcome", to_string(error->outcome)},
                                          {"errcode", error->errcode},
                                          {"http_status", static_cast<std::int64_t>(response.status)},
                                          {"detail", error->detail}});
  // A rejected token is refreshed once and the call retried with the new one.
  if (error->outcome == Outcome::token_invalid && call->attempt == 0) {
    tokens_->invalidate(token);
    ++call->attempt;
    send(std::move(call));
    return;
  }
  call->fail(std::move(*error));
}

}  // namespace wxlived::wechat
