#pragma once
// Keeps the database bounded ([retention] days): once an hour, prunes old
// rows in small transactions, one per loop turn, so polling and delivery
// never wait behind a long write.
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>

#include "wxlived/store/state_store.hpp"

namespace wxlived::daemon {

class RetentionPruner {
 public:
  RetentionPruner(asio::io_context& io, store::StateStore& store, std::function<std::int64_t()> clock);

  // days == 0 keeps everything; a reload may change it.
  void set_days(int days) { days_ = days; }
  // First pass shortly after start, then hourly.
  void start();
  void stop();

 private:
  void schedule(std::chrono::steady_clock::duration delay);
  void pass();
  void step(std::int64_t cutoff_ms, store::PruneCounts total);

  asio::io_context& io_;
  store::StateStore& store_;
  std::function<std::int64_t()> clock_;
  asio::steady_timer timer_;
  int days_ = 0;
  bool stopped_ = false;
};

}  // namespace wxlived::daemon
