// The access token the daemon holds stays masked across a reload (issue 12,
// defect 3): a real WeChatClient fetches a token from the real fake, the
// daemon's reload path re-registers the config's secrets, and a line
// holding the token is logged.
#include <doctest/doctest.h>

#include <asio/io_context.hpp>
#include <sstream>

#include "../../src/daemon/daemon.hpp"
#include "fakewx/fakewx_process.hpp"
#include "wxlived/log/log.hpp"
#include "wxlived/wechat/client.hpp"

namespace {

wxlived::http::CurlGlobal curl_global;

std::int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

wxlived::config::AppSettings fake_app(int port) {
  wxlived::config::AppSettings app;
  app.name = "shop";
  app.appid = wxlived::fakewx::testing::appid;
  app.secret = wxlived::config::SecretValue(wxlived::fakewx::testing::secret, "test");
  app.token_mode = wxlived::config::TokenMode::classic;
  app.api_base = "http://127.0.0.1:" + std::to_string(port);
  return app;
}

// Logs one line holding `text` and returns what reached the output.
std::string logged(const std::string& text) {
  std::ostringstream out;
  wxlived::log::configure_logging({}, out);
  wxlived::log::info("a line", {{"value", text}});
  wxlived::log::configure_logging({});
  return out.str();
}

}  // namespace

TEST_CASE("after a reload a line holding the current access token is masked") {
  wxlived::fakewx::testing::RunningFakewx fake(wxlived::fakewx::testing::many_rooms(2).json());
  asio::io_context io;
  wxlived::http::CurlMulti multi(io, {.user_agent = "wxlived-test"});
  std::string token;
  wxlived::wechat::TokenPersistence persistence;
  persistence.save = [&token](const std::string&, const wxlived::wechat::CachedToken& t) { token = t.access_token; };
  auto client = std::make_unique<wxlived::wechat::WeChatClient>(io, multi, fake_app(fake.port()), unix_ms,
                                                                 persistence, nullptr);
  bool listed = false;
  client->list(0, 10, [&](auto page) { listed = page.has_value(); });
  io.run();
  REQUIRE(listed);
  REQUIRE(token.size() >= 8);
  CHECK(logged(token).find(token) == std::string::npos);

  // The reload path: the new config's secrets replace the configured ones.
  wxlived::config::Config reloaded;
  reloaded.apps.push_back(fake_app(fake.port()));
  wxlived::daemon::configure_daemon_logging(reloaded);
  const std::string after_reload = logged(token);
  CHECK_MESSAGE(after_reload.find(token) == std::string::npos, after_reload);
  CHECK(after_reload.find("***") != std::string::npos);

  // The holder gone (runner retired), the token is no longer registered.
  client.reset();
  CHECK(wxlived::log::process_redactor().redact(token) == token);
}
