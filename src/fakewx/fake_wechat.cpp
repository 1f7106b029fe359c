#include "wxlived/fakewx/fake_wechat.hpp"

#include "wxlived/fakewx/app_copies.hpp"
#include "wxlived/fakewx/errcodes.hpp"
#include "wxlived/fakewx/requests.hpp"
#include "wxlived/scenario/faults.hpp"
#include "wxlived/scenario/listing.hpp"
#include "wxlived/scenario/replay.hpp"

namespace wxlived::fakewx {
namespace {

using scenario::Api;
using scenario::FaultKind;

constexpr std::string_view quota_cgi_path = "/wxa/business/getliveinfo";

bool scope_covers(scenario::FaultScope scope, Api api) {
  switch (scope) {
    case scenario::FaultScope::all: return true;
    case scenario::FaultScope::list: return api == Api::list;
    case scenario::FaultScope::replay: return api == Api::replay;
    case scenario::FaultScope::token: return api == Api::token;
  }
  return false;
}

Reply labelled(Reply reply, std::string_view api) {
  reply.api = std::string(api);
  return reply;
}

bool missing(const std::optional<std::string>& value) { return !value || value->empty(); }

}  // namespace

FakeWechat::FakeWechat(scenario::Scenario s, std::optional<std::uint64_t> token_seed, std::optional<int> app_copies)
    : scenario_(std::move(s)),
      app_copies_(app_copies),
      app_count_(app_copies ? static_cast<std::size_t>(*app_copies) : 1),
      apps_(app_count_),
      token_random_(token_seed ? *token_seed : std::random_device{}()) {}

std::string FakeWechat::next_request_id(UnixSeconds now) { return request_id(now, ++requests_); }

std::string FakeWechat::new_token_value() {
  // Shaped like WeChat's: a numeric prefix, then ~130 URL-safe characters.
  static constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
  std::string token = "86_";
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  for (int i = 0; i < 130; ++i) token += alphabet[pick(token_random_)];
  return token;
}

std::optional<std::size_t> FakeWechat::app_index(std::string_view appid) const noexcept {
  if (!app_copies_) return appid == scenario_.appid ? std::optional<std::size_t>(0) : std::nullopt;
  const auto copy = copy_number(scenario_.appid, appid, *app_copies_);
  if (!copy) return std::nullopt;
  return static_cast<std::size_t>(*copy - 1);
}

std::string FakeWechat::secret_of(std::size_t index) const {
  if (!app_copies_) return scenario_.secret;
  return copy_credential(scenario_.secret, static_cast<int>(index) + 1);
}

FakeWechat::AppState& FakeWechat::state_of(std::size_t index) {
  if (!apps_[index]) apps_[index] = std::make_unique<AppState>();
  return *apps_[index];
}

Expected<std::size_t, Reply> FakeWechat::check_app(std::string_view grant_type,
                                                   const std::optional<std::string>& appid,
                                                   const std::optional<std::string>& secret,
                                                   std::string_view rid) const {
  if (grant_type != "client_credential") return Unexpected{error_reply(errcode::invalid_grant_type, rid)};
  if (missing(appid)) return Unexpected{error_reply(errcode::appid_missing, rid)};
  const auto index = app_index(*appid);
  if (!index) return Unexpected{error_reply(errcode::invalid_appid, rid)};
  if (missing(secret)) return Unexpected{error_reply(errcode::secret_missing, rid)};
  if (*secret != secret_of(*index)) return Unexpected{error_reply(errcode::invalid_secret, rid)};
  return *index;
}

std::optional<Reply> FakeWechat::token_fault(Seconds t, std::string_view rid) const {
  const auto kind = scenario::fault_at(scenario_, t, Api::token);
  if (!kind) return std::nullopt;
  if (auto reply = infrastructure_fault_reply(*kind, rid)) return reply;
  if (*kind == FaultKind::quota_exhausted) return error_reply(errcode::daily_quota, rid);
  return std::nullopt;  // token_expired is about using tokens, not getting them
}

IssuedToken FakeWechat::issue(TokenBook& book, std::size_t index, UnixSeconds now) {
  if (const auto forgotten = book.previous_value()) token_owners_.erase(*forgotten);
  IssuedToken issued = book.issue(new_token_value(), now);
  token_owners_[issued.value] = index;
  ++state_of(index).tokens_issued;
  return issued;
}

FakeWechat::AppState* FakeWechat::token_owner(const std::optional<std::string>& access_token) {
  if (missing(access_token)) return nullptr;
  const auto found = token_owners_.find(*access_token);
  if (found == token_owners_.end()) return nullptr;
  return apps_[found->second].get();
}

std::optional<Reply> FakeWechat::check_access_token(const AppState* owner,
                                                    const std::optional<std::string>& access_token, UnixSeconds now,
                                                    std::string_view rid) const {
  if (missing(access_token)) return error_reply(errcode::access_token_missing, rid);
  // A token no app was handed (or one long replaced) is simply not a token.
  if (owner == nullptr) return error_reply(errcode::invalid_credential, rid);
  const TokenCheck classic = owner->classic_tokens.check(*access_token, now);
  const TokenCheck stable = owner->stable_tokens.check(*access_token, now);
  if (classic == TokenCheck::valid || stable == TokenCheck::valid) return std::nullopt;
  if (classic == TokenCheck::expired || stable == TokenCheck::expired) {
    return error_reply(errcode::access_token_expired, rid);
  }
  return error_reply(errcode::invalid_credential, rid);
}

void FakeWechat::apply_token_expired(AppState& app, Seconds t, Api api, UnixSeconds now) {
  // fault_at picks the first matching fault in file order; find that same one.
  for (std::size_t i = 0; i < scenario_.faults.size(); ++i) {
    const scenario::Fault& fault = scenario_.faults[i];
    if (!(fault.from <= t && t < fault.to && scope_covers(fault.scope, api))) continue;
    if (fault.kind == FaultKind::token_expired && app.struck_token_faults.insert(i).second) {
      // Tokens fetched since the window opened are the "new token" that ends the fault.
      const UnixSeconds window_start = scenario_.origin_unix + fault.from;
      app.classic_tokens.expire_issued_before(window_start, now);
      app.stable_tokens.expire_issued_before(window_start, now);
    }
    return;
  }
}

Reply FakeWechat::token(const TokenQuery& query, UnixSeconds now) {
  const std::lock_guard lock(mutex_);
  const std::string rid = next_request_id(now);
  const Seconds t = now - scenario_.origin_unix;
  if (auto reply = token_fault(t, rid)) return labelled(std::move(*reply), "token");
  const auto index = check_app(query.grant_type.value_or(""), query.appid, query.secret, rid);
  if (!index) return labelled(index.error(), "token");
  const IssuedToken issued = issue(state_of(*index).classic_tokens, *index, now);
  return token_reply(issued.value, issued.expires_at - now);
}

Reply FakeWechat::stable_token(std::string_view body, UnixSeconds now) {
  const std::lock_guard lock(mutex_);
  const std::string rid = next_request_id(now);
  const Seconds t = now - scenario_.origin_unix;
  if (auto reply = token_fault(t, rid)) return labelled(std::move(*reply), "token");
  const auto request = parse_stable_token_request(body);
  if (!request) return labelled(error_reply(request.error().errcode, request.error().message, rid), "token");
  const auto index = check_app(request->grant_type, request->appid, request->secret, rid);
  if (!index) return labelled(index.error(), "token");
  AppState& app = state_of(*index);
  if (!request->force_refresh) {
    // WeChat answers the remaining lifetime, not a fresh 7200.
    if (const auto current = app.stable_tokens.current_if_fresh(now)) {
      return token_reply(current->value, current->expires_at - now);
    }
  }
  const IssuedToken issued = issue(app.stable_tokens, *index, now);
  return token_reply(issued.value, issued.expires_at - now);
}

Reply FakeWechat::getliveinfo(const std::optional<std::string>& access_token, std::string_view body,
                              UnixSeconds now) {
  const std::lock_guard lock(mutex_);
  const std::string rid = next_request_id(now);
  const Seconds t = now - scenario_.origin_unix;
  const Api api = live_info_api(body);
  const std::string_view label = scenario::api_name(api);

  // Infrastructure faults strike before WeChat looks at the request at all.
  const auto fault = scenario::fault_at(scenario_, t, api);
  if (fault) {
    if (auto reply = infrastructure_fault_reply(*fault, rid)) return labelled(std::move(*reply), label);
  }
  AppState* app = token_owner(access_token);
  if (fault == FaultKind::token_expired && app != nullptr) apply_token_expired(*app, t, api, now);
  if (auto reply = check_access_token(app, access_token, now, rid)) return labelled(std::move(*reply), label);
  if (fault == FaultKind::quota_exhausted || !app->calls.try_spend(now, scenario_.daily_quota)) {
    return labelled(error_reply(errcode::daily_quota, rid), label);
  }
  ++app->calls_total;

  const auto request = parse_live_info_request(body);
  if (!request) return labelled(error_reply(request.error().errcode, request.error().message, rid), label);
  const std::int64_t limit = clamp_page_limit(request->limit);
  if (request->api == Api::list) return room_list_reply(scenario::list_page(scenario_, t, request->start, limit), rid);

  const scenario::Room* room = scenario::find_room(scenario_, request->room_id);
  if (room == nullptr || !scenario::listed(*room, t)) {
    return labelled(error_reply(errcode::room_not_found, rid), label);
  }
  return replay_reply(scenario::replay_segments(scenario_, *room, t, request->start, limit));
}

Reply FakeWechat::quota_get(const std::optional<std::string>& access_token, std::string_view body,
                            UnixSeconds now) {
  const std::lock_guard lock(mutex_);
  const std::string rid = next_request_id(now);
  const AppState* app = token_owner(access_token);
  if (auto reply = check_access_token(app, access_token, now, rid)) return labelled(std::move(*reply), "quota");
  const auto cgi_path = parse_quota_request(body);
  if (!cgi_path) return labelled(error_reply(cgi_path.error().errcode, cgi_path.error().message, rid), "quota");
  if (*cgi_path != quota_cgi_path) return labelled(error_reply(errcode::cgi_path_not_found, rid), "quota");
  return quota_reply(scenario_.daily_quota, app->calls.used_on(now),
                     app->calls.remaining_on(now, scenario_.daily_quota));
}

CallCounts FakeWechat::counts_of(const AppState& app, UnixSeconds now) const {
  return CallCounts{app.calls.used_on(now), app.calls_total, app.tokens_issued};
}

std::int64_t FakeWechat::calls_used(UnixSeconds now) const { return counts(now).getliveinfo_today; }

CallCounts FakeWechat::counts(UnixSeconds now) const {
  const std::lock_guard lock(mutex_);
  CallCounts sum;
  for (const auto& app : apps_) {
    if (!app) continue;
    const CallCounts one = counts_of(*app, now);
    sum.getliveinfo_today += one.getliveinfo_today;
    sum.getliveinfo_total += one.getliveinfo_total;
    sum.tokens_issued += one.tokens_issued;
  }
  return sum;
}

std::optional<CallCounts> FakeWechat::counts(std::string_view appid, UnixSeconds now) const {
  const std::lock_guard lock(mutex_);
  const auto index = app_index(appid);
  if (!index) return std::nullopt;
  if (!apps_[*index]) return CallCounts{};
  return counts_of(*apps_[*index], now);
}

std::uint64_t FakeWechat::requests() const {
  const std::lock_guard lock(mutex_);
  return requests_;
}

}  // namespace wxlived::fakewx
