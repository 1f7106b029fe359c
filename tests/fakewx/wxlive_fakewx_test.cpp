// The real wxlive-fakewx binary over real HTTP.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "fakewx_process.hpp"
#include "scenario_text.hpp"
#include "wxlived/scenario/rfc3339.hpp"

namespace fw = wxlived::fakewx;
using fw::testing::Answer;
using fw::testing::FaultText;
using fw::testing::RunningFakewx;
using fw::testing::ScenarioText;

namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

ScenarioText three_rooms() {
  ScenarioText s;
  s.rooms.push_back(fw::testing::room(1, 600, 4200, -86400, "[[620,101],[3000,103]]", R"({"delay_s":600,"segments":2})"));
  s.rooms.push_back(fw::testing::room(2, 900, 4500));
  s.rooms.push_back(fw::testing::room(3, -500, 1000, -86400, "[[-400,101]]"));
  return s;
}

ScenarioText with_fault(const std::string& kind, const std::string& api = "") {
  ScenarioText s = three_rooms();
  s.faults.push_back(FaultText{-100, 100000, kind, api});
  return s;
}

std::string token_url(const std::string& appid, const std::string& secret) {
  return "/cgi-bin/token?grant_type=client_credential&appid=" + appid + "&secret=" + secret;
}

std::string stable_body(bool force_refresh) {
  return std::string(R"({"grant_type":"client_credential","appid":")") + fw::testing::appid + R"(","secret":")" +
         fw::testing::secret + R"(","force_refresh":)" + (force_refresh ? "true" : "false") + "}";
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool ends_with_rid(const std::string& errmsg) { return errmsg.find(" rid: ") != std::string::npos; }

}  // namespace

TEST_CASE("the port file names the bound port and healthz answers") {
  RunningFakewx server(three_rooms().json());
  CHECK(server.port() > 0);
  const Answer a = server.get("/healthz");
  CHECK(a.status == 200);
  CHECK(server.process().stop() == 0);
}

TEST_CASE("answers are UTF-8 JSON with escaped slashes and WeChat's content type") {
  RunningFakewx server(three_rooms().json());
  const Answer a = server.list(server.token(), 0, 10);
  CHECK(a.status == 200);
  CHECK(a.content_type == "application/json; encoding=utf-8");
  CHECK(a.errcode() == 0);
  CHECK(a.body.find("http:\\/\\/mmbiz.qpic.cn\\/") != std::string::npos);
  CHECK(a.body.find("http://") == std::string::npos);
  CHECK(a.json["live_replay"].IsArray());
  CHECK(a.json["total"].GetInt() == 3);
}

TEST_CASE("paging 250 rooms by 100 gives 100 100 and 50 in start_time order") {
  RunningFakewx server(fw::testing::many_rooms(250).json());
  const std::string tok = server.token();
  std::vector<std::pair<std::int64_t, std::int64_t>> seen;  // (start_time, roomid)
  std::vector<std::size_t> sizes;
  for (int start = 0; start < 300; start += 100) {
    const Answer a = server.list(tok, start, 100);
    REQUIRE(a.errcode() == 0);
    CHECK(a.json["total"].GetInt() == 250);
    sizes.push_back(a.json["room_info"].Size());
    for (const auto& room : a.json["room_info"].GetArray()) {
      seen.emplace_back(room["start_time"].GetInt64(), room["roomid"].GetInt64());
    }
  }
  CHECK(sizes == std::vector<std::size_t>{100, 100, 50});
  REQUIRE(seen.size() == 250);
  auto expected = seen;
  std::sort(expected.begin(), expected.end(), [](const auto& a, const auto& b) { return a > b; });
  CHECK(seen == expected);  // start_time descending, higher roomid first on ties
  std::vector<std::int64_t> ids;
  for (const auto& [start_time, roomid] : seen) ids.push_back(roomid);
  std::sort(ids.begin(), ids.end());
  CHECK(std::adjacent_find(ids.begin(), ids.end()) == ids.end());  // no room twice
  CHECK(seen.front().second == 1249);
}

TEST_CASE("each classic token call returns a new token and the previous one still works") {
  RunningFakewx server(three_rooms().json());
  const Answer first = server.get(token_url(fw::testing::appid, fw::testing::secret));
  CHECK(first.json["expires_in"].GetInt() == 7200);
  const std::string a = first.string("access_token");
  const std::string b = server.token();
  const std::string c = server.token();
  CHECK(a != b);
  CHECK(b != c);
  CHECK(server.list(b, 0, 10).errcode() == 0);
  CHECK(server.list(c, 0, 10).errcode() == 0);
  CHECK(server.list(a, 0, 10).errcode() == 40001);  // two generations old
}

TEST_CASE("stable_token returns the same token until force_refresh") {
  RunningFakewx server(three_rooms().json());
  const Answer first = server.post("/cgi-bin/stable_token", stable_body(false));
  const Answer second = server.post("/cgi-bin/stable_token", stable_body(false));
  CHECK(first.string("access_token").size() > 20);
  CHECK(first.string("access_token") == second.string("access_token"));
  CHECK(second.json["expires_in"].GetInt() <= 7200);
  const Answer forced = server.post("/cgi-bin/stable_token", stable_body(true));
  CHECK(forced.string("access_token") != first.string("access_token"));
  CHECK(server.list(forced.string("access_token"), 0, 10).errcode() == 0);
  CHECK(server.list(first.string("access_token"), 0, 10).errcode() == 0);  // the 5-minute overlap
}

TEST_CASE("a bad appid is 40013 and a bad secret 40125") {
  RunningFakewx server(three_rooms().json());
  const Answer bad_appid = server.get(token_url("wxnotmyapp", fw::testing::secret));
  CHECK(bad_appid.errcode() == 40013);
  CHECK(ends_with_rid(bad_appid.string("errmsg")));
  CHECK(server.get(token_url(fw::testing::appid, "wrong-secret")).errcode() == 40125);
  CHECK(server.get("/cgi-bin/token?grant_type=password&appid=x&secret=y").errcode() == 40002);
}

TEST_CASE("an unknown access token is 40001 with a request id") {
  RunningFakewx server(three_rooms().json());
  const Answer a = server.list("made-up-token", 0, 10);
  CHECK(a.errcode() == 40001);
  CHECK(a.string("errmsg").rfind("invalid credential, access_token is invalid or not latest rid: ", 0) == 0);
}

TEST_CASE("the call past daily_quota is 45009 and quota/get reports used and remain") {
  ScenarioText s = three_rooms();
  s.daily_quota = 3;
  RunningFakewx server(s.json());
  const std::string tok = server.token();
  CHECK(server.list(tok, 0, 10).errcode() == 0);
  CHECK(server.replay(tok, 1).errcode() == 0);
  CHECK(server.list(tok, 0, 10).errcode() == 0);
  const Answer refused = server.list(tok, 0, 10);
  CHECK(refused.errcode() == 45009);
  CHECK(refused.string("errmsg").rfind("reach max api daily quota limit rid: ", 0) == 0);
  const Answer quota =
      server.post("/cgi-bin/openapi/quota/get?access_token=" + tok, R"({"cgi_path":"/wxa/business/getliveinfo"})");
  REQUIRE(quota.errcode() == 0);
  CHECK(quota.json["quota"]["daily_limit"].GetInt() == 3);
  CHECK(quota.json["quota"]["used"].GetInt() == 3);
  CHECK(quota.json["quota"]["remain"].GetInt() == 0);
}

TEST_CASE("the busy fault answers errcode -1") {
  RunningFakewx server(with_fault("busy", "list").json());
  const std::string tok = server.token();
  const Answer a = server.list(tok, 0, 10);
  CHECK(a.errcode() == -1);
  CHECK(a.string("errmsg").rfind("system error rid: ", 0) == 0);
}

TEST_CASE("the http_500 fault answers HTTP 500 without JSON") {
  RunningFakewx server(with_fault("http_500", "list").json());
  const Answer a = server.list(server.token(), 0, 10);
  CHECK(a.status == 500);
  CHECK_FALSE(a.json.IsObject());
}

TEST_CASE("the malformed fault answers 200 with broken JSON") {
  RunningFakewx server(with_fault("malformed", "list").json());
  const Answer a = server.list(server.token(), 0, 10);
  CHECK(a.status == 200);
  CHECK(a.json.HasParseError());
}

TEST_CASE("the quota_exhausted fault answers 45009") {
  RunningFakewx server(with_fault("quota_exhausted", "list").json());
  CHECK(server.list(server.token(), 0, 10).errcode() == 45009);
}

TEST_CASE("the token_expired fault answers 42001 until a new token is fetched") {
  // The window must open after the old token was issued and used once. How
  // long starting the fake and those calls take depends on the machine, so it
  // is measured, never assumed: a run whose calls did not all finish before
  // the window opened proves nothing and is repeated with a later window.
  for (std::int64_t opens_after_s = 2;; opens_after_s *= 2) {
    REQUIRE_MESSAGE(opens_after_s <= 64, "the fake did not answer two calls within 32 s");
    const std::int64_t origin = unix_now();
    ScenarioText s = three_rooms();
    s.faults.push_back(FaultText{opens_after_s, 100000, "token_expired", ""});
    RunningFakewx server(s.json(), {"--origin", wxlived::scenario::format_rfc3339_utc(origin)});
    const std::string old_token = server.token();
    const Answer before = server.list(old_token, 0, 10);
    const std::chrono::system_clock::time_point opens{std::chrono::seconds(origin + opens_after_s)};
    if (std::chrono::system_clock::now() >= opens) continue;
    CHECK(before.errcode() == 0);
    std::this_thread::sleep_until(opens + milliseconds(50));
    CHECK(server.list(old_token, 0, 10).errcode() == 42001);
    CHECK(server.replay(old_token, 1).errcode() == 42001);
    const std::string new_token = server.token();
    CHECK(server.list(new_token, 0, 10).errcode() == 0);
    CHECK(server.list(old_token, 0, 10).errcode() == 42001);
    break;
  }
}

TEST_CASE("the timeout fault holds the request while healthz still answers") {
  RunningFakewx server(with_fault("timeout", "list").json());
  const std::string tok = server.token();
  auto held_client = server.client(milliseconds(1000));
  const auto started = steady_clock::now();
  const auto result = held_client->Post(("/wxa/business/getliveinfo?access_token=" + tok).c_str(),
                                        R"({"start":0,"limit":10})", "application/json");
  const auto waited = steady_clock::now() - started;
  CHECK_FALSE(result);  // the client gave up: no answer came
  CHECK(waited >= milliseconds(900));
  CHECK(waited < milliseconds(5000));
  CHECK(server.get("/healthz").status == 200);
  CHECK(server.replay(tok, 1).errcode() == 0);  // scoped to list only
  const auto stop_started = steady_clock::now();
  CHECK(server.process().stop() == 0);
  CHECK(steady_clock::now() - stop_started < milliseconds(5000));
}

TEST_CASE("SIGTERM exits 0 promptly while a request is held") {
  RunningFakewx server(with_fault("timeout").json());
  std::atomic<bool> answered{false};
  std::thread held([&] {
    auto c = server.client(milliseconds(30000));
    const auto result = c->Post("/wxa/business/getliveinfo?access_token=x", R"({"start":0,"limit":10})",
                                "application/json");
    answered = static_cast<bool>(result);
  });
  std::this_thread::sleep_for(milliseconds(500));
  const auto started = steady_clock::now();
  CHECK(server.process().stop(SIGTERM) == 0);
  CHECK(steady_clock::now() - started < milliseconds(4000));
  held.join();
  CHECK(server.output().find("stopped") != std::string::npos);
}

TEST_CASE("SIGINT stops the server with exit 0") {
  RunningFakewx server(three_rooms().json());
  CHECK(server.process().stop(SIGINT) == 0);
}

TEST_CASE("rooms the scenario marks spell live_satus") {
  ScenarioText s = three_rooms();
  s.extra = "\"live_satus_share\":1";
  RunningFakewx server(s.json());
  const Answer a = server.list(server.token(), 0, 10);
  REQUIRE(a.errcode() == 0);
  for (const auto& room : a.json["room_info"].GetArray()) {
    CHECK(room.HasMember("live_satus"));
    CHECK_FALSE(room.HasMember("live_status"));
  }
}

TEST_CASE("replay segments are served for a room that ended long ago") {
  const std::string origin = wxlived::scenario::format_rfc3339_utc(unix_now() - 10000);
  RunningFakewx server(three_rooms().json(), {"--origin", origin});
  const std::string tok = server.token();
  const Answer list = server.list(tok, 0, 10);
  REQUIRE(list.errcode() == 0);
  for (const auto& room : list.json["room_info"].GetArray()) {
    if (room["roomid"].GetInt() == 1) CHECK(room["live_status"].GetInt() == 103);
    if (room["roomid"].GetInt() == 2) CHECK(room["live_status"].GetInt() == 107);
  }
  const Answer a = server.replay(tok, 1);
  REQUIRE(a.errcode() == 0);
  CHECK(a.json["total"].GetInt() == 2);
  REQUIRE(a.json["live_replay"].Size() == 2);
  CHECK(std::string(a.json["live_replay"][0]["media_url"].GetString()).rfind("http://", 0) == 0);
  CHECK(a.body.find("http:\\/\\/") != std::string::npos);
  CHECK(server.replay(tok, 2).json["total"].GetInt() == 0);  // never ended: no replay
  CHECK(server.replay(tok, 424242).errcode() == 300022);
}

TEST_CASE("a live room is listed as 101 right after start") {
  RunningFakewx server(three_rooms().json());
  const Answer a = server.list(server.token(), 0, 10);
  REQUIRE(a.errcode() == 0);
  CHECK(a.json["room_info"][2]["roomid"].GetInt() == 3);
  CHECK(a.json["room_info"][2]["live_status"].GetInt() == 101);
}

TEST_CASE("50 concurrent requests are all answered") {
  RunningFakewx server(fw::testing::many_rooms(120).json());
  const std::string tok = server.token();
  std::atomic<int> ok{0};
  std::mutex failures_mutex;
  std::vector<std::string> failures;
  std::vector<std::thread> clients;
  for (int i = 0; i < 50; ++i) {
    clients.emplace_back([&, i] {
      auto c = server.client(milliseconds(10000));
      c->set_keep_alive(true);
      for (int round = 0; round < 2; ++round) {
        const auto r = c->Post(("/wxa/business/getliveinfo?access_token=" + tok).c_str(),
                               "{\"start\":" + std::to_string(i) + ",\"limit\":10}", "application/json");
        if (r && r->status == 200 && r->body.find("\"errcode\":0") != std::string::npos) {
          ++ok;
        } else {
          const std::lock_guard lock(failures_mutex);
          failures.push_back(r ? "status " + std::to_string(r->status) + ": " + r->body.substr(0, 80)
                               : "round " + std::to_string(round) + " error " + httplib::to_string(r.error()));
        }
      }
    });
  }
  for (auto& t : clients) t.join();
  CHECK(ok.load() == 100);
  for (const std::string& failure : failures) MESSAGE(failure);
}

TEST_CASE("the app secret never reaches the log") {
  RunningFakewx server(three_rooms().json());
  server.token();
  server.get(token_url(fw::testing::appid, "wrong-secret"));
  server.list(server.token(), 0, 10);
  CHECK(server.process().stop() == 0);
  const std::string log = server.output();
  CHECK(log.find("path=/cgi-bin/token") != std::string::npos);
  CHECK(log.find("errcode=40125") != std::string::npos);
  CHECK(log.find(fw::testing::secret) == std::string::npos);
  CHECK(log.find("86_") == std::string::npos);  // nor a token
}

TEST_CASE("json log format writes one JSON object per line") {
  RunningFakewx server(three_rooms().json(), {"--origin", "now", "--log-format", "json"});
  server.get("/healthz");
  server.token();
  CHECK(server.process().stop() == 0);
  const std::string log = server.output();
  REQUIRE_FALSE(log.empty());
  const std::string first_line = log.substr(0, log.find('\n'));
  rapidjson::Document doc;
  doc.Parse(first_line.c_str());
  CHECK(doc.IsObject());
}

TEST_CASE("a bad scenario file exits 2 naming the room") {
  wxlived::testing::TempDir dir;
  ScenarioText s = three_rooms();
  s.rooms[1].timeline = "[[950,108]]";
  const auto file = dir.write("bad.json", s.json());
  const auto result = wxlived::testing::run_process(wxlived::testing::bin("wxlive-fakewx") + " --scenario " +
                                                    file.string() + " --listen 127.0.0.1:0");
  CHECK(result.exit_code == 2);
  CHECK(result.output.find("roomid 2") != std::string::npos);
  CHECK(result.output.find("108") != std::string::npos);
}

TEST_CASE("a bad origin exits 2") {
  wxlived::testing::TempDir dir;
  const auto file = dir.write("s.json", three_rooms().json());
  const auto result = wxlived::testing::run_process(wxlived::testing::bin("wxlive-fakewx") + " --scenario " +
                                                    file.string() + " --origin yesterday");
  CHECK(result.exit_code == 2);
  CHECK(result.output.find("--origin") != std::string::npos);
}

TEST_CASE("the shared sample scenarios all start") {
  for (const char* name : {"small.json", "day.json", "faults.json", "big.json"}) {
    const std::string path = std::string(WXLIVED_SOURCE_DIR) + "/../shared/scenarios/" + name;
    REQUIRE_MESSAGE(std::filesystem::exists(path), path << " is missing: shared/ belongs beside the checkout");
    wxlived::testing::TempDir dir;
    wxlived::testing::ChildProcess process(
        wxlived::testing::bin("wxlive-fakewx"),
        {"--scenario", path, "--listen", "127.0.0.1:0", "--port-file", (dir / "port").string()}, dir / "out.log");
    CHECK_MESSAGE(process.wait_for_file(dir / "port").has_value(), name);
    CHECK(process.stop() == 0);
  }
}

TEST_CASE("a getliveinfo body of a million open brackets is a data format error and the fake keeps serving") {
  RunningFakewx server(three_rooms().json());
  const std::string tok = server.token();
  const Answer deep = server.post("/wxa/business/getliveinfo?access_token=" + tok, std::string(1'000'000, '['));
  CHECK(deep.status == 200);
  CHECK(deep.errcode() == 47001);
  const std::string closed = std::string(100'000, '[') + std::string(100'000, ']');
  CHECK(server.post("/wxa/business/getliveinfo?access_token=" + tok, closed).errcode() == 47001);
  CHECK(server.get("/healthz").status == 200);
  CHECK(server.list(tok, 0, 10).errcode() == 0);
}

TEST_CASE("--apps 2 serves the two derived appids and not the scenario's own") {
  RunningFakewx server(three_rooms().json(), {"--origin", "now", "--apps", "2"});
  const std::string second_appid = std::string(fw::testing::appid) + "-00002";
  const std::string second_secret = std::string(fw::testing::secret) + "-00002";
  CHECK(server.get(token_url(second_appid, second_secret)).string("access_token").size() > 100);
  CHECK(server.get(token_url(fw::testing::appid, fw::testing::secret)).errcode() == 40013);
  CHECK(server.get(token_url(std::string(fw::testing::appid) + "-00003", second_secret)).errcode() == 40013);
  // The copies' secrets contain the scenario's: redacting it keeps them out of the log.
  CHECK(server.output().find(second_secret) == std::string::npos);
}

TEST_CASE("--apps 0 is a usage error") {
  wxlived::testing::TempDir dir;
  const auto file = dir.write("s.json", three_rooms().json());
  const auto result = wxlived::testing::run_process(wxlived::testing::bin("wxlive-fakewx") + " --scenario " +
                                                    file.string() + " --apps 0");
  CHECK(result.exit_code == 64);
  CHECK(result.output.find("--apps") != std::string::npos);
}
