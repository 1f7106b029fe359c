// WeChatClient against the real wxlive-fakewx binary over real HTTP.
#include <doctest/doctest.h>

#include <asio/io_context.hpp>
#include <fstream>
#include <set>
#include <sstream>

#include "fakewx/fakewx_process.hpp"
#include "support/temp_dir.hpp"
#include "wxlived/log/log.hpp"
#include "wxlived/scenario/rfc3339.hpp"
#include "wxlived/wechat/client.hpp"

using namespace std::chrono_literals;
using wxlived::Expected;
using wxlived::fakewx::testing::FaultText;
using wxlived::fakewx::testing::RunningFakewx;
using wxlived::fakewx::testing::ScenarioText;
using namespace wxlived::wechat;

namespace {

wxlived::http::CurlGlobal curl_global;

std::int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// One client, its loop, and every call it reported.
struct ClientRig {
  explicit ClientRig(const RunningFakewx& fake, wxlived::config::TokenMode mode = wxlived::config::TokenMode::stable,
                     std::string secret = wxlived::fakewx::testing::secret, TokenPersistence persistence = {},
                     std::string token_command = "")
      : multi(io, {.user_agent = "wxlived-test", .max_connections_per_host = 64}) {
    wxlived::config::AppSettings app;
    app.name = "shop";
    app.appid = wxlived::fakewx::testing::appid;
    app.secret = wxlived::config::SecretValue(std::move(secret), "test");
    app.token_mode = mode;
    app.token_command = std::move(token_command);
    app.api_base = "http://127.0.0.1:" + std::to_string(fake.port());
    ClientOptions options;
    options.total_timeout = 1500ms;
    client = std::make_unique<WeChatClient>(io, multi, app, unix_ms, std::move(persistence),
                                            [this](const CallRecord& r) { calls.push_back(r); }, options);
  }

  Expected<RoomListPage, ApiError> list(std::int64_t start, std::int64_t limit) {
    Expected<RoomListPage, ApiError> out = wxlived::Unexpected(ApiError{});
    client->list(start, limit, [&](auto page) { out = std::move(page); });
    io.run();
    io.restart();
    return out;
  }

  int count(Api api) const {
    int n = 0;
    for (const auto& c : calls) n += c.api == api ? 1 : 0;
    return n;
  }

  asio::io_context io;
  wxlived::http::CurlMulti multi;
  std::vector<CallRecord> calls;
  std::unique_ptr<WeChatClient> client;
};

ScenarioText with_fault(const std::string& kind, const std::string& api = "") {
  ScenarioText s = wxlived::fakewx::testing::many_rooms(3);
  FaultText f;
  f.kind = kind;
  f.api = api;
  s.faults.push_back(f);
  return s;
}

}  // namespace

TEST_CASE("paging across 250 rooms gives exact totals and every room once in order") {
  RunningFakewx fake(wxlived::fakewx::testing::many_rooms(250).json());
  ClientRig rig(fake);
  std::vector<RoomInfo> all;
  for (std::int64_t start : {0, 100, 200}) {
    auto page = rig.list(start, 100);
    REQUIRE(page);
    CHECK(page->total == 250);
    all.insert(all.end(), page->rooms.begin(), page->rooms.end());
  }
  CHECK(all.size() == 250);
  std::set<std::int64_t> ids;
  for (const auto& r : all) ids.insert(r.roomid);
  CHECK(ids.size() == 250);
  for (std::size_t i = 1; i < all.size(); ++i) {
    const bool ordered = all[i - 1].start_time > all[i].start_time ||
                         (all[i - 1].start_time == all[i].start_time && all[i - 1].roomid > all[i].roomid);
    CHECK(ordered);
  }
  CHECK(rig.count(Api::token) == 1);
  CHECK(rig.count(Api::list) == 3);
}

TEST_CASE("each fault kind maps to its outcome") {
  const std::vector<std::pair<std::string, Outcome>> cases = {
      {"busy", Outcome::busy},
      {"http_500", Outcome::http_error},
      {"malformed", Outcome::malformed},
      {"quota_exhausted", Outcome::quota_exhausted},
      {"timeout", Outcome::timeout},
  };
  for (const auto& fault : cases) {
    const std::string kind = fault.first;  // not a structured binding: doctest captures it in a lambda
    const Outcome outcome = fault.second;
    CAPTURE(kind);
    RunningFakewx fake(with_fault(kind, "list").json());
    ClientRig rig(fake);
    auto page = rig.list(0, 100);
    REQUIRE_FALSE(page);
    CHECK(page.error().outcome == outcome);
    if (outcome == Outcome::http_error) CHECK(page.error().http_status == 500);
    if (outcome == Outcome::quota_exhausted) CHECK(page.error().errcode == 45009);
  }
}

TEST_CASE("a token that expires mid-run is refreshed once and the call retried") {
  // The fault window must open after the first token was fetched and used.
  // How long that takes depends on the machine, so it is measured: a run
  // whose first call did not finish before the window opened proves nothing
  // and is repeated with a later window.
  for (std::int64_t opens_after_s = 2;; opens_after_s *= 2) {
    REQUIRE_MESSAGE(opens_after_s <= 64, "the first call did not finish within 32 s");
    const std::int64_t origin = unix_ms() / 1000;
    ScenarioText s = wxlived::fakewx::testing::many_rooms(3);
    FaultText f;
    f.kind = "token_expired";
    f.from = opens_after_s;
    s.faults.push_back(f);
    RunningFakewx fake(s.json(), {"--origin", wxlived::scenario::format_rfc3339_utc(origin)});
    std::vector<std::string> tokens;
    TokenPersistence persistence;
    persistence.save = [&tokens](const std::string&, const CachedToken& t) { tokens.push_back(t.access_token); };
    ClientRig rig(fake, wxlived::config::TokenMode::classic, wxlived::fakewx::testing::secret, persistence);
    const bool first = rig.list(0, 100).has_value();
    const std::chrono::system_clock::time_point opens{std::chrono::seconds(origin + opens_after_s)};
    if (std::chrono::system_clock::now() >= opens) continue;
    REQUIRE(first);
    std::this_thread::sleep_until(opens + 50ms);
    auto page = rig.list(0, 100);
    REQUIRE(page);
    CHECK(page->rooms.size() == 3);
    REQUIRE(rig.calls.size() == 5);  // token, list, list(42001), token, list
    CHECK(rig.calls[2].outcome == Outcome::token_invalid);
    CHECK(rig.calls[2].errcode == 42001);
    CHECK(rig.calls[3].api == Api::token);
    CHECK(rig.calls[4].outcome == Outcome::ok);
    // The rejected token is no longer registered for masking; the new one is.
    REQUIRE(tokens.size() == 2);
    CHECK(wxlived::log::process_redactor().redact(tokens[0]) == tokens[0]);
    CHECK(wxlived::log::process_redactor().redact(tokens[1]) == "***");
    break;
  }
}

TEST_CASE("past the scenario's daily quota list calls answer 45009") {
  ScenarioText s = wxlived::fakewx::testing::many_rooms(3);
  s.daily_quota = 3;
  RunningFakewx fake(s.json());
  ClientRig rig(fake);
  for (int i = 0; i < 3; ++i) REQUIRE(rig.list(0, 10));
  auto page = rig.list(0, 10);
  REQUIRE_FALSE(page);
  CHECK(page.error().outcome == Outcome::quota_exhausted);
  Expected<QuotaInfo, ApiError> quota = wxlived::Unexpected(ApiError{});
  rig.client->quota([&](auto q) { quota = std::move(q); });
  rig.io.run();
  REQUIRE(quota);
  CHECK(quota->daily_limit == 3);
  CHECK(quota->remain == 0);
}

TEST_CASE("fifty concurrent calls on one thread share one token refresh") {
  RunningFakewx fake(wxlived::fakewx::testing::many_rooms(20).json());
  ClientRig rig(fake);
  int ok = 0;
  for (int i = 0; i < 50; ++i)
    rig.client->list(0, 100, [&](auto page) { ok += page && page->rooms.size() == 20 ? 1 : 0; });
  rig.io.run();
  CHECK(ok == 50);
  CHECK(rig.count(Api::token) == 1);
  CHECK(rig.count(Api::list) == 50);
}

TEST_CASE("the documented live_satus spelling is parsed") {
  ScenarioText s;
  s.extra = "\"live_satus_share\":1";
  s.rooms.push_back(wxlived::fakewx::testing::room(5, -600, 3600, -86400, "[[-500,101]]"));
  RunningFakewx fake(s.json());
  ClientRig rig(fake);
  auto page = rig.list(0, 10);
  REQUIRE(page);
  REQUIRE(page->rooms.size() == 1);
  CHECK(page->rooms[0].live_status == 101);
}

TEST_CASE("a held request times out without holding up the others") {
  RunningFakewx fake(with_fault("timeout", "replay").json());
  ClientRig rig(fake);
  std::vector<std::string> order;
  rig.client->replay(1000, 0, 10, [&](auto page) {
    order.push_back(std::string("replay:") + (page ? "ok" : to_string(page.error().outcome)));
  });
  for (int i = 0; i < 3; ++i) rig.client->list(0, 10, [&](auto page) { order.push_back(page ? "list:ok" : "list:err"); });
  rig.io.run();
  REQUIRE(order.size() == 4);
  CHECK(order[0] == "list:ok");
  CHECK(order[3] == "replay:timeout");
}

TEST_CASE("a wrong secret is auth_failed and never reaches the log") {
  RunningFakewx fake(wxlived::fakewx::testing::many_rooms(1).json());
  std::ostringstream log_out;
  wxlived::log::configure_logging({wxlived::log::Format::json, wxlived::log::Level::debug, false}, log_out);
  const std::string wrong = "wrong-secret-0123456789";
  wxlived::log::process_redactor().add_secret(wrong);
  {
    ClientRig rig(fake, wxlived::config::TokenMode::classic, wrong);
    auto page = rig.list(0, 10);
    REQUIRE_FALSE(page);
    CHECK(page.error().outcome == Outcome::auth_failed);
    CHECK(page.error().errcode == 40125);
    REQUIRE(rig.calls.size() == 1);
    CHECK(rig.calls[0].api == Api::token);
  }
  wxlived::log::configure_logging({});
  CHECK(log_out.str().find("40125") != std::string::npos);
  CHECK(log_out.str().find(wrong) == std::string::npos);
  wxlived::log::process_redactor().remove_secret(wrong);
}

TEST_CASE("a persisted token is used without a token call and a new one is persisted") {
  RunningFakewx fake(wxlived::fakewx::testing::many_rooms(2).json());
  std::vector<CachedToken> saved;
  TokenPersistence none{[](const std::string&) { return std::optional<CachedToken>(); },
                        [&](const std::string&, const CachedToken& t) { saved.push_back(t); }};
  {
    ClientRig rig(fake, wxlived::config::TokenMode::stable, wxlived::fakewx::testing::secret, none);
    REQUIRE(rig.list(0, 10));
  }
  REQUIRE(saved.size() == 1);
  CHECK(saved[0].expires_at_ms > unix_ms() + 3600 * 1000);
  TokenPersistence restored{[&](const std::string&) { return std::optional<CachedToken>(saved[0]); }, nullptr};
  ClientRig rig(fake, wxlived::config::TokenMode::stable, wxlived::fakewx::testing::secret, restored);
  REQUIRE(rig.list(0, 10));
  CHECK(rig.count(Api::token) == 0);
}

TEST_CASE("a command's bare token is reused: 20 list calls within a minute run the command once") {
  RunningFakewx fake(wxlived::fakewx::testing::many_rooms(3).json());
  wxlived::testing::TempDir dir;
  const auto runs = dir / "runs";
  // Fetches a token from the fake and prints it bare, as a site's own token
  // service might: a bare token lives kBareTokenLifetime (300 s), no longer
  // than the renewal margin.
  const std::string command = "echo run >> '" + runs.string() + "'; curl -sf 'http://127.0.0.1:" +
                              std::to_string(fake.port()) + "/cgi-bin/token?grant_type=client_credential&appid=" +
                              wxlived::fakewx::testing::appid + "&secret=" + wxlived::fakewx::testing::secret +
                              "' | sed -E 's/.*\"access_token\":\"([^\"]+)\".*/\\1/'";
  ClientRig rig(fake, wxlived::config::TokenMode::command, wxlived::fakewx::testing::secret, {}, command);
  for (int i = 0; i < 20; ++i) REQUIRE(rig.list(0, 100));
  CHECK(rig.count(Api::token) == 1);
  CHECK(rig.count(Api::list) == 20);
  std::ifstream in(runs);
  int lines = 0;
  for (std::string line; std::getline(in, line);) ++lines;
  CHECK(lines == 1);
}
