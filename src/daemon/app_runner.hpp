#pragma once
// One app's loop on the daemon's io_context: ask the engine what to do,
// make the WeChat call, feed the answer back, commit what the engine decided
// (one transaction), tell delivery, and sleep until the engine's next wake-up.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

#include "wxlived/config/config.hpp"
#include "wxlived/engine/app_engine.hpp"
#include "wxlived/store/state_store.hpp"
#include "wxlived/wechat/client.hpp"

namespace wxlived::daemon {

class AppRunner;

struct RunnerHooks {
  std::function<std::int64_t()> clock;      // unix ms
  std::function<void()> committed_events;   // new events are in the outbox
  std::function<void(std::string)> fatal;   // the store failed: stop the daemon
  // Observability (optional, loop thread, must not block): every finished
  // WeChat call, and the app after each commit with the types of the events
  // it committed (also after start, with none).
  std::function<void(const std::string& app, const wechat::CallRecord&)> call_finished;
  std::function<void(const AppRunner&, const std::vector<std::string>& event_types)> committed;
  // A fleet (PostgreSQL backend): whether this daemon's lease of the app is
  // still valid (no WeChat call otherwise), and what to do when the store
  // refused a commit because the lease is gone. Unset: not in a fleet.
  std::function<bool()> lease_valid;
  std::function<void(const std::string& app)> lease_lost;
  // Every write transaction to the store: "observation", "schedule" or "token_call".
  std::function<void(std::string_view kind)> store_committed;
};

class AppRunner {
 public:
  AppRunner(asio::io_context& io, http::CurlMulti& http, store::StateStore& store, const config::Config& config,
            const config::AppSettings& app, RunnerHooks hooks);
  ~AppRunner();

  // Restores the engine from the store and schedules the first plan. False
  // (with the reason) when the store cannot be read.
  bool start(std::string& error);
  // Takes no new work; a call in flight finishes and is committed.
  void stop();
  // SIGHUP: new webhooks and rules take effect at the next commit.
  void reconfigure(const config::Config& config, const config::AppSettings& app);

  const engine::AppEngine& engine() const { return engine_; }
  const std::string& name() const { return app_.name; }
  bool idle() const { return !engine_.call_in_flight(); }

 private:
  void plan_now();
  void execute(const engine::Call& call);
  void answered(engine::Effects effects);
  bool commit(engine::Effects effects);
  void arm(std::int64_t wake_at_ms);
  void publish(const engine::Outlook& outlook);
  void count_token_call(const wechat::CallRecord& record);
  void store_committed(std::string_view kind) const;

  asio::io_context& io_;
  store::StateStore& store_;
  config::AppSettings app_;
  std::vector<config::WebhookSettings> webhooks_;
  RunnerHooks hooks_;
  engine::AppEngine engine_;
  std::unique_ptr<wechat::WeChatClient> client_;
  asio::steady_timer timer_;
  bool stopping_ = false;
  std::optional<engine::Outlook> published_;  // the last outlook written, computed_at cleared
  std::shared_ptr<bool> alive_;
};

engine::EngineSettings engine_settings(const config::Config& config, const config::AppSettings& app);

}  // namespace wxlived::daemon
