// scripts/webhook-receiver.py (the merchants' reference receiver) against
// the real signer and HTTP client: it must accept what wxlived sends and
// refuse anything else.
#include <doctest/doctest.h>

#include <asio/io_context.hpp>
#include <filesystem>

#include "support/child_process.hpp"
#include "support/temp_dir.hpp"
#include "wxlived/delivery/webhook_request.hpp"
#include "wxlived/http/curl_multi.hpp"

using namespace std::chrono_literals;
using namespace wxlived;

namespace {

constexpr const char* kPython = "/usr/bin/python3";
constexpr const char* kOld = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr const char* kNew = "whsec_c2Vjb25kLXNlY3JldC1mb3Itcm90YXRpb24=";

struct Script {
  testing::TempDir dir;
  std::unique_ptr<testing::ChildProcess> child;
  std::string url;

  explicit Script(const std::string& secrets, std::vector<std::string> extra = {}) {
    dir.write("secret", secrets);
    std::vector<std::string> args{std::string(WXLIVED_SOURCE_DIR) + "/scripts/webhook-receiver.py",
                                  "--port",
                                  "0",
                                  "--secret-file",
                                  (dir / "secret").string(),
                                  "--port-file",
                                  (dir / "port").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    child = std::make_unique<testing::ChildProcess>(kPython, args, dir / "output");
    const auto port = child->wait_for_file(dir / "port", 20s);
    REQUIRE_MESSAGE(port.has_value(), child->output());
    url = "http://127.0.0.1:" + *port + "/hook";
  }
};

http::CurlGlobal curl_global;

// POSTs `request` and returns the status (0: no answer).
long post(http::Request request) {
  asio::io_context io;
  http::CurlMulti curl(io, {});
  long status = -1;
  curl.start(std::move(request), [&](http::Response r) { status = r.ok() ? r.status : 0; });
  io.run();
  return status;
}

delivery::Endpoint endpoint(const std::string& url, std::vector<const char*> secrets) {
  config::WebhookSettings w;
  w.name = "demo";
  w.url = url;
  for (const char* s : secrets) w.secrets.emplace_back(s, "test");
  auto e = delivery::make_endpoint(w);
  REQUIRE(e.has_value());
  return *e;
}

store::EventRecord sample_event(std::string id) {
  store::EventRecord e;
  e.id = std::move(id);
  e.type = "room.status_changed";
  e.app = "shop";
  e.room_id = 7;
  e.body_json =
      R"({"type":"room.status_changed","timestamp":"2026-11-24T12:00:05Z","data":{"app":"shop","appid":"wx0123456789abcdef","room_id":7,"from":102,"to":101,"from_name":"not_started","to_name":"live","changed_at":"2026-11-24T12:00:05Z","inferred":false,"reason":"observed","room":{"name":"Morning sale","anchor_name":"Li","start_time":1764000000,"end_time":1764003600,"live_status":101}}})";
  return e;
}

std::int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

TEST_CASE("the reference receiver accepts a signed webhook and refuses a tampered one") {
  REQUIRE_MESSAGE(std::filesystem::exists(kPython), kPython << " is missing: scripts/deps installs python3");
  // The receiver knows only the newer secret; wxlived signs with both.
  Script script(std::string(kNew) + "\n");
  const auto hook = endpoint(script.url, {kOld, kNew});
  CHECK(post(delivery::build_webhook_request(hook, sample_event("evt_1"), now_s(), 4096)) == 204);

  auto tampered = delivery::build_webhook_request(hook, sample_event("evt_2"), now_s(), 4096);
  tampered.body.replace(tampered.body.find("Morning"), 7, "Evening");
  CHECK(post(tampered) == 401);

  const auto stale = delivery::build_webhook_request(hook, sample_event("evt_3"), now_s() - 3600, 4096);
  CHECK(post(stale) == 401);

  const auto stranger = endpoint(script.url, {"whsec_dW5yZWxhdGVkLXNlY3JldC1rZXk="});
  CHECK(post(delivery::build_webhook_request(stranger, sample_event("evt_4"), now_s(), 4096)) == 401);

  // Same webhook-id again: accepted, reported as a duplicate.
  CHECK(post(delivery::build_webhook_request(hook, sample_event("evt_1"), now_s(), 4096)) == 204);

  CHECK(script.child->stop() == 0);
  const std::string out = script.child->output();
  CHECK(out.find("room.status_changed app=shop room=7 'Morning sale' not_started -> live reason=observed id=evt_1") !=
        std::string::npos);
  CHECK(out.find("401 REJECTED id=evt_2") != std::string::npos);
  CHECK(out.find("401 REJECTED id=evt_3") != std::string::npos);
  CHECK(out.find("DUPLICATE") != std::string::npos);
}

TEST_CASE("the reference receiver answers 503 to every K-th request when asked") {
  REQUIRE_MESSAGE(std::filesystem::exists(kPython), kPython << " is missing: scripts/deps installs python3");
  Script script(std::string(kOld) + "\n", {"--fail-every", "3"});
  const auto hook = endpoint(script.url, {kOld});
  std::vector<long> statuses;
  for (int i = 1; i <= 6; ++i) {
    statuses.push_back(
        post(delivery::build_webhook_request(hook, sample_event("evt_" + std::to_string(i)), now_s(), 4096)));
  }
  CHECK(statuses == std::vector<long>{204, 204, 503, 204, 204, 503});
}
