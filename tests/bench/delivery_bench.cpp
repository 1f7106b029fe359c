// Webhook delivery throughput and latency on loopback, beside a raw
// keep-alive POST loop with the same HTTP client in the same run.
//   delivery_bench [--events N] [--rooms R] [--rate EVENTS_PER_S]
// Prints one JSON object. Durable: every delivery state is committed
// (synchronous=FULL), as in the daemon.
#include <httplib.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "support/temp_dir.hpp"
#include "wxlived/delivery/delivery_worker.hpp"
#include "wxlived/log/log.hpp"
#include "wxlived/store/state_store.hpp"

namespace {

std::int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Answers 204 at once and notes when each webhook-id first arrived.
class FastReceiver {
 public:
  FastReceiver() {
    server_.new_task_queue = [] { return new httplib::ThreadPool(32); };
    server_.set_tcp_nodelay(true);
    server_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      const auto now = unix_ms();
      std::lock_guard lock(mu_);
      arrivals_.emplace(req.get_header_value("webhook-id"), now);
      ++count_;
      res.status = 204;
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~FastReceiver() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  std::size_t count() {
    std::lock_guard lock(mu_);
    return count_;
  }
  std::unordered_map<std::string, std::int64_t> arrivals() {
    std::lock_guard lock(mu_);
    return arrivals_;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::size_t count_ = 0;
  std::unordered_map<std::string, std::int64_t> arrivals_;
};

std::string body_for(int i, std::int64_t room) {
  return R"({"type":"room.status_changed","timestamp":"2026-11-24T12:00:05Z","data":{"app":"shop","appid":"wx0123456789abcdef","room_id":)" +
         std::to_string(room) + R"(,"from":102,"to":101,"from_name":"not_started","to_name":"live","changed_at":"2026-11-24T12:00:05Z","inferred":false,"reason":"observed","seq":)" +
         std::to_string(i) + R"(,"room":{"name":"Bench room","anchor_name":"Li","start_time":1764000000,"end_time":1764003600,"live_status":101}}})";
}

// Commits `count` events, one per observation, round-robin over rooms.
std::vector<std::string> commit_events(wxlived::store::StateStore& store, int first, int count, int rooms) {
  std::vector<std::string> ids;
  for (int i = first; i < first + count; ++i) {
    const std::int64_t room = 1000 + i % rooms;
    wxlived::store::Observation o;
    o.app = "shop";
    o.events.push_back({"evt_bench_" + std::to_string(i), "room.status_changed", "shop", room, body_for(i, room),
                        unix_ms(), {"bench"}});
    if (!store.commit_observation(o)) std::abort();
    ids.push_back(o.events[0].id);
  }
  return ids;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"webhook delivery benchmark"};
  int events = 3000, rooms = 200, rate = 200, due_batch = 4096;
  app.add_option("--events", events, "events for the throughput phase");
  app.add_option("--rooms", rooms, "rooms (lanes) the events spread over");
  app.add_option("--rate", rate, "events per second in the latency phase");
  app.add_option("--due-batch", due_batch, "DeliveryOptions::due_batch");
  CLI11_PARSE(app, argc, argv);
  wxlived::log::configure_logging({wxlived::log::Format::text, wxlived::log::Level::warn, false});

  wxlived::http::CurlGlobal curl;
  FastReceiver receiver;
  wxlived::testing::TempDir dir;
  auto store = std::move(wxlived::store::StateStore::open(dir / "state/wxlived.db").value());
  wxlived::config::WebhookSettings hook;
  hook.name = "bench";
  hook.url = receiver.url();
  hook.secrets.emplace_back("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "bench");

  // 1. Throughput: everything committed first, then drained.
  commit_events(store, 0, events, rooms);
  asio::io_context io;
  wxlived::delivery::DeliveryOptions options;
  options.due_batch = due_batch;
  wxlived::delivery::DeliveryWorker worker(io, store, {hook}, options);
  const auto t0 = std::chrono::steady_clock::now();
  worker.kick();
  while (receiver.count() < static_cast<std::size_t>(events)) io.run_for(std::chrono::milliseconds(10));
  // The last attempts' states are committed right after their answers.
  io.run_for(std::chrono::milliseconds(50));
  const double worker_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  // 2. Raw loop: the same bodies, same client library, 8 in flight, no store.
  wxlived::http::CurlMulti raw(io, {.user_agent = "raw", .max_connections_per_host = 8});
  int started = 0, finished = 0;
  std::function<void()> next = [&] {
    if (started >= events) return;
    const int i = started++;
    wxlived::http::Request r;
    r.method = wxlived::http::Request::Method::post;
    r.url = receiver.url();
    r.body = body_for(i, 1000 + i % rooms);
    r.headers = {"Content-Type: application/json", "Expect:", "webhook-id: raw_" + std::to_string(i)};
    raw.start(std::move(r), [&](wxlived::http::Response) {
      ++finished;
      next();
    });
  };
  const auto t1 = std::chrono::steady_clock::now();
  for (int k = 0; k < 8; ++k) next();
  while (finished < events) io.run_for(std::chrono::milliseconds(10));
  const double raw_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();

  // 3. Latency: events committed at a steady rate, commit -> arrival.
  const int latency_events = std::min(events, rate * 5);
  std::vector<std::pair<std::string, std::int64_t>> committed;
  asio::steady_timer tick(io);
  int made = 0;
  const int per_tick = std::max(1, rate / 100);
  std::function<void()> produce = [&] {
    if (made >= latency_events) return;
    for (const auto& id : commit_events(store, events + made, per_tick, rooms)) committed.emplace_back(id, unix_ms());
    made += per_tick;
    worker.kick();
    tick.expires_after(std::chrono::milliseconds(10));
    tick.async_wait([&](const asio::error_code&) { produce(); });
  };
  produce();
  const std::size_t target = static_cast<std::size_t>(events) * 2 + static_cast<std::size_t>(made);
  while (made < latency_events || receiver.count() < static_cast<std::size_t>(events) * 2 + static_cast<std::size_t>(made))
    io.run_for(std::chrono::milliseconds(10));
  (void)target;
  auto arrivals = receiver.arrivals();
  std::vector<double> latency_ms;
  for (const auto& [id, at] : committed)
    if (auto it = arrivals.find(id); it != arrivals.end()) latency_ms.push_back(static_cast<double>(it->second - at));

  std::printf(
      "{\"events\":%d,\"rooms\":%d,\"worker_s\":%.3f,\"worker_events_per_s\":%.0f,\"raw_s\":%.3f,"
      "\"raw_posts_per_s\":%.0f,\"ratio\":%.2f,\"latency_events\":%zu,\"latency_rate_per_s\":%d,"
      "\"latency_ms\":{\"p50\":%.1f,\"p99\":%.1f,\"max\":%.1f}}\n",
      events, rooms, worker_s, events / worker_s, raw_s, events / raw_s, raw_s / worker_s, latency_ms.size(), rate,
      percentile(latency_ms, 0.5), percentile(latency_ms, 0.99), percentile(latency_ms, 1.0));
  return 0;
}
