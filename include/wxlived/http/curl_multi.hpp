#pragma once
// libcurl's multi-socket interface driven by one asio::io_context: many
// requests in flight on the loop's thread, connections kept alive and reused.
//
// The mapping (after curl's docs/examples/multi-uv.c): each curl socket is
// wrapped in an asio::posix::stream_descriptor that is released, never
// closed, when curl says CURL_POLL_REMOVE; curl's timer is one steady_timer;
// curl is never called from inside a curl callback.
#include <curl/curl.h>

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <deque>
#include <memory>
#include <unordered_map>

#include "wxlived/http/exchange.hpp"

namespace wxlived::http {

// Call once in main before any CurlMulti exists (curl_global_init is not
// thread-safe on every platform).
class CurlGlobal {
 public:
  CurlGlobal();
  ~CurlGlobal();
  CurlGlobal(const CurlGlobal&) = delete;
  CurlGlobal& operator=(const CurlGlobal&) = delete;
};

class CurlMulti {
 public:
  struct Options {
    std::string user_agent = "wxlived";
    long max_connections_per_host = 8;
    long max_total_connections = 64;
    // Transfers handed to curl at once; later ones wait in this class's own
    // queue, in order, and their timeouts start when curl gets them. curl
    // scans its list of transfers waiting for a connection at every finished
    // transfer (quadratic when 10,000 apps fetch their tokens at start-up),
    // holds an easy handle with its buffers for each, and counts the wait
    // against the transfer's timeout.
    std::size_t max_transfers = 256;
  };

  CurlMulti(asio::io_context& io, Options options);
  ~CurlMulti();  // abandons transfers in flight: their handlers are not called
  CurlMulti(const CurlMulti&) = delete;
  CurlMulti& operator=(const CurlMulti&) = delete;

  // Starts `request`; `done` runs later on the io_context's thread, exactly once
  // (unless the CurlMulti is destroyed first).
  void start(Request request, ResponseHandler done);

  // Started and not yet answered: in curl, or waiting for their turn.
  std::size_t in_flight() const { return transfers_.size() + waiting_.size(); }

 private:
  struct Transfer;
  struct Socket;

  static int on_socket(CURL* easy, curl_socket_t fd, int what, void* self, void* socket_state);
  static int on_timer(CURLM* multi, long timeout_ms, void* self);
  void watch(curl_socket_t fd, int what);
  void arm(const std::shared_ptr<Socket>& socket);
  void act(curl_socket_t fd, int select_flags);
  void collect_finished();
  // Hands `request` to curl now.
  void begin(Request request, ResponseHandler done);
  // Hands waiting requests to curl while there is room.
  void begin_waiting();

  asio::io_context& io_;
  Options options_;
  struct MultiCleanup {
    void operator()(CURLM* multi) const { curl_multi_cleanup(multi); }
  };
  std::unique_ptr<CURLM, MultiCleanup> multi_;
  asio::steady_timer timer_;
  std::unordered_map<curl_socket_t, std::shared_ptr<Socket>> sockets_;
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> transfers_;
  struct Waiting {
    Request request;
    ResponseHandler done;
  };
  std::deque<Waiting> waiting_;
  std::shared_ptr<bool> alive_;  // lets posted work notice destruction
};

}  // namespace wxlived::http
