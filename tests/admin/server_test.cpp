// The admin server over real HTTP on a loopback port.
#include <doctest/doctest.h>
#include <httplib.h>

#include "admin_fixture.hpp"
#include "raw_client.hpp"
#include "wxlived/admin/server.hpp"

using namespace wxlived::admin;
using namespace wxlived::admin::testing;

namespace {

// A store with the fixture's data, and what the routes read beside it.
struct ServerRig {
  StoreFixture f;
  Metrics metrics{"0"};
  Health health;

  Routes routes() { return Routes(f.db, metrics, health, [] { return kT0; }); }
  wxlived::Expected<std::unique_ptr<AdminServer>, std::string> start(const std::string& address = "127.0.0.1:0") {
    return AdminServer::start(address, routes());
  }
};

}  // namespace

TEST_CASE("the server answers every path and method through the routes") {
  ServerRig rig;
  auto server = rig.start();
  REQUIRE_MESSAGE(server.has_value(), (server ? std::string() : server.error()));
  const int port = (*server)->port();
  CHECK(port > 0);
  CHECK((*server)->address() == "127.0.0.1:" + std::to_string(port));

  httplib::Client client("127.0.0.1", port);
  auto health_reply = client.Get("/healthz");
  REQUIRE(health_reply);
  CHECK(health_reply->status == 200);
  CHECK(health_reply->get_header_value("Content-Type") == "application/json");
  auto metrics_reply = client.Get("/metrics");
  REQUIRE(metrics_reply);
  CHECK(metrics_reply->get_header_value("Content-Type") == kMetricsContentType);
  auto events = client.Get("/v1/events?room=8&since=2025-11-24T00:00:00Z");
  REQUIRE(events);
  CHECK(events->status == 200);
  CHECK(events->body.find("evt_8_1") != std::string::npos);
  CHECK(events->body.find("evt_7_1") == std::string::npos);
  auto bad = client.Get("/v1/events?since=not%20a%20time");
  REQUIRE(bad);
  CHECK(bad->status == 400);
  auto post = client.Post("/metrics", "x", "text/plain");
  REQUIRE(post);
  CHECK(post->status == 405);
  CHECK(post->get_header_value("Allow") == "GET, HEAD");
  auto missing = client.Get("/favicon.ico");
  REQUIRE(missing);
  CHECK(missing->status == 404);
}

TEST_CASE("an address in use is a start error that names the address") {
  ServerRig rig;
  auto first = rig.start();
  REQUIRE(first.has_value());
  const std::string taken = (*first)->address();
  auto second = rig.start(taken);
  REQUIRE_FALSE(second.has_value());
  CHECK(second.error().find(taken) != std::string::npos);
  CHECK_FALSE(rig.start("no-port").has_value());
}

TEST_CASE("a server stopped right after it started shuts down and gives back every fd and its port") {
  ServerRig rig;
  const int fds = open_fds_except({});
  std::string address;
  for (int i = 0; i < 5; ++i) {
    auto server = rig.start();
    REQUIRE(server.has_value());
    address = (*server)->address();
  }
  CHECK(open_fds_except({}) == fds);
  CHECK(rig.start(address).has_value());
}

TEST_CASE("HEAD gets GET's status and headers without a body") {
  ServerRig rig;
  auto server = rig.start();
  REQUIRE(server.has_value());
  httplib::Client client("127.0.0.1", (*server)->port());
  auto get = client.Get("/v1/rooms");
  auto head = client.Head("/v1/rooms");
  REQUIRE(get);
  REQUIRE(head);
  CHECK(head->status == 200);
  CHECK(head->body.empty());
  CHECK(head->get_header_value("Content-Type") == "application/json");
  CHECK(head->get_header_value("Content-Length") == std::to_string(get->body.size()));
}
