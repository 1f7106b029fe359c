// FakewxServer in-process, with an injected clock, over real HTTP.
#include "wxlived/fakewx/server.hpp"

#include <doctest/doctest.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include <atomic>
#include <thread>

#include "scenario_text.hpp"
#include "wxlived/fakewx/app_copies.hpp"
#include "wxlived/scenario/parse.hpp"

namespace fw = wxlived::fakewx;
using std::chrono::milliseconds;

namespace {

constexpr std::int64_t origin = 1'795'449'600;

wxlived::scenario::Scenario parsed(const fw::testing::ScenarioText& text) {
  auto s = wxlived::scenario::parse_scenario(text.json());
  REQUIRE(s.has_value());
  s->origin_unix = origin;
  return std::move(*s);
}

// A server on a free port, served from a background thread.
struct InProcessServer {
  explicit InProcessServer(const fw::testing::ScenarioText& text, fw::ServerSettings settings = {},
                           std::optional<int> app_copies = std::nullopt)
      : wechat(parsed(text), std::nullopt, app_copies), server(wechat, settings, [this] { return now.load(); }) {
    const auto bound = server.bind("127.0.0.1", 0);
    REQUIRE(bound.has_value());
    port = *bound;
    thread = std::thread([this] { served = server.run(); });
  }
  ~InProcessServer() {
    server.stop();
    thread.join();
  }

  std::atomic<std::int64_t> now{origin};
  fw::FakeWechat wechat;
  fw::FakewxServer server;
  int port = 0;
  std::atomic<bool> served{false};
  std::thread thread;
};

fw::testing::ScenarioText one_room() {
  fw::testing::ScenarioText s;
  s.rooms.push_back(fw::testing::room(1, 600, 4200, -86400, "[[620,101],[3000,103]]"));
  return s;
}

}  // namespace

TEST_CASE("listen addresses are HOST:PORT") {
  const auto v4 = fw::parse_listen_address("127.0.0.1:0");
  REQUIRE(v4.has_value());
  CHECK(v4->host == "127.0.0.1");
  CHECK(v4->port == 0);
  const auto v6 = fw::parse_listen_address("[::1]:8080");
  REQUIRE(v6.has_value());
  CHECK(v6->host == "::1");
  CHECK(v6->port == 8080);
  CHECK_FALSE(fw::parse_listen_address("127.0.0.1").has_value());
  CHECK_FALSE(fw::parse_listen_address("127.0.0.1:http").has_value());
  CHECK_FALSE(fw::parse_listen_address("127.0.0.1:70000").has_value());
  CHECK_FALSE(fw::parse_listen_address(":80").has_value());
}

TEST_CASE("the server follows its clock through the scenario") {
  InProcessServer s(one_room());
  httplib::Client client("127.0.0.1", s.port);
  const auto token = client.Get("/cgi-bin/token?grant_type=client_credential&appid=wxfake000000000001"
                                "&secret=fake-secret-for-tests");
  REQUIRE(token);
  rapidjson::Document doc;
  doc.Parse(token->body.c_str());
  const std::string path = std::string("/wxa/business/getliveinfo?access_token=") + doc["access_token"].GetString();
  const auto before = client.Post(path.c_str(), "{}", "application/json");
  REQUIRE(before);
  CHECK(before->body.find("\"live_status\":102") != std::string::npos);
  s.now = origin + 700;
  const auto during = client.Post(path.c_str(), "{}", "application/json");
  REQUIRE(during);
  CHECK(during->body.find("\"live_status\":101") != std::string::npos);
}

TEST_CASE("stop releases a held request at once") {
  fw::testing::ScenarioText text = one_room();
  text.faults.push_back(fw::testing::FaultText{-100, 100, "timeout", ""});
  auto s = std::make_unique<InProcessServer>(text);
  std::atomic<int> status{0};
  std::thread held([&] {
    httplib::Client client("127.0.0.1", s->port);
    client.set_read_timeout(std::chrono::seconds(30));
    const auto r = client.Post("/wxa/business/getliveinfo?access_token=x", "{}", "application/json");
    status = r ? r->status : -1;
  });
  std::this_thread::sleep_for(milliseconds(300));
  const auto started = std::chrono::steady_clock::now();
  s.reset();
  held.join();
  CHECK(std::chrono::steady_clock::now() - started < milliseconds(4000));
  CHECK(status.load() != 0);
}

TEST_CASE("a held request is answered 504 after hold_for") {
  fw::testing::ScenarioText text = one_room();
  text.faults.push_back(fw::testing::FaultText{-100, 100, "timeout", ""});
  fw::ServerSettings settings;
  settings.hold_for = milliseconds(200);
  InProcessServer s(text, settings);
  httplib::Client client("127.0.0.1", s.port);
  const auto r = client.Post("/wxa/business/getliveinfo?access_token=x", "{}", "application/json");
  REQUIRE(r);
  CHECK(r->status == 504);
}

TEST_CASE("a port already in use is an error naming it") {
  InProcessServer first(one_room());
  fw::FakeWechat wechat(parsed(one_room()));
  fw::FakewxServer second(wechat);
  const auto bound = second.bind("127.0.0.1", first.port);
  REQUIRE_FALSE(bound.has_value());
  CHECK(bound.error().find(std::to_string(first.port)) != std::string::npos);
}

TEST_CASE("fakewx stats count calls per copy and summed") {
  InProcessServer s(one_room(), {}, 3);
  httplib::Client client("127.0.0.1", s.port);
  const std::string appid = fw::copy_credential(fw::testing::appid, 2);
  const auto token = client.Get(("/cgi-bin/token?grant_type=client_credential&appid=" + appid +
                                 "&secret=" + fw::copy_credential(fw::testing::secret, 2))
                                    .c_str());
  REQUIRE(token);
  rapidjson::Document doc;
  doc.Parse(token->body.c_str());
  REQUIRE_MESSAGE(doc.HasMember("access_token"), token->body);
  const std::string path = std::string("/wxa/business/getliveinfo?access_token=") + doc["access_token"].GetString();
  for (int i = 0; i < 2; ++i) REQUIRE(client.Post(path.c_str(), "{}", "application/json"));

  const auto all = client.Get("/fakewx/stats");
  REQUIRE(all);
  CHECK(all->status == 200);
  rapidjson::Document sum;
  sum.Parse(all->body.c_str());
  CHECK(sum["apps"].GetInt() == 3);
  CHECK(sum["getliveinfo_today"].GetInt() == 2);
  CHECK(sum["getliveinfo_total"].GetInt() == 2);
  CHECK(sum["tokens_issued"].GetInt() == 1);
  CHECK(sum["requests"].GetInt() == 3);

  const auto two = client.Get(("/fakewx/stats?appid=" + appid).c_str());
  REQUIRE(two);
  rapidjson::Document one;
  one.Parse(two->body.c_str());
  CHECK(std::string(one["appid"].GetString()) == appid);
  CHECK(one["getliveinfo_today"].GetInt() == 2);
  const auto three = client.Get(("/fakewx/stats?appid=" + fw::copy_credential(fw::testing::appid, 3)).c_str());
  REQUIRE(three);
  one.Parse(three->body.c_str());
  CHECK(one["getliveinfo_total"].GetInt() == 0);
  const auto unknown = client.Get("/fakewx/stats?appid=wxfake000000000001");
  REQUIRE(unknown);
  CHECK(unknown->status == 404);
}
