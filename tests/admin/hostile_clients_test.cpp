// Hostile clients against a real AdminServer over real sockets (issue 13:
// "the admin port can take the daemon down"). Each attack that took the old
// server down runs here, and what is checked is that it is bounded: memory
// (the process's peak RSS), fds (the process's open fds but for the test's
// own sockets) and service (/healthz answers). No check depends on how fast
// the machine is: limits only bound a failure.
#include <doctest/doctest.h>
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include "admin_fixture.hpp"
#include "raw_client.hpp"
#include "support/eventually.hpp"
#include "wxlived/admin/server.hpp"

using namespace std::chrono_literals;
using namespace wxlived::admin;
using namespace wxlived::admin::testing;
using wxlived::testing::eventually;

namespace {

constexpr auto kPatience = 30s;      // bounds a failure only
constexpr long kMemoryBoundKb = 64 * 1024;  // the attacks below would take gigabytes unbounded

// The fixture's database with 5,000 rooms more: /v1/rooms is about 1 MB, so
// a copy per range (2,700 ranges) would be gigabytes.
struct BigStore : StoreFixture {
  BigStore() {
    wxlived::store::Observation o;
    o.app = "big";
    for (int i = 0; i < 5000; ++i) o.room_upserts.push_back(room_row("big", 100000 + i, 101));
    must(store.commit_observation(o));
  }
};

struct Served {
  explicit Served(const StoreFixture& f, const std::string& address = "127.0.0.1:0", ServerLimits limits = {}) {
    auto started = AdminServer::start(address, Routes(f.db, metrics, health, [] { return kT0; }), 4, limits);
    REQUIRE_MESSAGE(started.has_value(), (started ? std::string() : started.error()));
    server = std::move(*started);
  }
  int port() const { return server->port(); }

  Metrics metrics{"0"};
  Health health;
  std::unique_ptr<AdminServer> server;
};

httplib::Result get(int port, const std::string& path, const httplib::Headers& headers = {}) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(kPatience);
  client.set_read_timeout(kPatience);
  return client.Get(path.c_str(), headers);
}

bool healthz_answers(int port) {
  auto reply = get(port, "/healthz");
  return reply && reply->status == 200;
}

}  // namespace

TEST_CASE("a Range header of thousands of ranges gets the whole document once, not a copy per range") {
  BigStore f;
  Served s(f);
  auto plain = get(s.port(), "/v1/rooms");
  REQUIRE(plain);
  REQUIRE(plain->status == 200);
  REQUIRE(plain->body.size() > 500'000);

  std::string ranges = "bytes=0-";
  for (int i = 1; i < 2700; ++i) ranges += ",0-";
  const long peak_before = proc_status_kb("VmHWM");
  auto ranged = get(s.port(), "/v1/rooms", {{"Range", ranges}});
  REQUIRE(ranged);
  // Range is not implemented on the admin port: the full 200, no multipart.
  CHECK(ranged->status == 200);
  CHECK(ranged->get_header_value("Content-Type") == "application/json");
  CHECK(ranged->body.size() == plain->body.size());
  CHECK(proc_status_kb("VmHWM") - peak_before < kMemoryBoundKb);
}

TEST_CASE("a flood of distinct header lines is cut off with bounded memory") {
  StoreFixture f;
  Served s(f);
  RawClient flood(s.port());
  REQUIRE(flood.connected());
  const long peak_before = proc_status_kb("VmHWM");
  bool taken = flood.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  std::size_t sent = 0;
  for (int i = 0; taken && sent < 64u * 1024 * 1024; ++i) {
    std::string lines;
    for (int j = 0; j < 100; ++j) lines += "X-" + std::to_string(i * 100 + j) + ": v\r\n";
    taken = flood.send(lines);
    sent += lines.size();
  }
  CHECK_FALSE(taken);  // the server stopped taking headers long before 64 MB
  bool closed = false;
  const std::string answer = flood.read_until_close(kPatience, &closed);
  CHECK_MESSAGE((closed || answer.rfind("HTTP/1.1 4", 0) == 0), answer);
  CHECK(answer.find("HTTP/1.1 200") == std::string::npos);
  CHECK(proc_status_kb("VmHWM") - peak_before < kMemoryBoundKb);
  CHECK(healthz_answers(s.port()));
}

TEST_CASE("connections that trickle a byte a second do not keep /healthz from answering") {
  StoreFixture f;
  Served s(f);
  const int baseline = open_fds_except({});
  std::vector<std::unique_ptr<RawClient>> slow;
  std::set<int> mine;
  for (int i = 0; i < 16; ++i) {  // four times the server's threads
    slow.push_back(std::make_unique<RawClient>(s.port()));
    REQUIRE(slow.back()->connected());
    REQUIRE(slow.back()->send("GET /healthz HTTP/1.1\r\n"));
    mine.insert(slow.back()->fd());
  }
  std::atomic<bool> stop{false};
  std::thread trickle([&] {
    while (!stop) {
      for (auto& c : slow) c->send("X");
      std::this_thread::sleep_for(1s);
    }
  });
  // The server holds all 16 (the attack is on) ...
  CHECK(eventually([&] { return open_fds_except(mine) >= baseline + 16; }, kPatience));
  // ... and answers others all the same: each request within 5 s.
  for (int i = 0; i < 5; ++i) {
    httplib::Client client("127.0.0.1", s.port());
    client.set_connection_timeout(5s);
    client.set_read_timeout(5s);
    auto reply = client.Get("/healthz");
    REQUIRE(reply);
    CHECK(reply->status == 200);
    std::this_thread::sleep_for(500ms);
  }
  stop = true;
  trickle.join();
}

TEST_CASE("connections beyond the limit are not taken: the server's fds stay bounded, and it serves once they go") {
  StoreFixture f;
  Served s(f);
  const ServerLimits limits;
  const int baseline = open_fds_except({});
  std::vector<std::unique_ptr<RawClient>> flood;
  std::set<int> mine;
  for (unsigned i = 0; i < 3 * limits.connections; ++i) {
    flood.push_back(std::make_unique<RawClient>(s.port(), false));
    mine.insert(flood.back()->fd());
  }
  // It takes connections up to its limit ...
  CHECK(eventually([&] { return open_fds_except(mine) >= baseline + static_cast<int>(limits.connections) / 2; },
                   kPatience));
  // ... and never more, however long they stay (a few fds of slack: a
  // SQLite connection of a request, say).
  int most = 0;
  for (int i = 0; i < 30; ++i) {
    most = std::max(most, open_fds_except(mine));
    std::this_thread::sleep_for(100ms);
  }
  CHECK(most <= baseline + static_cast<int>(limits.connections) + 4);
  flood.clear();
  CHECK(eventually([&] { return healthz_answers(s.port()); }, kPatience));
}

TEST_CASE("a connection that sends nothing is closed by the server") {
  StoreFixture f;
  Served s(f);
  RawClient idle(s.port());
  REQUIRE(idle.connected());
  bool closed = false;
  idle.read_until_close(kPatience, &closed);
  CHECK(closed);
}

TEST_CASE("a request body is never read: a POST announcing 1 GB gets its 405 at once and the connection closes") {
  StoreFixture f;
  Served s(f);
  RawClient post(s.port());
  REQUIRE(post.connected());
  REQUIRE(post.send("POST /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000000000\r\n\r\n"));
  bool closed = false;
  const std::string answer = post.read_until_close(kPatience, &closed);
  CHECK(answer.rfind("HTTP/1.1 405", 0) == 0);
  CHECK(closed);
}

TEST_CASE("answers beyond the response-bytes budget get 503 and Retry-After, small ones still 200") {
  BigStore f;
  ServerLimits limits;
  limits.response_bytes = 64 * 1024;  // less than /v1/rooms, more than /healthz
  Served s(f, "127.0.0.1:0", limits);
  auto big = get(s.port(), "/v1/rooms");
  REQUIRE(big);
  CHECK(big->status == 503);
  CHECK(big->get_header_value("Retry-After") == "1");
  CHECK(healthz_answers(s.port()));
}

TEST_CASE("on a non-loopback address one client address holds at most its share of the connections") {
  StoreFixture f;
  ServerLimits limits;
  limits.idle_timeout_s = 600;  // only the per-address limit closes connections here
  Served s(f, "0.0.0.0:0", limits);
  const int baseline = open_fds_except({});
  std::vector<std::unique_ptr<RawClient>> flood;
  std::set<int> mine;
  for (unsigned i = 0; i < 2 * limits.connections_per_ip; ++i) {
    flood.push_back(std::make_unique<RawClient>(s.port()));
    mine.insert(flood.back()->fd());
  }
  // The connections beyond the share are accepted and closed at once.
  CHECK(eventually(
      [&] {
        return std::count_if(flood.begin(), flood.end(), [](auto& c) {
                 bool closed = false;
                 c->read_until_close(0ms, &closed);
                 return closed;
               }) >= static_cast<long>(limits.connections_per_ip);
      },
      kPatience));
  CHECK(open_fds_except(mine) <= baseline + static_cast<int>(limits.connections_per_ip) + 4);
}
