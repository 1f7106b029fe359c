#pragma once
// Shared pieces of the delivery tests: an in-process webhook receiver with
// scripted answers, a real StateStore in a temp folder, a clock the test can
// move, and a loop driver that never depends on how fast the machine is
// (conditions are awaited with generous limits, never assumed after a sleep).
#include <doctest/doctest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <asio/io_context.hpp>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support/store_must.hpp"
#include "support/temp_dir.hpp"
#include "wxlived/delivery/delivery_worker.hpp"
#include "wxlived/store/state_store.hpp"

namespace wxlived::delivery::testing {

using namespace std::chrono_literals;

inline constexpr const char* kOldSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
inline constexpr const char* kNewSecret = "whsec_c2Vjb25kLXNlY3JldC1mb3Itcm90YXRpb24=";

using wxlived::testing::must;

// One request as the receiver saw it.
struct Received {
  std::string path;
  std::string id;
  std::string timestamp;
  std::string signature;
  std::string content_type;
  std::string user_agent;
  std::string body;
  int answered = 0;  // the status the receiver sent back
  int remote_port = 0;  // the client's side of the connection that carried it
};

// Decides the answer to the n-th request (1-based) to the receiver.
using Behaviour = std::function<void(int n, const httplib::Request&, httplib::Response&)>;

class Receiver {
 public:
  explicit Receiver(Behaviour behaviour, int port = 0) : behaviour_(std::move(behaviour)) {
    server_.new_task_queue = [] { return new httplib::ThreadPool(64); };
    // cpp-httplib closes a connection after 5 requests by default; a
    // receiver that keeps it lets tests see the client's own reuse.
    server_.set_keep_alive_max_count(100000);
    server_.Post(R"(/.*)", [this](const httplib::Request& req, httplib::Response& res) {
      int n = 0;
      {
        std::lock_guard lock(mu_);
        n = ++requests_;
        ++active_;
        max_active_ = std::max(max_active_, active_);
      }
      res.status = 204;
      behaviour_(n, req, res);
      std::lock_guard lock(mu_);
      --active_;
      received_.push_back(Received{req.path, req.get_header_value("webhook-id"),
                                   req.get_header_value("webhook-timestamp"), req.get_header_value("webhook-signature"),
                                   req.get_header_value("content-type"), req.get_header_value("user-agent"), req.body,
                                   res.status, req.remote_port});
    });
    if (port == 0) {
      port_ = server_.bind_to_any_port("127.0.0.1");
    } else {
      REQUIRE(server_.bind_to_port("127.0.0.1", port));
      port_ = port;
    }
    REQUIRE(port_ > 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~Receiver() {
    release();
    server_.stop();
    thread_.join();
  }
  Receiver(const Receiver&) = delete;
  Receiver& operator=(const Receiver&) = delete;

  std::string url(const std::string& path = "/hook") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::vector<Received> received() const {
    std::lock_guard lock(mu_);
    return received_;
  }
  int requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }
  int active() const {
    std::lock_guard lock(mu_);
    return active_;
  }
  int max_active() const {
    std::lock_guard lock(mu_);
    return max_active_;
  }

  // For behaviours that hold a request: wait until released (or a limit
  // that only matters if a test forgets to release).
  void hold(std::chrono::milliseconds limit = 10s) {
    std::unique_lock lock(hold_mu_);
    hold_cv_.wait_for(lock, limit, [this] { return released_; });
  }
  void release() {
    std::lock_guard lock(hold_mu_);
    released_ = true;
    hold_cv_.notify_all();
  }

 private:
  Behaviour behaviour_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<Received> received_;
  int requests_ = 0;
  int active_ = 0;
  int max_active_ = 0;
  std::mutex hold_mu_;
  std::condition_variable hold_cv_;
  bool released_ = false;
};

inline Behaviour always(int status) {
  return [status](int, const httplib::Request&, httplib::Response& res) { res.status = status; };
}

// A loopback port with nothing listening: connections are refused.
inline int unused_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

inline config::WebhookSettings webhook(std::string name, std::string url, std::vector<std::string> secrets = {kNewSecret},
                                       int timeout_s = 10) {
  config::WebhookSettings w;
  w.name = std::move(name);
  w.url = std::move(url);
  for (auto& s : secrets) w.secrets.emplace_back(s, "test");
  w.timeout_s = timeout_s;
  return w;
}

inline std::int64_t real_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline std::string event_id(std::int64_t room, int n) { return "evt_r" + std::to_string(room) + "_" + std::to_string(n); }

// Store + loop + worker, all on the test's thread (the store's thread).
struct Harness {
  wxlived::testing::TempDir dir;
  store::StateStore store = must(store::StateStore::open(dir / "state" / "wxlived.db"));
  asio::io_context io;
  std::int64_t clock_offset_ms = 0;
  std::unique_ptr<DeliveryWorker> worker;

  std::int64_t now() const { return real_now_ms() + clock_offset_ms; }
  void advance(std::chrono::milliseconds by) { clock_offset_ms += by.count(); }

  // Quick retries so that tests of retrying take milliseconds of backoff.
  DeliveryOptions options() {
    DeliveryOptions o;
    o.policy.min_backoff = 10ms;
    o.policy.base_backoff = 20ms;
    o.policy.max_backoff = 100ms;
    o.policy.retry_after_min = 10ms;
    o.sweep_interval = 50ms;
    o.now_ms = [this] { return now(); };
    o.random = [] { return 0.5; };
    return o;
  }

  void start(const std::vector<config::WebhookSettings>& hooks) { start(hooks, options()); }
  void start(const std::vector<config::WebhookSettings>& hooks, DeliveryOptions o) {
    worker = std::make_unique<DeliveryWorker>(io, store, hooks, std::move(o));
    worker->kick();
  }

  // One room event committed the way the engine commits it.
  void commit(std::int64_t room, int n, std::vector<std::string> endpoints, std::string type = "room.status_changed") {
    store::Observation o;
    o.app = "shop";
    store::NewEvent e;
    e.id = event_id(room, n);
    e.type = type;
    e.app = "shop";
    e.room_id = room;
    e.body_json = R"({"type":")" + type + R"(","timestamp":"2026-11-24T12:00:05Z","data":{"app":"shop","room_id":)" +
                  std::to_string(room) + R"(,"n":)" + std::to_string(n) + "}}";
    e.created_at_ms = now();
    e.endpoints = std::move(endpoints);
    o.events.push_back(std::move(e));
    must(store.commit_observation(o));
    if (worker) worker->kick();
  }

  // Runs the loop until `done` holds; false after `limit` (a hang, not a
  // slow machine: limits are far above what the work needs).
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds limit = 30s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      io.run_for(5ms);
      if (io.stopped()) io.restart();
    }
    return true;
  }
  // Runs the loop for a while (to show that something does NOT happen).
  void run_for(std::chrono::milliseconds span) {
    const auto deadline = std::chrono::steady_clock::now() + span;
    while (std::chrono::steady_clock::now() < deadline) {
      io.run_for(5ms);
      if (io.stopped()) io.restart();
    }
  }

  std::vector<store::DeliveryRecord> deliveries(std::optional<std::string> endpoint = std::nullopt) {
    store::DeliveryFilter f;
    f.endpoint = std::move(endpoint);
    f.limit = 100000;
    return must(store.deliveries(f));
  }
  int count(store::DeliveryState state, std::optional<std::string> endpoint = std::nullopt) {
    int n = 0;
    for (const auto& d : deliveries(std::move(endpoint))) n += d.state == state ? 1 : 0;
    return n;
  }
  bool all_delivered(std::optional<std::string> endpoint = std::nullopt) {
    auto all = deliveries(std::move(endpoint));
    return !all.empty() &&
           std::all_of(all.begin(), all.end(), [](const auto& d) { return d.state == store::DeliveryState::delivered; });
  }
};

}  // namespace wxlived::delivery::testing
