// CurlMulti against a real HTTP server on loopback (cpp-httplib in a thread).
#include <doctest/doctest.h>
#include <httplib.h>

#include <asio/io_context.hpp>
#include <algorithm>
#include <atomic>
#include <thread>

#include "wxlived/http/curl_multi.hpp"

using namespace std::chrono_literals;
using wxlived::http::CurlMulti;
using wxlived::http::Request;
using wxlived::http::Response;
using wxlived::http::Transport;

namespace {

wxlived::http::CurlGlobal curl_global;

// A loopback server with a few behaviours, torn down with the test.
class LoopbackServer {
 public:
  LoopbackServer() {
    // httplib holds one worker per kept-alive connection: size the pool for
    // the concurrency tests.
    server_.new_task_queue = [] { return new httplib::ThreadPool(64); };
    server_.Get("/hello", [](const httplib::Request&, httplib::Response& res) {
      res.set_header("Retry-After", "7");
      res.set_content("hi", "text/plain");
    });
    server_.Post("/echo", [](const httplib::Request& req, httplib::Response& res) {
      res.status = 201;
      res.set_content(req.body + "|" + req.get_header_value("X-Test") + "|" + req.get_header_value("User-Agent"),
                      "text/plain");
    });
    server_.Get("/big", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(100000, 'x'), "text/plain");
    });
    server_.Get("/slow", [this](const httplib::Request&, httplib::Response& res) {
      for (int i = 0; i < 100 && !stopping_; ++i) std::this_thread::sleep_for(20ms);
      res.set_content("late", "text/plain");
    });
    server_.Get("/status/503", [](const httplib::Request&, httplib::Response& res) { res.status = 503; });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~LoopbackServer() {
    stopping_ = true;
    server_.stop();
    thread_.join();
  }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }

 private:
  httplib::Server server_;
  std::atomic<bool> stopping_{false};
  int port_ = 0;
  std::thread thread_;
};

Request get(const std::string& url) {
  Request r;
  r.url = url;
  return r;
}

// Runs one request to completion on a fresh loop.
Response fetch(CurlMulti& multi, asio::io_context& io, Request request) {
  Response out;
  multi.start(std::move(request), [&](Response r) { out = std::move(r); });
  io.run();
  io.restart();
  return out;
}

}  // namespace

TEST_CASE("a GET returns status body and lower-cased headers") {
  LoopbackServer server;
  asio::io_context io;
  CurlMulti multi(io, {.user_agent = "wxlived-test"});
  auto r = fetch(multi, io, get(server.url("/hello")));
  CHECK(r.transport == Transport::ok);
  CHECK(r.status == 200);
  CHECK(r.body == "hi");
  CHECK(r.header("retry-after") == "7");
  CHECK(multi.in_flight() == 0);
}

TEST_CASE("a POST sends its body headers and user agent") {
  LoopbackServer server;
  asio::io_context io;
  CurlMulti multi(io, {.user_agent = "wxlived/test"});
  Request req = get(server.url("/echo"));
  req.method = Request::Method::post;
  req.body = R"({"start":0})";
  req.headers = {"X-Test: yes", "Content-Type: application/json"};
  auto r = fetch(multi, io, req);
  CHECK(r.status == 201);
  CHECK(r.body == R"({"start":0}|yes|wxlived/test)");
}

TEST_CASE("an HTTP error status is an answer not a transport failure") {
  LoopbackServer server;
  asio::io_context io;
  CurlMulti multi(io, {});
  auto r = fetch(multi, io, get(server.url("/status/503")));
  CHECK(r.transport == Transport::ok);
  CHECK(r.status == 503);
}

TEST_CASE("a body over the size bound fails as too_large") {
  LoopbackServer server;
  asio::io_context io;
  CurlMulti multi(io, {});
  Request req = get(server.url("/big"));
  req.max_response_bytes = 1000;
  auto r = fetch(multi, io, req);
  CHECK(r.transport == Transport::too_large);
  CHECK(r.body.size() <= 1000);
}

TEST_CASE("a refused connection is connect_failed") {
  asio::io_context io;
  CurlMulti multi(io, {});
  // Port 1 on loopback: nothing listens there in a test sandbox.
  auto r = fetch(multi, io, get("http://127.0.0.1:1/"));
  CHECK(r.transport == Transport::connect_failed);
  CHECK_FALSE(r.error.empty());
}

TEST_CASE("sequential requests to one host reuse the kept-alive connection") {
  LoopbackServer server;
  asio::io_context io;
  CurlMulti multi(io, {});
  auto first = fetch(multi, io, get(server.url("/hello")));
  auto second = fetch(multi, io, get(server.url("/hello")));
  CHECK(first.status == 200);
  CHECK_FALSE(first.reused_connection);
  CHECK(second.reused_connection);
}

TEST_CASE("fifty concurrent requests complete on one thread") {
  LoopbackServer server;
  asio::io_context io;
  CurlMulti multi(io, {.max_connections_per_host = 50});
  int done = 0;
  int ok = 0;
  for (int i = 0; i < 50; ++i) {
    multi.start(get(server.url("/hello")), [&](Response r) {
      ++done;
      ok += r.status == 200 ? 1 : 0;
    });
  }
  CHECK(multi.in_flight() == 50);
  io.run();
  CHECK(done == 50);
  CHECK(ok == 50);
}

TEST_CASE("a request that times out does not hold up the others") {
  LoopbackServer server;
  asio::io_context io;
  CurlMulti multi(io, {});
  std::vector<std::string> order;
  Request slow = get(server.url("/slow"));
  slow.total_timeout = 300ms;
  multi.start(slow, [&](Response r) { order.push_back(std::string("slow:") + to_string(r.transport)); });
  for (int i = 0; i < 3; ++i)
    multi.start(get(server.url("/hello")), [&](Response r) { order.push_back("fast:" + std::to_string(r.status)); });
  io.run();
  REQUIRE(order.size() == 4);
  CHECK(order[0] == "fast:200");
  CHECK(order[1] == "fast:200");
  CHECK(order[2] == "fast:200");
  CHECK(order[3] == "slow:timeout");
}

TEST_CASE("destroying the client with requests in flight calls no handler") {
  LoopbackServer server;
  asio::io_context io;
  bool called = false;
  {
    CurlMulti multi(io, {});
    multi.start(get(server.url("/slow")), [&](Response) { called = true; });
    io.run_for(50ms);
  }
  io.run();
  CHECK_FALSE(called);
}

TEST_CASE("requests past max_transfers wait their turn and all complete in order") {
  LoopbackServer server;
  asio::io_context io;
  CurlMulti multi(io, {.max_connections_per_host = 2, .max_transfers = 3});
  std::vector<int> answered;
  for (int i = 0; i < 40; ++i) {
    multi.start(get(server.url("/hello")), [&, i](Response r) {
      CHECK(r.status == 200);
      answered.push_back(i);
    });
  }
  CHECK(multi.in_flight() == 40);
  io.run();
  CHECK(multi.in_flight() == 0);
  REQUIRE(answered.size() == 40);
  // Handed to curl in order, three at a time: the last one cannot start
  // before 37 others have finished, so it is never among the first answers.
  CHECK(std::find(answered.begin(), answered.begin() + 3, 39) == answered.begin() + 3);
}

TEST_CASE("a waiting request's timeout starts when curl gets it, not while it waits") {
  LoopbackServer server;
  asio::io_context io;
  CurlMulti multi(io, {.max_transfers = 1});
  Request slow = get(server.url("/slow"));  // answers after about 2 s
  slow.total_timeout = 1500ms;
  Request fast = get(server.url("/hello"));
  fast.total_timeout = 1000ms;  // shorter than the wait behind the slow one
  std::string slow_result, fast_result;
  multi.start(slow, [&](Response r) { slow_result = to_string(r.transport); });
  multi.start(fast, [&](Response r) { fast_result = std::string(to_string(r.transport)) + ":" + std::to_string(r.status); });
  io.run();
  CHECK(slow_result == "timeout");
  CHECK(fast_result == "ok:200");
}
