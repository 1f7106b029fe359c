// No secret ever leaves: the app secret, both rotated webhook secrets (and
// their key material) and every access token the daemon held are searched
// for in everything an operator can see: the daemon's log at debug level
// (start, polls, deliveries, a refused reload, stop), check-config, and
// every wxlivectl command in both formats. The database and its folder are
// private to the service (0600 / 0700).
#include <doctest/doctest.h>
#include <httplib.h>
#include <sys/stat.h>

#include <csignal>
#include <thread>

#include "fakewx/fakewx_process.hpp"
#include "support/eventually.hpp"
#include "support/child_process.hpp"
#include "support/run_process.hpp"
#include "support/temp_dir.hpp"
#include "wxlived/store/state_store.hpp"

using namespace std::chrono_literals;
using wxlived::fakewx::testing::RoomText;
using wxlived::fakewx::testing::RunningFakewx;
using wxlived::fakewx::testing::ScenarioText;

namespace {

constexpr const char* kHookOld = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr const char* kHookNew = "whsec_c2Vjb25kLXNlY3JldC1mb3Itcm90YXRpb24=";

using wxlived::testing::eventually;

// Every access token the daemon stored (kv: "<expires_at_ms> <token>").
std::vector<std::string> stored_tokens(const std::filesystem::path& db) {
  std::vector<std::string> tokens;
  auto store = wxlived::store::StateStore::open_readonly(db);
  REQUIRE(store);
  auto q = store->database().prepare("SELECT value FROM kv");
  REQUIRE(q);
  for (auto row = q->step(); row && *row; row = q->step()) {
    const std::string value = q->text(0);
    if (const auto space = value.find(' '); space != std::string::npos) tokens.push_back(value.substr(space + 1));
  }
  return tokens;
}

}  // namespace

TEST_CASE("no secret or token appears in logs, check-config or any wxlivectl output, and the database is private") {
  ScenarioText s;
  s.daily_quota = 100000;
  for (int i = 0; i < 3; ++i) {
    RoomText r;
    r.roomid = 70 + i;
    r.start_time = 1;
    r.end_time = 600;
    r.timeline = "[[1,101],[" + std::to_string(3 + i) + ",105]]";
    s.rooms.push_back(r);
  }
  // A token expiry in the middle: the daemon fetches a second token.
  s.faults.push_back(wxlived::fakewx::testing::FaultText{4, 5, "token_expired", "list"});
  RunningFakewx fake(s.json());

  httplib::Server receiver;
  std::atomic<int> received{0};
  receiver.Post("/hook", [&](const httplib::Request&, httplib::Response& res) {
    ++received;
    res.status = 204;
  });
  const int port = receiver.bind_to_any_port("127.0.0.1");
  std::thread receiver_thread([&] { receiver.listen_after_bind(); });

  wxlived::testing::TempDir dir;
  dir.write("secrets/app", std::string(wxlived::fakewx::testing::secret) + "\n");
  dir.write("secrets/hook", std::string(kHookOld) + "\n" + kHookNew + "\n");
  const std::string config_text =
      "[daemon]\nstate_dir = \"state\"\nlog_format = \"json\"\nlog_level = \"debug\"\nadmin_listen = \"\"\n\n"
      "[[app]]\nname = \"shop\"\nappid = \"" + std::string(wxlived::fakewx::testing::appid) +
      "\"\nsecret_file = \"secrets/app\"\ntoken_mode = \"classic\"\napi_base = \"http://127.0.0.1:" +
      std::to_string(fake.port()) + "\"\n\n[poll]\nmin_interval_s = 1\n\n[rules]\nabnormal_timeout_s = 6\n"
      "replay_delay_s = 3\n\n[[webhook]]\nname = \"hook\"\nurl = \"http://127.0.0.1:" + std::to_string(port) +
      "/hook\"\nsecret_file = \"secrets/hook\"\n";
  const auto config = dir.write("wxlived.toml", config_text);

  std::string seen;  // everything an operator could read
  {
    wxlived::testing::ChildProcess daemon(wxlived::testing::bin("wxlived"), {"run", "--config", config.string()},
                                          dir / "daemon.log");
    REQUIRE_MESSAGE(eventually([&] { return received >= 6; }, 30s), daemon.output());
    std::this_thread::sleep_for(3s);  // past the token expiry
    dir.write("wxlived.toml", config_text + "[poll]\nmin_interval_s = 0\n");  // a refused reload
    ::kill(daemon.pid(), SIGHUP);
    REQUIRE(eventually([&] { return daemon.output().find("reload refused") != std::string::npos; }, 10s));
    dir.write("wxlived.toml", config_text);
    CHECK(daemon.stop(SIGTERM, 20s) == 0);
    seen += daemon.output();
  }
  receiver.stop();
  receiver_thread.join();

  const auto ctl = [&](const std::string& args) {
    const auto r = wxlived::testing::run_process(wxlived::testing::bin("wxlivectl") + " --config " + config.string() +
                                                 " " + args);
    CHECK_MESSAGE(r.exit_code == 0, args << ": " << r.output);
    seen += r.output;
  };
  for (const char* json : {"", " --json"}) {
    ctl(std::string("rooms") + json);
    ctl(std::string("room 70") + json);
    ctl(std::string("events") + json);
    ctl(std::string("deliveries") + json);
    ctl(std::string("quota") + json);
    ctl(std::string("endpoints") + json);
    ctl(std::string("habits") + json);
  }
  seen += wxlived::testing::run_process(wxlived::testing::bin("wxlived") + " check-config --config " + config.string())
              .output;

  const auto db = dir / "state" / "wxlived.db";
  std::vector<std::string> secrets{wxlived::fakewx::testing::secret, kHookOld, kHookNew,
                                   std::string(kHookOld).substr(6), std::string(kHookNew).substr(6)};
  const auto tokens = stored_tokens(db);
  REQUIRE_FALSE(tokens.empty());
  secrets.insert(secrets.end(), tokens.begin(), tokens.end());
  MESSAGE("searched " << seen.size() << " bytes of output for " << secrets.size() << " secrets and tokens");
  CHECK(seen.find("\"msg\":\"event\"") != std::string::npos);  // the log really was captured
  for (const auto& secret : secrets) {
    REQUIRE(secret.size() >= 8);
    CHECK_MESSAGE(seen.find(secret) == std::string::npos, "a secret leaked: one starting " << secret.substr(0, 3));
  }

  struct stat st{};
  REQUIRE(::stat(db.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(::stat((dir / "state").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
}
