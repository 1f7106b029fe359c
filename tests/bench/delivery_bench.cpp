// Webhook delivery throughput and latency on loopback, beside a raw
// keep-alive POST loop with the same HTTP client in the same run.
//   delivery_bench [--events N] [--rooms R] [--rate EVENTS_PER_S] [--repeat K]
//                  [--receiver-keepalive-max M] [--receiver-threads T]
// Prints one JSON object. Durable: every delivery state is committed
// (synchronous=FULL), as in the daemon.
//
// Fairness: both loops post the same bodies with the same CurlMulti options
// (the worker's), 8 in flight, to the same receiver settings; each phase
// starts with a fresh client (its own connections) and ends with it closed;
// the order of the two phases alternates between repetitions; one unmeasured
// warm-up of each comes first; the figures are medians over the repetitions.
#include <httplib.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <cstdio>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>

#include "support/temp_dir.hpp"
#include "wxlived/delivery/delivery_worker.hpp"
#include "wxlived/log/log.hpp"
#include "wxlived/store/state_store.hpp"

namespace {

std::int64_t unix_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// User + system CPU seconds of the whole process (client, store and the
// in-process receiver together).
double cpu_s() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Answers 204 at once; notes when each webhook-id first arrived and which
// client connections (remote ports) carried the requests.
class FastReceiver {
 public:
  FastReceiver(std::size_t keepalive_max, int threads) {
    server_.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
    server_.set_tcp_nodelay(true);
    server_.set_keep_alive_max_count(keepalive_max);
    server_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      const auto now = unix_us();
      std::lock_guard lock(mu_);
      arrivals_.emplace(req.get_header_value("webhook-id"), now);
      ports_.insert(req.remote_port);
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
  // Distinct client connections since the last call.
  std::size_t take_connections() {
    std::lock_guard lock(mu_);
    const std::size_t n = ports_.size();
    ports_.clear();
    return n;
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
  std::set<int> ports_;
  std::unordered_map<std::string, std::int64_t> arrivals_;
};

std::string body_for(int i, std::int64_t room) {
  return R"({"type":"room.status_changed","timestamp":"2026-11-24T12:00:05Z","data":{"app":"shop","appid":"wx0123456789abcdef","room_id":)" +
         std::to_string(room) + R"(,"from":102,"to":101,"from_name":"not_started","to_name":"live","changed_at":"2026-11-24T12:00:05Z","inferred":false,"reason":"observed","seq":)" +
         std::to_string(i) + R"(,"room":{"name":"Bench room","anchor_name":"Li","start_time":1764000000,"end_time":1764003600,"live_status":101}}})";
}

// Commits `count` events, one per observation, round-robin over rooms.
std::vector<std::string> commit_events(wxlived::store::StateStore& store, const std::string& prefix, int first,
                                       int count, int rooms) {
  std::vector<std::string> ids;
  for (int i = first; i < first + count; ++i) {
    const std::int64_t room = 1000 + i % rooms;
    wxlived::store::Observation o;
    o.app = "shop";
    o.events.push_back({prefix + std::to_string(i), "room.status_changed", "shop", room, body_for(i, room),
                        unix_us() / 1000, {"bench"}});
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

struct Phase {
  double seconds = 0;
  double cpu_us_per_event = 0;
  std::size_t connections = 0;  // as the receiver saw them
  double rate(int events) const { return events / seconds; }
};

// The worker's CurlMulti settings, so that the raw loop differs only in
// having no store and no signing.
wxlived::http::CurlMulti::Options client_options() { return {.user_agent = "raw", .max_connections_per_host = 0}; }

wxlived::config::WebhookSettings hook_for(const FastReceiver& receiver) {
  wxlived::config::WebhookSettings hook;
  hook.name = "bench";
  hook.url = receiver.url();
  hook.secrets.emplace_back("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "bench");
  return hook;
}

// `events` committed first (untimed), then drained by a fresh worker on a
// fresh database: timed until every attempt's state is committed.
Phase run_worker(FastReceiver& receiver, int events, int rooms, int due_batch, const std::string& prefix) {
  wxlived::testing::TempDir dir;
  auto store = std::move(wxlived::store::StateStore::open(dir / "state/wxlived.db").value());
  commit_events(store, prefix, 0, events, rooms);
  asio::io_context io;
  wxlived::delivery::DeliveryOptions options;
  options.due_batch = due_batch;
  receiver.take_connections();
  Phase p;
  {
    wxlived::delivery::DeliveryWorker worker(io, store, {hook_for(receiver)}, options);
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = cpu_s();
    worker.kick();
    // in_flight() drops only once an attempt's state is committed.
    while (worker.stats().attempts_for("bench", "delivered") < static_cast<std::uint64_t>(events) ||
           worker.in_flight() > 0)
      io.run_one();
    p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    p.cpu_us_per_event = (cpu_s() - c0) * 1e6 / events;
  }
  p.connections = receiver.take_connections();
  return p;
}

// The same bodies, 8 in flight, no store, no signing.
Phase run_raw(FastReceiver& receiver, int events, int rooms, const std::string& prefix) {
  asio::io_context io;
  receiver.take_connections();
  Phase p;
  {
    wxlived::http::CurlMulti raw(io, client_options());
    int started = 0, finished = 0;
    std::function<void()> next = [&] {
      if (started >= events) return;
      const int i = started++;
      wxlived::http::Request r;
      r.method = wxlived::http::Request::Method::post;
      r.url = receiver.url();
      r.body = body_for(i, 1000 + i % rooms);
      r.headers = {"content-type: application/json", "Expect:", "webhook-id: " + prefix + std::to_string(i)};
      raw.start(std::move(r), [&](wxlived::http::Response response) {
        if (response.transport != wxlived::http::Transport::ok || response.status != 204) std::abort();
        ++finished;
        next();
      });
    };
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = cpu_s();
    for (int k = 0; k < 8; ++k) next();
    while (finished < events) io.run_one();
    p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    p.cpu_us_per_event = (cpu_s() - c0) * 1e6 / events;
  }
  p.connections = receiver.take_connections();
  return p;
}

struct Latency {
  std::vector<double> to_arrival_ms;  // commit returned -> receiver got it
  std::vector<double> to_2xx_ms;      // event created_at_ms -> delivered_at_ms (the worker's 2xx, committed)
};

// Events committed at a steady rate while the worker runs.
Latency run_latency(FastReceiver& receiver, int count, int rate, int rooms, int due_batch) {
  wxlived::testing::TempDir dir;
  auto store = std::move(wxlived::store::StateStore::open(dir / "state/wxlived.db").value());
  asio::io_context io;
  wxlived::delivery::DeliveryOptions options;
  options.due_batch = due_batch;
  wxlived::delivery::DeliveryWorker worker(io, store, {hook_for(receiver)}, options);
  std::vector<std::pair<std::string, std::int64_t>> committed;
  asio::steady_timer tick(io);
  int made = 0;
  const int per_tick = std::max(1, rate / 100);
  std::function<void()> produce = [&] {
    if (made >= count) return;
    for (const auto& id : commit_events(store, "lat_", made, per_tick, rooms)) committed.emplace_back(id, unix_us());
    made += per_tick;
    worker.kick();
    tick.expires_after(std::chrono::milliseconds(10));
    tick.async_wait([&](const asio::error_code&) { produce(); });
  };
  produce();
  while (made < count || worker.stats().attempts_for("bench", "delivered") < static_cast<std::uint64_t>(made) ||
         worker.in_flight() > 0)
    io.run_one();

  Latency out;
  const auto arrivals = receiver.arrivals();
  for (const auto& [id, at] : committed)
    if (auto it = arrivals.find(id); it != arrivals.end())
      out.to_arrival_ms.push_back(static_cast<double>(it->second - at) / 1000.0);
  wxlived::store::EventFilter ef;
  ef.limit = count * 2;
  std::unordered_map<std::int64_t, std::int64_t> created;
  const auto events = store.events(ef);
  if (!events) std::abort();
  for (const auto& e : *events) created[e.seq] = e.created_at_ms;
  wxlived::store::DeliveryFilter df;
  df.limit = count * 2;
  const auto rows = store.deliveries(df);
  if (!rows) std::abort();
  for (const auto& d : *rows)
    if (d.delivered_at_ms) out.to_2xx_ms.push_back(static_cast<double>(*d.delivered_at_ms - created[d.event_seq]));
  return out;
}

double median(std::vector<double> v) { return percentile(std::move(v), 0.5); }

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"webhook delivery benchmark"};
  int events = 3000, rooms = 200, rate = 200, due_batch = 4096, repeat = 5, threads = 32;
  std::size_t keepalive_max = 1'000'000;
  app.add_option("--events", events, "events per throughput phase");
  app.add_option("--rooms", rooms, "rooms (lanes) the events spread over");
  app.add_option("--rate", rate, "events per second in the latency phase");
  app.add_option("--due-batch", due_batch, "DeliveryOptions::due_batch");
  app.add_option("--repeat", repeat, "measured repetitions of each throughput phase (medians reported)");
  app.add_option("--receiver-keepalive-max", keepalive_max,
                 "requests the receiver serves per connection before closing it (cpp-httplib's default: 5)");
  app.add_option("--receiver-threads", threads, "receiver thread pool size");
  std::string only;
  app.add_option("--only", only, "worker: run only the worker's phases (for a profiler); raw: only the raw loop's")
      ->check(CLI::IsMember({"worker", "raw"}));
  CLI11_PARSE(app, argc, argv);
  wxlived::log::configure_logging({wxlived::log::Format::text, wxlived::log::Level::warn, false});

  wxlived::http::CurlGlobal curl;
  FastReceiver receiver(keepalive_max, threads);

  // Warm-up: threads, allocator, page cache, CPU clocks; not reported.
  run_raw(receiver, std::min(events, 500), rooms, "warm_raw_");
  run_worker(receiver, std::min(events, 500), rooms, due_batch, "warm_w_");

  std::vector<Phase> workers, raws;
  for (int r = 0; r < repeat; ++r) {
    const std::string tag = std::to_string(r) + "_";
    if (!only.empty()) {
      // Profiling: the other phase reported as taking no time at all.
      if (only == "worker") workers.push_back(run_worker(receiver, events, rooms, due_batch, "w" + tag));
      if (only == "raw") raws.push_back(run_raw(receiver, events, rooms, "raw" + tag));
      if (only == "worker") raws.push_back(Phase{1e-9, 0, 0});
      if (only == "raw") workers.push_back(Phase{1e-9, 0, 0});
      continue;
    }
    if (r % 2 == 0) {
      workers.push_back(run_worker(receiver, events, rooms, due_batch, "w" + tag));
      raws.push_back(run_raw(receiver, events, rooms, "raw" + tag));
    } else {
      raws.push_back(run_raw(receiver, events, rooms, "raw" + tag));
      workers.push_back(run_worker(receiver, events, rooms, due_batch, "w" + tag));
    }
  }
  const int latency_events = std::min(events, rate * 5);
  const Latency latency = run_latency(receiver, latency_events, rate, rooms, due_batch);

  std::vector<double> worker_rates, raw_rates, ratios, worker_cpu, raw_cpu;
  std::string runs;
  for (std::size_t i = 0; i < workers.size(); ++i) {
    worker_rates.push_back(workers[i].rate(events));
    raw_rates.push_back(raws[i].rate(events));
    ratios.push_back(workers[i].rate(events) / raws[i].rate(events));
    worker_cpu.push_back(workers[i].cpu_us_per_event);
    raw_cpu.push_back(raws[i].cpu_us_per_event);
    char line[256];
    std::snprintf(line, sizeof line,
                  "%s{\"worker_per_s\":%.0f,\"raw_per_s\":%.0f,\"worker_cpu_us\":%.0f,\"raw_cpu_us\":%.0f,"
                  "\"worker_conns\":%zu,\"raw_conns\":%zu}",
                  i ? "," : "", worker_rates.back(), raw_rates.back(), worker_cpu.back(), raw_cpu.back(),
                  workers[i].connections, raws[i].connections);
    runs += line;
  }
  std::printf(
      "{\"events\":%d,\"rooms\":%d,\"repeat\":%d,\"receiver_keepalive_max\":%zu,\"receiver_threads\":%d,"
      "\"worker_events_per_s\":%.0f,\"raw_posts_per_s\":%.0f,\"ratio\":%.2f,"
      "\"cpu_us_per_event\":{\"worker\":%.0f,\"raw\":%.0f},\"runs\":[%s],"
      "\"latency_events\":%zu,\"latency_rate_per_s\":%d,"
      "\"commit_to_arrival_ms\":{\"p50\":%.2f,\"p99\":%.2f,\"max\":%.2f},"
      "\"commit_to_2xx_ms\":{\"p50\":%.0f,\"p99\":%.0f,\"max\":%.0f}}\n",
      events, rooms, repeat, keepalive_max, threads, median(worker_rates), median(raw_rates), median(ratios),
      median(worker_cpu), median(raw_cpu), runs.c_str(), latency.to_arrival_ms.size(), rate,
      percentile(latency.to_arrival_ms, 0.5), percentile(latency.to_arrival_ms, 0.99),
      percentile(latency.to_arrival_ms, 1.0), percentile(latency.to_2xx_ms, 0.5), percentile(latency.to_2xx_ms, 0.99),
      percentile(latency.to_2xx_ms, 1.0));
  return 0;
}
