#pragma once
// HTTP wiring for the fake WeChat: cpp-httplib routes onto FakeWechat, the
// timeout fault's held requests, the access log and a clean stop.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "wxlived/fakewx/fake_wechat.hpp"
#include "wxlived/core/expected.hpp"

namespace httplib {
class Server;
}

namespace wxlived::fakewx {

// Wall-clock unix seconds: scenario time is now - origin.
using Clock = std::function<UnixSeconds()>;
UnixSeconds system_now();

struct ListenAddress {
  std::string host;
  int port = 0;
};
// "HOST:PORT" or "[v6]:PORT"; port 0 asks for any free port.
Expected<ListenAddress, std::string> parse_listen_address(std::string_view text);

struct ServerSettings {
  // How long the timeout fault keeps a request unanswered; stop() cuts it short.
  std::chrono::milliseconds hold_for{std::chrono::seconds(120)};
  // httplib keeps one worker per kept-alive connection: size for many clients.
  std::size_t worker_threads = 128;
  // Idle kept-alive connections close after this: it also bounds how long a
  // stop waits for idle clients.
  int keep_alive_timeout_s = 2;
};

class FakewxServer {
 public:
  FakewxServer(FakeWechat& wechat, ServerSettings settings = {}, Clock clock = system_now);
  ~FakewxServer();
  FakewxServer(const FakewxServer&) = delete;
  FakewxServer& operator=(const FakewxServer&) = delete;

  // Binds and starts listening; returns the bound port (0 picks a free one).
  Expected<int, std::string> bind(const std::string& host, int port);
  // Serves until stop(); returns false if serving failed.
  bool run();
  // From any thread, any number of times: releases held requests, then stops.
  void stop();

 private:
  void install_routes();
  // Blocks until hold_for passes or stop() is called.
  void hold_request();

  FakeWechat& wechat_;
  ServerSettings settings_;
  Clock clock_;
  std::unique_ptr<httplib::Server> http_;
  int listen_socket_ = -1;
  std::mutex stop_mutex_;
  std::condition_variable stop_signal_;
  bool stopping_ = false;
};

}  // namespace wxlived::fakewx
