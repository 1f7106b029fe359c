// Throughput of the WeChat client against wxlive-fakewx on loopback:
// list calls per second with K calls in flight on one thread, and CPU per call.
//   wechat_client_bench --api-base http://127.0.0.1:PORT --appid A --secret S --calls N --in-flight K
// Prints one JSON object.
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "wxlived/http/curl_multi.hpp"
#include "wxlived/wechat/client.hpp"
#include "wxlived/wechat/parse.hpp"

namespace {

double cpu_seconds(const rusage& r) {
  return static_cast<double>(r.ru_utime.tv_sec + r.ru_stime.tv_sec) +
         static_cast<double>(r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
}

std::int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"WeChat client throughput benchmark"};
  std::string api_base, appid, secret;
  int calls = 2000, in_flight = 1, limit = 100;
  app.add_option("--api-base", api_base)->required();
  app.add_option("--appid", appid)->required();
  app.add_option("--secret", secret)->required();
  app.add_option("--calls", calls);
  app.add_option("--in-flight", in_flight);
  app.add_option("--limit", limit);
  CLI11_PARSE(app, argc, argv);

  wxlived::http::CurlGlobal curl;
  asio::io_context io;
  wxlived::http::CurlMulti multi(io, {.user_agent = "wxlived-bench", .max_connections_per_host = in_flight});
  wxlived::config::AppSettings settings;
  settings.name = "bench";
  settings.appid = appid;
  settings.secret = wxlived::config::SecretValue(secret, "argv");
  settings.api_base = api_base;
  wxlived::wechat::WeChatClient client(io, multi, settings, unix_ms, {}, {});

  int started = 0, finished = 0, failed = 0;
  std::int64_t rooms = 0;
  std::function<void()> start_one = [&] {
    if (started >= calls) return;
    ++started;
    client.list(0, limit, [&](wxlived::Expected<wxlived::wechat::RoomListPage, wxlived::wechat::ApiError> page) {
      ++finished;
      if (page)
        rooms += static_cast<std::int64_t>(page->rooms.size());
      else
        ++failed;
      start_one();
    });
  };

  // Warm up: the token and one connection, outside the measurement.
  client.list(0, 1, [](auto) {});
  io.run();
  io.restart();

  rusage before{}, after{};
  getrusage(RUSAGE_SELF, &before);
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < in_flight; ++i) start_one();
  io.run();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  getrusage(RUSAGE_SELF, &after);
  const double cpu = cpu_seconds(after) - cpu_seconds(before);

  // The parsing share of the CPU: one list body, parsed repeatedly.
  std::string body;
  {
    std::string token;
    wxlived::http::Request t;
    t.method = wxlived::http::Request::Method::post;
    t.url = api_base + "/cgi-bin/stable_token";
    t.body = R"({"grant_type":"client_credential","appid":")" + appid + R"(","secret":")" + secret + R"("})";
    multi.start(t, [&](wxlived::http::Response r) {
      auto grant = wxlived::wechat::parse_token(r.body);
      if (grant) token = grant->access_token;
    });
    io.restart();
    io.run();
    wxlived::http::Request l;
    l.method = wxlived::http::Request::Method::post;
    l.url = api_base + "/wxa/business/getliveinfo?access_token=" + token;
    l.body = R"({"start":0,"limit":)" + std::to_string(limit) + "}";
    multi.start(l, [&](wxlived::http::Response r) { body = std::move(r.body); });
    io.restart();
    io.run();
  }
  constexpr int kParses = 500;
  const auto p0 = std::chrono::steady_clock::now();
  std::size_t parsed_rooms = 0;
  for (int i = 0; i < kParses; ++i) parsed_rooms += static_cast<std::size_t>(wxlived::wechat::parse_room_list(body)->rooms.size());
  const double parse_us =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - p0).count() / kParses;

  std::printf(
      "{\"body_bytes\":%zu,\"parse_us\":%.1f,\"parsed_rooms\":%zu,\"in_flight\":%d,\"calls\":%d,\"failed\":%d,\"rooms_parsed\":%lld,\"seconds\":%.3f,\"calls_per_s\":%.1f,"
      "\"cpu_us_per_call\":%.1f}\n",
      body.size(), parse_us, parsed_rooms / kParses, in_flight, finished, failed, static_cast<long long>(rooms), seconds, finished / seconds,
      cpu * 1e6 / finished);
  return failed == 0 ? 0 : 1;
}
