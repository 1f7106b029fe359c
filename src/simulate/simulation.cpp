#include <chrono>
#include <string>

#include "wxlived/fakewx/fake_wechat.hpp"
#include "wxlived/simulate/simulation.hpp"
#include "wxlived/wechat/parse.hpp"

namespace wxlived::simulate {
namespace {

using engine::Call;
using engine::kSecond;

Millis round_up_to_second(Millis t) { return (t + kSecond - 1) / kSecond * kSecond; }

std::string outcome_name(wechat::Outcome o) { return wechat::to_string(o); }

// The in-process stand-in for the daemon's WeChat client: token upkeep, the
// request bodies, and WeChat's bodies parsed by the very parsers the daemon uses.
class FakeClient {
 public:
  FakeClient(const scenario::Scenario& s, const SimulationSettings& settings, std::vector<CallLine>& calls)
      : fake_(s, settings.token_seed), appid_(s.appid), secret_(settings.secret), calls_(calls),
        held_timeout_(settings.held_request_timeout) {}

  // Makes the call at `now`; returns the virtual time the answer arrives and
  // feeds it to the engine.
  Millis execute(engine::AppEngine& eng, const Call& call, Millis now, engine::Effects& out) {
    if (auto problem = ensure_token(now)) {
      out.append(eng.on_failure(now, call, *problem));
      return now;
    }
    const auto now_s = now / kSecond;
    fakewx::Reply reply;
    CallLine line{now, "", call.start, call.limit, call.room_id, std::nullopt, ""};
    switch (call.kind) {
      case Call::Kind::list:
        line.api = "list";
        reply = fake_.getliveinfo(token_, list_body(call), now_s);
        break;
      case Call::Kind::replay:
        line.api = "replay";
        reply = fake_.getliveinfo(token_, replay_body(call), now_s);
        break;
      case Call::Kind::quota:
        line.api = "quota";
        reply = fake_.quota_get(token_, R"({"cgi_path":"/wxa/business/getliveinfo"})", now_s);
        break;
    }
    line.errcode = reply.errcode;
    Millis answered = now;
    std::optional<wechat::ApiError> error;
    if (reply.hold) {
      answered = now + held_timeout_;
      error = wechat::ApiError{wechat::Outcome::timeout, 0, 0, "no answer"};
    } else if (reply.http_status != 200) {
      error = wechat::ApiError{wechat::Outcome::http_error, 0, reply.http_status, "HTTP status"};
    }
    if (error) {
      line.outcome = outcome_name(error->outcome);
      calls_.push_back(std::move(line));
      out.append(eng.on_failure(answered, call, *error));
      return answered;
    }
    switch (call.kind) {
      case Call::Kind::list: {
        auto page = wechat::parse_room_list(reply.body);
        line.outcome = page ? "ok" : outcome_name(page.error().outcome);
        calls_.push_back(std::move(line));
        if (!page) return failed(eng, call, answered, page.error(), out);
        out.append(eng.on_list_page(answered, call, *page));
        break;
      }
      case Call::Kind::replay: {
        auto page = wechat::parse_replay(reply.body);
        line.outcome = page ? "ok" : outcome_name(page.error().outcome);
        calls_.push_back(std::move(line));
        if (!page) return failed(eng, call, answered, page.error(), out);
        out.append(eng.on_replay(answered, call, *page));
        break;
      }
      case Call::Kind::quota: {
        auto quota = wechat::parse_quota(reply.body);
        line.outcome = quota ? "ok" : outcome_name(quota.error().outcome);
        calls_.push_back(std::move(line));
        if (!quota) return failed(eng, call, answered, quota.error(), out);
        out.append(eng.on_quota(answered, call, *quota));
        break;
      }
    }
    return answered;
  }

 private:
  Millis failed(engine::AppEngine& eng, const Call& call, Millis at, const wechat::ApiError& error,
                engine::Effects& out) {
    if (error.outcome == wechat::Outcome::token_invalid) {
      token_.reset();  // the next call fetches a fresh one
      force_refresh_ = true;
    }
    out.append(eng.on_failure(at, call, error));
    return at;
  }

  std::optional<wechat::ApiError> ensure_token(Millis now) {
    if (token_ && now < token_expires_at_) return std::nullopt;
    const std::string body = std::string(R"({"grant_type":"client_credential","appid":")") + appid_ +
                             R"(","secret":")" + secret_ + R"(","force_refresh":)" +
                             (force_refresh_ ? "true" : "false") + "}";
    const fakewx::Reply reply = fake_.stable_token(body, now / kSecond);
    CallLine line{now, "token", 0, 0, 0, reply.errcode, ""};
    std::optional<wechat::ApiError> problem;
    if (reply.hold) {
      problem = wechat::ApiError{wechat::Outcome::timeout, 0, 0, "no answer"};
    } else if (reply.http_status != 200) {
      problem = wechat::ApiError{wechat::Outcome::http_error, 0, reply.http_status, "HTTP status"};
    } else if (auto grant = wechat::parse_token(reply.body)) {
      token_ = grant->access_token;
      // Renew five minutes early, as the daemon's token source does.
      token_expires_at_ = now + std::max<std::int64_t>(grant->expires_in - 300, 60) * kSecond;
      force_refresh_ = false;
    } else {
      problem = grant.error();
    }
    line.outcome = problem ? outcome_name(problem->outcome) : "ok";
    calls_.push_back(std::move(line));
    return problem;
  }

  static std::string list_body(const Call& call) {
    return R"({"start":)" + std::to_string(call.start) + R"(,"limit":)" + std::to_string(call.limit) + "}";
  }
  static std::string replay_body(const Call& call) {
    return R"({"action":"get_replay","room_id":)" + std::to_string(call.room_id) + R"(,"start":)" +
           std::to_string(call.start) + R"(,"limit":)" + std::to_string(call.limit) + "}";
  }

  fakewx::FakeWechat fake_;
  std::string appid_;
  std::string secret_;
  std::vector<CallLine>& calls_;
  Millis held_timeout_;
  std::optional<std::string> token_;
  Millis token_expires_at_ = 0;
  bool force_refresh_ = false;
};

}  // namespace

SimulationSettings scenario_settings(const scenario::Scenario& s) {
  SimulationSettings out;
  out.engine.app = "app";
  out.engine.appid = s.appid;
  out.engine.daily_quota = s.daily_quota;
  out.engine.page_size = 100;
  out.engine.min_interval = 60 * engine::kSecond;
  out.engine.abnormal_timeout = s.abnormal_timeout_s * engine::kSecond;
  out.engine.replay_delay = 600 * engine::kSecond;
  out.secret = s.secret;
  return out;
}

SimulationRun run_simulation(const scenario::Scenario& s, const SimulationSettings& settings) {
  const auto wall_start = std::chrono::steady_clock::now();
  SimulationRun run;
  engine::AppEngine eng(settings.engine);
  FakeClient client(s, settings, run.calls);
  const Millis origin = s.origin_unix * kSecond;
  const Millis end = origin + s.duration_s * kSecond;

  auto collect = [&run](Millis at, engine::Effects&& effects) {
    run.warnings += static_cast<std::int64_t>(effects.warnings.size());
    for (engine::EventOut& e : effects.events) run.events.push_back(EmittedEvent{at, std::move(e)});
  };

  Millis now = origin;
  while (now < end) {
    engine::Plan plan = eng.plan(now);
    collect(now, std::move(plan.effects));
    if (plan.call) {
      engine::Effects answer;
      const Millis answered = client.execute(eng, *plan.call, now, answer);
      collect(answered, std::move(answer));
      now = round_up_to_second(answered);
      continue;
    }
    // The engine promises a wake-up in the future; whole seconds, as the fake counts time.
    now = round_up_to_second(std::max(plan.wake_at, now + kSecond));
  }
  run.stats = eng.stats();
  run.habits_json = engine::habits_summary_json(settings.engine.app, eng.habits());
  run.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return run;
}

}  // namespace wxlived::simulate
